#!/usr/bin/env node
// The panel as a newcomer meets it, photographed in a real VS Code (code-server in headless
// Chromium), light then dark in one session, at a 300 px side bar and at full width:
//  1. a click on the real Equations lens of lstm_cell.py — the session's first reveal of the
//     panel — must leave the keyboard focus in the editor (exit 1 otherwise);
//  2. the fixture notebook's lenses; the Probe & check your code lens on lstm_cell.py (verdict,
//     your code's gradient over the reference's, and the note saying what that means);
//  3. after two LSTMs (their losses coincide), a GRU and the notebook's gradient probe: the
//     gradient chart over the probe's card, the gate saturation (LSTM i, f, o; GRU r, z) with its
//     one legend, the whole panel widened, and the Train Model wizard's cell step.
// Writes docs/screenshots/vscode-panel-{light-probe,dark-wide}.png, codelens-{notebook,python}-light.png
// and train-wizard-dark.png,
// and the other views (both themes, both widths) to --scratch (default $TMPDIR/lstm-lab-panel-shots).
// Usage: node scripts/build.mjs && node scripts/vscode/panel-screenshots.mjs [--out DIR] [--scratch DIR]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cliOption, openDriverSession, runScript, setSidebarWidth, sleep, THEMES, waitFor, webviewFrame } from './harness.mjs';
import { repoRoot } from './paths.mjs';

const args = process.argv.slice(2);
const outDir = path.resolve(cliOption(args, '--out', path.join(repoRoot, 'docs/screenshots')));
const scratchDir = path.resolve(cliOption(args, '--scratch', path.join(os.tmpdir(), 'lstm-lab-panel-shots')));
/** The shots the README shows; every other one goes to the scratch folder, to be looked at. */
const DOCS_SHOTS = new Set(['vscode-panel-light-probe', 'vscode-panel-dark-wide', 'train-wizard-dark', 'codelens-notebook-light', 'codelens-python-light']);

async function main() {
  for (const dir of [outDir, scratchDir]) fs.mkdirSync(dir, { recursive: true });
  const session = await openDriverSession('panel-screens', { workspace: path.join(repoRoot, 'test/fixtures/workspace'), theme: 'light', viewport: { width: 1500, height: 1000 } });
  const { page } = session;
  try {
    await session.waitForSignal('the driver to open lstm_cell.py', 'opened', 120_000);

    const shot = async (name) => {
      await sleep(1200);
      const file = path.join(DOCS_SHOTS.has(name) ? outDir : scratchDir, `${name}.png`);
      await page.screenshot({ path: file });
      console.log(`panel-screenshots: wrote ${path.relative(process.cwd(), file)}`);
    };

    const sidebarWidth = async (width) => {
      await setSidebarWidth(page, width);
      await sleep(800);
    };

    // 1. The first reveal, from a real click on the lens: the focus must stay in the editor.
    const lens = await waitFor(
      'the Equations lens',
      async () => {
        const link = page.locator('.part.editor .codelens-decoration a', { hasText: 'Equations' }).first();
        return (await link.count()) > 0 && (await link.isVisible()) ? link : undefined;
      },
      60_000,
    );
    await lens.click();
    const frame = await webviewFrame(page, '[data-section="runs"]');
    await sleep(1500);
    const focus = await page.evaluate(() => {
      const active = document.activeElement;
      return { inEditor: Boolean(active?.closest('.part.editor .monaco-editor')), element: `${active?.tagName.toLowerCase()}.${String(active?.className).split(' ').join('.')}` };
    });
    console.log(`panel-screenshots: after the first lens click the focus is on ${focus.element} (${focus.inEditor ? 'in the editor' : 'NOT in the editor'})`);
    await shot('focus-after-first-lens-light');
    if (!focus.inEditor) throw new Error(`the first reveal of the panel took the focus: ${focus.element}`);
    session.signal('lens-clicked');
    const fold = (open) =>
      frame.evaluate((o) => {
        for (const section of document.querySelectorAll('[data-section]')) section.open = o.includes(section.getAttribute('data-section'));
      }, open);
    const scrollTo = (selector, block) => frame.$eval(selector, (e, b) => e.scrollIntoView({ block: b }), block);

    // 2. The notebook's lenses, with the panel as it first opens (empty sections one line each).
    await session.waitForSignal('the notebook', 'notebook-open', 120_000);
    await sidebarWidth(300);
    await sleep(2000);
    await shot('codelens-notebook-light');
    session.signal('notebook-shot');

    // 3. Probe & check your code on the .py file: the verdict, and the gradient note under the chart.
    console.log('panel-screenshots: checking lstm_cell.py with the Probe & check your code lens (Python)…');
    await session.waitForSignal('the check of lstm_cell.py', 'checked', 6 * 60_000);
    await fold(['gradient', 'equations']);
    await frame.evaluate(() => window.scrollTo(0, 0));
    await shot('codelens-python-light');
    session.signal('checked-shot');

    console.log('panel-screenshots: training NaiveLSTM, OptimizedLSTM and a GRU (Quick, 30 batches), then the notebook probe…');
    await session.waitForSignal('the runs and the probe', 'ready', 12 * 60_000);
    console.log(session.driverLog());

    for (const theme of ['light', 'dark']) {
      if (theme === 'dark') {
        session.signal('switch-theme', THEMES.dark);
        await session.waitForSignal('the theme switch', 'theme-switched', 60_000);
        await sleep(2500);
      }
      await sidebarWidth(300);
      // The gradient chart above the probe's card in the runs list.
      await fold(['gradient', 'runs']);
      // The notebook probe's card (the last probe row: the gradient chart shows the latest probe).
      await frame.evaluate(() => [...document.querySelectorAll('.runs-table tr[data-kind="probe"]')].pop().scrollIntoView({ block: 'end' }));
      await shot(`vscode-panel-${theme}-probe`);
      // Gate saturation: one legend, then a chart per gate the shown runs have.
      await fold(['saturation']);
      await scrollTo('[data-section="saturation"]', 'start');
      await shot(`panel-saturation-300px-${theme}`);
      // The user's file with the panel's summary line and equations.
      await fold(['loss', 'equations']);
      await frame.evaluate(() => window.scrollTo(0, 0));
      await shot(`panel-summary-300px-${theme}`);
      // Full width: everything open.
      await sidebarWidth(1250);
      await fold(['loss', 'saturation', 'gradient', 'runs', 'equations']);
      await frame.evaluate(() => window.scrollTo(0, 0));
      await shot(`vscode-panel-${theme}-wide`);
      await scrollTo('[data-section="runs"]', 'start');
      await shot(`panel-runs-wide-${theme}`);
    }

    // The Train Model wizard's cell step: the catalog's names, the same as the panel's.
    await sidebarWidth(300);
    await page.keyboard.press('F1');
    await page.keyboard.type('LSTM Lab: Train Model', { delay: 10 });
    await sleep(800);
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget .monaco-list-row').first().waitFor({ state: 'visible', timeout: 15_000 });
    await sleep(500);
    await page.keyboard.press('Enter'); // step 1: the preset (Quick)
    await waitFor('the cell step', async () => ((await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'OptimizedLSTM' }).count()) > 0 ? true : undefined), 15_000);
    await shot('train-wizard-dark');
    await page.keyboard.press('Escape');
    return 0;
  } finally {
    await session.close();
  }
}

await runScript('panel-screenshots', main);

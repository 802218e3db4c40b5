#!/usr/bin/env node
// The charts editor tab and the side view photographed in a real VS Code (code-server in
// headless Chromium, a 1400 × 900 window), light then dark, after a Quick run, two checks of
// one Python cell and a built-in stand-in probe of a plain-JS lstmStep:
//  - the JS file beside a 300 px side bar: the stand-in's inline text must end on screen (left
//    of the minimap); measured in the workbench DOM, exit 1 otherwise;
//  - the side view at 300 px: the summary line (after the probe, still the trained model's val
//    loss: exit 1 otherwise) and the Runs cards; the loss legend (each entry inside the chart,
//    no two alike: exit 1 otherwise) and Inspect's run dropdown (its two runs of one cell told apart: exit 1
//    otherwise);
//  - the charts tab at about 750 px (side bar 600 px) and at full width (side bar hidden): the
//    summary line, the Runs table (must not scroll sideways: exit 1) and the saturation charts.
// Writes panel-tab-*.png to --out (default $TMPDIR/lstm-lab-panel-tab-shots).
// Driver: test/integration/panel-tab-screens.ts.
// Usage: node scripts/build.mjs && flock /tmp/lstm-vscode.lock node scripts/vscode/panel-tab-screenshots.mjs [--out DIR]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cliOption, isNoise, launchBrowser, remoteAuthority, sleep, startCodeServer, THEMES, waitFor, workbenchUrl } from './harness.mjs';
import { repoRoot } from './paths.mjs';

const args = process.argv.slice(2);
const outDir = path.resolve(cliOption(args, '--out', path.join(os.tmpdir(), 'lstm-lab-panel-tab-shots')));
const problems = [];

async function main() {
  const driver = path.join(repoRoot, 'dist/test/integration/panel-tab-screens.js');
  if (!fs.existsSync(driver)) throw new Error(`${driver} is missing. Run: node scripts/build.mjs`);
  const signals = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-lab-tab-screens-'));
  process.env.LSTM_LAB_SCREENS_DIR = signals;
  fs.mkdirSync(outDir, { recursive: true });
  const workspace = path.join(repoRoot, 'test/fixtures/workspace');
  const failed = () => {
    if (fs.existsSync(path.join(signals, 'failed'))) throw new Error(`the driver failed: ${fs.readFileSync(path.join(signals, 'failed'), 'utf8')}`);
  };
  /** Asks the driver for something and waits until it is done. */
  const ask = async (what, content = '') => {
    fs.writeFileSync(path.join(signals, `do-${what}`), content);
    await waitFor(`the driver to ${what}`, () => (failed(), fs.existsSync(path.join(signals, `did-${what}`)) && (fs.unlinkSync(path.join(signals, `did-${what}`)), true)), 60_000, 200);
    await sleep(1500);
  };
  let started;
  let browser;
  try {
    started = await startCodeServer({ userSettings: { 'workbench.colorTheme': THEMES.light } });
    const authority = await remoteAuthority(started.url, workspace);
    const url = workbenchUrl(started.url, authority, workspace, { extensionDevelopmentPath: repoRoot, extensionTestsPath: driver });
    browser = await launchBrowser(started, { viewport: { width: 1400, height: 900 }, deviceScaleFactor: 1 });
    const { page } = browser;
    await page.exposeFunction('codeAutomationLog', () => undefined);
    await page.exposeFunction('codeAutomationExit', () => undefined);
    page.on('pageerror', (error) => !isNoise(String(error)) && console.error(`[workbench] ${error}`));
    await page.goto(url);
    console.log('panel-tab-screenshots: training (Quick, 12 batches), two checks of lstm_cell.py, the stand-in probe of my-rnn.js…');
    await waitFor('the runs', () => (failed(), fs.existsSync(path.join(signals, 'ready'))), 12 * 60_000);
    console.log(fs.readFileSync(path.join(signals, 'driver.log'), 'utf8').trim());

    const shot = async (name) => {
      await sleep(1000);
      const file = path.join(outDir, `panel-tab-${name}.png`);
      await page.screenshot({ path: file });
      console.log(`panel-tab-screenshots: wrote ${file}`);
    };
    const sidebarWidth = async (width) => {
      const box = await page.locator('.part.sidebar').boundingBox();
      await page.mouse.move(box.x + box.width + 1, box.y + 300);
      await page.mouse.down();
      await page.mouse.move(box.x + width, box.y + 300, { steps: 8 });
      await page.mouse.up();
      await sleep(800);
    };
    /** The panel's webview frames: the one in the side bar and the one in the editor area. */
    const panelFrame = async (where) => {
      for (const frame of page.frames()) {
        if (!(await frame.$('[data-section="runs"]').catch(() => null))) continue;
        const box = await (await frame.frameElement()).boundingBox();
        const sidebar = await page.locator('.part.sidebar').boundingBox();
        const inSidebar = sidebar !== null && box !== null && box.x < sidebar.x + sidebar.width;
        if ((where === 'sidebar') === inSidebar) return frame;
      }
      throw new Error(`no panel webview in the ${where}`);
    };
    const openSections = (frame, open) =>
      frame.evaluate((o) => {
        for (const section of document.querySelectorAll('[data-section]')) section.open = o.includes(section.getAttribute('data-section'));
      }, open);
    const scrollTo = (frame, selector) => frame.$eval(selector, (e) => e.scrollIntoView({ block: 'start' }));
    /** The Runs table must fit its box; says how wide it is. */
    const checkTable = async (frame, label) => {
      const seen = await frame.$eval('.runs-scroll', (e) => ({ scroll: e.scrollWidth, client: e.clientWidth, body: document.body.clientWidth }));
      console.log(`panel-tab-screenshots: ${label}: page ${seen.body} px, runs table ${seen.scroll} px in a ${seen.client} px box`);
      if (seen.scroll > seen.client + 1) problems.push(`${label}: the Runs table scrolls sideways (${seen.scroll} > ${seen.client} px)`);
    };

    for (const theme of ['light', 'dark']) {
      if (theme === 'dark') await ask('theme-dark', THEMES.dark);
      // The JS file with the stand-in's inline text, beside a 300 px side bar.
      await sidebarWidth(300);
      await ask('js');
      const inline = await page.evaluate(() => {
        // The summary is the line's after-text (a pseudo-element): its span's box holds it.
        const line = [...document.querySelectorAll('.part.editor .view-line')].find((l) => (l.textContent ?? '').replace(/\u00a0/g, ' ').includes('function lstmStep'));
        const minimap = document.querySelector('.part.editor .minimap')?.getBoundingClientRect();
        const editor = document.querySelector('.part.editor .monaco-editor .overflow-guard')?.getBoundingClientRect();
        if (!line || !editor) return undefined;
        const spans = [...line.querySelectorAll('span')].map((s) => s.getBoundingClientRect().right);
        const after = [...line.querySelectorAll('span')].map((s) => getComputedStyle(s, '::after').content).find((c) => c.includes('gradient'));
        return { text: (after ?? '').replace(/\u00a0/g, ' ').replace(/^"|"$/g, ''), right: Math.max(...spans), edge: minimap && minimap.width > 0 ? minimap.left : editor.right };
      });
      if (!inline?.text) problems.push(`${theme}: the stand-in's inline text is not on the lstmStep line`);
      else {
        console.log(`panel-tab-screenshots: ${theme}: "${inline.text}" ends at ${Math.round(inline.right)} px, the visible code ends at ${Math.round(inline.edge)} px`);
        if (inline.right > inline.edge) problems.push(`${theme}: the stand-in's inline text runs ${Math.round(inline.right - inline.edge)} px past the visible code`);
      }
      await shot(`js-inline-${theme}`);

      // The side view at 300 px: the summary line over the Runs cards.
      const side = await panelFrame('sidebar');
      await openSections(side, ['runs']);
      await side.evaluate(() => window.scrollTo(0, 0));
      // The stand-in probe ran last: the summary line keeps the last trained model's loss beside it.
      const summary = await side.$eval('.status-line', (p) => p.textContent ?? '');
      console.log(`panel-tab-screenshots: ${theme}, side bar 300 px: summary "${summary}"`);
      if (!/done: .* · GateByGateLSTM val loss \d/.test(summary)) problems.push(`${theme}: the summary after the probe lost the trained model's val loss: "${summary}"`);
      await shot(`side-300-${theme}`);
      // The loss legend at 300 px: a lens run's long name must stay inside the chart; then Inspect's run dropdown.
      await openSections(side, ['loss']);
      await sleep(500);
      const legend = await side.evaluate(() => {
        const chart = window.lstmLabPanel?.lossChart;
        return chart ? { width: chart.width, entries: chart.legend.legendHitBoxes.map((b, k) => ({ text: chart.legend.legendItems[k].text, left: b.left, right: b.left + b.width })) } : undefined;
      });
      for (const e of legend?.entries ?? [])
        if (e.left < 0 || e.right > legend.width + 0.5) problems.push(`${theme}: the loss legend's "${e.text}" spans ${e.left}–${e.right} px of a ${legend.width} px chart`);
      console.log(`panel-tab-screenshots: ${theme}, side bar 300 px: loss legend ${JSON.stringify(legend?.entries.map((e) => e.text))}`);
      const texts = legend?.entries.map((e) => e.text) ?? [];
      if (new Set(texts).size < texts.length) problems.push(`${theme}: the loss legend shows two runs alike: ${texts.join(' | ')}`);
      await shot(`side-300-loss-${theme}`);
      await openSections(side, ['inspect']);
      await sleep(500);
      // Two runs of one lens cell: their options, as the closed dropdown shows them, must differ.
      const options = await side.$$eval('.inspect-run option', (all) => all.map((o) => ({ text: o.text, title: o.title })));
      console.log(`panel-tab-screenshots: ${theme}, side bar 300 px: Inspect's runs ${JSON.stringify(options)}`);
      if (new Set(options.map((o) => o.text)).size < options.length) problems.push(`${theme}: Inspect's run dropdown shows two runs alike: ${options.map((o) => o.text).join(' | ')}`);
      await shot(`side-300-inspect-${theme}`);

      // The charts tab at about 750 px: the side bar 600 px wide.
      await ask('charts');
      await sidebarWidth(600);
      const tab = await panelFrame('editor');
      await openSections(tab, ['loss', 'saturation', 'gradient', 'runs']);
      await tab.evaluate(() => window.scrollTo(0, 0));
      await shot(`tab-750-top-${theme}`);
      await scrollTo(tab, '[data-section="runs"]');
      await checkTable(tab, `${theme}, tab beside a 600 px side bar`);
      await shot(`tab-750-runs-${theme}`);
      await scrollTo(tab, '[data-section="saturation"]');
      await shot(`tab-750-saturation-${theme}`);

      // Full width: the side bar hidden.
      await ask('toggle-sidebar');
      await tab.evaluate(() => window.scrollTo(0, 0));
      await shot(`tab-wide-top-${theme}`);
      await scrollTo(tab, '[data-section="runs"]');
      await checkTable(tab, `${theme}, tab at full width`);
      await shot(`tab-wide-runs-${theme}`);
      await scrollTo(tab, '[data-section="saturation"]');
      await shot(`tab-wide-saturation-${theme}`);
      await ask('toggle-sidebar');
    }
    for (const problem of problems) console.error(`panel-tab-screenshots: ${problem}`);
    return problems.length ? 1 : 0;
  } finally {
    fs.writeFileSync(path.join(signals, 'done'), '');
    await sleep(500);
    await browser?.context.close().catch(() => undefined);
    await started?.stop();
  }
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(`panel-tab-screenshots: ${error instanceof Error ? error.stack : error}`);
  process.exitCode = 1;
}

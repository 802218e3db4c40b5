#!/usr/bin/env node
// A newcomer's first ten minutes in a real VS Code (code-server in headless Chromium), photographed:
// the Getting Started walkthrough, the tutorial notebook with its lenses and the panel lighting
// the gate under the cursor, two Quick runs (the charts tab before and after a lens probe), an
// inspection, a check of the tutorial's RNN changed to sigmoid, the walkthrough with its steps
// ticked. Then it unticks log scale in the side view, which the charts tab must follow, reloads
// the window and checks that the charts tab comes back (the serializer) with the runs drawn and
// the linear scale kept: exit 1 when it does not.
// The extension side is test/integration/firstrun-screens.ts; they talk through signal files.
//
// Usage: node scripts/build.mjs && node scripts/vscode/firstrun-screenshots.mjs [--theme dark|light] [--out DIR] [--media DIR]
//   --out DIR    full-window screenshots (default: a temporary folder, printed)
//   --media DIR  also write the walkthrough's step images there (e.g. media/walkthrough): crops
//                of the part that matters, about as wide as the Welcome page shows them (530 px
//                beside the steps), taken at twice the pixel density so they stay sharp
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cliOption, openDriverSession, runScript, sleep, themeOption, waitFor as waitForInHarness } from './harness.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => cliOption(args, name, fallback);
const theme = themeOption(args);
const outDir = path.resolve(option('--out', fs.mkdtempSync(path.join(os.tmpdir(), 'firstrun-shots-'))));
const mediaDir = option('--media') ? path.resolve(option('--media')) : undefined;

const waitFor = (what, check, timeoutMs) => waitForInHarness(what, check, timeoutMs, 400);

async function main() {
  fs.mkdirSync(outDir, { recursive: true });
  if (mediaDir) fs.mkdirSync(mediaDir, { recursive: true });
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-lab-newcomer-'));
  let session;
  try {
    session = await openDriverSession('firstrun-screens', {
      workspace,
      theme,
      // Code wraps at 72 columns, so a crop of a cell never cuts a line.
      userSettings: { 'workbench.startupEditor': 'none', 'editor.wordWrap': 'wordWrapColumn', 'editor.wordWrapColumn': 72 },
      viewport: { width: 1600, height: 1000 },
      deviceScaleFactor: mediaDir ? 2 : 1,
      pollMs: 400,
    });
    const { page } = session;
    const posed = (name) => session.waitForSignal(`the driver to show ${name}`, `pose-${name}`, 6 * 60_000);
    const taken = (name) => session.signal(`shot-${name}`);
    const shot = async (name) => {
      await sleep(800);
      const file = path.join(outDir, `${name}-${theme}.png`);
      await page.screenshot({ path: file, scale: 'css' });
      console.log(`firstrun-screenshots: wrote ${file}`);
    };
    /** The webview frame of the panel's page: the editor tab's (wide) or the side view's. */
    const panelFrame = async (where) => {
      for (const frame of page.frames()) {
        if (!(await frame.$('main.panel').catch(() => null))) continue;
        const box = await (await frame.frameElement()).boundingBox();
        if (box && (where === 'editor' ? box.width > 700 : box.width <= 700)) return frame;
      }
      return undefined;
    };
    // Text (code, the inspect view) at most 560 px wide, so it shows at nearly its own size; a chart
    // keeps its section's width (about 600 px), or its axis would be cut.
    const TEXT_WIDTH = 560;
    const CHART_WIDTH = 640;
    const mediaClip = async (name, clip, maxWidth = TEXT_WIDTH) => {
      const file = path.join(mediaDir, `${name}-${theme}.png`);
      await page.screenshot({ path: file, clip: { ...clip, width: Math.min(clip.width, maxWidth) } });
      console.log(`firstrun-screenshots: wrote ${file}`);
    };
    const media = async (frame, selector, name, maxHeight = 420, maxWidth = CHART_WIDTH) => {
      if (!mediaDir) return;
      const element = frame.locator(selector).first();
      await element.scrollIntoViewIfNeeded();
      const box = await element.boundingBox();
      await mediaClip(name, { x: box.x, y: box.y, width: box.width, height: Math.min(box.height, maxHeight) }, maxWidth);
    };
    /**
     * A notebook cell from its lens line down (the cell whose lens names `lensText`), from the code's
     * left edge to the end of its longest line or of the inline result after its header line
     * (a decoration's after-text is inside its span), at least TEXT_WIDTH and at most CHART_WIDTH.
     */
    const cellMedia = async (lensText, name) => {
      if (!mediaDir) return;
      const lens = page.locator('.notebookOverlay .codelens-decoration', { hasText: lensText }).first();
      const lensBox = await lens.boundingBox();
      const editor = lens.locator('xpath=ancestor::div[contains(concat(" ", @class, " "), " monaco-editor ")][1]');
      const editorBox = await editor.boundingBox();
      const right = await editor.evaluate((e) => Math.max(...[...e.querySelectorAll('.view-line span')].map((s) => s.getBoundingClientRect().right)));
      const x = lensBox.x - 8;
      const width = Math.min(CHART_WIDTH, Math.max(TEXT_WIDTH, Math.ceil(right - x + 10)));
      if (right - x + 10 > width) console.log(`firstrun-screenshots: ${name}: text reaches ${Math.round(right - x)} px, past the ${width} px crop`);
      await mediaClip(name, { x, y: lensBox.y - 8, width, height: Math.min(editorBox.y + editorBox.height - lensBox.y + 14, 440) }, CHART_WIDTH);
    };

    await posed('walkthrough');
    await page.locator('.gettingStartedContainer').first().waitFor({ state: 'visible', timeout: 30_000 });
    await shot('walkthrough');
    taken('walkthrough');

    await posed('tutorial');
    await waitFor('the lenses', () => page.$('.notebookOverlay .codelens-decoration a'), 30_000);
    const side = await waitFor('the side panel', () => panelFrame('side view'), 60_000);
    // The side panel scrolled to the equations, where the gate under the cursor is lit.
    await side.$eval('[data-section="equations"]', (s) => s.scrollIntoView({ block: 'start' }));
    await shot('tutorial-lenses');
    await media(side, '[data-section="equations"]', 'equations', 420);
    taken('tutorial');

    await posed('tutorial-rnn');
    await cellMedia('simple RNN', 'tutorial');
    taken('tutorial-rnn');

    console.log('firstrun-screenshots: two Quick runs on Brown and a probe (a few minutes)…');
    await posed('charts-before-probe');
    await waitFor('the charts editor', () => panelFrame('editor'), 60_000);
    await shot('charts-editor-before-probe');
    taken('charts-before-probe');

    await posed('charts');
    const editorFrame = await waitFor('the charts editor', () => panelFrame('editor'), 60_000);
    await shot('charts-editor');
    await media(editorFrame, '[data-section="loss"]', 'train', 440);
    await media(editorFrame, '[data-section="gradient"]', 'probe', 440);
    taken('charts');

    await posed('inspect');
    const inspectFrame = await waitFor('the charts editor', () => panelFrame('editor'), 60_000);
    await waitFor('the capture', () => inspectFrame.$('.heat-cell'), 120_000);
    // The unit the panel opens on is the one whose h varies most over the sentence: its colours say the most.
    await inspectFrame.$eval('[data-section="inspect"]', (s) => s.scrollIntoView({ block: 'start' }));
    await shot('charts-editor-inspect');
    if (mediaDir) {
      // The run, the sentence and its row of gate colours, down to the end of that row, magnified:
      // the section laid out 430 px wide (its text wraps there, as in a narrow editor) and zoomed
      // 1.3× to fill the image's width, so it reads at the Welcome page's size. Undone after.
      const ZOOM = 1.3;
      await inspectFrame.evaluate(
        ({ zoom, width }) => {
          const section = document.querySelector('[data-section="inspect"]');
          section.style.maxWidth = `${width}px`;
          section.style.zoom = String(zoom);
          section.scrollIntoView({ block: 'start' });
        },
        { zoom: ZOOM, width: Math.floor(TEXT_WIDTH / ZOOM) },
      );
      await sleep(500);
      const section = await inspectFrame.locator('[data-section="inspect"]').boundingBox();
      const row = await inspectFrame.locator('[data-part="activations"] .heat-strip').boundingBox();
      await mediaClip('inspect', { x: section.x, y: section.y, width: section.width, height: Math.min(row.y + row.height + 8 - section.y, 640) });
      await inspectFrame.evaluate(() => {
        const section = document.querySelector('[data-section="inspect"]');
        section.style.maxWidth = '';
        section.style.zoom = '';
      });
    }
    taken('inspect');

    await posed('check');
    await waitFor('the squiggle', () => page.$('.notebookOverlay [class*="squiggly-"]'), 60_000);
    await shot('check');
    await cellMedia('simple RNN', 'check');
    taken('check');

    await posed('walkthrough-done');
    await shot('walkthrough-done');
    taken('walkthrough-done');

    await posed('before-reload');
    const editorBefore = await waitFor('the charts editor', () => panelFrame('editor'), 60_000);
    const before = await editorBefore.evaluate(() => window.lstmLabPanel.lossChart?.data.datasets.length ?? 0);
    // A view choice made in the side view shows in the charts tab (through the host) and outlives the reload.
    const gradientScale = (frame) => frame.evaluate(() => window.lstmLabPanel?.gradientChart?.options.scales.y.type).catch(() => undefined);
    const sideBefore = await waitFor('the side panel', () => panelFrame('side view'), 60_000);
    await sideBefore.click('.log-scale');
    await waitFor('the charts tab to follow the side view to a linear scale', async () => (await gradientScale(editorBefore)) === 'linear', 15_000);
    console.log('firstrun-screenshots: log scale unticked in the side view; the charts tab followed');
    await shot('charts-editor-linear');
    taken('before-reload');
    console.log(`firstrun-screenshots: reloading the window with the charts tab open (${before} loss series drawn)`);
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget .quick-input-box input').waitFor({ state: 'visible', timeout: 15_000 });
    await page.keyboard.type('Developer: Reload Window', { delay: 10 });
    await sleep(600);
    await page.keyboard.press('Enter');
    await sleep(5000);
    await page.locator('.monaco-workbench .part.activitybar').waitFor({ state: 'visible', timeout: 60_000 });
    const restored = await waitFor(
      'the charts tab after the reload',
      async () => {
        const frame = await panelFrame('editor');
        const drawn = frame ? await frame.evaluate(() => window.lstmLabPanel?.lossChart?.data.datasets.length ?? 0).catch(() => 0) : 0;
        return drawn > 0 ? drawn : undefined;
      },
      90_000,
    );
    const tabTitle = await page.locator('.tabs-container .tab.active').first().getAttribute('aria-label');
    await shot('charts-editor-after-reload');
    const scaleAfter = await gradientScale(await panelFrame('editor'));
    console.log(`firstrun-screenshots: after the reload the tab "${tabTitle}" draws ${restored} loss series (before: ${before}), gradient axis ${scaleAfter}`);
    if (restored !== before) throw new Error(`the restored charts tab draws ${restored} loss series, not ${before}`);
    if (scaleAfter !== 'linear') throw new Error(`the restored charts tab draws the gradient on a ${scaleAfter} axis: the linear scale chosen before the reload was lost`);
    session.signal('done');
    console.log(session.driverLog());
    console.log(`firstrun-screenshots: passed; pictures in ${outDir}`);
    return 0;
  } finally {
    await session?.close();
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

await runScript('firstrun-screenshots', main);

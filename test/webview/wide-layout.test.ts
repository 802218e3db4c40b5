// The panel's page at full width (the charts editor tab) in headless Chromium: once both have
// data, the loss and gradient charts sit side by side under the toolbar, each about half the
// width, and every other section keeps the full width; while one is empty it is a line across
// the page and the other chart takes the whole width. In a side bar (460 px) everything is one
// column, as before.
import assert from 'node:assert/strict';
import type { HostToWebview } from '../../src/shared/protocol';
import { compareRuns, probeRun } from './fixtures';
import { usePanelInChromium } from './helpers';

const NONCE = 'd2lkZS1sYXlvdXQtdGVzdC1ub25jZQ==';
type Box = { x: number; y: number; width: number; height: number };

describe('panel page at full width', function () {
  this.timeout(120_000);
  const served = usePanelInChromium(NONCE);

  /** The boxes of the toolbar and of each top-level section, at a viewport width, after the host's messages. */
  async function layout(width: number, messages: HostToWebview[] = []): Promise<Record<string, Box>> {
    const context = await served.browser.newContext({ viewport: { width, height: 900 } });
    try {
      // A string, not a function: tsx would wrap a function's inner names with its __name helper, absent in the page.
      await context.addInitScript({ content: 'window.__name = (f) => f; window.acquireVsCodeApi = () => ({ postMessage() {}, getState() {}, setState() {} });' });
      const page = await context.newPage();
      await page.goto(`${served.origin}/`);
      await page.waitForSelector('[data-section="equations"]');
      await page.evaluate((all) => {
        for (const m of all) window.postMessage(m, '*');
      }, messages);
      // The render waits for an animation frame; the collapsibles re-render after it.
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      await page.waitForTimeout(100);
      return await page.evaluate(() => {
        const boxes: Record<string, { x: number; y: number; width: number; height: number }> = {};
        const box = (e: Element) => {
          const r = e.getBoundingClientRect();
          return { x: Math.round(r.x), y: Math.round(r.y), width: Math.round(r.width), height: Math.round(r.height) };
        };
        boxes.toolbar = box(document.querySelector('.toolbar')!);
        for (const s of document.querySelectorAll('main.panel > [data-section]')) boxes[s.getAttribute('data-section')!] = box(s);
        return boxes;
      });
    } finally {
      await context.close();
    }
  }

  const runsAndProbe: HostToWebview[] = [{ type: 'runs', runs: [...compareRuns(), probeRun()] }];

  it('at 1400 px with runs and a probe: loss and gradient side by side, half the width each; the others full width below them', async () => {
    const b = await layout(1400, runsAndProbe);
    const full = b.toolbar!.width;
    assert.ok(full > 1300, `the page uses the width (${full} px)`);
    assert.equal(b.loss!.y, b.gradient!.y, 'loss and gradient on one row');
    assert.ok(b.gradient!.x > b.loss!.x + b.loss!.width - 1, 'gradient right of loss');
    for (const id of ['loss', 'gradient']) assert.ok(b[id]!.width > full * 0.45 && b[id]!.width < full * 0.55, `${id}: ${b[id]!.width} of ${full}`);
    for (const [id, box] of Object.entries(b)) {
      if (id === 'toolbar' || id === 'loss' || id === 'gradient') continue;
      assert.ok(box.width > full - 2, `${id} is full width (${box.width} of ${full})`);
      assert.ok(box.y > b.loss!.y, `${id} is below the charts`);
    }
  });

  it('at 1400 px before any probe: the loss chart takes the whole width, the empty gradient section is one line under it', async () => {
    const b = await layout(1400, [{ type: 'runs', runs: compareRuns() }]);
    const full = b.toolbar!.width;
    assert.ok(b.loss!.width > full - 2, `loss is full width (${b.loss!.width} of ${full})`);
    assert.ok(b.loss!.height > 250, `loss shows its chart (${b.loss!.height} px high)`);
    assert.ok(b.gradient!.width > full - 2, `the empty gradient section is full width (${b.gradient!.width} of ${full})`);
    assert.ok(b.gradient!.y >= b.loss!.y + b.loss!.height, 'gradient below loss');
    assert.ok(b.gradient!.height < 40, `the empty gradient section is one line (${b.gradient!.height} px)`);
  });

  it('at 1400 px with nothing yet: every section is a line across the page', async () => {
    const b = await layout(1400);
    const full = b.toolbar!.width;
    for (const id of ['loss', 'gradient', 'runs']) {
      assert.ok(b[id]!.width > full - 2, `${id} is full width (${b[id]!.width} of ${full})`);
      assert.ok(b[id]!.height < 40, `${id} is one line (${b[id]!.height} px)`);
    }
  });

  it('at 460 px (a side bar): one column in page order', async () => {
    const b = await layout(460);
    const sections = Object.entries(b).filter(([id]) => id !== 'toolbar');
    for (const [id, box] of sections) assert.ok(box.width > b.toolbar!.width - 2, `${id} full width`);
    const ys = sections.map(([, box]) => box.y);
    assert.deepEqual(
      ys,
      [...ys].sort((p, q) => p - q),
      'sections stacked in DOM order',
    );
  });
});

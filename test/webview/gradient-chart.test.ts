// The gradient chart after "Probe & check your code" on the buggy notebook's MyLSTM (h_t = o_t * c_t,
// no tanh), in headless Chromium: the series are what the Python runner returned for that cell
// (recorded by test/webview/record-user-probe.ts), turned into a run by the host's own
// userProbeRun and sent through JSON as VS Code's postMessage does. Their norms fall to 2e-32.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { planNotebook, type CellResult } from '../../src/python';
import { userProbeRun } from '../../src/host/core/user-code-report';
import { encodeNonFinite } from '../../src/shared/non-finite';
import type { RunRecord } from '../../src/shared/protocol';
import { usePanelInChromium } from './helpers';
import { CELL, NOTEBOOK, RECORDED } from './record-user-probe';

const NONCE = 'Z3JhZGllbnQtY2hhcnQtdGVzdC1ub25jZQ==';

/** What the panel's gradient chart drew: per line, each point's value and pixel; the y axis's range and tick labels. */
interface Drawn {
  lines: { label: string; points: { value: number | null; y: number; skip: boolean }[] }[];
  area: { top: number; bottom: number };
  axis: { type: string; min: number; max: number; labels: string[] };
  note: string | null;
}

function recordedRun(edit: (run: RunRecord) => void = () => undefined): RunRecord {
  const result = JSON.parse(fs.readFileSync(RECORDED, 'utf8')) as CellResult;
  const plan = planNotebook(fs.readFileSync(NOTEBOOK, 'utf8')).find((p) => p.cell.name === CELL);
  assert.ok(plan, `${CELL} is detected in the notebook`);
  const run = userProbeRun(plan, result, 'buggy_notebook.ipynb cell 3, line 1', 1_764_400_000_000);
  assert.ok(run, 'the recorded result has probe series');
  edit(run);
  return run;
}

describe('gradient chart of a probe of your own code', function () {
  this.timeout(120_000);
  const served = usePanelInChromium(NONCE);

  async function settle(page: Page): Promise<void> {
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  }

  /** Opens the panel in a side bar's width and sends it the run as the host and VS Code would. */
  async function panelWith(run: RunRecord): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> {
    const context = await served.browser.newContext({ viewport: { width: 460, height: 900 }, deviceScaleFactor: 1 });
    // A string, not a function: tsx would wrap a function's inner names with its __name helper, absent in the page.
    await context.addInitScript({ content: 'window.__name = (f) => f; window.acquireVsCodeApi = () => ({ postMessage() {}, getState() {}, setState() {} });' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && !/Failed to load resource/.test(m.text()) && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${served.origin}/`);
    await page.waitForSelector('[data-section="equations"]');
    // What the host's panel posts (non-finite numbers marked), as VS Code carries it: in JSON.
    const wire = JSON.stringify(encodeNonFinite({ type: 'runs', runs: [run] }));
    await page.evaluate((text) => window.postMessage(JSON.parse(text), '*'), wire);
    await settle(page);
    return { page, errors, close: () => context.close() };
  }

  async function drawn(page: Page): Promise<Drawn> {
    await settle(page);
    return page.evaluate(() => {
      interface Element {
        y: number;
        skip: boolean;
      }
      const chart = (
        window as unknown as {
          lstmLabPanel: {
            gradientChart: {
              data: { datasets: { label: string; data: { y: number | null }[] }[] };
              getDatasetMeta(i: number): { data: Element[] };
              chartArea: { top: number; bottom: number };
              scales: { y: { type: string; min: number; max: number; ticks: { label?: string | string[] }[] } };
            };
          };
        }
      ).lstmLabPanel.gradientChart;
      const note = document.querySelector<HTMLElement>('[data-note="gradient-undrawn"]');
      return {
        lines: chart.data.datasets.map((d, i) => ({
          label: d.label,
          points: chart.getDatasetMeta(i).data.map((e, k) => ({ value: d.data[k].y, y: e.y, skip: e.skip })),
        })),
        area: { top: chart.chartArea.top, bottom: chart.chartArea.bottom },
        axis: { type: chart.scales.y.type, min: chart.scales.y.min, max: chart.scales.y.max, labels: chart.scales.y.ticks.map((t) => String(t.label ?? '')) },
        note: note && !note.hidden ? note.textContent : null,
      };
    });
  }

  /** Every point with a value sits on the plot (a finite pixel inside it), higher for a larger norm. */
  function assertDrawn(chart: Drawn, line: Drawn['lines'][number]): void {
    const placed = line.points.filter((p) => p.value !== null);
    assert.ok(placed.length > 0, `${line.label}: some points`);
    for (const p of placed) {
      assert.ok(Number.isFinite(p.y) && !p.skip, `${line.label}: the point of ${p.value} has pixel y ${p.y}`);
      assert.ok(p.y >= chart.area.top - 0.5 && p.y <= chart.area.bottom + 0.5, `${line.label}: ${p.value} at y ${p.y}, inside ${chart.area.top}..${chart.area.bottom}`);
    }
    // Screen y grows downwards: ordered by value, the pixels go up (ties aside).
    const byValue = [...placed].sort((a, b) => (a.value as number) - (b.value as number));
    for (let k = 1; k < byValue.length; k++)
      if ((byValue[k].value as number) > (byValue[k - 1].value as number)) assert.ok(byValue[k].y <= byValue[k - 1].y + 1e-6, `${line.label}: ${byValue[k].value} drawn above ${byValue[k - 1].value}`);
  }

  it('draws all six series (norms from 3.1 down to 2e-32) as lines on a log axis with labelled decades, and on a linear one', async () => {
    const run = recordedRun();
    const smallest = Math.min(...run.probeSeries.flatMap((s) => s.norms));
    assert.ok(smallest > 0 && smallest < 1e-30, `the runner's norms reach ${smallest}`);
    const { page, errors, close } = await panelWith(run);
    try {
      const log = await drawn(page);
      assert.equal(log.axis.type, 'logarithmic');
      assert.deepEqual(
        log.lines.map((l) => l.label),
        ['your code: MyLSTM, b_f = +1', 'reference LSTM, b_f = +1', 'your code: MyLSTM, b_f = 0', 'reference LSTM, b_f = 0', 'your code: MyLSTM, b_f = -1', 'reference LSTM, b_f = -1'],
      );
      for (const line of log.lines) {
        assert.equal(line.points.filter((p) => p.value !== null).length, 100, `${line.label}: every norm is finite and positive, so every one is drawn`);
        assertDrawn(log, line);
      }
      assert.ok(log.axis.min > 0 && log.axis.min <= smallest && log.axis.max >= 3.08, `y axis ${log.axis.min}..${log.axis.max} holds every norm`);
      assert.ok(log.axis.labels.filter((l) => l !== '').length >= 2, `y ticks labelled: ${log.axis.labels}`);
      assert.equal(log.note, null, 'every value drawn: no note');

      await page.click('vscode-checkbox.log-scale');
      const linear = await drawn(page);
      assert.equal(linear.axis.type, 'linear');
      for (const line of linear.lines) assertDrawn(linear, line);
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  it('leaves a gap where a series reaches 0, draws the rest, and says which series and from which step under the chart', async () => {
    // As a float32 cell would give: the b_f = −1 norms underflow to 0 from step 37 on.
    const run = recordedRun((r) => {
      const mine = r.probeSeries[4];
      mine.norms = mine.norms.map((v, t) => (t + 1 >= 37 ? 0 : v));
    });
    const { page, errors, close } = await panelWith(run);
    try {
      const log = await drawn(page);
      const cut = log.lines[4];
      assert.equal(cut.label, 'your code: MyLSTM, b_f = -1');
      assert.deepEqual(
        cut.points.map((p, t) => (p.value === null ? t + 1 : 0)).filter((t) => t > 0),
        Array.from({ length: 64 }, (_, k) => 37 + k),
        'a gap from step 37',
      );
      for (const line of log.lines) assertDrawn(log, line);
      assert.equal(log.note, 'Not drawn on the log scale, so the line has a gap there: your code: MyLSTM, b_f = -1 reaches 0 at step 37 (64 of 100 steps). Untick “log scale” to see the zeros.');

      // On a linear axis 0 is a value like any other: drawn, and no note.
      await page.click('vscode-checkbox.log-scale');
      const linear = await drawn(page);
      assert.equal(linear.lines[4].points.filter((p) => p.value === 0).length, 64);
      for (const line of linear.lines) assertDrawn(linear, line);
      assert.equal(linear.note, null);
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  it('shows a series whose gradient overflowed (NaN, ±∞ from the runner, null after its JSON) with a gap, and says so', async () => {
    // The runner writes a NaN norm as null; the host reads it back as NaN; VS Code's postMessage is JSON.
    const run = recordedRun((r) => {
      const reference = r.probeSeries[1];
      reference.norms = reference.norms.map((v, t) => (t + 1 === 5 ? Number.POSITIVE_INFINITY : t + 1 > 90 ? Number.NaN : v));
    });
    const { page, errors, close } = await panelWith(run);
    try {
      const log = await drawn(page);
      assert.equal(log.lines.length, 6, 'the run arrived and is drawn');
      const overflowed = log.lines[1];
      assert.equal(overflowed.label, 'reference LSTM, b_f = +1');
      assert.deepEqual(
        overflowed.points.map((p, t) => (p.value === null ? t + 1 : 0)).filter((t) => t > 0),
        [5, ...Array.from({ length: 10 }, (_, k) => 91 + k)],
      );
      for (const line of log.lines) assertDrawn(log, line);
      assert.equal(log.note, 'Not drawn on the log scale, so the line has a gap there: reference LSTM, b_f = +1 is not finite (NaN or ±∞: the gradient overflowed) at step 5 (11 of 100 steps).');
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });
});

// The panel in a 300 px side bar (the width VS Code gives it beside a notebook), light and
// dark: the loss legend's entries stay inside the chart (a long name from a Train lens is
// shortened, the whole name on hover), the Runs card says a running value in words rather
// than with a trailing "…", the empty sections' notes and the Inspect run dropdown are not
// cut; and the Inspect results read as values: heat tiles apart, a colour scale and named axes
// on the gradient-flow heatmap, and a count that says why it is one less than the text.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { GradientFlow } from '../../src/shared/inspect-types';
import type { HostToWebview, RunRecord } from '../../src/shared/protocol';
import { compareRuns, lstmSaturation, runningRun } from './fixtures';
import { openThemedPanel, usePanelInChromium } from './helpers';
import { DARK_MODERN, LIGHT_MODERN, type WebviewTheme } from './themes';

const NONCE = 'bmFycm93LXNpZGUtYmFyLXRlc3Q=';
const screenshotDir = path.join(__dirname, 'screenshots');
const LENS_TITLE = 'GateByGateLSTM, trained as NaiveLSTM · quick · Brown';

/** A finished run named by a Train lens (with a checkpoint, so Inspect offers it), a palette run, and one still running. */
function sideBarRuns(): RunRecord[] {
  const [, naive, , fused] = compareRuns();
  return [
    { ...naive, id: 'lens-run', title: LENS_TITLE, checkpoint: '/tmp/checkpoints/lens' },
    { ...fused, id: 'palette-run', title: 'OptimizedLSTM · quick · Brown', checkpoint: '/tmp/checkpoints/palette' },
    runningRun(),
  ];
}

function flowOf(text: string): GradientFlow {
  const all = Array.from(text);
  const chars = all.slice(0, -1);
  const norms = chars.map((_, t) => chars.map((__, s) => (s <= t ? 10 ** -(t - s) * 0.5 : 0)));
  return { cell: 'fused-lstm', chars, targets: all.slice(1), norms, losses: chars.map(() => 2), byDistance: chars.map((_, d) => 0.5 * 10 ** -d), seconds: 0.1 };
}

describe('panel in a 300 px side bar', function () {
  this.timeout(120_000);
  const served = usePanelInChromium(NONCE);
  before(() => fs.mkdirSync(screenshotDir, { recursive: true }));

  const panel = (theme: WebviewTheme, messages: HostToWebview[], width = 300): Promise<Page> => openThemedPanel(served, width, theme, messages);

  async function send(page: Page, messages: unknown[]): Promise<void> {
    await page.evaluate((all) => {
      for (const m of all) window.postMessage(m, '*');
    }, messages);
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    await page.waitForTimeout(150);
  }

  for (const theme of [LIGHT_MODERN, DARK_MODERN]) {
    const name = theme === LIGHT_MODERN ? 'light' : 'dark';
    it(`(${name}) every loss-legend entry inside the chart, a lens run as its cell and preset, its whole name on hover`, async () => {
      const page = await panel(theme, [{ type: 'runs', runs: sideBarRuns() }]);
      try {
        const legend = await page.evaluate(() => {
          const canvas = document.querySelector<HTMLCanvasElement>('canvas[data-chart="loss"]')!;
          type Legend = { legendHitBoxes: { left: number; top: number; width: number; height: number }[]; legendItems: { text: string }[] };
          const instance = (window as unknown as { lstmLabPanel: { lossChart: { width: number; legend: Legend } } }).lstmLabPanel.lossChart;
          const { top, left } = canvas.getBoundingClientRect();
          return { width: instance.width, top, left, boxes: instance.legend.legendHitBoxes.map((b) => ({ ...b })), texts: instance.legend.legendItems.map((i) => i.text) };
        });
        assert.ok(legend.boxes.length >= 4, `${legend.boxes.length} legend entries`);
        legend.boxes.forEach((b, k) => assert.ok(b.left >= 0 && b.left + b.width <= legend.width + 0.5, `"${legend.texts[k]}" spans ${b.left}–${b.left + b.width}, the chart 0–${legend.width}`));
        assert.ok(legend.texts.includes('GateByGateLSTM · quick · Brown'), `the lens run as its cell and preset: ${legend.texts.join(' | ')}`);
        assert.ok(legend.texts.includes('OptimizedLSTM · quick · Brown'), 'a name that fits stays whole');
        const k = legend.texts.indexOf('GateByGateLSTM · quick · Brown');
        const b = legend.boxes[k];
        await page.mouse.move(legend.left + b.left + b.width / 2, legend.top + b.top + b.height / 2);
        await page.waitForTimeout(100);
        assert.equal(await page.$eval('canvas[data-chart="loss"]', (c) => c.getAttribute('title')), LENS_TITLE);
        await page.locator('[data-section="loss"]').screenshot({ path: path.join(screenshotDir, `side300-loss-legend-${name}.png`) });
      } finally {
        await page.context().close();
      }
    });

    it(`(${name}) the Runs card: a running run's time and loss in words, nothing cut; the empty sections' notes whole`, async () => {
      const page = await panel(theme, [{ type: 'runs', runs: [runningRun()] }]);
      try {
        const cells = await page.$$eval('.runs-table tr[data-run-id] td', (tds) =>
          tds.filter((td) => td.getBoundingClientRect().width > 0).map((td) => ({ column: td.getAttribute('data-column'), text: td.textContent ?? '', cut: td.scrollWidth > td.clientWidth + 1 })),
        );
        for (const cell of cells) assert.equal(cell.cut, false, `${cell.column} is cut: ${cell.text}`);
        const time = cells.find((c) => c.column === 'epochTime')!.text;
        const loss = cells.find((c) => c.column === 'trainLoss')!.text;
        assert.match(time, /^\d+:\d\d so far$/);
        assert.match(loss, /^\d\.\d{3} \(last batch\)$/);
        const notes = await page.$$eval('vscode-collapsible.is-empty', (sections) =>
          sections.map((s) => {
            const title = s.shadowRoot!.querySelector<HTMLElement>('.title')!;
            return { section: s.getAttribute('data-section'), note: s.getAttribute('title'), cut: title.scrollWidth > title.clientWidth + 1 };
          }),
        );
        assert.ok(notes.some((n) => n.section === 'saturation') && notes.some((n) => n.section === 'inspect'), JSON.stringify(notes));
        for (const n of notes) assert.equal(n.cut, false, `${n.section}: its note "${n.note}" is cut`);
        await page.locator('main.panel').screenshot({ path: path.join(screenshotDir, `side300-runs-card-${name}.png`) });
      } finally {
        await page.context().close();
      }
    });

    it(`(${name}) Inspect: the run dropdown and the text's placeholder fit; two runs of one cell told apart by when they started; the whole run name on hover`, async () => {
      const [lensRun] = sideBarRuns();
      // The lens run again, two hours later, a little better: shortened to the cell, the two would read alike but for the loss.
      const again: RunRecord = { ...lensRun, id: 'lens-run-2', createdAt: lensRun.createdAt + 7_200_000, startedAt: lensRun.createdAt + 7_200_000, epochs: [{ ...lensRun.epochs[0], valLoss: 2.2 }] };
      const page = await panel(theme, [{ type: 'runs', runs: [...sideBarRuns(), again] }]);
      try {
        await page.evaluate(() => document.querySelector<HTMLElement & { open: boolean }>('vscode-collapsible[data-section="inspect"]')!.setAttribute('open', ''));
        await page.waitForTimeout(200);
        await page.locator('[data-section="inspect"]').screenshot({ path: path.join(screenshotDir, `side300-inspect-runs-${name}.png`) });
        const seen = await page.evaluate(() => {
          const select = document.querySelector<HTMLSelectElement>('.inspect-run')!;
          const text = document.querySelector<HTMLTextAreaElement>('.inspect-text')!;
          const ctx = document.createElement('canvas').getContext('2d')!;
          ctx.font = getComputedStyle(select).font;
          // The placeholder laid out as the textarea would: same width, font and padding.
          const probe = document.createElement('div');
          const style = getComputedStyle(text);
          Object.assign(probe.style, {
            position: 'absolute',
            visibility: 'hidden',
            width: `${text.clientWidth}px`,
            font: style.font,
            padding: style.padding,
            lineHeight: style.lineHeight,
            whiteSpace: 'pre-wrap',
            overflowWrap: 'break-word',
            boxSizing: 'border-box',
          });
          probe.textContent = text.placeholder;
          document.body.append(probe);
          const placeholderHeight = probe.getBoundingClientRect().height;
          probe.remove();
          return {
            selectWidth: select.clientWidth,
            options: [...select.options].map((o) => ({ value: o.value, text: o.text, width: ctx.measureText(o.text).width, title: o.title })),
            selectTitle: select.title,
            placeholderHeight,
            textHeight: text.clientHeight,
          };
        });
        for (const o of seen.options) assert.ok(o.width <= seen.selectWidth - 24, `"${o.text}" is ${Math.round(o.width)} px in a ${seen.selectWidth} px dropdown`);
        // Each lens run says the hour and minute it started (local time, as the Runs table's Started column); the palette run, alone of its cell, does not need to.
        const clock = (ms: number) => new Date(ms).toTimeString().slice(0, 5);
        for (const run of [lensRun, again]) {
          const option = seen.options.find((o) => o.value === run.id)!;
          const val = run.epochs[0].valLoss.toFixed(3);
          assert.match(option.title, new RegExp(`^${LENS_TITLE} \\(val ${val}, ${clock(run.startedAt ?? run.createdAt)}\\)$`));
          // The cell (cut with "…" where the start time needs the room) and the facts that tell the runs apart, whole.
          assert.match(option.text, new RegExp(`^GateByGate.*\\(val ${val}, ${clock(run.startedAt ?? run.createdAt)}\\)$`));
        }
        assert.match(seen.options.find((o) => o.value === 'palette-run')!.title, /^OptimizedLSTM · quick · Brown \(val \d\.\d{3}\)$/);
        assert.equal(seen.selectTitle, seen.options[0].title, "the chosen run's whole name on hover");
        // Choosing another run: the hover follows it.
        const other = seen.options.find((o) => o.value !== seen.options[0].value)!;
        await page.selectOption('.inspect-run', other.value);
        assert.equal(await page.$eval('.inspect-run', (s) => s.getAttribute('title')), other.title, "the newly chosen run's whole name on hover");
        assert.ok(seen.placeholderHeight <= seen.textHeight + 1, `the placeholder needs ${seen.placeholderHeight} px, the box is ${seen.textHeight} px`);
      } finally {
        await page.context().close();
      }
    });
  }

  it('two runs of one lens cell: the loss and saturation legends tell them apart by the hour and minute they started, inside the chart', async () => {
    const [lensRun] = sideBarRuns();
    const first: RunRecord = { ...lensRun, startedAt: lensRun.createdAt, saturation: lstmSaturation() };
    const again: RunRecord = { ...first, id: 'lens-run-2', createdAt: lensRun.createdAt + 7_200_000, startedAt: lensRun.createdAt + 7_200_000 };
    const page = await panel(DARK_MODERN, [{ type: 'runs', runs: [first, again] }]);
    try {
      await page.evaluate(() => document.querySelector('vscode-collapsible[data-section="saturation"]')!.setAttribute('open', ''));
      await page.waitForTimeout(300);
      const seen = await page.evaluate(() => {
        type Legend = { legendHitBoxes: { left: number; width: number }[]; legendItems: { text: string }[] };
        const chart = (window as unknown as { lstmLabPanel: { lossChart: { width: number; legend: Legend } } }).lstmLabPanel.lossChart;
        return {
          width: chart.width,
          loss: chart.legend.legendItems.map((item, k) => ({
            text: item.text,
            left: chart.legend.legendHitBoxes[k].left,
            right: chart.legend.legendHitBoxes[k].left + chart.legend.legendHitBoxes[k].width,
          })),
          saturation: [...document.querySelectorAll('[data-section="saturation"] .legend-run')].map((e) => e.textContent ?? ''),
          coincide: document.querySelector('[data-note="coincide"]')?.textContent ?? '',
        };
      });
      const clock = (ms: number) => new Date(ms).toTimeString().slice(0, 5);
      const [t1, t2] = [clock(first.createdAt), clock(again.createdAt)];
      // Shortened to fit (the cell, the preset where there is room), each keeps its start time; no two alike.
      const expected = [
        new RegExp(`^GateByGateLSTM\\b.* \\(${t1}\\)$`),
        new RegExp(`^GateByGateLSTM\\b.* \\(${t1}, val\\)$`),
        new RegExp(`^GateByGateLSTM\\b.* \\(${t2}\\)$`),
        new RegExp(`^GateByGateLSTM\\b.* \\(${t2}, val\\)$`),
      ];
      assert.equal(seen.loss.length, expected.length, JSON.stringify(seen.loss));
      seen.loss.forEach((e, k) => assert.match(e.text, expected[k]));
      for (const e of seen.loss) assert.ok(e.left >= 0 && e.right <= seen.width + 0.5, `"${e.text}" spans ${e.left}–${e.right} of ${seen.width} px`);
      // Same seed, same losses: one line, and the note under the chart names both by their times.
      assert.match(seen.coincide, new RegExp(`^2 runs coincide: GateByGateLSTM, trained as NaiveLSTM \\(${t1}\\) and GateByGateLSTM, trained as NaiveLSTM \\(${t2}\\) draw one line`));
      // The second's saturation lines lie under the first's, and its entry says whose.
      assert.deepEqual(seen.saturation, [`${LENS_TITLE} (${t1})`, `${LENS_TITLE} (${t2}) (under GateByGateLSTM, trained as NaiveLSTM (${t1})'s line)`]);
      await page.locator('main.panel').screenshot({ path: path.join(screenshotDir, 'side300-same-cell-legends-dark.png') });
    } finally {
      await page.context().close();
    }
  });

  it('Inspect results: heat tiles apart; the gradient flow with named axes, a colour scale, and its count explained', async () => {
    const page = await panel(DARK_MODERN, [{ type: 'runs', runs: sideBarRuns() }], 460);
    try {
      const text = 'The jury said it.';
      const chars = Array.from(text);
      const h = chars.map(() => Array.from({ length: 4 }, () => 0.95));
      const capture = { cell: 'fused-lstm', forgetGate: true, hiddenSize: 4, chars, ids: chars.map(() => 3), gateNames: ['h'], gates: { h } };
      await send(page, [
        { type: 'inspectResult', requestId: 'a', runId: 'lens-run', result: { kind: 'capture', capture } },
        { type: 'inspectResult', requestId: 'b', runId: 'lens-run', result: { kind: 'gradientFlow', flow: flowOf(text) } },
      ]);
      const seen = await page.evaluate(() => {
        const cells = [...document.querySelectorAll('.heat-cell')].map((c) => c.getBoundingClientRect());
        const sameLine = cells.slice(1).filter((r, k) => Math.abs(r.top - cells[k].top) < 1);
        const gaps = sameLine.map((r) => r.left - cells[cells.indexOf(r) - 1].right);
        const scale = document.querySelector<HTMLElement>('[data-part="flow"] [data-flow-scale]');
        const bar = scale?.querySelector<HTMLElement>('.flow-scale-bar');
        return {
          gaps,
          scaleText: scale?.textContent ?? '',
          barBackground: bar ? getComputedStyle(bar).backgroundImage : '',
          scaleAboveHeatmap: scale ? scale.getBoundingClientRect().bottom <= document.querySelector('.flow-heatmap')!.getBoundingClientRect().top : false,
          partText: document.querySelector<HTMLElement>('[data-part="flow"]')!.innerText,
          status: document.querySelector('.inspect-status')!.textContent ?? '',
        };
      });
      assert.ok(seen.gaps.length > 5 && seen.gaps.every((g) => g >= 0.9), `neighbouring heat tiles touch: gaps ${seen.gaps.join(', ')}`);
      assert.match(seen.scaleText, /1e-?\d+\.\d.*1e-?\d+\.\d/, `a colour scale from the smallest to the largest norm: "${seen.scaleText}"`);
      assert.match(seen.barBackground, /linear-gradient/);
      assert.ok(seen.scaleAboveHeatmap, 'the scale is read before the heatmap');
      assert.match(seen.partText, /Rows t[^.]*predicted[\s\S]*Columns s[^.]*input/);
      assert.match(seen.status, new RegExp(`${chars.length - 1} predictions \\(each of ${chars.length} characters but the last predicts the next\\)`));
      await page.locator('[data-section="inspect"]').screenshot({ path: path.join(screenshotDir, 'side-inspect-heat-and-flow-dark.png') });
    } finally {
      await page.context().close();
    }
  });
});

// The Runs table at the three widths it is read at: a 300 px side bar (one card per run), the
// charts editor tab beside a file (~750 px) and the tab at full width (1400 px), in the light
// and dark themes. At each, nothing runs past the table's box or needs a sideways scroll, and
// every row can be told from the others by what it shows — two checks of one cell included.
// And the gate-saturation charts at those widths: side by side where there is room, so none
// stretches across a wide page.
// Also the saturation charts at full width: each keeps a chart's proportions.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { HostToWebview, RunRecord } from '../../src/shared/protocol';
import { compareRuns, lstmSaturation, ownCodeProbes, probeRun } from './fixtures';
import { openThemedPanel, usePanelInChromium } from './helpers';
import { DARK_MODERN, LIGHT_MODERN, type WebviewTheme } from './themes';

const NONCE = 'cnVucy10YWJsZS10ZXN0LW5vbmNl';
const screenshotDir = path.join(__dirname, 'screenshots');

/** A lens probe that ran the built-in cell in place of the user's plain-JS lstmStep. */
function standInProbe(): RunRecord {
  const run = probeRun();
  const series = run.probeSeries.filter((s) => s.cell === 'naive-lstm' && s.forgetGate).map((s) => ({ ...s, name: `lstmStep: ${s.name}` }));
  const probeConfig = { ...run.probeConfig!, series: series.map(({ norms: _norms, seconds: _seconds, ...spec }) => spec) };
  return {
    ...run,
    id: 'stand-in',
    title: 'lstmStep · gradient probe · 3 series · 100 steps',
    createdAt: 1_764_400_300_000,
    codeCell: { name: 'lstmStep', role: 'stand-in' },
    probeConfig,
    probeSeries: series,
  };
}

/** The runs a newcomer had when the table could not tell two checks apart, and a stand-in probe. */
function newcomerRuns(): RunRecord[] {
  return [...compareRuns(), probeRun(), ...ownCodeProbes(), standInProbe()];
}

describe('runs table and saturation charts at side-bar, medium and full width', function () {
  this.timeout(120_000);
  const served = usePanelInChromium(NONCE);
  before(() => fs.mkdirSync(screenshotDir, { recursive: true }));

  /** The panel at `width`, themed, after the host's messages; closed by the caller. */
  const panel = (width: number, theme: WebviewTheme, messages: HostToWebview[]): Promise<Page> => openThemedPanel(served, width, theme, messages);

  for (const [width, theme] of [
    [300, LIGHT_MODERN],
    [750, LIGHT_MODERN],
    [750, DARK_MODERN],
    [1400, DARK_MODERN],
    [1400, LIGHT_MODERN],
  ] as const) {
    const themeName = theme === LIGHT_MODERN ? 'light' : 'dark';
    it(`at ${width} px (${themeName}): no cell past the table's box, no sideways scroll, and every row told apart by what it shows`, async () => {
      const page = await panel(width, theme, [{ type: 'runs', runs: newcomerRuns() }]);
      try {
        const seen = await page.evaluate(() => {
          const scroll = document.querySelector('.runs-scroll')!;
          const box = scroll.getBoundingClientRect();
          const visible = (e: Element) => getComputedStyle(e).display !== 'none' && e.getBoundingClientRect().width > 0;
          const rows = [...document.querySelectorAll('.runs-table tr[data-run-id]')].map((row) => ({
            id: row.getAttribute('data-run-id'),
            // What the row shows: the text of its visible cells (innerText skips what is hidden).
            text: (row as HTMLElement).innerText.replace(/\s+/g, ' ').trim(),
            cells: [...row.querySelectorAll('td')].filter(visible).map((td) => ({ column: td.getAttribute('data-column'), right: td.getBoundingClientRect().right })),
            // A name cut with an ellipsis would be wider inside than out.
            titleClipped: [...row.querySelectorAll('.run-title')].some((t) => t.scrollWidth > t.clientWidth + 1),
          }));
          return {
            left: box.left,
            right: box.right,
            scrolls: scroll.scrollWidth > scroll.clientWidth + 1,
            pageScrolls: document.documentElement.scrollWidth > document.documentElement.clientWidth + 1,
            rows,
          };
        });
        assert.equal(seen.scrolls, false, 'the runs table scrolls sideways');
        assert.equal(seen.pageScrolls, false, 'the page scrolls sideways');
        assert.equal(seen.rows.length, newcomerRuns().length);
        for (const row of seen.rows) {
          for (const cell of row.cells) assert.ok(cell.right <= seen.right + 0.5, `${row.id}: ${cell.column} ends at ${cell.right}, the table's box at ${seen.right}`);
          assert.equal(row.titleClipped, false, `${row.id}: its name is cut`);
        }
        const texts = seen.rows.map((r) => r.text);
        assert.equal(new Set(texts).size, texts.length, `two rows read the same:\n${texts.join('\n')}`);
        // The two checks of one cell: each shows its whole name (the verdict in it) and when it started.
        const [first, second] = ownCodeProbes();
        for (const run of [first, second]) {
          const text = seen.rows.find((r) => r.id === run.id)!.text;
          assert.ok(text.includes(run.title), `${run.id} shows "${run.title}": ${text}`);
          assert.match(text, /started (\w{3} \d+, )?\d\d:\d\d/);
        }
        // At a medium width what ran (cell, backend, configuration) reads under the run's name.
        if (width === 750) {
          const naive = seen.rows.find((r) => r.id === 'compare-naive-lstm')!;
          assert.deepEqual(
            naive.cells.map((c) => c.column),
            ['run', 'epochTime', 'trainLoss', 'valLoss', 'bitsPerChar', 'charsPerSecond', 'peakMemory', 'status'],
          );
          assert.match(naive.text, /NaiveLSTM · wasm · brown · E50 H125 B32 T500/);
        }
        if (width === 1400) assert.ok(seen.rows[0].cells.some((c) => c.column === 'configuration'));
        await page.locator('[data-section="runs"]').screenshot({ path: path.join(screenshotDir, `runs-table-${width}px-${themeName}.png`) });
      } finally {
        await page.context().close();
      }
    });
  }

  /** An LSTM and a GRU with saturation reports: five gate charts (i, f, o; r, z). */
  function saturationRuns(): RunRecord[] {
    const [, lstm, , gruBase] = compareRuns();
    const gates = (r: ReturnType<typeof lstmSaturation>[number]) => ({
      ...r,
      gates: [
        { gate: 'r' as const, low: 0.3, high: 0.1 },
        { gate: 'z' as const, low: 0.05, high: 0.6 },
      ],
    });
    return [
      { ...lstm, saturation: lstmSaturation() },
      { ...gruBase, id: 'gru', title: 'GRU · quick · Brown', config: { ...gruBase.config!, cell: 'gru' }, saturation: lstmSaturation().map(gates) },
    ];
  }

  for (const [width, perRow] of [
    [300, 1],
    [750, 2],
    [1400, 3],
  ] as const) {
    it(`saturation charts at ${width} px: ${perRow} to a row, each wider than high by 3 times at most, none past its box`, async () => {
      const page = await panel(width, DARK_MODERN, [{ type: 'runs', runs: saturationRuns() }]);
      try {
        const seen = await page.evaluate(() => {
          const grid = document.querySelector('.saturation-charts')!.getBoundingClientRect();
          const charts = [...document.querySelectorAll<HTMLElement>('[data-section="saturation"] .chart-box')]
            .filter((box) => !box.hidden)
            .map((box) => {
              const r = box.getBoundingClientRect();
              return { name: box.dataset.chartBox, top: Math.round(r.top), left: r.left, right: r.right, width: r.width, height: r.height };
            });
          return { left: grid.left, right: grid.right, charts };
        });
        assert.deepEqual(
          seen.charts.map((c) => c.name),
          ['saturation-i', 'saturation-f', 'saturation-o', 'saturation-r', 'saturation-z'],
        );
        const firstRow = seen.charts.filter((c) => c.top === seen.charts[0].top);
        assert.equal(firstRow.length, perRow, `${firstRow.length} charts on the first row`);
        for (const c of seen.charts) {
          assert.ok(c.left >= seen.left - 0.5 && c.right <= seen.right + 0.5, `${c.name} at ${c.left}–${c.right}, the grid at ${seen.left}–${seen.right}`);
          assert.ok(c.height > 150, `${c.name} is ${c.height} px high`);
          assert.ok(c.width / c.height <= 3, `${c.name}: ${Math.round(c.width)} × ${Math.round(c.height)} px`);
        }
        await page.locator('[data-section="saturation"]').screenshot({ path: path.join(screenshotDir, `saturation-${width}px-dark.png`) });
      } finally {
        await page.context().close();
      }
    });
  }
});

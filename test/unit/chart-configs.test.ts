import assert from 'node:assert/strict';
import type { Point } from 'chart.js';
import {
  DARK_THEME_COLORS,
  decadeTicks,
  LIGHT_THEME_COLORS,
  gradientChartConfig,
  gradientPairNote,
  logAxisBounds,
  lossChartConfig,
  paletteColor,
  thinPoints,
  undrawnNote,
} from '../../src/shared/chart-configs';
import type { RunRecord } from '../../src/shared/protocol';
import type { BatchProgress, EpochSummary, ProbeSeries } from '../../src/shared/types';

function batches(count: number, batchesPerEpoch: number, lossAt: (step: number) => number): BatchProgress[] {
  return Array.from({ length: count }, (_, k) => ({
    epoch: Math.floor(k / batchesPerEpoch) + 1,
    batch: (k % batchesPerEpoch) + 1,
    batchesPerEpoch,
    step: k + 1,
    loss: lossAt(k + 1),
    charsPerSecond: 5000,
    elapsedMs: (k + 1) * 250,
  }));
}

function epoch(n: number, valLoss: number, seconds: number): EpochSummary {
  return { epoch: n, trainLoss: valLoss + 0.3, valLoss, bitsPerChar: valLoss / Math.LN2, seconds, charsPerSecond: 5000, peakRssMB: 900 };
}

function trainRun(id: string, title: string, b: BatchProgress[], e: EpochSummary[]): RunRecord {
  return { id, kind: 'train', title, status: 'done', createdAt: 0, batches: b, epochs: e, probeSeries: [] };
}

const points = (data: unknown): Point[] => data as Point[];

describe('loss chart configuration', () => {
  const naive = trainRun(
    'a',
    'NaiveLSTM',
    batches(20, 10, (s) => 4 - s * 0.1),
    [epoch(1, 3.2, 3), epoch(2, 2.9, 4)],
  );
  const rnn = trainRun(
    'b',
    'SimpleRNN',
    batches(10, 10, (s) => 4.2 - s * 0.05),
    [],
  );
  const probeRun: RunRecord = { id: 'p', kind: 'probe', title: 'probe', status: 'done', createdAt: 0, batches: [], epochs: [], probeSeries: [] };

  it('draws one training line per train run and a validation series per run that has epochs; probe runs are left out', () => {
    const config = lossChartConfig([naive, probeRun, rnn], { xAxis: 'step', colors: DARK_THEME_COLORS });
    const labels = config.data.datasets.map((d) => d.label);
    assert.deepEqual(labels, ['NaiveLSTM', 'NaiveLSTM (val)', 'SimpleRNN']);
    assert.equal(config.options?.plugins?.legend?.display, true);
  });

  it('tells runs of one title apart by the hour and minute they started (local time), in the suffix a narrow legend keeps', () => {
    const first = { ...naive, id: 'first', startedAt: new Date(2026, 11, 1, 2, 7, 40).getTime() };
    const second = { ...naive, id: 'second', startedAt: new Date(2026, 11, 1, 14, 8, 1).getTime() };
    const labels = lossChartConfig([first, rnn, second], { xAxis: 'step', colors: DARK_THEME_COLORS }).data.datasets.map((d) => d.label);
    assert.deepEqual(labels, ['NaiveLSTM (02:07)', 'NaiveLSTM (02:07, val)', 'SimpleRNN', 'NaiveLSTM (14:08)', 'NaiveLSTM (14:08, val)']);
  });

  it('plots each batch loss at its step, and validation loss at the step that ends its epoch', () => {
    const config = lossChartConfig([naive], { xAxis: 'step', colors: DARK_THEME_COLORS });
    const train = points(config.data.datasets[0].data);
    assert.equal(train.length, 20);
    assert.deepEqual(train[0], { x: 1, y: 4 - 0.1 });
    assert.deepEqual(train[19], { x: 20, y: 4 - 2.0 });
    const validation = config.data.datasets[1];
    assert.deepEqual(points(validation.data), [
      { x: 10, y: 3.2 },
      { x: 20, y: 2.9 },
    ]);
    assert.deepEqual(validation.borderDash, [6, 4], 'validation is dashed');
    assert.ok((validation.pointRadius as number) > 0, 'validation points are marked');
    assert.equal((config.options?.scales?.x as { type: string }).type, 'linear');
  });

  it('on the time axis, uses seconds since the start; validation at the cumulative epoch time', () => {
    const config = lossChartConfig([naive], { xAxis: 'time', colors: DARK_THEME_COLORS });
    const train = points(config.data.datasets[0].data);
    assert.equal(train[3].x, 1.0); // 4 batches × 250 ms
    assert.deepEqual(
      points(config.data.datasets[1].data).map((p) => p.x),
      [3, 7],
    );
    const xTitle = (config.options?.scales?.x as { title: { text: string } }).title.text;
    assert.match(xTitle, /time/);
  });

  it('gives each run its own palette colour, the same for its train and validation series', () => {
    const config = lossChartConfig([naive, rnn], { xAxis: 'step', colors: LIGHT_THEME_COLORS });
    const [naiveTrain, naiveVal, rnnTrain] = config.data.datasets;
    assert.equal(naiveTrain.borderColor, LIGHT_THEME_COLORS.palette[0]);
    assert.equal(naiveVal.borderColor, LIGHT_THEME_COLORS.palette[0]);
    assert.equal(rnnTrain.borderColor, LIGHT_THEME_COLORS.palette[1]);
    assert.equal(config.options?.plugins?.legend?.labels?.color, LIGHT_THEME_COLORS.foreground);
  });

  it('thins a long run to the point limit, keeping the first and the latest batch', () => {
    const long = trainRun(
      'l',
      'long',
      batches(10_000, 10_000, (s) => 1 / s),
      [],
    );
    const config = lossChartConfig([long], { xAxis: 'step', colors: DARK_THEME_COLORS, maxPointsPerLine: 500 });
    const train = points(config.data.datasets[0].data);
    assert.equal(train.length, 500);
    assert.equal(train[0].x, 1);
    assert.equal(train[499].x, 10_000);
    // Evenly spaced: every gap is within one step of 10 000 / 499.
    for (let k = 1; k < train.length; k++) assert.ok(Math.abs((train[k].x as number) - (train[k - 1].x as number) - 9999 / 499) <= 1);
  });

  it('turns a non-finite loss (a diverged batch) into a gap instead of breaking the scale', () => {
    const diverged = trainRun(
      'd',
      'diverged',
      batches(3, 3, (s) => (s === 2 ? Number.NaN : 3)),
      [],
    );
    const train = points(lossChartConfig([diverged], { xAxis: 'step', colors: DARK_THEME_COLORS }).data.datasets[0].data);
    assert.deepEqual(
      train.map((p) => p.y),
      [3, null, 3],
    );
  });
});

describe('gradient chart configuration', () => {
  const series = (name: string, norms: number[]): ProbeSeries => ({ name, cell: 'naive-lstm', forgetGate: true, forgetBias: 0, norms, seconds: 1 });
  const rnn = series('SimpleRNN', [1, 0.1, 0.01, 0]);
  const lstm = series('LSTM, forget bias +1', [2, 1.8, 1.6, 1.5]);

  it('draws one line per series, ‖∂loss_t/∂h0‖ at step t = 1, 2, …', () => {
    const config = gradientChartConfig([rnn, lstm], { logScale: false, colors: DARK_THEME_COLORS });
    assert.deepEqual(
      config.data.datasets.map((d) => d.label),
      ['SimpleRNN', 'LSTM, forget bias +1'],
    );
    assert.deepEqual(points(config.data.datasets[1].data), [
      { x: 1, y: 2 },
      { x: 2, y: 1.8 },
      { x: 3, y: 1.6 },
      { x: 4, y: 1.5 },
    ]);
    assert.deepEqual(
      points(config.data.datasets[0].data).map((p) => p.y),
      [1, 0.1, 0.01, 0],
    );
    assert.equal((config.options?.scales?.y as { type: string }).type, 'linear');
    assert.notEqual(config.data.datasets[0].borderColor, config.data.datasets[1].borderColor);
  });

  it('uses a logarithmic y axis when asked, leaving a gap where a norm is zero (log 0 is undefined)', () => {
    const config = gradientChartConfig([rnn], { logScale: true, colors: DARK_THEME_COLORS });
    assert.equal((config.options?.scales?.y as { type: string }).type, 'logarithmic');
    const format = (config.options?.scales?.y as { ticks: { format: Intl.NumberFormatOptions } }).ticks.format;
    assert.equal(new Intl.NumberFormat('en', format).format(1e-12), '1E-12', 'decades are labelled in scientific notation');
    assert.deepEqual(
      points(config.data.datasets[0].data).map((p) => p.y),
      [1, 0.1, 0.01, null],
    );
  });

  it('is plain data that survives JSON (a static HTML report embeds it)', () => {
    const config = gradientChartConfig([rnn, lstm], { logScale: true, colors: DARK_THEME_COLORS });
    assert.deepEqual(JSON.parse(JSON.stringify(config)), config);
  });

  it('gives no datasets when there are no series yet', () => {
    assert.equal(gradientChartConfig([], { logScale: true, colors: DARK_THEME_COLORS }).data.datasets.length, 0);
  });

  it('ends a log axis at the whole decades around the drawable norms (never at 0), a linear one where chart.js likes', () => {
    const tiny = series('LSTM, forget bias −1', [3.08, 0.5, 2.108e-32, 0, Number.NaN]);
    const y = (logScale: boolean, s: ProbeSeries[]) => gradientChartConfig(s, { logScale, colors: DARK_THEME_COLORS }).options?.scales?.y as { min?: number; max?: number };
    assert.deepEqual([y(true, [tiny, lstm]).min, y(true, [tiny, lstm]).max], [1e-32, 10]);
    assert.deepEqual(logAxisBounds([lstm]), { min: 1, max: 10 });
    assert.deepEqual(logAxisBounds([series('one decade', [1e-12, 1e-12])]), { min: 1e-12, max: 1e-11 }, 'at least one decade');
    assert.deepEqual(logAxisBounds([series('nothing to draw', [0, Number.NaN])]), {});
    assert.equal(y(false, [tiny]).min, undefined);
  });

  it('says under the chart which series has values the axis cannot draw, from which step and how many', () => {
    const cut = series('your code: MyLSTM, b_f = −1', [1, 0.1, 0, 0, 0.001]);
    const diverged = series('reference LSTM, b_f = +1', [1, 10, Number.POSITIVE_INFINITY, Number.NaN]);
    assert.equal(undrawnNote([lstm], true), '');
    assert.equal(
      undrawnNote([lstm, cut], true),
      'Not drawn on the log scale, so the line has a gap there: your code: MyLSTM, b_f = −1 reaches 0 at step 3 (2 of 5 steps). Untick “log scale” to see the zeros.',
    );
    assert.equal(undrawnNote([cut], false), '', 'a linear axis draws 0');
    assert.equal(
      undrawnNote([cut, diverged], false),
      'Not drawn on the chart, so the line has a gap there: reference LSTM, b_f = +1 is not finite (NaN or ±∞: the gradient overflowed) at step 3 (2 of 4 steps).',
    );
    // A norm that went through JSON (VS Code's postMessage) arrives as null.
    assert.match(undrawnNote([series('from JSON', [1, null as unknown as number])], true), /from JSON is not finite .* at step 2 \(1 of 2 steps\)\.$/);
  });
});

describe('palette and thinning', () => {
  it('cycles through the palette', () => {
    const n = DARK_THEME_COLORS.palette.length;
    assert.equal(paletteColor(DARK_THEME_COLORS, n + 2), DARK_THEME_COLORS.palette[2]);
  });

  it('leaves short series untouched and copies them', () => {
    const input = [1, 2, 3];
    const out = thinPoints(input, 10);
    assert.deepEqual(out, input);
    assert.notEqual(out, input);
  });
});

describe('decade ticks of a log axis', () => {
  it('are whole powers of ten inside the range, evenly spaced, at most six', () => {
    for (const [min, max] of [
      [3e-26, 3],
      [1e-3, 10],
      [0.5, 0.9],
      [2e-7, 4e-7],
      [1e-12, 1e-12],
    ] as const) {
      const ticks = decadeTicks(min, max);
      const exponents = ticks.map((t) => Math.log10(t));
      assert.ok(
        exponents.every((e) => Number.isInteger(Math.round(e)) && Math.abs(e - Math.round(e)) < 1e-12),
        `${min}..${max}: ${ticks}`,
      );
      assert.ok(
        ticks.every((t) => t >= min * (1 - 1e-12) && t <= max * (1 + 1e-12)),
        `${min}..${max}: ${ticks} inside`,
      );
      assert.ok(ticks.length <= 6, `${min}..${max}: ${ticks.length} ticks`);
      assert.equal(new Set(exponents.slice(1).map((e, i) => Math.round(e - exponents[i]))).size <= 1, true, `${min}..${max}: evenly spaced ${ticks}`);
    }
    // 27 decades: every fifth one, on multiples of five.
    assert.deepEqual(decadeTicks(3e-26, 3), [1e-25, 1e-20, 1e-15, 1e-10, 1e-5, 1]);
    assert.deepEqual(decadeTicks(1e-3, 10), [1e-3, 1e-2, 1e-1, 1, 10]);
    // No whole decade inside: no ticks (chart.js keeps its own).
    assert.deepEqual(decadeTicks(2e-7, 4e-7), []);
  });
});

describe('the note under the gradient chart after a probe of your own code', () => {
  const pair = (mine: number[], reference: number[]): ProbeSeries[] => [
    { name: 'your code: MyLSTM, forget bias +1', cell: 'naive-lstm', forgetGate: true, forgetBias: 1, norms: mine, seconds: 1, origin: 'your-code' },
    { name: 'reference LSTM, forget bias +1', cell: 'naive-lstm', forgetGate: true, forgetBias: 1, norms: reference, seconds: 0, origin: 'reference' },
  ];
  const decay = Array.from({ length: 20 }, (_, t) => 0.9 ** (t + 1));

  it('says which line is which and what coinciding and a gap mean', () => {
    const note = gradientPairNote(pair(decay, decay));
    assert.match(note, /^Solid: your code; dashed: the reference cell with the same weights/);
    assert.match(note, /Lines on top of each other mean your cell carries the gradient back to h₀ as the reference does; a gap means it does not/);
    assert.match(note, /Here they coincide\.$/);
  });

  it('names the first step where a pair parts (a .detach() cutting the path after step 5)', () => {
    const detached = decay.map((v, t) => (t + 1 > 5 ? 0 : v));
    assert.match(gradientPairNote(pair(detached, decay)), /Here they part at step 6 \(your code: MyLSTM, forget bias \+1\)\.$/);
    // Float noise far below the tolerance is not a gap.
    assert.match(
      gradientPairNote(
        pair(
          decay.map((v) => v * (1 + 1e-9)),
          decay,
        ),
      ),
      /Here they coincide\.$/,
    );
  });

  it('is empty for the notebook\'s series (no "your code" line)', () => {
    assert.equal(gradientPairNote(pair(decay, decay).map(({ origin: _origin, ...s }) => s)), '');
  });
});

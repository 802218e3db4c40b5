// Messages the host would send the panel, shaped like real runs: the notebook's four-model
// comparison (its epoch times and losses) and its five-series gradient probe.
import type { RunRecord } from '../../src/shared/protocol';
import type { SaturationReport } from '../../src/shared/inspect-types';
import type { BatchProgress, CellKind, EpochSummary, ProbeSeries, TrainConfig } from '../../src/shared/types';
import { DEFAULT_PROBE_SERIES, SEED_NOTEBOOK_TRAIN_CONFIG } from '../../src/shared/types';

/** Deterministic noise in [-1, 1) (a fixture must draw the same picture every time). */
function noise(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  };
}

export const BATCHES_PER_EPOCH = 338;

function trainBatches(seed: number, finalLoss: number, secondsPerEpoch: number, count = BATCHES_PER_EPOCH): BatchProgress[] {
  const rand = noise(seed);
  const charsPerSecond = (BATCHES_PER_EPOCH * 32 * 500) / secondsPerEpoch;
  return Array.from({ length: count }, (_, k) => {
    const step = k + 1;
    // Loss starts near ln(vocab) ≈ 4.1 and settles towards the epoch's mean.
    const loss = finalLoss + (4.1 - finalLoss) * Math.exp(-step / 60) + 0.05 * rand();
    return { epoch: 1, batch: step, batchesPerEpoch: BATCHES_PER_EPOCH, step, loss, charsPerSecond, elapsedMs: (step * secondsPerEpoch * 1000) / BATCHES_PER_EPOCH };
  });
}

function config(cell: CellKind): TrainConfig {
  return { ...SEED_NOTEBOOK_TRAIN_CONFIG, cell, corpus: { kind: 'brown' } };
}

const corpus = { name: 'brown', chars: 6_185_606, trainInstances: 11_134, valInstances: 1_237, vocabSize: 59 };

/** The notebook's table after one epoch: [cell, title, epoch seconds, train loss, val loss]. */
export const NOTEBOOK_RESULTS: [CellKind, string, number, number, number][] = [
  ['naive-lstm', 'NaiveLSTM', 17 * 60 + 4, 2.693, 2.32],
  ['builtin-lstm', 'nn.LSTM → tf.layers.lstm', 3 * 60 + 34, 2.695, 2.307],
  ['simple-rnn', 'SimpleRNN', 13 * 60 + 24, 2.576, 2.206],
  ['fused-lstm', 'OptimizedLSTM', 13 * 60 + 52, 2.777, 2.411],
];

export function compareRuns(): RunRecord[] {
  return NOTEBOOK_RESULTS.map(([cell, title, seconds, trainLoss, valLoss], k) => {
    const epoch: EpochSummary = {
      epoch: 1,
      trainLoss,
      valLoss,
      bitsPerChar: valLoss / Math.LN2,
      seconds,
      charsPerSecond: (BATCHES_PER_EPOCH * 32 * 500) / seconds,
      peakRssMB: 820 + 40 * k,
    };
    return {
      id: `compare-${cell}`,
      kind: 'train',
      title,
      status: 'done',
      createdAt: 1_764_400_000_000 + k * 1000,
      backend: 'wasm',
      config: config(cell),
      corpus,
      batches: trainBatches(k + 1, trainLoss - 0.15, seconds),
      epochs: [epoch],
      probeSeries: [],
    };
  });
}

export function runningRun(): RunRecord {
  return {
    id: 'quick-1',
    kind: 'train',
    title: 'Quick: NaiveLSTM b_f +1',
    status: 'running',
    createdAt: 1_764_400_100_000,
    backend: 'wasm',
    config: { ...config('naive-lstm'), seqLen: 100, maxBatches: 50, forgetBias: 1 },
    corpus,
    batches: trainBatches(9, 2.9, 40, 10).map((b) => ({ ...b, batchesPerEpoch: 50 })),
    epochs: [],
    probeSeries: [],
  };
}

/** The notebook's five probe series, with the shapes it shows. */
export function probeSeries(steps = 100): ProbeSeries[] {
  const shapes: ((t: number) => number)[] = [
    (t) => 3 * 0.55 ** t, // SimpleRNN: dies out within a few steps
    (t) => 0.9 + 0.35 * Math.sqrt(t), // no forget gate: keeps accumulating
    (t) => 1.2 * 0.97 ** t, // b_f +1: decays slowly
    (t) => 1.0 * 0.9 ** t, // b_f 0: faster
    (t) => 0.8 * 0.8 ** t, // b_f −1: faster still
  ];
  return DEFAULT_PROBE_SERIES.map((spec, k) => ({ ...spec, norms: Array.from({ length: steps }, (_, t) => shapes[k](t + 1)), seconds: 2 + k }));
}

export function probeRun(withSeries = true): RunRecord {
  const series = probeSeries();
  return {
    id: 'probe-1',
    kind: 'probe',
    title: 'Gradient probe (notebook)',
    status: withSeries ? 'done' : 'running',
    createdAt: 1_764_400_050_000,
    backend: 'wasm',
    probeConfig: { steps: 100, batchSize: 32, embeddingSize: 50, hiddenSize: 125, seed: 0, corpus: { kind: 'brown' }, series: DEFAULT_PROBE_SERIES },
    batches: [],
    epochs: [],
    probeSeries: withSeries ? series : [],
  };
}

/**
 * Two checks of one user cell (the lens's "Probe & check your code"), a minute apart: one
 * matched the reference, one differed. Run in Python, so no backend or probe configuration of ours.
 */
export function ownCodeProbes(): RunRecord[] {
  const title = (verdict: string) => `your code · TanhRNN (lstm-lab-tutorial.ipynb cell 11, line 1) · ${verdict} · autograd, E=50 H=125 · 100 steps`;
  const norms = (rate: number) => Array.from({ length: 100 }, (_, t) => 2 * rate ** (t + 1));
  const base = { kind: 'probe' as const, status: 'done' as const, batches: [], epochs: [] };
  const series = (ownRate: number) => [
    { name: 'your code: TanhRNN', cell: 'simple-rnn' as const, forgetGate: false, forgetBias: 0, origin: 'your-code' as const, norms: norms(ownRate), seconds: 0.2 },
    { name: 'reference RNN', cell: 'simple-rnn' as const, forgetGate: false, forgetBias: 0, origin: 'reference' as const, norms: norms(0.7), seconds: 0.2 },
  ];
  return [
    { ...base, id: 'own-1', title: title('matches'), createdAt: 1_764_400_200_000, startedAt: 1_764_400_200_000, probeSeries: series(0.7) },
    { ...base, id: 'own-2', title: title('differs'), createdAt: 1_764_400_260_000, startedAt: 1_764_400_260_000, probeSeries: series(0.75) },
  ];
}

/** An LSTM's gate-saturation reports over one epoch of 338 batches: every 20 batches, then the epoch's. */
export function lstmSaturation(): SaturationReport[] {
  const saturation: SaturationReport[] = [];
  for (let step = 20; step <= 338; step += 20) {
    saturation.push({
      scope: 'batch',
      epoch: 1,
      batch: step,
      step,
      count: 32 * 100 * 125,
      gates: [
        { gate: 'i', low: 0.05 + step / 2000, high: 0.02 + step / 3000 },
        { gate: 'f', low: 0.01, high: 0.1 + step / 1000 },
        { gate: 'o', low: 0.08, high: 0.05 },
      ],
    });
  }
  saturation.push({
    scope: 'epoch',
    epoch: 1,
    batch: 338,
    step: 338,
    count: 32 * 500 * 125,
    gates: [
      { gate: 'i', low: 0.2, high: 0.12 },
      { gate: 'f', low: 0.01, high: 0.4 },
      { gate: 'o', low: 0.08, high: 0.05 },
    ],
  });
  return saturation;
}

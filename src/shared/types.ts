// Plain data shared by the engine, the CLI, the worker, the host and the webview.
// No TF.js types here: everything is JSON-serialisable.
import type { CellKind } from './catalog';

export type { CellKind, GateName, EquationLine } from './catalog';

/**
 * Weights in the notebook's own layout, as plain nested arrays, so they can be saved,
 * dumped for another framework, and mapped between cell kinds. The names and shapes of each
 * family are in the catalog (CELL_FAMILIES[family].weights). An LSTM without a forget gate
 * still has its f entries (ignored).
 */
export type NotebookWeights = Record<string, number[][] | number[]>;

export type BackendPreference = 'auto' | 'native' | 'wasm' | 'cpu';
/** The TF.js backend actually in use ('tensorflow' is tfjs-node). */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

export type CorpusSpec = { kind: 'brown' } | { kind: 'file'; path: string } | { kind: 'text'; text: string; name: string };

export interface CorpusOptions {
  /** Characters per input; each instance is seqLen + 1 characters. Notebook: 500. */
  seqLen: number;
  /** Distance between instance starts. Notebook: seqLen (500). */
  stride?: number;
  /** Fraction held out for validation. Notebook: 0.1. */
  valFraction: number;
  seed: number;
}

export interface CorpusStats {
  name: string;
  chars: number;
  trainInstances: number;
  valInstances: number;
  vocabSize: number;
}

export interface TrainConfig {
  cell: CellKind;
  forgetGate: boolean;
  forgetBias: number;
  hiddenSize: number;
  embeddingSize: number;
  batchSize: number;
  seqLen: number;
  epochs: number;
  /** Cap on training batches per epoch (quick runs); validation is capped proportionally. */
  maxBatches?: number;
  learningRate: number;
  seed: number;
  valFraction: number;
  corpus: CorpusSpec;
}

/** The notebook's configuration. */
export const NOTEBOOK_TRAIN_CONFIG: Omit<TrainConfig, 'cell' | 'corpus'> = {
  forgetGate: true,
  forgetBias: 0,
  hiddenSize: 125,
  embeddingSize: 50,
  batchSize: 32,
  seqLen: 500,
  epochs: 1,
  learningRate: 1e-3,
  seed: 0,
  valFraction: 0.1,
};

export interface BatchProgress {
  epoch: number; // 1-based
  batch: number; // 1-based within the epoch
  batchesPerEpoch: number;
  step: number; // 1-based over the whole run
  loss: number;
  charsPerSecond: number;
  elapsedMs: number;
}

export interface EpochSummary {
  epoch: number;
  trainLoss: number;
  valLoss: number;
  bitsPerChar: number; // valLoss / ln 2
  seconds: number;
  charsPerSecond: number;
  peakRssMB: number;
}

export type RunStatus = 'queued' | 'running' | 'done' | 'cancelled' | 'failed' | 'interrupted';

export interface TrainResult {
  backend: BackendName;
  /** What computed the batches: TF.js autodiff on the backend, or fast-lstm's wasm kernel on N threads. */
  compute?: { description: string; threads: number };
  cell: CellKind;
  config: TrainConfig;
  corpus: CorpusStats;
  epochs: EpochSummary[];
  /** Path of the checkpoint directory written at the end (or at the last good point). */
  checkpoint?: string;
  status: RunStatus;
  /** Why it stopped, when status is failed/cancelled. */
  reason?: string;
}

export interface ProbeSeriesSpec {
  name: string;
  cell: CellKind;
  forgetGate: boolean;
  forgetBias: number;
  /** Given weights (a checkpoint's): keep their trained b_f instead of setting it to forgetBias. */
  keepTrainedForgetBias?: boolean;
}

export interface ProbeConfig {
  steps: number; // notebook: 100
  batchSize: number; // notebook: 32
  embeddingSize: number; // 50
  hiddenSize: number; // 125
  seed: number;
  corpus: CorpusSpec;
  series: ProbeSeriesSpec[];
  /** Use this checkpoint's embedding and cell instead of fresh ones. */
  checkpoint?: string;
}

export interface ProbeSeries extends ProbeSeriesSpec {
  /** norms[t-1] = ‖∂loss_t/∂h0‖₂, loss_t = Σ|h_t|. */
  norms: number[];
  seconds: number;
  /** Set on the probe of the user's own code: their series, or the reference cell's from the same weights. */
  origin?: 'your-code' | 'reference';
}

export interface ProbeResult {
  backend: BackendName;
  steps: number;
  series: ProbeSeries[];
}

/** The notebook's five probe series. */
export const DEFAULT_PROBE_SERIES: ProbeSeriesSpec[] = [
  { name: 'SimpleRNN', cell: 'simple-rnn', forgetGate: false, forgetBias: 0 },
  { name: 'LSTM, no forget gate', cell: 'naive-lstm', forgetGate: false, forgetBias: 0 },
  { name: 'LSTM, forget bias +1', cell: 'naive-lstm', forgetGate: true, forgetBias: 1 },
  { name: 'LSTM, forget bias 0', cell: 'naive-lstm', forgetGate: true, forgetBias: 0 },
  { name: 'LSTM, forget bias −1', cell: 'naive-lstm', forgetGate: true, forgetBias: -1 },
];

export interface SampleConfig {
  checkpoint: string;
  length: number;
  temperature: number;
  prime: string;
  seed?: number;
}

export interface BenchResultRow {
  cell: CellKind;
  /**
   * 'stock-tfjs': measured without LSTM Lab's wasm matmul fix (TF.js as shipped), a baseline.
   * 'tfjs-ops': fast-lstm on TF.js ops and autodiff instead of LSTM Lab's wasm kernel.
   */
  variant?: 'stock-tfjs' | 'tfjs-ops';
  /** Threads computing each batch, and what they ran (TF.js autodiff or the wasm kernel). */
  threads: number;
  compute: string;
  msPerBatch: number;
  /**
   * CPU time per batch, all of the process's threads together (mean of the timed batches): on a
   * machine busy with other work, what a one-thread batch would take on an idle one.
   */
  cpuMsPerBatch: number;
  minutesPerEpoch: number;
  peakRssMB: number;
}

export interface BenchResult {
  backend: BackendName;
  config: { seqLen: number; batchSize: number; hiddenSize: number; embeddingSize: number; vocabSize: number; batchesPerEpoch: number };
  matmulGflops: number;
  flopsPerBatch: number;
  floorMsPerBatch: number;
  results: BenchResultRow[];
  /** The cores this process may use. */
  cores: number;
  /** The same batch in PyTorch, measured in the same run (bench --vs-pytorch). */
  pytorch?: { python: string; torch: string; rows: Array<{ model: string; threads: number; msPerBatch: number; cpuMsPerBatch: number; note?: string }> };
}

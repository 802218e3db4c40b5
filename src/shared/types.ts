// Plain data shared by the engine, the CLI, the worker, the host and the webview. No TF.js
// types here: everything is JSON-serialisable. What crosses a process or webview boundary is
// declared once, as a valibot schema; its type is inferred from it, and the message guards
// (protocol.ts) are built from these schemas.
import * as v from 'valibot';
import { CELL_KINDS, GATE_NAMES, type CellKind, type EquationLine } from './catalog';
import { anyNumber, finite, num, numberRow } from './guards';

export type { CellKind, GateName, EquationLine } from './catalog';

/**
 * A cell's weights in the per-gate layout: one plain array per weight, named and shaped as
 * the catalog says (CELL_FAMILIES[family].weights: an LSTM's W_ii, W_hi, b_i, … for each gate,
 * the layout of the seed notebook's NaiveLSTM). Every cell kind exports and imports its
 * weights this way, whatever it holds inside (a fused kind splits its matrices by gate), so
 * checkpoints, probe dumps and mappings between kinds of one family use one format. An LSTM
 * without a forget gate still has its f entries (ignored).
 */
export type PerGateWeights = Record<string, number[][] | number[]>;

export const CellKindSchema = v.picklist(CELL_KINDS);
export const GateNameSchema = v.picklist(GATE_NAMES);
export const EquationLineSchema = v.object({ gate: GateNameSchema, label: v.string(), latex: v.string() }) satisfies v.GenericSchema<EquationLine>;

export const BACKEND_PREFERENCES = ['auto', 'native', 'wasm', 'cpu'] as const;
export const BackendPreferenceSchema = v.picklist(BACKEND_PREFERENCES);
export type BackendPreference = v.InferOutput<typeof BackendPreferenceSchema>;
/** The TF.js backend actually in use ('tensorflow' is tfjs-node). */
export const BACKEND_NAMES = ['tensorflow', 'wasm', 'cpu'] as const;
export const BackendNameSchema = v.picklist(BACKEND_NAMES);
export type BackendName = v.InferOutput<typeof BackendNameSchema>;

export const CorpusSpecSchema = v.variant('kind', [
  v.object({ kind: v.literal('brown') }),
  v.object({ kind: v.literal('file'), path: v.string() }),
  v.object({ kind: v.literal('text'), text: v.string(), name: v.string() }),
]);
export type CorpusSpec = v.InferOutput<typeof CorpusSpecSchema>;

export interface CorpusOptions {
  /** Characters per input; each instance is seqLen + 1 characters. Notebook: 500. */
  seqLen: number;
  /** Distance between instance starts. Notebook: seqLen (500). */
  stride?: number;
  /** Fraction held out for validation. Notebook: 0.1. */
  valFraction: number;
  seed: number;
}

export const CorpusStatsSchema = v.object({
  name: v.string(),
  chars: num,
  trainInstances: num,
  valInstances: num,
  vocabSize: num,
});
export type CorpusStats = v.InferOutput<typeof CorpusStatsSchema>;

// Numbers in configs only need to be numbers here: their ranges are the engine's
// validateTrainConfig's job, which answers with messages naming the setting.
export const TrainConfigSchema = v.object({
  cell: CellKindSchema,
  forgetGate: v.boolean(),
  forgetBias: num,
  hiddenSize: num,
  embeddingSize: num,
  batchSize: num,
  seqLen: num,
  epochs: num,
  /** Cap on training batches per epoch (quick runs); validation is capped proportionally. */
  maxBatches: v.optional(num),
  learningRate: num,
  seed: num,
  valFraction: num,
  corpus: CorpusSpecSchema,
});
export type TrainConfig = v.InferOutput<typeof TrainConfigSchema>;

/** The notebook's configuration. */
export const SEED_NOTEBOOK_TRAIN_CONFIG: Omit<TrainConfig, 'cell' | 'corpus'> = {
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

// Losses may legitimately be NaN/Infinity when training diverges: the record must carry them.
export const BatchProgressSchema = v.object({
  /** 1-based. */
  epoch: finite,
  /** 1-based within the epoch. */
  batch: finite,
  batchesPerEpoch: finite,
  /** 1-based over the whole run. */
  step: finite,
  loss: anyNumber,
  charsPerSecond: num,
  elapsedMs: num,
});
export type BatchProgress = v.InferOutput<typeof BatchProgressSchema>;

export const EpochSummarySchema = v.object({
  epoch: finite,
  trainLoss: anyNumber,
  valLoss: anyNumber,
  /** valLoss / ln 2. */
  bitsPerChar: anyNumber,
  seconds: num,
  charsPerSecond: num,
  peakRssMB: num,
});
export type EpochSummary = v.InferOutput<typeof EpochSummarySchema>;

export const RUN_STATUSES = ['queued', 'running', 'done', 'cancelled', 'failed', 'interrupted'] as const;
export const RunStatusSchema = v.picklist(RUN_STATUSES);
export type RunStatus = v.InferOutput<typeof RunStatusSchema>;

export const TrainResultSchema = v.object({
  backend: BackendNameSchema,
  /** What computed the batches: TF.js autodiff on the backend, or fast-lstm's wasm kernel on N threads. */
  compute: v.optional(v.object({ description: v.string(), threads: num })),
  cell: CellKindSchema,
  config: TrainConfigSchema,
  corpus: CorpusStatsSchema,
  epochs: v.array(EpochSummarySchema),
  /** Path of the checkpoint directory written at the end (or at the last good point). */
  checkpoint: v.optional(v.string()),
  status: RunStatusSchema,
  /** Why it stopped, when status is failed/cancelled. */
  reason: v.optional(v.string()),
});
export type TrainResult = v.InferOutput<typeof TrainResultSchema>;

const probeSeriesSpecEntries = {
  name: v.string(),
  cell: CellKindSchema,
  forgetGate: v.boolean(),
  forgetBias: num,
  /** Given weights (a checkpoint's): keep their trained b_f instead of setting it to forgetBias. */
  keepTrainedForgetBias: v.optional(v.boolean()),
};
export const ProbeSeriesSpecSchema = v.object(probeSeriesSpecEntries);
export type ProbeSeriesSpec = v.InferOutput<typeof ProbeSeriesSpecSchema>;

export const ProbeConfigSchema = v.object({
  /** Notebook: 100. */
  steps: num,
  /** Notebook: 32. */
  batchSize: num,
  /** Notebook: 50. */
  embeddingSize: num,
  /** Notebook: 125. */
  hiddenSize: num,
  seed: num,
  corpus: CorpusSpecSchema,
  series: v.array(ProbeSeriesSpecSchema),
  /** Use this checkpoint's embedding and cell instead of fresh ones. */
  checkpoint: v.optional(v.string()),
});
export type ProbeConfig = v.InferOutput<typeof ProbeConfigSchema>;

export const SERIES_ORIGINS = ['your-code', 'reference'] as const;
export const ProbeSeriesSchema = v.object({
  ...probeSeriesSpecEntries,
  /** norms[t-1] = ‖∂loss_t/∂h0‖₂, loss_t = Σ|h_t|. NaN/Infinity when a gradient explodes: the chart shows the gap. */
  norms: numberRow,
  seconds: num,
  /** Set on the probe of the user's own code: their series, or the reference cell's from the same weights. */
  origin: v.optional(v.picklist(SERIES_ORIGINS)),
});
export type ProbeSeries = v.InferOutput<typeof ProbeSeriesSchema>;

export const ProbeResultSchema = v.object({
  backend: BackendNameSchema,
  steps: num,
  series: v.array(ProbeSeriesSchema),
});
export type ProbeResult = v.InferOutput<typeof ProbeResultSchema>;

/** The notebook's five probe series. */
export const DEFAULT_PROBE_SERIES: ProbeSeriesSpec[] = [
  { name: 'SimpleRNN', cell: 'simple-rnn', forgetGate: false, forgetBias: 0 },
  { name: 'LSTM, no forget gate', cell: 'naive-lstm', forgetGate: false, forgetBias: 0 },
  { name: 'LSTM, forget bias +1', cell: 'naive-lstm', forgetGate: true, forgetBias: 1 },
  { name: 'LSTM, forget bias 0', cell: 'naive-lstm', forgetGate: true, forgetBias: 0 },
  { name: 'LSTM, forget bias −1', cell: 'naive-lstm', forgetGate: true, forgetBias: -1 },
];

export const SampleConfigSchema = v.object({
  checkpoint: v.string(),
  length: num,
  temperature: num,
  prime: v.string(),
  seed: v.optional(num),
});
export type SampleConfig = v.InferOutput<typeof SampleConfigSchema>;

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

// lab bench: how long one training batch of the notebook's language model takes with each
// cell (forward + backward + Adam, after warm-up, median of several batches), beside the
// arithmetic floor — the batch's matmul FLOPs at the backend's own plain-matmul speed,
// measured in the same run on the same shapes.
//
// FLOPs counted (multiply-add = 2): forward = 2·B·T·(E·4H + H·4H + H·V) for the LSTM
// (input, recurrent and output projections; an RNN has H instead of 4H, a GRU 3H), backward ≈ 2×
// forward, so a batch is 3× forward. Element-wise work, the embedding and Adam are not
// counted: the floor is a bound no implementation can beat, not an estimate.
import * as tf from '@tensorflow/tfjs';
import { activeBackend } from './backend';
import { getCell } from './cells/registry';
import { CELL_KINDS, familyOf } from '../shared/catalog';
import { LanguageModel } from './model';
import { mulberry32 } from './random';
import type { BackendName, BenchResult, BenchResultRow, CellKind } from './types';

/** Characters in the lower-cased, tag-stripped Brown corpus (what corpus.ts builds). */
export const BROWN_CHARS = 6_127_073;

/** Every kind, the built-in LSTM (the baseline) first. */
export const DEFAULT_BENCH_CELLS: CellKind[] = ['builtin-lstm', ...CELL_KINDS.filter((kind) => kind !== 'builtin-lstm')];

export interface BenchOptions {
  seqLen?: number; // default 500
  batchSize?: number; // default 32
  hiddenSize?: number; // default 125
  embeddingSize?: number; // default 50
  vocabSize?: number; // default 60 (Brown's vocabulary with padding and unknown)
  cells?: CellKind[]; // default DEFAULT_BENCH_CELLS
  /** Timed batches per cell (the median is reported). Default 3. */
  batches?: number;
  /** Untimed batches first (kernel set-up, XNNPACK weight packing, Adam's slots). Default 1. */
  warmup?: number;
  /** Default: Brown's training batches at this seqLen and batchSize (90% of the instances). */
  batchesPerEpoch?: number;
  /**
   * Runs one cell's measurement. Default: in this process (peak RSS is then this process's
   * peak so far). The CLI passes a runner that measures each cell in a fresh child process.
   */
  runCell?: (cell: CellKind, config: BenchConfig, variant?: 'stock-tfjs') => Promise<BenchResultRow>;
  /**
   * Also time builtin-lstm on TF.js's stock kernels (without LSTM Lab's matmul fix, which
   * speeds up every cell, the built-in one included): the framework as shipped. Needs a
   * runCell that measures in a fresh process, since the fix cannot be undone in this one.
   */
  stockBaseline?: boolean;
  /** Called as each cell finishes. */
  onResult?: (row: BenchResultRow) => void;
}

export type BenchConfig = BenchResult['config'] & { batches: number; warmup: number };

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`bench: ${name} must be a positive integer, got ${value}.`);
  return value;
}

/** Brown's training batches per epoch for a sequence length and batch size (the notebook: ≈338; this corpus pipeline: 345). */
export function brownBatchesPerEpoch(seqLen: number, batchSize: number): number {
  const instances = Math.floor((BROWN_CHARS - 1) / seqLen);
  return Math.ceil(Math.round(instances * 0.9) / batchSize);
}

export function benchConfigOf(options: BenchOptions = {}): BenchConfig {
  const seqLen = positiveInteger('seqLen', options.seqLen ?? 500);
  const batchSize = positiveInteger('batchSize', options.batchSize ?? 32);
  const config: BenchConfig = {
    seqLen,
    batchSize,
    hiddenSize: positiveInteger('hiddenSize', options.hiddenSize ?? 125),
    embeddingSize: positiveInteger('embeddingSize', options.embeddingSize ?? 50),
    vocabSize: positiveInteger('vocabSize', options.vocabSize ?? 60),
    batchesPerEpoch: positiveInteger('batchesPerEpoch', options.batchesPerEpoch ?? brownBatchesPerEpoch(seqLen, batchSize)),
    batches: positiveInteger('batches', options.batches ?? 3),
    warmup: options.warmup ?? 1,
  };
  if (!Number.isInteger(config.warmup) || config.warmup < 0) throw new Error(`bench: warmup must be a whole number ≥ 0, got ${config.warmup}.`);
  if (config.vocabSize < 3) throw new Error(`bench: vocabSize must be at least 3 (padding, unknown and one character), got ${config.vocabSize}.`);
  return config;
}

/** Matmul FLOPs of one training batch of the LSTM language model (forward + backward ≈ 3× forward). */
export function lstmFlopsPerBatch(config: Pick<BenchConfig, 'seqLen' | 'batchSize' | 'hiddenSize' | 'embeddingSize' | 'vocabSize'>, gateBlocks = 4): number {
  const { seqLen: T, batchSize: B, hiddenSize: H, embeddingSize: E, vocabSize: V } = config;
  const k = gateBlocks; // H-wide blocks of the input and recurrent products (catalog: FamilySpec.gateBlocks)
  const forward = 2 * B * T * (E * k * H + H * k * H + H * V);
  return 3 * forward;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * The backend's plain-matmul speed on the LSTM's own shapes, in GFLOP/s: T recurrent-step
 * products [B, H]·[H, 4H], the input projection [B·T, E]·[E, 4H] and the output projection
 * [B·T, H]·[H, V], timed together (median of 3 after a warm-up).
 */
export function measureMatmulGflops(config: BenchConfig): number {
  const { seqLen: T, batchSize: B, hiddenSize: H, embeddingSize: E, vocabSize: V } = config;
  const random = mulberry32(11);
  const filled = (rows: number, columns: number) => tf.tensor2d(Float32Array.from({ length: rows * columns }, () => random() - 0.5), [rows, columns]);
  const hStep = filled(B, H);
  const wHh = filled(H, 4 * H);
  const xAll = filled(B * T, E);
  const wIh = filled(E, 4 * H);
  const hAll = filled(B * T, H);
  const wOut = filled(H, V);
  const flops = 2 * (T * B * H * 4 * H + B * T * E * 4 * H + B * T * H * V);
  const once = (): number => {
    const start = performance.now();
    for (let t = 0; t < T; t++) {
      const product = tf.matMul(hStep, wHh);
      product.dataSync();
      product.dispose();
    }
    for (const [a, b] of [[xAll, wIh], [hAll, wOut]] as const) {
      const product = tf.matMul(a, b);
      product.dataSync();
      product.dispose();
    }
    return performance.now() - start;
  };
  try {
    once();
    const ms = median([once(), once(), once()]);
    return flops / (ms * 1e6);
  } finally {
    tf.dispose([hStep, wHh, xAll, wIh, hAll, wOut]);
  }
}

/** Peak resident set size of this process so far, in MB. */
export function peakRssMB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** Times forward + backward + Adam for one cell, in this process. */
export function benchCellInProcess(cell: CellKind, config: BenchConfig): BenchResultRow {
  getCell(cell); // a clear error for an unknown kind before any work
  // One scope around everything: whatever a model or cell forgets to dispose goes with it.
  let row: BenchResultRow | undefined;
  tf.tidy(() => {
    row = timeCell(cell, config);
  });
  return row!;
}

function timeCell(cell: CellKind, config: BenchConfig): BenchResultRow {
  const { seqLen: T, batchSize: B, vocabSize: V } = config;
  const model = new LanguageModel({ vocabSize: V, embeddingSize: config.embeddingSize, hiddenSize: config.hiddenSize, cell, forgetGate: true, forgetBias: 0, seed: 0 });
  const optimizer = tf.train.adam(1e-3);
  // Synthetic text: characters 2..V-1 (no padding, no unknown), the same for every cell.
  const random = mulberry32(1);
  const characters = () => Int32Array.from({ length: B * T }, () => 2 + Math.floor(random() * (V - 2)));
  const ids = tf.tensor2d(characters(), [B, T], 'int32');
  const targets = tf.tensor2d(characters(), [B, T], 'int32');
  const step = (): number => {
    const start = performance.now();
    const loss = optimizer.minimize(() => model.loss(ids, targets), true, model.variables);
    const value = loss!.dataSync()[0]!;
    loss!.dispose();
    if (!Number.isFinite(value)) throw new Error(`bench: ${cell} gave a non-finite loss (${value}); the cell or backend is broken.`);
    return performance.now() - start;
  };
  try {
    for (let k = 0; k < config.warmup; k++) step();
    const times: number[] = [];
    for (let k = 0; k < config.batches; k++) times.push(step());
    const msPerBatch = median(times);
    return { cell, msPerBatch, minutesPerEpoch: (msPerBatch * config.batchesPerEpoch) / 60000, peakRssMB: peakRssMB() };
  } finally {
    tf.dispose([ids, targets]);
    optimizer.dispose();
    model.dispose();
  }
}

/** Runs the benchmark on the active backend (call initBackend first). */
export async function bench(options: BenchOptions = {}): Promise<BenchResult> {
  const config = benchConfigOf(options);
  const cells = options.cells ?? DEFAULT_BENCH_CELLS;
  if (cells.length === 0) throw new Error('bench: no cells to measure; give at least one cell kind.');
  for (const cell of cells) getCell(cell);
  const backend: BackendName = activeBackend();
  const matmulGflops = measureMatmulGflops(config);
  const flopsPerBatch = lstmFlopsPerBatch(config);
  const runCell = options.runCell ?? (async (cell: CellKind, c: BenchConfig) => benchCellInProcess(cell, c));
  const results: BenchResultRow[] = [];
  for (const cell of cells) {
    const row = await runCell(cell, config);
    results.push(row);
    options.onResult?.(row);
  }
  if (options.stockBaseline && cells.includes('builtin-lstm')) {
    if (!options.runCell) throw new Error('bench: the stock-kernel baseline needs a fresh process per cell (the CLI without --in-process).');
    const row: BenchResultRow = { ...(await options.runCell('builtin-lstm', config, 'stock-tfjs')), variant: 'stock-tfjs' };
    results.push(row);
    options.onResult?.(row);
  }
  const { batches: _batches, warmup: _warmup, ...publicConfig } = config;
  return { backend, config: publicConfig, matmulGflops, flopsPerBatch, floorMsPerBatch: flopsPerBatch / (matmulGflops * 1e6), results };
}

/** "12.3×" ratios of the human report: how fast-lstm compares with the floor and the other cells. */
export function benchRatios(result: BenchResult): string[] {
  const byCell = new Map(result.results.filter((row) => !row.variant).map((row) => [row.cell, row.msPerBatch] as const));
  const fast = byCell.get('fast-lstm');
  if (fast === undefined) return [];
  const lines = [`fast-lstm vs floor: ${(fast / result.floorMsPerBatch).toFixed(2)}× the floor (${fast.toFixed(0)} ms vs ${result.floorMsPerBatch.toFixed(0)} ms)`];
  for (const other of DEFAULT_BENCH_CELLS.filter((kind) => kind !== 'fast-lstm')) {
    const ms = byCell.get(other);
    if (ms !== undefined) lines.push(`fast-lstm vs ${other}: ${(ms / fast).toFixed(1)}× faster`);
  }
  for (const row of result.results.filter((r) => r.variant === 'stock-tfjs')) {
    lines.push(`fast-lstm vs ${benchRowLabel(row)}: ${(row.msPerBatch / fast).toFixed(1)}× faster`);
  }
  return lines;
}

/** A row's name in tables: the cell kind, marked when it ran on TF.js's stock kernels. */
export function benchRowLabel(row: BenchResultRow): string {
  return row.variant === 'stock-tfjs' ? `${row.cell} (stock TF.js kernels)` : row.cell;
}

/** The human table: cell, ms per batch, minutes per epoch, peak RSS, × floor. */
export function benchTable(result: BenchResult): string {
  const header = ['cell', 'ms/batch', 'min/epoch', 'peak RSS MB', '× floor'];
  // Each cell against its own floor: the reported floor counts the LSTM's four gate blocks, an RNN has one, a GRU three.
  const ownFloorMs = (row: BenchResultRow) => result.floorMsPerBatch * (lstmFlopsPerBatch(result.config, familyOf(row.cell).gateBlocks) / result.flopsPerBatch);
  const rows = result.results.map((row) => [benchRowLabel(row), row.msPerBatch.toFixed(0), row.minutesPerEpoch.toFixed(1), row.peakRssMB.toFixed(0), (row.msPerBatch / ownFloorMs(row)).toFixed(2)]);
  rows.push(['(floor)', result.floorMsPerBatch.toFixed(0), ((result.floorMsPerBatch * result.config.batchesPerEpoch) / 60000).toFixed(1), '', '1.00']);
  const widths = header.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k]!.length)));
  const line = (cells: string[]) => cells.map((c, k) => (k === 0 ? c.padEnd(widths[k]!) : c.padStart(widths[k]!))).join('  ');
  const { config } = result;
  return [
    `backend ${result.backend} · T=${config.seqLen} B=${config.batchSize} E=${config.embeddingSize} H=${config.hiddenSize} V=${config.vocabSize} · ${config.batchesPerEpoch} batches/epoch`,
    `plain matmul ${result.matmulGflops.toFixed(1)} GFLOP/s · ${(result.flopsPerBatch / 1e9).toFixed(2)} GFLOP per batch · floor ${result.floorMsPerBatch.toFixed(0)} ms/batch`,
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
  ].join('\n');
}

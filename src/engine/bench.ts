// lab bench: how long one training batch of the notebook's language model takes with each
// cell (forward + backward + Adam, after warm-up, median of several batches), beside the
// arithmetic floor — the batch's matmul FLOPs at the backend's own plain-matmul speed,
// measured in the same run on the same shapes.
//
// FLOPs counted (multiply-add = 2): forward = 2·B·T·(E·4H + H·4H + H·V) for the LSTM
// (input, recurrent and output projections; an RNN has H instead of 4H, a GRU 3H), backward ≈ 2×
// forward, so a batch is 3× forward. Element-wise work, the embedding and Adam are not
// counted: the floor is a bound no implementation can beat, not an estimate.
import { formatNumber, textTable } from '../shared/table';
import * as tf from '@tensorflow/tfjs';
import { activeBackend } from './backend';
import { gradientSourceFor } from './batch-gradients';
import { benchPyTorch } from './bench-pytorch';
import { availableCores } from './fast/lm-threads';
import { getCell } from './cells/registry';
import { CELL_KINDS, familyOf } from '../shared/catalog';
import { LanguageModel } from './model';
import { mulberry32 } from './random';
import type { BackendName, BenchResult, BenchResultRow, CellKind } from '../shared/types';

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
  runCell?: (cell: CellKind, config: BenchConfig, variant?: BenchVariant) => Promise<BenchResultRow>;
  /**
   * Also time builtin-lstm on TF.js's stock kernels (without LSTM Lab's matmul fix, which
   * speeds up every cell, the built-in one included): the framework as shipped. Needs a
   * runCell that measures in a fresh process, since the fix cannot be undone in this one.
   */
  stockBaseline?: boolean;
  /** Threads for fast-lstm's wasm kernel (default: every core). */
  threads?: number;
  /**
   * With fast-lstm among the cells, also time what each of its levers buys: fast-lstm on
   * TF.js ops (no kernel of its own) and the kernel on one thread. Default true.
   */
  levers?: boolean;
  /** Also time the same batch in PyTorch (nn.LSTM) with this Python, on 1 thread and on every core. */
  pytorch?: { python: string };
  /** Called as each cell finishes. */
  onResult?: (row: BenchResultRow) => void;
}

export type BenchConfig = BenchResult['config'] & { batches: number; warmup: number; threads: number };
export type BenchVariant = NonNullable<BenchResultRow['variant']> | { threads: number };

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
    threads: positiveInteger('threads', options.threads ?? availableCores()),
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
  const filled = (rows: number, columns: number) =>
    tf.tensor2d(
      Float32Array.from({ length: rows * columns }, () => random() - 0.5),
      [rows, columns],
    );
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
    for (const [a, b] of [
      [xAll, wIh],
      [hAll, wOut],
    ] as const) {
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
export async function benchCellInProcess(cell: CellKind, config: BenchConfig, variant?: BenchVariant): Promise<BenchResultRow> {
  getCell(cell); // a clear error for an unknown kind before any work
  const tensorsBefore = tf.memory().numTensors;
  const row = await timeCell(cell, config, variant);
  if (tf.memory().numTensors > tensorsBefore) throw new Error(`bench: ${cell} left ${tf.memory().numTensors - tensorsBefore} tensors behind.`);
  return row;
}

async function timeCell(cell: CellKind, config: BenchConfig, variant?: BenchVariant): Promise<BenchResultRow> {
  const { seqLen: T, batchSize: B, vocabSize: V } = config;
  const model = new LanguageModel({ vocabSize: V, embeddingSize: config.embeddingSize, hiddenSize: config.hiddenSize, cell, forgetGate: true, forgetBias: 0, seed: 0 });
  const optimizer: tf.Optimizer = tf.train.adam(1e-3);
  const threads = typeof variant === 'object' ? variant.threads : config.threads;
  const source = gradientSourceFor(model, activeBackend(), { threads, autodiffOnly: variant === 'tfjs-ops' });
  // Synthetic text: characters 2..V-1 (no padding, no unknown), the same for every cell.
  const random = mulberry32(1);
  const characters = () => Int32Array.from({ length: B * T }, () => 2 + Math.floor(random() * (V - 2)));
  const batch = { inputs: characters(), targets: characters(), batchSize: B, seqLen: T };
  const step = async (): Promise<number> => {
    const start = performance.now();
    const { loss, grads } = await source.gradients(batch);
    optimizer.applyGradients(grads);
    tf.dispose(grads);
    if (!Number.isFinite(loss)) throw new Error(`bench: ${cell} gave a non-finite loss (${loss}); the cell or backend is broken.`);
    return performance.now() - start;
  };
  try {
    for (let k = 0; k < config.warmup; k++) await step();
    const times: number[] = [];
    const cpuStart = process.cpuUsage();
    for (let k = 0; k < config.batches; k++) times.push(await step());
    const cpu = process.cpuUsage(cpuStart);
    const msPerBatch = median(times);
    return {
      cell,
      ...(variant === 'tfjs-ops' || variant === 'stock-tfjs' ? { variant } : {}),
      threads: source.threads,
      compute: source.description,
      msPerBatch,
      cpuMsPerBatch: (cpu.user + cpu.system) / 1000 / config.batches,
      minutesPerEpoch: (msPerBatch * config.batchesPerEpoch) / 60000,
      peakRssMB: peakRssMB(),
    };
  } finally {
    await source.dispose();
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
  const runCell = options.runCell ?? ((cell: CellKind, c: BenchConfig, variant?: BenchVariant) => benchCellInProcess(cell, c, variant));
  const results: BenchResultRow[] = [];
  const measure = async (cell: CellKind, variant?: BenchVariant) => {
    const row = await runCell(cell, config, variant);
    results.push(row);
    options.onResult?.(row);
  };
  for (const cell of cells) await measure(cell);
  if (cells.includes('fast-lstm') && (options.levers ?? true)) {
    if (config.threads > 1) await measure('fast-lstm', { threads: 1 });
    await measure('fast-lstm', 'tfjs-ops');
  }
  if (options.stockBaseline && cells.includes('builtin-lstm')) {
    if (!options.runCell) throw new Error('bench: the stock-kernel baseline needs a fresh process per cell (the CLI without --in-process).');
    const row: BenchResultRow = { ...(await options.runCell('builtin-lstm', config, 'stock-tfjs')), variant: 'stock-tfjs' as const };
    results.push(row);
    options.onResult?.(row);
  }
  const cores = availableCores();
  const pytorch = options.pytorch ? await benchPyTorch(options.pytorch.python, config, [...new Set([1, cores])]) : undefined;
  const { batches: _batches, warmup: _warmup, threads: _threads, ...publicConfig } = config;
  return { backend, config: publicConfig, matmulGflops, flopsPerBatch, floorMsPerBatch: flopsPerBatch / (matmulGflops * 1e6), results, cores, ...(pytorch ? { pytorch } : {}) };
}

/** How a time compares with a baseline's, in words that stay true either way: "1.6× faster", "1.8× slower". */
export function speedComparison(ms: number, baselineMs: number): string {
  const ratio = ms <= baselineMs ? baselineMs / ms : ms / baselineMs;
  if (ratio.toFixed(1) === '1.0') return 'as fast (within 5%)';
  return `${ratio.toFixed(1)}× ${ms <= baselineMs ? 'faster' : 'slower'}`;
}

/** The main row of each cell (all threads, its best compute), without variants. */
function mainRows(result: BenchResult): Map<CellKind, BenchResultRow> {
  const rows = new Map<CellKind, BenchResultRow>();
  for (const row of result.results) if (!row.variant && !rows.has(row.cell)) rows.set(row.cell, row);
  return rows;
}

/** PyTorch's best time per batch in this run, when it was measured. */
export function pytorchBestMs(result: BenchResult): number | undefined {
  return result.pytorch && result.pytorch.rows.length > 0 ? Math.min(...result.pytorch.rows.map((row) => row.msPerBatch)) : undefined;
}

/** "12.3×" ratios of the human report: how fast-lstm compares with PyTorch, the floor, its own levers and the other cells. */
export function benchRatios(result: BenchResult): string[] {
  const byCell = mainRows(result);
  const fastRow = byCell.get('fast-lstm');
  if (fastRow === undefined) return [];
  const fast = fastRow.msPerBatch;
  const lines: string[] = [];
  const torch = pytorchBestMs(result);
  if (torch !== undefined) {
    lines.push(
      `fast-lstm vs PyTorch nn.LSTM (torch ${result.pytorch!.torch}, best of ${result.pytorch!.rows.map((r) => r.threads).join('/')} threads): ${(fast / torch).toFixed(2)}× its time (${fast.toFixed(0)} ms vs ${torch.toFixed(0)} ms)`,
    );
  }
  const torchOne = result.pytorch?.rows.find((row) => row.threads === 1);
  const oneThreadRow = result.results.find((r) => r.cell === 'fast-lstm' && !r.variant && r.threads === 1);
  if (torchOne && oneThreadRow) {
    // CPU time, one thread each: what each batch costs the machine, true even when it is busy with other work.
    lines.push(
      `fast-lstm vs PyTorch nn.LSTM in CPU time, one thread each: ${(oneThreadRow.cpuMsPerBatch / torchOne.cpuMsPerBatch).toFixed(2)}× (${oneThreadRow.cpuMsPerBatch.toFixed(0)} ms vs ${torchOne.cpuMsPerBatch.toFixed(0)} ms)`,
    );
  }
  lines.push(`fast-lstm vs floor: ${(fast / result.floorMsPerBatch).toFixed(2)}× the floor (${fast.toFixed(0)} ms vs ${result.floorMsPerBatch.toFixed(0)} ms)`);
  // What each lever buys: the kernel over TF.js ops (one thread each), then the threads.
  const oneThread = result.results.find((r) => r.cell === 'fast-lstm' && !r.variant && r.threads === 1);
  const tfjsOps = result.results.find((r) => r.cell === 'fast-lstm' && r.variant === 'tfjs-ops');
  if (oneThread && tfjsOps)
    lines.push(
      `lever, own wasm kernel: ${(tfjsOps.msPerBatch / oneThread.msPerBatch).toFixed(2)}× faster than fast-lstm on TF.js ops (one thread each: ${oneThread.msPerBatch.toFixed(0)} ms vs ${tfjsOps.msPerBatch.toFixed(0)} ms)`,
    );
  if (oneThread && fastRow.threads > 1)
    lines.push(`lever, ${fastRow.threads} threads: ${(oneThread.msPerBatch / fast).toFixed(2)}× faster than one (${fast.toFixed(0)} ms vs ${oneThread.msPerBatch.toFixed(0)} ms)`);
  for (const other of DEFAULT_BENCH_CELLS.filter((kind) => kind !== 'fast-lstm')) {
    const ms = byCell.get(other)?.msPerBatch;
    if (ms !== undefined) lines.push(`fast-lstm vs ${other}: ${speedComparison(fast, ms)}`);
  }
  for (const row of result.results.filter((r) => r.variant === 'stock-tfjs')) {
    lines.push(`fast-lstm vs ${benchRowLabel(row)}: ${speedComparison(fast, row.msPerBatch)}`);
  }
  const busy = busyMachineNote(result);
  if (busy) lines.push(busy);
  return lines;
}

/**
 * A one-thread row whose wall time far exceeds its CPU time waited for a core: the machine was
 * busy with other work, so wall-clock ratios are unreliable (the CPU-time column still holds).
 */
export function busyMachineNote(result: BenchResult): string | undefined {
  const waits = result.results.filter((row) => row.threads === 1 && row.cpuMsPerBatch > 0).map((row) => row.msPerBatch / row.cpuMsPerBatch);
  const worst = Math.max(0, ...waits);
  if (worst < 1.5) return undefined;
  return `note: the machine was busy (a one-thread row took ${worst.toFixed(1)}× its CPU time in wall time), so these wall-clock ratios are unreliable; compare the CPU-time column, or run again on a quiet machine.`;
}

/** A row's name in tables: the cell kind, marked when it ran on TF.js's stock kernels or ops. */
export function benchRowLabel(row: BenchResultRow): string {
  if (row.variant === 'stock-tfjs') return `${row.cell} (stock TF.js kernels)`;
  if (row.variant === 'tfjs-ops') return `${row.cell} (TF.js ops, no kernel)`;
  return row.cell === 'fast-lstm' && row.compute.includes('kernel') ? `${row.cell} (wasm kernel)` : row.cell;
}

/** The human table: cell, threads, ms per batch, minutes per epoch, peak RSS, × floor (and PyTorch's rows). */
export function benchTable(result: BenchResult): string {
  const header = ['cell', 'threads', 'ms/batch', 'CPU ms/batch', 'min/epoch', 'peak RSS MB', '× floor'];
  const epochMinutes = (ms: number) => formatNumber((ms * result.config.batchesPerEpoch) / 60000, 1);
  // Each cell against its own floor: the reported floor counts the LSTM's four gate blocks, an RNN has one, a GRU three.
  const ownFloorMs = (row: BenchResultRow) => result.floorMsPerBatch * (lstmFlopsPerBatch(result.config, familyOf(row.cell).gateBlocks) / result.flopsPerBatch);
  const rows = result.results.map((row) => [
    benchRowLabel(row),
    String(row.threads),
    formatNumber(row.msPerBatch),
    formatNumber(row.cpuMsPerBatch),
    formatNumber(row.minutesPerEpoch, 1),
    formatNumber(row.peakRssMB),
    (row.msPerBatch / ownFloorMs(row)).toFixed(2),
  ]);
  for (const row of result.pytorch?.rows ?? []) {
    rows.push([
      `PyTorch ${row.model} (torch ${result.pytorch!.torch})${row.note ? ' *' : ''}`,
      String(row.threads),
      formatNumber(row.msPerBatch),
      formatNumber(row.cpuMsPerBatch),
      epochMinutes(row.msPerBatch),
      '',
      (row.msPerBatch / result.floorMsPerBatch).toFixed(2),
    ]);
  }
  rows.push(['(floor: one thread)', '1', formatNumber(result.floorMsPerBatch), '', epochMinutes(result.floorMsPerBatch), '', '1.00']);
  const { config } = result;
  const notes = (result.pytorch?.rows ?? []).filter((row) => row.note).map((row) => `* PyTorch on ${row.threads} threads: ${row.note}`);
  return [
    `backend ${result.backend} · ${result.cores} cores · T=${config.seqLen} B=${config.batchSize} E=${config.embeddingSize} H=${config.hiddenSize} V=${config.vocabSize} · ${formatNumber(config.batchesPerEpoch)} batches/epoch`,
    `plain matmul ${result.matmulGflops.toFixed(1)} GFLOP/s (one thread) · ${(result.flopsPerBatch / 1e9).toFixed(2)} GFLOP per batch · floor ${result.floorMsPerBatch.toFixed(0)} ms/batch`,
    '',
    textTable(
      header,
      rows,
      header.map((_, k) => k > 0),
    ),
    ...notes,
  ].join('\n');
}

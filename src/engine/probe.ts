// The notebook's gradient probe: how much does the hidden state at step t still depend
// on the initial state? For one batch x [B, T, E], a fresh cell, h_0 = 0 of shape [1, H]
// shared over the batch (an LSTM's c_0 = 0 too), and for t = 1..steps
//
//   loss_t = Σ_{b,j} |h_t[b, j]|,   record ‖∂loss_t / ∂h_0‖₂.
//
// The RNN's norms die out within a few steps; the LSTM without a forget gate keeps
// accumulating; with b_f = +1 they decay slowly, b_f = 0 faster, b_f = −1 faster still.
// probeSeries computes each norm as one tf.grad of the t-step unroll (O(steps²) steps per
// series): plain and exact, the reference. probe() uses fast/probe-fast.ts (one backward
// sweep carrying every step's loss, tested equal to this reference) wherever it applies.
import * as tf from '@tensorflow/tfjs';
import { activeBackend } from './backend';
import { canProbeFast, probeSeriesFast } from './fast/probe-fast';
import { warmProbeThreads } from './fast/probe-kernel';
import { getCell } from './cells/registry';
import { catalogEntry, familyOf, kindsWithoutForgetGate } from '../shared/catalog';
import { probeStartWeights } from './cells/init';
import type { CellState, PerGateWeights } from './cells/types';
import { loadCheckpoint } from './checkpoint';
import { machineMemoryLimitMB, memoryProblem } from './validate';
import { loadCorpus } from './corpus';
import { deriveSeed, gaussian, mulberry32 } from './random';
import type { ProbeConfig, ProbeResult, ProbeSeries, ProbeSeriesSpec } from '../shared/types';

export interface ProbeSeriesOptions {
  /** Steps to record (x must have at least this many time steps). */
  steps: number;
  hiddenSize: number;
  /** Seed of the cell's xavier-uniform init; equal seeds give LSTMs equal weights except b_f. */
  seed: number;
  /** Start from these weights (per-gate layout) instead of a fresh init; for LSTMs b_f is then set to spec.forgetBias. */
  weights?: PerGateWeights;
  signal?: AbortSignal;
  /** Called after each step with t (1-based) and its norm. */
  onStep?: (step: number, norm: number) => void;
}

export interface ProbeOptions {
  signal?: AbortSignal;
  /** Called with each series as soon as it is finished. */
  onSeries?: (series: ProbeSeries) => void;
  /** Folder holding brown.tagged.txt (the worker passes dist/corpus). */
  corpusDir?: string;
  /** Use this embedded batch [B, T, E] instead of building one from the corpus. */
  embeddedBatch?: tf.Tensor3D;
}

function cancelled(where: string): Error {
  const error = new Error(`Probe cancelled ${where}.`);
  error.name = 'AbortError';
  return error;
}

/** Lets the event loop run (so a cancel message can arrive) between steps. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

function checkPositiveInteger(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 1) throw new Error(`Probe: ${name} must be a positive integer, got ${value}.`);
}

/**
 * One series: ‖∂loss_t/∂h_0‖₂ for t = 1..steps on the embedded batch x [B, T ≥ steps, E].
 * The cell is created here (and disposed); x is not disposed.
 */
export async function probeSeries(x: tf.Tensor3D, spec: ProbeSeriesSpec, options: ProbeSeriesOptions): Promise<ProbeSeries> {
  const { steps, hiddenSize, seed, signal } = options;
  checkPositiveInteger(steps, 'steps');
  checkPositiveInteger(hiddenSize, 'hiddenSize');
  if (x.rank !== 3) throw new Error(`Probe: the embedded batch must be [batch, time, embedding], got shape [${x.shape.join(', ')}].`);
  const [, available, inputSize] = x.shape;
  if (available < steps) throw new Error(`Probe: the batch has ${available} time steps but ${steps} were asked for; use at most ${available} steps.`);
  const definition = getCell(spec.cell);
  let weights = options.weights;
  if (weights) weights = probeStartWeights(weights, spec);
  const cell = definition.create({ inputSize, hiddenSize, forgetGate: spec.forgetGate, forgetBias: spec.forgetBias, seed }, weights);
  const started = Date.now();
  const norms: number[] = [];
  const inputs = tf.tidy(() => tf.unstack(x.slice([0, 0, 0], [x.shape[0], steps, inputSize]), 1)) as tf.Tensor2D[];
  const initialCell = familyOf(spec.cell).state.includes('c') ? (tf.zeros([1, hiddenSize]) as tf.Tensor2D) : undefined;
  const h0 = tf.zeros([1, hiddenSize]) as tf.Tensor2D;
  try {
    for (let t = 1; t <= steps; t++) {
      if (signal?.aborted) throw cancelled(`at step ${t} of ${spec.name}`);
      const lossAtStep = (hInitial: tf.Tensor): tf.Scalar => {
        let state: CellState = { h: hInitial as tf.Tensor2D, ...(initialCell ? { c: initialCell } : {}) };
        for (let k = 0; k < t; k++) state = cell.step(inputs[k]!, state);
        return tf.sum(tf.abs(state.h));
      };
      const norm = tf.tidy(() => tf.norm(tf.grad(lossAtStep)(h0)).dataSync()[0]!);
      norms.push(norm);
      options.onStep?.(t, norm);
      await yieldToEventLoop();
    }
  } finally {
    tf.dispose([...inputs, h0, ...(initialCell ? [initialCell] : [])]);
    cell.dispose();
  }
  return { ...spec, norms, seconds: (Date.now() - started) / 1000 };
}

/** Embeds token ids [B, T] with table [V, E] → x [B, T, E] (a plain lookup: no gradient is needed). */
export function embedIds(ids: Int32Array, batch: number, steps: number, table: ArrayLike<number>, embeddingSize: number): tf.Tensor3D {
  const out = new Float32Array(batch * steps * embeddingSize);
  const vocabSize = table.length / embeddingSize;
  for (let k = 0; k < batch * steps; k++) {
    const id = ids[k]!;
    if (id < 0 || id >= vocabSize) throw new Error(`Probe: token id ${id} is outside the embedding's ${vocabSize} rows.`);
    for (let j = 0; j < embeddingSize; j++) out[k * embeddingSize + j] = table[id * embeddingSize + j]!;
  }
  return tf.tensor3d(out, [batch, steps, embeddingSize]);
}

/**
 * A fresh seeded embedding [V, E] with N(0, 1) entries (PyTorch's nn.Embedding default).
 * The notebook probes with its *trained* embedding. A fresh xavier-uniform one (the language
 * model's init, |e| ≈ 0.13 for V = 60) is so small that tanh stays nearly linear and even
 * the RNN's gradient barely decays; unit-scale inputs give the notebook's picture.
 */
export function freshEmbedding(vocabSize: number, embeddingSize: number, seed: number): Float32Array {
  const normal = gaussian(mulberry32(deriveSeed(seed, 'probe-embedding')));
  return Float32Array.from({ length: vocabSize * embeddingSize }, normal);
}

/** Names for the memory advice, e.g. the CLI's flags; default words for the panel. */
export interface ProbeSettingNames {
  batchSize: string;
  seqLen: string;
  hiddenSize: string;
}

export function validateProbeConfig(config: ProbeConfig, names: ProbeSettingNames = { batchSize: 'the batch size', seqLen: 'the number of steps', hiddenSize: 'the hidden size' }): void {
  checkPositiveInteger(config.steps, 'steps');
  checkPositiveInteger(config.batchSize, 'batchSize');
  checkPositiveInteger(config.embeddingSize, 'embeddingSize');
  checkPositiveInteger(config.hiddenSize, 'hiddenSize');
  // The gradient tape holds every step (as training does, without the logits): refuse what cannot fit.
  const memory = memoryProblem({ ...config, seqLen: config.steps, vocabSize: 0 }, machineMemoryLimitMB(), names, 'the probe');
  if (memory) throw new Error(`Probe: ${memory}`);
  if (!Array.isArray(config.series) || config.series.length === 0) throw new Error('Probe: no series to run; give at least one (e.g. DEFAULT_PROBE_SERIES).');
  for (const spec of config.series) {
    getCell(spec.cell); // a clear error for an unknown kind, before any work
    if (!Number.isFinite(spec.forgetBias)) throw new Error(`Probe series "${spec.name}": forgetBias must be a finite number, got ${spec.forgetBias}.`);
    if (catalogEntry(spec.cell).forgetGate === 'always' && !spec.forgetGate) {
      throw new Error(`Probe series "${spec.name}": ${spec.cell} always has a forget gate; use ${kindsWithoutForgetGate().slice(0, 2).join(' or ')} for "no forget gate".`);
    }
  }
}

/** Starts the fast probe's threads now when `config` will use them, so that they are up by the time its first series starts. */
export function warmProbe(config: ProbeConfig): void {
  if (config.series.some((spec) => canProbeFast(spec.cell))) warmProbeThreads();
}

/**
 * The notebook's probe: the first training batch (config.batchSize instances of
 * config.steps characters) of the corpus, embedded with a fresh seeded embedding or the
 * checkpoint's; then each series in turn, streamed through onSeries.
 *
 * With a checkpoint, LSTM series start from its cell's weights with b_f set to the series'
 * forgetBias (as the notebook sets b_f on one existing cell) or, with keepTrainedForgetBias,
 * exactly as saved; an RNN series uses it if the checkpoint is an RNN; other series get fresh cells seeded by config.seed.
 */
export async function probe(config: ProbeConfig, options: ProbeOptions = {}): Promise<ProbeResult> {
  validateProbeConfig(config);
  warmProbe(config); // their start-up overlaps the corpus and the embedding
  const { steps, hiddenSize, embeddingSize, seed } = config;
  const checkpoint = config.checkpoint ? loadCheckpoint(config.checkpoint) : undefined;
  if (checkpoint && (checkpoint.cell.hiddenSize !== hiddenSize || checkpoint.cell.inputSize !== embeddingSize)) {
    throw new Error(
      `Probe: the checkpoint's cell is ${checkpoint.cell.inputSize}→${checkpoint.cell.hiddenSize}, but the probe asks for ${embeddingSize}→${hiddenSize}; set embeddingSize ${checkpoint.cell.inputSize} and hiddenSize ${checkpoint.cell.hiddenSize}.`,
    );
  }
  let x = options.embeddedBatch;
  const ownsBatch = !x;
  if (!x) {
    const corpus = await loadCorpus(config.corpus, { seqLen: steps, valFraction: 0.1, seed }, { corpusDir: options.corpusDir, ...(checkpoint ? { vocab: checkpoint.vocab } : {}) });
    const first = corpus.trainBatches(config.batchSize, 0).next();
    if (first.done) throw new Error('Probe: the corpus has no training batch.');
    const table = checkpoint ? Float32Array.from(checkpoint.weights.embedding.flat()) : freshEmbedding(corpus.vocab.length, embeddingSize, seed);
    if (table.length !== corpus.vocab.length * embeddingSize) throw new Error(`Probe: the embedding does not match the vocabulary (${corpus.vocab.length} × ${embeddingSize}).`);
    x = embedIds(first.value.inputs, first.value.batchSize, steps, table, embeddingSize);
  } else if (x.shape[2] !== embeddingSize) {
    throw new Error(`Probe: the embedded batch has ${x.shape[2]} features but embeddingSize is ${embeddingSize}.`);
  }
  const cellSeed = deriveSeed(seed, 'probe-cell'); // one seed for every series: same weights except b_f
  const checkpointFamily = checkpoint ? getCell(checkpoint.cell.kind).family : undefined;
  const embedded = x;
  // Stops the series still running when one fails or the caller cancels.
  const stop = new AbortController();
  const stopAll = () => stop.abort();
  options.signal?.addEventListener('abort', stopAll, { once: true });
  const run = (spec: ProbeSeriesSpec, probeOne: typeof probeSeries) => {
    const weights = checkpoint && getCell(spec.cell).family === checkpointFamily ? checkpoint.weights.cell : undefined;
    return probeOne(embedded, spec, { steps, hiddenSize, seed: cellSeed, signal: stop.signal, ...(weights ? { weights } : {}) });
  };
  const series: ProbeSeries[] = [];
  try {
    if (options.signal?.aborted) throw cancelled(`after 0 of ${config.series.length} series`);
    let previousDone = Date.now();
    // Every fast series starts now (each reads x before it returns): their sweeps queue on the
    // kernel's threads, which go from one series to the next without waiting for this thread.
    const fast = config.series.map((spec) => (canProbeFast(spec.cell) ? run(spec, probeSeriesFast) : undefined));
    fast.forEach((pending) => pending?.catch(() => undefined)); // awaited below; never unhandled meanwhile
    for (const [k, spec] of config.series.entries()) {
      if (options.signal?.aborted) throw cancelled(`after ${series.length} of ${config.series.length} series`);
      const result = await (fast[k] ?? run(spec, probeSeries));
      // The series overlap: each one's seconds are the time it added after the one before.
      const done = Date.now();
      series.push({ ...result, seconds: (done - previousDone) / 1000 });
      previousDone = done;
      options.onSeries?.(series[k]!);
    }
  } finally {
    stop.abort();
    options.signal?.removeEventListener('abort', stopAll);
    if (ownsBatch) x.dispose();
  }
  return { backend: activeBackend(), steps, series };
}

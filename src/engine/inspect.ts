// Looking inside a trained cell (issue 8), on TF.js:
//   - captureActivations: every gate's value at every character of a text, computed from the
//     cell's exported weights with the notebook's equations (so every LSTM kind, built-in
//     included, is read the same way);
//   - topUnits: the hidden units most active on a pattern (mean on the matches − elsewhere);
//   - gateSaturation / measureSaturation: fractions of sigmoid-gate activations < 0.1 and > 0.9;
//   - gradientFlow: ‖∂loss_t/∂x_s‖₂ for every s ≤ t, by one forward pass and a backward pass
//     through time that carries one row per loss_t (all T backward passes at once, batched);
//   - probeTrained: the notebook's h0 probe on the trained cell next to the run's fresh cell;
//   - sampleWithProbabilities: the sampler's text with each character's probability.
// Results are plain data (inspect-types.ts).
import * as tf from '@tensorflow/tfjs';
import { activeBackend, initBackend } from './backend';
import { getCell } from './cells/registry';
import { checkNotebookWeights, fuseLstmWeights, lstmWeightShapes, rnnWeightShapes } from './cells/notebook-layout';
import type { CellState, NotebookWeights, RecurrentCell } from './cells/types';
import { loadCheckpoint, type Checkpoint } from './checkpoint';
import { loadCorpus, PADDING_ID, UNKNOWN_ID } from './corpus';
import { InputError } from './errors';
import { languageModelFromCheckpoint, LanguageModel } from './model';
import { embedIds, probeSeries } from './probe';
import { deriveSeed, mulberry32 } from './random';
import { disposeState, drawCharacter, feed, primingIds, validateSampleConfig } from './sampler';
import type { CorpusSpec, ProbeSeries, ProbeSeriesSpec, SampleConfig } from './types';
import type {
  ActivationCapture,
  CapturedGate,
  CharacterProbability,
  GateSaturation,
  GradientFlow,
  SampleStep,
  SampleWithProbabilities,
  TrainedProbeResult,
  UnitScore,
} from './inspect-types';

/** Longest text an activation capture accepts (one step per character). */
export const MAX_CAPTURE_CHARS = 5000;
/** Longest text the gradient heatmap accepts (its cost and size grow as T²). */
export const MAX_GRADIENT_FLOW_CHARS = 1000;
/** Sigmoid outputs below this count as a closed gate, above 1 − this as an open one (Karpathy et al. 2015). */
export const SATURATION_THRESHOLD = 0.1;

// ───────────── where the model comes from ─────────────

/** A language model with its vocabulary (what a checkpoint holds, loaded). */
export interface LoadedModel {
  model: LanguageModel;
  vocab: string[];
}

/** A checkpoint folder (or its checkpoint.json), a loaded checkpoint, or a model already built. */
export type InspectSource = string | Checkpoint | LoadedModel;

/** Builds the checkpoint's language model. The caller disposes `model`. */
export function modelFromCheckpoint(checkpoint: Checkpoint): LoadedModel {
  const model = languageModelFromCheckpoint(checkpoint);
  return { model, vocab: checkpoint.vocab };
}

async function ensureBackend(): Promise<void> {
  try {
    activeBackend();
  } catch {
    await initBackend('auto');
  }
}

/** Runs `use` on the source's model; a model built here is disposed afterwards. */
async function withModel<T>(source: InspectSource, use: (loaded: LoadedModel) => T | Promise<T>): Promise<T> {
  await ensureBackend();
  if (typeof source !== 'string' && 'model' in source) return use(source);
  const checkpoint = typeof source === 'string' ? loadCheckpoint(source) : source;
  const loaded = modelFromCheckpoint(checkpoint);
  try {
    return await use(loaded);
  } finally {
    loaded.model.dispose();
  }
}

/** The text's characters (code points, as given) and their vocabulary ids (lower-cased, as the corpus is; unknown = 1). */
export function encodeText(text: string, vocab: string[], maxChars: number, what: string): { chars: string[]; ids: number[] } {
  if (typeof text !== 'string' || text.length === 0) throw new InputError('The text is empty; give at least one character (e.g. a sentence from the corpus).');
  const chars = Array.from(text);
  if (chars.length > maxChars) throw new InputError(`The text has ${chars.length.toLocaleString('en-US')} characters; ${what} reads at most ${maxChars.toLocaleString('en-US')}. Select a shorter passage.`);
  const idOf = new Map(vocab.map((character, id) => [character, id] as const));
  const ids = chars.map((character) => {
    const id = idOf.get(character.toLowerCase());
    return id === undefined || id === PADDING_ID ? UNKNOWN_ID : id;
  });
  return { chars, ids };
}

// ───────────── the notebook's equations on a cell's exported weights ─────────────

/** A cell's weights as fused tensors: LSTM W_ih [E, 4H] (i | f | g | o), W_hh [H, 4H], b [4H]; RNN [E, H], [H, H], [H]. */
interface CellTensors {
  lstm: boolean;
  forgetGate: boolean;
  inputSize: number;
  hiddenSize: number;
  weightIh: tf.Tensor2D;
  weightHh: tf.Tensor2D;
  bias: tf.Tensor1D;
}

function cellTensors(cell: RecurrentCell): CellTensors {
  const lstm = getCell(cell.kind).family === 'lstm';
  const { inputSize: E, hiddenSize: H } = cell;
  const weights: NotebookWeights = cell.exportWeights();
  if (lstm) {
    const fused = fuseLstmWeights(checkNotebookWeights(weights, lstmWeightShapes(E, H), cell.kind), E, H);
    return {
      lstm,
      forgetGate: cell.forgetGate,
      inputSize: E,
      hiddenSize: H,
      weightIh: tf.tensor2d(fused.weightIh, [E, 4 * H]),
      weightHh: tf.tensor2d(fused.weightHh, [H, 4 * H]),
      bias: tf.tensor1d(fused.bias),
    };
  }
  const flat = checkNotebookWeights(weights, rnnWeightShapes(E, H), cell.kind);
  return { lstm, forgetGate: false, inputSize: E, hiddenSize: H, weightIh: tf.tensor2d(flat['W_ih']!, [E, H]), weightHh: tf.tensor2d(flat['W_hh']!, [H, H]), bias: tf.tensor1d(flat['b']!) };
}

function disposeCellTensors(tensors: CellTensors): void {
  tf.dispose([tensors.weightIh, tensors.weightHh, tensors.bias]);
}

/** One time step's values, each [B, H]. i, f, g, o, c for LSTMs only (f only with a forget gate). */
type StepValues = Partial<Record<CapturedGate, tf.Tensor2D>> & { h: tf.Tensor2D };

/**
 * x [B, T, E] → the values of every step from h_0 = c_0 = 0, by the notebook's equations:
 *   i = σ(·), f = σ(·), g = tanh(·), o = σ(·), c = f⊙c + i⊙g (no forget gate: c + i⊙g), h = o⊙tanh(c);
 *   RNN: h = tanh(x W_ih + h W_hh + b).
 * Call inside tf.tidy. Not differentiable (gradientFlow has its own backward pass).
 */
function runEquations(weights: CellTensors, x: tf.Tensor3D): StepValues[] {
  const [batch, steps, inputSize] = x.shape;
  const H = weights.hiddenSize;
  const width = weights.lstm ? 4 * H : H;
  // Every step's input projection in one matmul. The steps are cut apart in JS: on wasm each
  // tf.slice/unstack of a large tensor costs time in proportion to the whole tensor (measured
  // ≈25 ms per step at [500·32, 500]), which made T steps cost O(T²).
  const projected = tf.add(tf.matMul(tf.reshape(x, [batch * steps, inputSize]) as tf.Tensor2D, weights.weightIh), weights.bias);
  const timeMajor = tf.transpose(tf.reshape(projected, [batch, steps, width]), [1, 0, 2]).dataSync();
  const stepSize = batch * width;
  const inputs = Array.from({ length: steps }, (_, t) => tf.tensor2d(timeMajor.subarray(t * stepSize, (t + 1) * stepSize), [batch, width]));
  let h: tf.Tensor2D = tf.zeros([batch, H]);
  let c: tf.Tensor2D = tf.zeros([batch, H]);
  const out: StepValues[] = [];
  for (const input of inputs) {
    const pre = tf.add(input, tf.matMul(h, weights.weightHh)) as tf.Tensor2D;
    if (!weights.lstm) {
      h = tf.tanh(pre);
      out.push({ h });
      continue;
    }
    const [iPre, fPre, gPre, oPre] = tf.split(pre, 4, 1) as tf.Tensor2D[];
    const i = tf.sigmoid(iPre!);
    const g = tf.tanh(gPre!);
    const o = tf.sigmoid(oPre!);
    if (weights.forgetGate) {
      const f = tf.sigmoid(fPre!);
      c = tf.add(tf.mul(f, c), tf.mul(i, g));
      h = tf.mul(o, tf.tanh(c));
      out.push({ i, f, g, o, c, h });
    } else {
      c = tf.add(c, tf.mul(i, g));
      h = tf.mul(o, tf.tanh(c));
      out.push({ i, g, o, c, h });
    }
  }
  return out;
}

function gateNamesOf(lstm: boolean, forgetGate: boolean): CapturedGate[] {
  if (!lstm) return ['h'];
  return forgetGate ? ['i', 'f', 'g', 'o', 'c', 'h'] : ['i', 'g', 'o', 'c', 'h'];
}

// ───────────── 1. activation capture ─────────────

/**
 * Every gate's value at every character of `text` ([T][H] per gate), starting from
 * h_0 = c_0 = 0. The model reads the text lower-cased; characters outside its vocabulary
 * are read as "unknown" (id 1).
 */
export async function captureActivations(source: InspectSource, text: string): Promise<ActivationCapture> {
  return withModel(source, ({ model, vocab }) => {
    const { chars, ids } = encodeText(text, vocab, MAX_CAPTURE_CHARS, 'the activation capture');
    const weights = cellTensors(model.cell);
    try {
      const names = gateNamesOf(weights.lstm, weights.forgetGate);
      const stacked = tf.tidy(() => {
        const x = model.embed(tf.tensor2d([ids], [1, ids.length], 'int32'));
        const steps = runEquations(weights, x);
        // [T, H] per gate (batch of one).
        return names.map((name) => tf.concat(steps.map((step) => step[name]!), 0));
      });
      const gates: ActivationCapture['gates'] = {};
      names.forEach((name, k) => (gates[name] = stacked[k]!.arraySync() as number[][]));
      tf.dispose(stacked);
      return { cell: model.cell.kind, forgetGate: weights.forgetGate, hiddenSize: weights.hiddenSize, chars, ids, gateNames: names, gates };
    } finally {
      disposeCellTensors(weights);
    }
  });
}

// ───────────── 2. units most active on a pattern ─────────────

/** Which positions to score: explicit indices, or every character a regular expression matches. */
export type PositionSelection = { positions: number[] } | { pattern: RegExp | string };

/** Character positions (code points) covered by the matches of `pattern` in chars.join(''). */
export function positionsMatching(chars: string[], pattern: RegExp | string): number[] {
  let regex: RegExp;
  try {
    regex = typeof pattern === 'string' ? new RegExp(pattern, 'gu') : new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : pattern.flags + 'g');
  } catch (error) {
    throw new InputError(`"${String(pattern)}" is not a valid regular expression (${(error as Error).message}).`);
  }
  const text = chars.join('');
  // Code-unit offset → character index (a character outside the BMP takes two code units).
  const charAt: number[] = [];
  chars.forEach((character, index) => {
    for (let k = 0; k < character.length; k++) charAt.push(index);
  });
  const selected = new Set<number>();
  for (const match of text.matchAll(regex)) {
    const start = match.index ?? 0;
    for (let unit = start; unit < start + match[0].length; unit++) selected.add(charAt[unit]!);
  }
  return [...selected].sort((a, b) => a - b);
}

/**
 * The hidden units whose `gate` is most active on the selected positions: score = mean over
 * the selected positions − mean over all others, highest first.
 */
export function topUnits(capture: ActivationCapture, selection: PositionSelection, gate: CapturedGate, options: { limit?: number } = {}): UnitScore[] {
  const values = capture.gates[gate];
  if (!values) throw new Error(`This ${capture.cell} capture has no "${gate}"; it has ${capture.gateNames.join(', ')}.`);
  const steps = capture.chars.length;
  const positions = 'positions' in selection ? selection.positions : positionsMatching(capture.chars, selection.pattern);
  for (const position of positions) {
    if (!Number.isInteger(position) || position < 0 || position >= steps) {
      throw new Error(`Position ${position} is outside the text (0 … ${steps - 1}).`);
    }
  }
  const on = new Set(positions);
  if (on.size === 0) throw new InputError('The pattern matches no character of the text; give a pattern that occurs in it.');
  if (on.size === steps) throw new InputError('The pattern matches every character, so there is nothing to compare it with; give a pattern that matches only part of the text.');
  const limit = options.limit ?? 10;
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`The number of units to rank must be a positive integer, got ${limit}.`);
  const hidden = capture.hiddenSize;
  const sumOn = new Float64Array(hidden);
  const sumOff = new Float64Array(hidden);
  for (let t = 0; t < steps; t++) {
    const target = on.has(t) ? sumOn : sumOff;
    const row = values[t]!;
    for (let unit = 0; unit < hidden; unit++) target[unit] += row[unit]!;
  }
  const scores: UnitScore[] = [];
  for (let unit = 0; unit < hidden; unit++) {
    const meanOn = sumOn[unit]! / on.size;
    const meanOff = sumOff[unit]! / (steps - on.size);
    scores.push({ unit, score: meanOn - meanOff, meanOn, meanOff });
  }
  scores.sort((a, b) => b.score - a.score || a.unit - b.unit);
  return scores.slice(0, limit);
}

// ───────────── 3. saturation ─────────────

const SIGMOID_GATES = ['i', 'f', 'o'] as const;

/** Saturation of the sigmoid gates (i, f, o) over a capture's text. Empty for the RNN. */
export function gateSaturation(capture: ActivationCapture): GateSaturation[] {
  const out: GateSaturation[] = [];
  for (const gate of SIGMOID_GATES) {
    const values = capture.gates[gate];
    if (!values) continue;
    let low = 0;
    let high = 0;
    let count = 0;
    for (const row of values) {
      for (const value of row) {
        if (value < SATURATION_THRESHOLD) low++;
        else if (value > 1 - SATURATION_THRESHOLD) high++;
        count++;
      }
    }
    out.push({ gate, low: low / count, high: high / count });
  }
  return out;
}

/**
 * Saturation of the sigmoid gates over a batch of token ids [batch, seqLen] (row-major),
 * padding positions left out. Returns the gates and how many activations each counted.
 * Synchronous: the trainer calls it between batches.
 */
export function measureSaturation(model: LanguageModel, ids: Int32Array, batch: number, seqLen: number): { count: number; gates: GateSaturation[] } {
  if (ids.length !== batch * seqLen) throw new Error(`measureSaturation: ${ids.length} ids do not make a ${batch}×${seqLen} batch.`);
  const weights = cellTensors(model.cell);
  try {
    const names = SIGMOID_GATES.filter((gate) => weights.lstm && (gate !== 'f' || weights.forgetGate));
    if (names.length === 0) return { count: 0, gates: [] };
    const figures = tf.tidy(() => {
      const idTensor = tf.tensor2d(ids, [batch, seqLen], 'int32');
      const steps = runEquations(weights, model.embed(idTensor));
      const mask = tf.expandDims(tf.notEqual(idTensor, tf.scalar(PADDING_ID, 'int32')).toFloat(), 2); // [B, T, 1]
      const counted = tf.mul(tf.sum(mask), weights.hiddenSize);
      const perGate = names.map((name) => {
        const values = tf.stack(steps.map((step) => step[name]!), 1); // [B, T, H]
        const low = tf.sum(tf.mul(tf.less(values, SATURATION_THRESHOLD).toFloat(), mask));
        const high = tf.sum(tf.mul(tf.greater(values, 1 - SATURATION_THRESHOLD).toFloat(), mask));
        return tf.stack([low, high]);
      });
      return tf.concat([tf.reshape(counted, [1]), ...perGate]);
    });
    const numbers = figures.dataSync();
    figures.dispose();
    const count = numbers[0]!;
    return { count, gates: names.map((gate, k) => ({ gate, low: numbers[1 + 2 * k]! / Math.max(count, 1), high: numbers[2 + 2 * k]! / Math.max(count, 1) })) };
  } finally {
    disposeCellTensors(weights);
  }
}

// ───────────── 4. per-step gradient flow ─────────────

/**
 * For a text of N characters, T = N − 1 predictions: position t reads x_0 … x_t and is scored
 * on character t + 1. Returns ‖∂loss_t/∂x_s‖₂ for every s ≤ t (zero above the diagonal).
 *
 * One forward pass records every gate; the backward pass through time then carries one row
 * per loss at once, row t being the gradient of loss_t: it joins at step t (its seed) and is
 * carried down to step 0. At step s only the rows t ≥ s are non-zero, so only they are kept:
 * the whole [T][T] matrix costs about half a backward pass of a batch of T.
 */
export async function gradientFlow(source: InspectSource, text: string, options: { signal?: AbortSignal } = {}): Promise<GradientFlow> {
  return withModel(source, async ({ model, vocab }) => {
    const started = performance.now();
    const encoded = encodeText(text, vocab, MAX_GRADIENT_FLOW_CHARS, 'the gradient flow');
    if (encoded.chars.length < 2) throw new InputError('The gradient flow needs at least two characters (each prediction is scored on the next one).');
    const steps = encoded.chars.length - 1;
    const inputIds = encoded.ids.slice(0, steps);
    const targetIds = encoded.ids.slice(1);
    const H = model.options.hiddenSize;
    const weights = cellTensors(model.cell);
    const keep: tf.Tensor[] = [];
    try {
      // Forward: every step's gate values, the per-position losses, and each loss's seed ∂loss_t/∂h_t = (softmax − onehot) W_pᵀ.
      const forward = tf.tidy(() => {
        const x = model.embed(tf.tensor2d([inputIds], [1, steps], 'int32'));
        const values = runEquations(weights, x);
        const hidden = tf.concat(values.map((value) => value.h), 0) as tf.Tensor2D; // [T, H]
        const logProbabilities = tf.logSoftmax(model.project(hidden));
        const targets = tf.oneHot(tf.tensor1d(targetIds, 'int32'), model.options.vocabSize).toFloat();
        const losses = tf.neg(tf.sum(tf.mul(logProbabilities, targets), 1));
        const seeds = tf.matMul(tf.sub(tf.exp(logProbabilities), targets), tf.transpose(model.projectionWeight)) as tf.Tensor2D;
        return { values, losses, seeds: tf.unstack(seeds, 0).map((seed) => tf.reshape(seed, [1, H]) as tf.Tensor2D) };
      });
      keep.push(forward.losses, ...forward.seeds, ...forward.values.flatMap((value) => Object.values(value) as tf.Tensor[]));
      const transposedIh = tf.transpose(weights.weightIh);
      const transposedHh = tf.transpose(weights.weightHh);
      keep.push(transposedIh, transposedHh);
      // Row k of these belongs to loss_{s+1+k} (the losses after step s).
      let dh: tf.Tensor2D = tf.zeros([0, H]); // ∂loss/∂h_s through step s + 1
      let dc: tf.Tensor2D = tf.zeros([0, H]); // ∂loss/∂c_s through c_{s+1}
      const columns: tf.Tensor1D[] = []; // columns[s][k] = ‖∂loss_{s+k}/∂x_s‖
      const zeroCell = tf.zeros([1, H]) as tf.Tensor2D;
      keep.push(zeroCell);
      try {
        for (let s = steps - 1; s >= 0; s--) {
          if (options.signal?.aborted) {
            const error = new Error(`Gradient flow cancelled at step ${s + 1} of ${steps}.`);
            error.name = 'AbortError';
            throw error;
          }
          const next = tf.tidy(() => {
            const value = forward.values[s]!;
            // loss_s joins as row 0: its seed on h_s (and nothing yet on c_s).
            const dhTotal = tf.concat([forward.seeds[s]!, dh], 0);
            let dPre: tf.Tensor2D;
            let dcPrevious: tf.Tensor2D = dc; // the RNN has no cell state: stays empty
            if (!weights.lstm) {
              dPre = tf.mul(dhTotal, tf.sub(1, tf.square(value.h)));
            } else {
              const { i, g, o, c } = value as Required<StepValues>;
              const cPrevious = s > 0 ? forward.values[s - 1]!.c! : zeroCell;
              const tanhC = tf.tanh(c);
              const dcThrough = tf.concat([zeroCell, dc], 0);
              const dcTotal = tf.add(dcThrough, tf.mul(dhTotal, tf.mul(o, tf.sub(1, tf.square(tanhC))))) as tf.Tensor2D;
              const dPreI = tf.mul(tf.mul(dcTotal, g), tf.mul(i, tf.sub(1, i)));
              const dPreG = tf.mul(tf.mul(dcTotal, i), tf.sub(1, tf.square(g)));
              const dPreO = tf.mul(tf.mul(dhTotal, tanhC), tf.mul(o, tf.sub(1, o)));
              let dPreF: tf.Tensor2D;
              if (weights.forgetGate) {
                const f = value.f!;
                dPreF = tf.mul(tf.mul(dcTotal, cPrevious), tf.mul(f, tf.sub(1, f)));
                dcPrevious = tf.mul(dcTotal, f);
              } else {
                dPreF = tf.zerosLike(dcTotal);
                dcPrevious = dcTotal;
              }
              dPre = tf.concat([dPreI, dPreF, dPreG, dPreO], 1) as tf.Tensor2D;
            }
            const dx = tf.matMul(dPre, transposedIh);
            return { column: tf.sqrt(tf.sum(tf.square(dx), 1)) as tf.Tensor1D, dh: tf.matMul(dPre, transposedHh) as tf.Tensor2D, dc: dcPrevious };
          });
          if (next.dc !== dc) dc.dispose();
          dh.dispose();
          dh = next.dh;
          dc = next.dc;
          columns[s] = next.column;
          if (s % 50 === 0) await new Promise<void>((resolve) => setImmediate(resolve)); // lets a cancel arrive
        }
        const norms: number[][] = Array.from({ length: steps }, () => new Array<number>(steps).fill(0));
        for (let s = 0; s < steps; s++) {
          const column = columns[s]!.dataSync();
          for (let k = 0; k < column.length; k++) norms[s + k]![s] = column[k]!;
        }
        const losses = Array.from(forward.losses.dataSync());
        const byDistance = Array.from({ length: steps }, (_, distance) => {
          let sum = 0;
          for (let t = distance; t < steps; t++) sum += norms[t]![t - distance]!;
          return sum / (steps - distance);
        });
        return {
          cell: model.cell.kind,
          chars: encoded.chars.slice(0, steps),
          targets: encoded.chars.slice(1),
          norms,
          losses,
          byDistance,
          seconds: (performance.now() - started) / 1000,
        };
      } finally {
        tf.dispose([dh, dc, ...columns.filter(Boolean)]);
      }
    } finally {
      tf.dispose(keep);
      disposeCellTensors(weights);
    }
  });
}

// ───────────── the notebook's h0 probe, trained cell vs fresh cell ─────────────

export interface TrainedProbeOptions {
  /** Steps of the probe (notebook: 100). */
  steps?: number;
  /** Instances in the probed batch (notebook: 32). */
  batchSize?: number;
  /** Text to probe on; default the run's own corpus. */
  corpus?: CorpusSpec;
  corpusDir?: string;
  signal?: AbortSignal;
  /** Called with each series as it finishes (trained first, then fresh). */
  onSeries?: (series: ProbeSeries) => void;
}

/**
 * ‖∂loss_t/∂h_0‖₂ with loss_t = Σ|h_t| (probe.ts) on a given cell as it is. probeSeries sets
 * b_f of given weights to one constant (the notebook's experiment); a trained b_f must stay.
 */
async function probeCellAsIs(x: tf.Tensor3D, cell: RecurrentCell, spec: ProbeSeriesSpec, steps: number, lstm: boolean, signal?: AbortSignal): Promise<ProbeSeries> {
  const started = Date.now();
  const hidden = cell.hiddenSize;
  const inputs = tf.tidy(() => tf.unstack(x.slice([0, 0, 0], [x.shape[0], steps, x.shape[2]]), 1)) as tf.Tensor2D[];
  const h0 = tf.zeros([1, hidden]) as tf.Tensor2D;
  const c0 = lstm ? (tf.zeros([1, hidden]) as tf.Tensor2D) : undefined;
  const norms: number[] = [];
  try {
    for (let t = 1; t <= steps; t++) {
      if (signal?.aborted) {
        const error = new Error(`Probe cancelled at step ${t} of ${spec.name}.`);
        error.name = 'AbortError';
        throw error;
      }
      const lossAtStep = (hInitial: tf.Tensor): tf.Scalar => {
        let state: CellState = { h: hInitial as tf.Tensor2D, ...(c0 ? { c: c0 } : {}) };
        for (let k = 0; k < t; k++) state = cell.step(inputs[k]!, state);
        return tf.sum(tf.abs(state.h));
      };
      norms.push(tf.tidy(() => tf.norm(tf.grad(lossAtStep)(h0)).dataSync()[0]!));
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    tf.dispose([...inputs, h0, ...(c0 ? [c0] : [])]);
  }
  return { ...spec, norms, seconds: (Date.now() - started) / 1000 };
}

/**
 * The notebook's h0 probe on the checkpoint's trained cell and on the run's fresh cell (the
 * same kind, options and seed, i.e. the cell before its first training step), both on the
 * first training batch of the run's corpus embedded with the trained embedding.
 */
export async function probeTrained(checkpointOrPath: string | Checkpoint, options: TrainedProbeOptions = {}): Promise<TrainedProbeResult> {
  await ensureBackend();
  const checkpoint = typeof checkpointOrPath === 'string' ? loadCheckpoint(checkpointOrPath) : checkpointOrPath;
  const steps = options.steps ?? 100;
  const batchSize = options.batchSize ?? 32;
  for (const [name, value] of [['steps', steps], ['batchSize', batchSize]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`The probe's ${name} must be a positive integer, got ${value}.`);
  }
  const { kind, inputSize, hiddenSize, forgetGate, forgetBias } = checkpoint.cell;
  const lstm = getCell(kind).family === 'lstm';
  const corpus = await loadCorpus(options.corpus ?? checkpoint.config.corpus, { seqLen: steps, valFraction: checkpoint.config.valFraction, seed: checkpoint.config.seed }, { corpusDir: options.corpusDir, vocab: checkpoint.vocab });
  const first = corpus.trainBatches(batchSize, 0).next();
  if (first.done) throw new InputError(`The corpus has no training batch of ${steps} characters; use fewer steps.`);
  const x = embedIds(first.value.inputs, first.value.batchSize, steps, Float32Array.from(checkpoint.weights.embedding.flat()), inputSize);
  const cell = getCell(kind).create({ inputSize, hiddenSize, forgetGate, forgetBias }, checkpoint.weights.cell);
  try {
    const base = { cell: kind, forgetGate, forgetBias };
    const trained = await probeCellAsIs(x, cell, { ...base, name: 'trained' }, steps, lstm, options.signal);
    options.onSeries?.(trained);
    // The language model seeds its cell with deriveSeed(seed, 'cell'): the same seed gives the run's initial cell.
    const fresh = await probeSeries(x, { ...base, name: 'fresh' }, { steps, hiddenSize, seed: deriveSeed(checkpoint.config.seed, 'cell'), signal: options.signal });
    options.onSeries?.(fresh);
    return { cell: kind, steps, batchSize: first.value.batchSize, trained, fresh };
  } finally {
    cell.dispose();
    x.dispose();
  }
}

// ───────────── 5. sampling with per-character probabilities ─────────────

export interface SampleWithProbabilitiesConfig extends SampleConfig {
  /** How many of the most likely characters to list per step (default 5). */
  top?: number;
}

/** softmax(logits) in float64 (temperature 1, every id). */
function softmax(logits: Float32Array): Float64Array {
  let max = -Infinity;
  for (const value of logits) max = Math.max(max, value);
  const out = new Float64Array(logits.length);
  let total = 0;
  for (let id = 0; id < logits.length; id++) total += out[id] = Math.exp(logits[id]! - max);
  for (let id = 0; id < logits.length; id++) out[id]! /= total;
  return out;
}

/** The probability drawCharacter gave `chosen`: softmax(logits / temperature) over ids other than padding and unknown; 1 at temperature 0. */
function samplingProbability(logits: Float32Array, temperature: number, chosen: number): number {
  if (temperature === 0) return 1;
  let max = -Infinity;
  for (let id = 0; id < logits.length; id++) if (id !== PADDING_ID && id !== UNKNOWN_ID) max = Math.max(max, logits[id]!);
  let total = 0;
  for (let id = 0; id < logits.length; id++) if (id !== PADDING_ID && id !== UNKNOWN_ID) total += Math.exp((logits[id]! - max) / temperature);
  return Math.exp((logits[chosen]! - max) / temperature) / total;
}

/**
 * sample()'s text (the same characters for the same config: same feeding, same draws from the
 * same seeded stream) with, for each generated character, its probability and the model's
 * most likely alternatives.
 */
export async function sampleWithProbabilities(config: SampleWithProbabilitiesConfig, loaded?: Checkpoint): Promise<SampleWithProbabilities> {
  const problems = validateSampleConfig(config);
  const top = config.top ?? 5;
  if (!Number.isInteger(top) || top < 1) problems.push(`top must be a positive integer (alternatives listed per character); got ${String(config.top)}.`);
  if (problems.length > 0) throw new Error(`Invalid sampling configuration:\n- ${problems.join('\n- ')}`);
  const checkpoint = loaded ?? loadCheckpoint(config.checkpoint);
  return withModel(checkpoint, async ({ model, vocab }) => {
    const random = mulberry32(deriveSeed(config.seed ?? 0, 'sample'));
    let { state, logits } = feed(model, primingIds(config.prime, vocab));
    const steps: SampleStep[] = [];
    let generated = '';
    try {
      for (let k = 0; k < config.length; k++) {
        const id = drawCharacter(logits, config.temperature, random);
        const probabilities = softmax(logits);
        const ranked: CharacterProbability[] = [];
        for (let other = 0; other < logits.length; other++) {
          if (other !== PADDING_ID && other !== UNKNOWN_ID) ranked.push({ char: vocab[other]!, p: probabilities[other]! });
        }
        ranked.sort((a, b) => b.p - a.p);
        steps.push({ char: vocab[id]!, probability: probabilities[id]!, samplingProbability: samplingProbability(logits, config.temperature, id), top: ranked.slice(0, top) });
        generated += vocab[id];
        const next = feed(model, [id], state);
        disposeState(state);
        ({ state, logits } = next);
        if (k % 200 === 199) await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } finally {
      disposeState(state);
    }
    return { prime: config.prime, temperature: config.temperature, text: config.prime + generated, steps };
  });
}

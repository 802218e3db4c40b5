// The gradient probe, fast. Same semantics as probeSeries in ../probe.ts: for one batch
// x [B, T, E], a fresh cell (same seed, same weights), h_0 = 0 of shape [1, H] shared over
// the batch (an LSTM's c_0 = 0 too), and t = 1..steps:
//
//   loss_t = Σ_{b,j} |h_t[b, j]|,   norm_t = ‖∂loss_t / ∂h_0‖₂.
//
// The reference differentiates each t-step unroll separately: O(steps²) small step
// VJPs, each a [B, 4H]·[4H, H] product plus a dozen dispatched ops. Here one forward pass
// keeps the activations, then a single backward sweep carries the cotangents of *every*
// loss_t at once: at step k the stack holds one [B, H] cotangent per target t ≥ k (the
// new target t = k enters with sign(h_k)), all pushed through step k with one fused
// element-wise loop and one [(#targets·B), 4H]·[4H, H] product. The arithmetic is the
// same O(steps²) VJPs the floor counts (≈85 GFLOP for the notebook's five series), but as
// `steps` large matmuls instead of steps²/2 small ones and no per-step tensors.
//
// Cells: every kind of a family in FAST_NORMS whose weights are its own (a library
// layer's, builtin-lstm's, are not handled: canProbeFast() says so and the caller uses
// probeSeries).
import * as tf from '@tensorflow/tfjs';
import { probeStartWeights } from '../cells/init';
import { checkNotebookWeights, fuseLstmWeights, lstmWeightShapes, rnnWeightShapes } from '../cells/notebook-layout';
import { getCell } from '../cells/registry';
import { CELL_CATALOG, CELL_KINDS, type CellFamily } from '../../shared/catalog';
import type { CellKind, NotebookWeights } from '../cells/types';
import type { ProbeSeriesOptions } from '../probe';
import type { ProbeSeries, ProbeSeriesSpec } from '../types';
import { forwardPass } from './lstm-sequence';
import { createStepProduct } from './step-product';

type FastNorms = (x: tf.Tensor3D, steps: number, H: number, forgetGate: boolean, weights: NotebookWeights, signal: AbortSignal | undefined, name: string) => Promise<number[]>;

/** True when probeSeriesFast handles this cell kind (same equations as the reference cell). */
export function canProbeFast(kind: CellKind): boolean {
  return CELL_CATALOG[kind].layout !== 'library' && FAST_NORMS[CELL_CATALOG[kind].family] !== undefined;
}

/** d|v|/dv as TF.js's Abs gradient takes it (−1 at 0). */
const absSlope = (v: number): number => (v > 0 ? 1 : -1);

function cancelled(where: string): Error {
  const error = new Error(`Probe cancelled ${where}.`);
  error.name = 'AbortError';
  return error;
}

/** The fresh cell's weights, exactly as probeSeries would build the cell. */
function probeWeights(spec: ProbeSeriesSpec, inputSize: number, options: ProbeSeriesOptions): NotebookWeights {
  const definition = getCell(spec.cell);
  let weights = options.weights;
  if (weights) weights = probeStartWeights(weights, spec);
  const cell = definition.create({ inputSize, hiddenSize: options.hiddenSize, forgetGate: spec.forgetGate, forgetBias: spec.forgetBias, seed: options.seed }, weights);
  try {
    return cell.exportWeights();
  } finally {
    cell.dispose();
  }
}

/** x[:, :steps, :] · weightIh + bias as a flat [B·steps, columns] array (row b·steps + t). */
function inputProjection(x: tf.Tensor3D, steps: number, weightIh: Float32Array, bias: Float32Array, columns: number): Float32Array {
  const [B, , E] = x.shape;
  const projected = tf.tidy(() => {
    const xSteps = tf.reshape(tf.slice(x, [0, 0, 0], [B, steps, E]), [B * steps, E]);
    return tf.add(tf.matMul(xSteps, tf.tensor2d(weightIh, [E, columns])), tf.tensor1d(bias));
  });
  // Read outside the tidy: a tidy walks whatever it returns, a big typed array included.
  const values = projected.dataSync() as Float32Array;
  projected.dispose();
  return values;
}

/** [rows, columns] flat → its transpose, flat. */
function transposed(values: Float32Array, rows: number, columns: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) out[c * rows + r] = values[r * columns + c]!;
  return out;
}

/** ‖Σ_b v[b, :]‖₂ for each target block of a [targets, B, H] stack. */
function normsOfBatchSums(stack: Float32Array, targets: number, B: number, H: number): number[] {
  const norms: number[] = [];
  const sum = new Float64Array(H);
  for (let q = 0; q < targets; q++) {
    sum.fill(0);
    for (let b = 0; b < B; b++) {
      const row = (q * B + b) * H;
      for (let j = 0; j < H; j++) sum[j]! += stack[row + j]!;
    }
    let squares = 0;
    for (let j = 0; j < H; j++) squares += sum[j]! * sum[j]!;
    norms.push(Math.sqrt(squares));
  }
  return norms;
}

/**
 * Backward sweep shared by both families. `stepBack(k, active)` turns the stack's
 * cotangents for the `active` targets into the stack's rows of dL/d(pre-activations) of
 * step k (writing `product.input()`), after which the product gives dL/dh_{k-1}.
 * Returns norm_t for t = 1..steps.
 */
async function sweep(
  steps: number,
  B: number,
  H: number,
  weightHhT: tf.Tensor2D,
  stepBack: (k: number, active: number, dh: Float32Array, into: Float32Array) => void,
  signal: AbortSignal | undefined,
  name: string,
): Promise<number[]> {
  // Row block q holds target t = steps − q, so the active targets (t ≥ k) are a prefix.
  const dh = new Float32Array(steps * B * H);
  const product = createStepProduct(weightHhT, steps * B);
  try {
    for (let k = steps; k >= 1; k--) {
      // Let a cancel message arrive (the worker's event loop) every few steps.
      if (k % 8 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      if (signal?.aborted) throw cancelled(`in ${name}`);
      const active = steps - k + 1;
      stepBack(k, active, dh, product.input());
      dh.set(product.run(active * B).subarray(0, active * B * H));
    }
  } finally {
    product.dispose();
  }
  // Block q is target t = steps − q; report in t order.
  return normsOfBatchSums(dh, steps, B, H).reverse();
}

async function lstmNorms(x: tf.Tensor3D, steps: number, H: number, forgetGate: boolean, weights: NotebookWeights, signal: AbortSignal | undefined, name: string): Promise<number[]> {
  const [B, , E] = x.shape;
  const H4 = 4 * H;
  const fused = fuseLstmWeights(checkNotebookWeights(weights, lstmWeightShapes(E, H), 'fast probe'), E, H);
  const pre = inputProjection(x, steps, fused.weightIh, fused.bias, H4);
  const weightHh = tf.tensor2d(fused.weightHh, [H, H4]);
  const weightHhT = tf.tensor2d(transposed(fused.weightHh, H, H4), [H4, H]);
  try {
    const zeros = new Float32Array(B * H);
    const tape = forwardPass({ batch: B, steps, inputSize: E, hiddenSize: H }, forgetGate, pre, weightHh, zeros, zeros);
    const { gates, cells, tanhCells, output } = tape;
    const T = steps;
    const dc = new Float32Array(steps * B * H);
    const [outGate, dOFactor, dIFactor, dGFactor, dFFactor, carry] = Array.from({ length: 6 }, () => new Float32Array(B * H)) as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
    return await sweep(steps, B, H, weightHhT, (k, active, dh, into) => {
      const s = k - 1; // 0-based step index into the forward arrays
      const newBlock = active - 1; // target t = k enters: dloss_k/dh_k = sign(h_k)
      for (let b = 0; b < B; b++) {
        const hRow = (b * (T + 1) + s) * H;
        const row = (newBlock * B + b) * H;
        for (let j = 0; j < H; j++) {
          dh[row + j] = absSlope(output[hRow + j]!);
          dc[row + j] = 0;
        }
      }
      // Step k's local derivatives, one per (b, j), shared by every target.
      for (let b = 0; b < B; b++) {
        const gateRow = (b * T + s) * H4;
        const cellRow = (b * T + s) * H;
        for (let j = 0; j < H; j++) {
          const i = gates[gateRow + j]!;
          const f = gates[gateRow + H + j]!;
          const g = gates[gateRow + 2 * H + j]!;
          const o = gates[gateRow + 3 * H + j]!;
          const tc = tanhCells[cellRow + j]!;
          const cPrev = s > 0 ? cells[cellRow - H + j]! : 0;
          const at = b * H + j;
          outGate[at] = o * (1 - tc * tc);
          dOFactor[at] = tc * o * (1 - o);
          dIFactor[at] = g * i * (1 - i);
          dGFactor[at] = i * (1 - g * g);
          dFFactor[at] = forgetGate ? cPrev * f * (1 - f) : 0;
          carry[at] = forgetGate ? f : 1;
        }
      }
      // Every active target, row by row (contiguous in the stack and in `into`).
      for (let q = 0; q < active; q++) {
        for (let b = 0; b < B; b++) {
          const stackRow = (q * B + b) * H;
          const intoRow = (q * B + b) * H4;
          const local = b * H;
          for (let j = 0; j < H; j++) {
            const dhValue = dh[stackRow + j]!;
            const dcTotal = dc[stackRow + j]! + dhValue * outGate[local + j]!;
            into[intoRow + j] = dcTotal * dIFactor[local + j]!;
            into[intoRow + H + j] = dcTotal * dFFactor[local + j]!;
            into[intoRow + 2 * H + j] = dcTotal * dGFactor[local + j]!;
            into[intoRow + 3 * H + j] = dhValue * dOFactor[local + j]!;
            dc[stackRow + j] = dcTotal * carry[local + j]!;
          }
        }
      }
    }, signal, name);
  } finally {
    weightHh.dispose();
    weightHhT.dispose();
  }
}

async function rnnNorms(x: tf.Tensor3D, steps: number, H: number, _forgetGate: boolean, weights: NotebookWeights, signal: AbortSignal | undefined, name: string): Promise<number[]> {
  const [B, , E] = x.shape;
  const flat = checkNotebookWeights(weights, rnnWeightShapes(E, H), 'fast probe');
  const pre = inputProjection(x, steps, flat['W_ih']!, flat['b']!, H);
  const weightHh = tf.tensor2d(flat['W_hh']!, [H, H]);
  const weightHhT = tf.tensor2d(transposed(flat['W_hh']!, H, H), [H, H]);
  try {
    // Forward: h_t = tanh(x_t W_ih + b + h_{t-1} W_hh), kept as [B, steps, H].
    const hidden = new Float32Array(B * steps * H);
    const recurrent = createStepProduct(weightHh, B);
    try {
      recurrent.input().fill(0);
      for (let s = 0; s < steps; s++) {
        const hh = recurrent.run();
        const next = recurrent.input();
        for (let b = 0; b < B; b++) {
          const row = (b * steps + s) * H;
          for (let j = 0; j < H; j++) {
            const h = Math.tanh(pre[row + j]! + hh[b * H + j]!);
            hidden[row + j] = h;
            next[b * H + j] = h;
          }
        }
      }
    } finally {
      recurrent.dispose();
    }
    const slope = new Float32Array(B * H);
    return await sweep(steps, B, H, weightHhT, (k, active, dh, into) => {
      const s = k - 1;
      const newBlock = active - 1;
      for (let b = 0; b < B; b++) {
        const hRow = (b * steps + s) * H;
        const row = (newBlock * B + b) * H;
        for (let j = 0; j < H; j++) dh[row + j] = absSlope(hidden[hRow + j]!);
      }
      for (let b = 0; b < B; b++) {
        const hRow = (b * steps + s) * H;
        for (let j = 0; j < H; j++) {
          const h = hidden[hRow + j]!;
          slope[b * H + j] = 1 - h * h;
        }
      }
      for (let q = 0; q < active; q++) {
        const row = q * B * H;
        for (let k2 = 0; k2 < B * H; k2++) into[row + k2] = dh[row + k2]! * slope[k2]!;
      }
    }, signal, name);
  } finally {
    weightHh.dispose();
    weightHhT.dispose();
  }
}

/** The fast norms of each family that has them. */
const FAST_NORMS: Partial<Record<CellFamily, FastNorms>> = { lstm: lstmNorms, rnn: rnnNorms };

/**
 * probeSeries, fast: the same norms (to float32 rounding) for naive-lstm, fused-lstm,
 * fast-lstm and simple-rnn. onStep is called for t = 1..steps once the sweep is done.
 */
export async function probeSeriesFast(x: tf.Tensor3D, spec: ProbeSeriesSpec, options: ProbeSeriesOptions): Promise<ProbeSeries> {
  const { steps, hiddenSize } = options;
  if (!canProbeFast(spec.cell)) throw new Error(`Fast probe: ${spec.cell} is not supported (${CELL_KINDS.filter(canProbeFast).join(', ')} are); use probeSeries.`);
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`Probe: steps must be a positive integer, got ${steps}.`);
  if (!Number.isInteger(hiddenSize) || hiddenSize < 1) throw new Error(`Probe: hiddenSize must be a positive integer, got ${hiddenSize}.`);
  if (x.rank !== 3) throw new Error(`Probe: the embedded batch must be [batch, time, embedding], got shape [${x.shape.join(', ')}].`);
  if (x.shape[1] < steps) throw new Error(`Probe: the batch has ${x.shape[1]} time steps but ${steps} were asked for; use at most ${x.shape[1]} steps.`);
  const started = Date.now();
  const weights = probeWeights(spec, x.shape[2], options);
  const familyNorms = FAST_NORMS[CELL_CATALOG[spec.cell].family]!;
  const norms = await familyNorms(x, steps, hiddenSize, spec.forgetGate, weights, options.signal, spec.name);
  norms.forEach((norm, k) => options.onStep?.(k + 1, norm));
  return { ...spec, norms, seconds: (Date.now() - started) / 1000 };
}

// Seeded initialisation exactly as the notebook: xavier-uniform for every matrix, zeros
// for every bias, then b_f filled with forgetBias (the notebook's `lstm.b_f.data = ...`).
// Weights are drawn in the notebook's parameter order from one mulberry32 stream, so the
// same seed gives the same PerGateWeights — and, mapped between layouts, the same
// naive/fused/built-in LSTM.
import { mulberry32 } from '../random';
import { CELL_FAMILIES, familyWeightShapes, hasForgetGate, type CellFamily, type CellKind, type FamilySpec } from '../../shared/catalog';
import { toNested } from './per-gate-weights';
import type { PerGateWeights } from './types';

/**
 * Xavier (Glorot) uniform: U(−a, a) with a = sqrt(6 / (fan_in + fan_out)). For a 2-D
 * PyTorch Parameter of size [rows, cols], fan_in = cols and fan_out = rows; the sum is
 * symmetric, so it is rows + cols either way.
 */
export function xavierUniform(rows: number, cols: number, random: () => number): Float32Array {
  const limit = Math.sqrt(6 / (rows + cols));
  const values = new Float32Array(rows * cols);
  for (let k = 0; k < values.length; k++) values[k] = (random() * 2 - 1) * limit;
  return values;
}

function checkSizes(inputSize: number, hiddenSize: number, who: string): void {
  for (const [name, value] of [
    ['inputSize', inputSize],
    ['hiddenSize', hiddenSize],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`${who}: ${name} must be a positive integer, got ${value}.`);
  }
}

/**
 * The notebook's seeded initialisation of a family's weights, as the catalog describes them
 * (CELL_FAMILIES[family].weights): in that order, matrices xavier-uniform from one stream,
 * biases zero, b_f = forgetBias.
 */
export function initFamilyWeights(family: CellFamily, inputSize: number, hiddenSize: number, seed = 0, forgetBias = 0): PerGateWeights {
  const spec: FamilySpec = CELL_FAMILIES[family];
  checkSizes(inputSize, hiddenSize, `${spec.name} initialisation`);
  if (!Number.isFinite(forgetBias)) throw new Error(`forgetBias must be a finite number, got ${forgetBias}.`);
  const random = mulberry32(seed);
  const shapes = familyWeightShapes(family, inputSize, hiddenSize);
  const weights: PerGateWeights = {};
  for (const { name, init } of spec.weights) {
    const shape = shapes[name]!;
    if (shape.length === 2) weights[name] = toNested(xavierUniform(shape[0], shape[1], random), shape[0], shape[1]);
    else weights[name] = new Array<number>(shape[0]).fill(init === 'forget-bias' ? forgetBias : 0);
  }
  return weights;
}

/** The notebook's LSTM initialisation, per-gate layout (W_ii, W_hi, b_i, W_if, …). */
export function initLstmWeights(inputSize: number, hiddenSize: number, seed = 0, forgetBias = 0): PerGateWeights {
  return initFamilyWeights('lstm', inputSize, hiddenSize, seed, forgetBias);
}

/** The notebook's SimpleRNN initialisation: W_ih, W_hh xavier-uniform, b zero. */
export function initRnnWeights(inputSize: number, hiddenSize: number, seed = 0): PerGateWeights {
  return initFamilyWeights('rnn', inputSize, hiddenSize, seed);
}

/** Sets every element of b_f (a copy of `weights` is returned). */
export function withForgetBias(weights: PerGateWeights, forgetBias: number): PerGateWeights {
  if (!Number.isFinite(forgetBias)) throw new Error(`forgetBias must be a finite number, got ${forgetBias}.`);
  const current = weights['b_f'];
  if (!Array.isArray(current)) throw new Error('withForgetBias: these weights have no b_f (not an LSTM).');
  return { ...weights, b_f: new Array<number>(current.length).fill(forgetBias) };
}

/** A probe series' starting weights from given ones: an LSTM's b_f set to the series' forgetBias unless it keeps the trained one. */
export function probeStartWeights(weights: PerGateWeights, spec: { cell: CellKind; forgetBias: number; keepTrainedForgetBias?: boolean }): PerGateWeights {
  return hasForgetGate(spec.cell) && !spec.keepTrainedForgetBias ? withForgetBias(weights, spec.forgetBias) : weights;
}

/**
 * The starting weights for an LSTM: the given ones as they are, or else the notebook's
 * seeded init with b_f = forgetBias. (To change b_f of given weights, use withForgetBias.)
 */
export function startingLstmWeights(options: { inputSize: number; hiddenSize: number; seed?: number; forgetBias?: number }, weights?: PerGateWeights): PerGateWeights {
  return weights ?? initLstmWeights(options.inputSize, options.hiddenSize, options.seed ?? 0, options.forgetBias ?? 0);
}

// The per-gate weight layout every cell exports and imports (PerGateWeights) and what every
// cell needs to read, check and write it: names and shapes, shape-checked conversion to
// tensors, the per-gate ⇄ fused [i | f | g | o] mapping. The names and shapes come from the catalog.
import * as tf from '@tensorflow/tfjs';
import { CELL_FAMILIES, familyWeightShapes, type WeightShape } from '../../shared/catalog';
import type { PerGateWeights } from './types';

/** LSTM gates in the notebook's (and TF.js's kernel) order. */
export const LSTM_GATE_ORDER = ['i', 'f', 'g', 'o'] as const;
export type LstmGate = (typeof LSTM_GATE_ORDER)[number];

/** Per-gate LSTM weight names: W_i<gate> (E×H), W_h<gate> (H×H), b_<gate> (H). */
export const LSTM_WEIGHT_NAMES: readonly string[] = CELL_FAMILIES.lstm.weights.map((w) => w.name);
export const RNN_WEIGHT_NAMES: readonly string[] = CELL_FAMILIES.rnn.weights.map((w) => w.name);

export type WeightShapes = Record<string, WeightShape>;

export function lstmWeightShapes(inputSize: number, hiddenSize: number): WeightShapes {
  return familyWeightShapes('lstm', inputSize, hiddenSize);
}

export function rnnWeightShapes(inputSize: number, hiddenSize: number): WeightShapes {
  return familyWeightShapes('rnn', inputSize, hiddenSize);
}

function describeShape(value: unknown): string {
  if (!Array.isArray(value)) return typeof value;
  if (value.length > 0 && Array.isArray(value[0])) return `[${value.length}, ${(value[0] as unknown[]).length}]`;
  return `[${value.length}]`;
}

/**
 * Checks that `weights` has every expected entry with the expected shape and finite
 * numbers, and returns them flattened. Extra entries are rejected (they usually mean the
 * wrong cell kind). `who` names the cell in messages.
 */
export function checkPerGateWeights(weights: PerGateWeights, shapes: WeightShapes, who: string): Record<string, Float32Array> {
  if (weights === null || typeof weights !== 'object') throw new Error(`${who}: weights must be an object of named arrays (${Object.keys(shapes).join(', ')}).`);
  const expected = Object.keys(shapes);
  const missing = expected.filter((name) => !(name in weights));
  const extra = Object.keys(weights).filter((name) => !(name in shapes));
  if (missing.length || extra.length) {
    const parts = [missing.length ? `missing ${missing.join(', ')}` : '', extra.length ? `unexpected ${extra.join(', ')}` : ''].filter(Boolean);
    throw new Error(`${who}: weights do not match this cell (${parts.join('; ')}). Expected exactly: ${expected.join(', ')}.`);
  }
  const flat: Record<string, Float32Array> = {};
  for (const name of expected) {
    const shape = shapes[name]!;
    const value = weights[name];
    const wanted = `[${shape.join(', ')}]`;
    if (!Array.isArray(value)) throw new Error(`${who}: weight ${name} must be an array of shape ${wanted}, got ${typeof value}.`);
    const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
    if (shape.length === 1) {
      if (value.length !== shape[0] || value.some((v) => typeof v !== 'number')) {
        throw new Error(`${who}: weight ${name} has shape ${describeShape(value)}, expected ${wanted} (a flat list of numbers).`);
      }
      out.set(value as number[]);
    } else {
      const [rows, cols] = shape;
      if (value.length !== rows || value.some((row) => !Array.isArray(row) || row.length !== cols)) {
        throw new Error(`${who}: weight ${name} has shape ${describeShape(value)}, expected ${wanted}.`);
      }
      (value as number[][]).forEach((row, r) => out.set(row, r * cols));
    }
    const bad = out.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new Error(`${who}: weight ${name} holds a non-finite number at flat index ${bad}; weights must be finite.`);
    flat[name] = out;
  }
  return flat;
}

/** Flat values of a [rows, cols] matrix → nested arrays (for PerGateWeights). */
export function toNested(values: ArrayLike<number>, rows: number, cols: number): number[][] {
  const out: number[][] = [];
  for (let r = 0; r < rows; r++) out.push(Array.from({ length: cols }, (_, c) => values[r * cols + c]!));
  return out;
}

/** Per-gate matrices [n, H] ×k (LSTM: i, f, g, o) → one [n, k·H] matrix, flat. */
export function fuseGateColumns(perGate: Float32Array[], rows: number, hiddenSize: number): Float32Array {
  const blocks = perGate.length;
  const fused = new Float32Array(rows * blocks * hiddenSize);
  perGate.forEach((matrix, gateIndex) => {
    for (let r = 0; r < rows; r++) {
      fused.set(matrix.subarray(r * hiddenSize, (r + 1) * hiddenSize), r * blocks * hiddenSize + gateIndex * hiddenSize);
    }
  });
  return fused;
}

/** One [n, 4H] matrix, flat → its four per-gate [n, H] matrices (order i, f, g, o). */
export function splitGateColumns(fused: ArrayLike<number>, rows: number, hiddenSize: number): Float32Array[] {
  return LSTM_GATE_ORDER.map((_, gateIndex) => {
    const matrix = new Float32Array(rows * hiddenSize);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < hiddenSize; c++) matrix[r * hiddenSize + c] = fused[r * 4 * hiddenSize + gateIndex * hiddenSize + c]!;
    }
    return matrix;
  });
}

/** Per-gate LSTM weights (checked, flat) → fused weight_ih [E,4H], weight_hh [H,4H], bias [4H]. */
export function fuseLstmWeights(flat: Record<string, Float32Array>, inputSize: number, hiddenSize: number): { weightIh: Float32Array; weightHh: Float32Array; bias: Float32Array } {
  return {
    weightIh: fuseGateColumns(
      LSTM_GATE_ORDER.map((g) => flat[`W_i${g}`]!),
      inputSize,
      hiddenSize,
    ),
    weightHh: fuseGateColumns(
      LSTM_GATE_ORDER.map((g) => flat[`W_h${g}`]!),
      hiddenSize,
      hiddenSize,
    ),
    bias: fuseGateColumns(
      LSTM_GATE_ORDER.map((g) => flat[`b_${g}`]!),
      1,
      hiddenSize,
    ),
  };
}

/** Fused weight_ih, weight_hh, bias (flat) → PerGateWeights. */
export function splitLstmWeights(weightIh: ArrayLike<number>, weightHh: ArrayLike<number>, bias: ArrayLike<number>, inputSize: number, hiddenSize: number): PerGateWeights {
  const ih = splitGateColumns(weightIh, inputSize, hiddenSize);
  const hh = splitGateColumns(weightHh, hiddenSize, hiddenSize);
  const b = splitGateColumns(bias, 1, hiddenSize);
  const out: PerGateWeights = {};
  LSTM_GATE_ORDER.forEach((gate, k) => {
    out[`W_i${gate}`] = toNested(ih[k]!, inputSize, hiddenSize);
    out[`W_h${gate}`] = toNested(hh[k]!, hiddenSize, hiddenSize);
    out[`b_${gate}`] = Array.from(b[k]!);
  });
  return out;
}

/** Checked, flat weights (from checkPerGateWeights) → one variable per name, in the given shapes. */
export function createNamedVariables(flat: Record<string, Float32Array>, names: readonly string[], shapes: WeightShapes): Record<string, tf.Variable> {
  const params: Record<string, tf.Variable> = {};
  for (const name of names) params[name] = tf.tidy(() => tf.variable(tf.tensor(flat[name]!, shapes[name]!)));
  return params;
}

/** Checked, flat weights assigned into the variables made by createNamedVariables. */
export function assignNamedWeights(params: Record<string, tf.Variable>, flat: Record<string, Float32Array>, names: readonly string[], shapes: WeightShapes): void {
  tf.tidy(() => {
    for (const name of names) params[name]!.assign(tf.tensor(flat[name]!, shapes[name]!));
  });
}

/** Named weight variables → the per-gate layout (nested rows for matrices, flat for biases). */
export function exportNamedWeights(params: Record<string, tf.Variable>, names: readonly string[], shapes: WeightShapes): PerGateWeights {
  const out: PerGateWeights = {};
  for (const name of names) {
    const shape = shapes[name]!;
    const values = params[name]!.dataSync();
    out[name] = shape.length === 2 ? toNested(values, shape[0], shape[1]) : Array.from(values);
  }
  return out;
}

// The notebook's weight layout (NotebookWeights) and what every cell needs to read,
// check and write it: names and shapes, shape-checked conversion to tensors, the
// per-gate ⇄ fused [i | f | g | o] mapping. The names and shapes come from the catalog.
import * as tf from '@tensorflow/tfjs';
import { CELL_FAMILIES, familyWeightShapes, type WeightShape } from '../../shared/catalog';
import type { CellState, NotebookWeights } from './types';

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
export function checkNotebookWeights(weights: NotebookWeights, shapes: WeightShapes, who: string): Record<string, Float32Array> {
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

/** Flat values of a [rows, cols] matrix → nested arrays (for NotebookWeights). */
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

/** Fused weight_ih, weight_hh, bias (flat) → the notebook's per-gate NotebookWeights. */
export function splitLstmWeights(weightIh: ArrayLike<number>, weightHh: ArrayLike<number>, bias: ArrayLike<number>, inputSize: number, hiddenSize: number): NotebookWeights {
  const ih = splitGateColumns(weightIh, inputSize, hiddenSize);
  const hh = splitGateColumns(weightHh, hiddenSize, hiddenSize);
  const b = splitGateColumns(bias, 1, hiddenSize);
  const out: NotebookWeights = {};
  LSTM_GATE_ORDER.forEach((gate, k) => {
    out[`W_i${gate}`] = toNested(ih[k]!, inputSize, hiddenSize);
    out[`W_h${gate}`] = toNested(hh[k]!, hiddenSize, hiddenSize);
    out[`b_${gate}`] = Array.from(b[k]!);
  });
  return out;
}

/** Checks x is [B, T, E] with E = inputSize and T ≥ 1. */
export function checkSequenceInput(x: tf.Tensor, inputSize: number, who: string): void {
  if (x.rank !== 3) throw new Error(`${who}: input must be [batch, time, ${inputSize}] (batch-first), got shape [${x.shape.join(', ')}].`);
  if (x.shape[2] !== inputSize) throw new Error(`${who}: input feature size is ${x.shape[2]}, but the cell was built for inputSize ${inputSize}.`);
  if (x.shape[1] === 0) throw new Error(`${who}: the input sequence is empty (time dimension 0); give at least one step.`);
}

/** Checks a state tensor is [B, H] or [1, H]. */
export function checkStateTensor(state: tf.Tensor | undefined, hiddenSize: number, name: string, who: string): void {
  if (!state) return;
  if (state.rank !== 2 || state.shape[1] !== hiddenSize) {
    throw new Error(`${who}: initial ${name} must be [batch, ${hiddenSize}] or [1, ${hiddenSize}], got [${state.shape.join(', ')}].`);
  }
}

/** Zero state [batch, H]. */
export function zeroState(batch: number, hiddenSize: number): tf.Tensor2D {
  return tf.zeros([batch, hiddenSize]);
}

/**
 * x [B, T, E] → T tensors x_t [B, E]. TF.js's gradient of unstack breaks when T = 1
 * ("tensors passed to stack must be a Tensor[]"), so a single step is a reshape instead.
 */
export function timeSteps(x: tf.Tensor3D): tf.Tensor2D[] {
  const [batch, steps, features] = x.shape;
  if (steps === 1) return [tf.reshape(x, [batch, features])];
  return tf.unstack(x, 1) as tf.Tensor2D[];
}

/**
 * The per-step loop shared by the cells that unroll their own `step`: from `initial` (zeros
 * where absent; c only when `withCellState`) it applies `step` to each x_t of x [B, T, E],
 * inside one tidy, and returns the hidden states stacked [B, T, H] and the final state.
 * The final state is broadcast to [B, H]: an h_0 of shape [1, H] with T = 1 would
 * otherwise come back unbroadcast.
 */
export function unrollSteps(
  step: (xT: tf.Tensor2D, state: CellState) => CellState,
  x: tf.Tensor3D,
  initial: CellState | undefined,
  hiddenSize: number,
  withCellState: boolean,
): { hiddenSeq: tf.Tensor3D; final: CellState } {
  return tf.tidy(() => {
    const batch = x.shape[0];
    let state: CellState = { h: initial?.h ?? zeroState(batch, hiddenSize) };
    if (withCellState) state.c = initial?.c ?? zeroState(batch, hiddenSize);
    const hidden: tf.Tensor2D[] = [];
    for (const xT of timeSteps(x)) {
      state = step(xT, state);
      hidden.push(state.h);
    }
    const h = tf.broadcastTo(state.h, [batch, hiddenSize]) as tf.Tensor2D;
    const final = withCellState ? { h, c: tf.broadcastTo(state.c!, [batch, hiddenSize]) as tf.Tensor2D } : { h };
    return { hiddenSeq: tf.stack(hidden, 1) as tf.Tensor3D, final };
  }) as { hiddenSeq: tf.Tensor3D; final: CellState };
}

/** Checked, flat weights (from checkNotebookWeights) → one variable per name, in the given shapes. */
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

/** Named weight variables → the notebook's layout (nested rows for matrices, flat for biases). */
export function exportNamedWeights(params: Record<string, tf.Variable>, names: readonly string[], shapes: WeightShapes): NotebookWeights {
  const out: NotebookWeights = {};
  for (const name of names) {
    const shape = shapes[name]!;
    const values = params[name]!.dataSync();
    out[name] = shape.length === 2 ? toNested(values, shape[0], shape[1]) : Array.from(values);
  }
  return out;
}

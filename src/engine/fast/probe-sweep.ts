// What every family's fast gradient probe shares (see probe-fast.ts for the method): the
// input projection of all steps in one product, the transposes, and the backward sweep that
// carries every target's cotangent at once.
import * as tf from '@tensorflow/tfjs';
import { createStepProduct } from './step-product';

/** d|v|/dv as TF.js's Abs gradient takes it (−1 at 0). */
export const absSlope = (v: number): number => (v > 0 ? 1 : -1);

export function cancelled(where: string): Error {
  const error = new Error(`Probe cancelled ${where}.`);
  error.name = 'AbortError';
  return error;
}

/** x[:, :steps, :] · weightIh + bias as a flat [B·steps, columns] array (row b·steps + t). */
export function inputProjection(x: tf.Tensor3D, steps: number, weightIh: Float32Array, bias: Float32Array, columns: number): Float32Array {
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

/** x[:, :steps, :] as a flat [B, steps, E] array. */
export function firstSteps(x: tf.Tensor3D, steps: number): Float32Array {
  const [B, , E] = x.shape;
  const part = tf.slice(x, [0, 0, 0], [B, steps, E]);
  try {
    return part.dataSync() as Float32Array;
  } finally {
    part.dispose();
  }
}

/** [rows, columns] flat → its transpose, flat. */
export function transposed(values: Float32Array, rows: number, columns: number): Float32Array {
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
 * Backward sweep shared by every family. `stepBack(k, active)` turns the stack's
 * cotangents for the `active` targets into the stack's rows of dL/d(recurrent product) of
 * step k (writing `into`, the product's input), after which the product with W_hhᵀ gives
 * dL/dh_{k-1}. A family whose h_k also depends on h_{k-1} directly (the GRU's z ⊙ h) returns
 * that factor per (b, j): it is added as carry ⊙ dL/dh_k. Returns norm_t for t = 1..steps.
 */
export async function sweep(
  steps: number,
  B: number,
  H: number,
  weightHhT: tf.Tensor2D,
  stepBack: (k: number, active: number, dh: Float32Array, into: Float32Array) => Float32Array | void,
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
      const carry = stepBack(k, active, dh, product.input());
      const through = product.run(active * B);
      if (!carry) dh.set(through.subarray(0, active * B * H));
      else {
        for (let q = 0; q < active; q++) {
          const block = q * B * H;
          for (let k2 = 0; k2 < B * H; k2++) dh[block + k2] = through[block + k2]! + carry[k2]! * dh[block + k2]!;
        }
      }
    }
  } finally {
    product.dispose();
  }
  // Block q is target t = steps − q; report in t order.
  return normsOfBatchSums(dh, steps, B, H).reverse();
}

// What every cell needs to run a sequence: the input and state checks, the zero state, and the
// per-step loop of the cells that unroll their own `step`.
import * as tf from '@tensorflow/tfjs';
import type { CellState } from './types';

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

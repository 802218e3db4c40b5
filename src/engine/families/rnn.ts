// The simple (Elman, tanh) RNN's step maths, once: h = tanh(x W_ih + b + h W_hh).
import * as tf from '@tensorflow/tfjs';
import { checkNotebookWeights, rnnWeightShapes } from '../cells/notebook-layout';
import type { NotebookWeights } from '../cells/types';
import { absSlope, inputProjection, sweep, transposed } from '../fast/probe-sweep';
import { createStepProduct } from '../fast/step-product';
import type { FamilyMaths, FusedTensors, FusedWeights, StepCotangents, StepValues } from './types';

function fuse(weights: NotebookWeights, inputSize: number, hiddenSize: number, who: string): FusedWeights {
  const flat = checkNotebookWeights(weights, rnnWeightShapes(inputSize, hiddenSize), who);
  return { weightIh: flat['W_ih']!, weightHh: flat['W_hh']!, bias: flat['b']! };
}

function step(weights: FusedTensors, xProjected: tf.Tensor2D, h: tf.Tensor2D): StepValues {
  const hNext = tf.tanh(tf.add(xProjected, tf.matMul(h, weights.weightHh))) as tf.Tensor2D;
  return { h: hNext, gates: { h: hNext } };
}

function stepBackward(_weights: FusedTensors, weightHhT: tf.Tensor2D, values: StepValues, _start: { h: tf.Tensor2D }, dh: tf.Tensor2D): StepCotangents {
  const dInput = tf.mul(dh, tf.sub(1, tf.square(values.h))) as tf.Tensor2D;
  return { dInput, dh: tf.matMul(dInput, weightHhT) };
}

/** The fast probe: forward keeping every h, then the backward sweep (dh ⊙ (1 − h²)) · W_hhᵀ. */
async function fastProbeNorms(x: tf.Tensor3D, steps: number, H: number, _forgetGate: boolean, weights: NotebookWeights, signal: AbortSignal | undefined, name: string): Promise<number[]> {
  const [B, , E] = x.shape;
  const fused = fuse(weights, E, H, 'fast probe');
  const pre = inputProjection(x, steps, fused.weightIh, fused.bias, H);
  const weightHh = tf.tensor2d(fused.weightHh, [H, H]);
  const weightHhT = tf.tensor2d(transposed(fused.weightHh, H, H), [H, H]);
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

export const rnnMaths: FamilyMaths = { fuse, step, stepBackward, fastProbeNorms };

// The LSTM's step maths, once, for everything that computes LSTM steps itself: the fused
// cell, inspection (gate values, gradient flow) and the fast gradient probe. Fused layout:
// gate blocks i | f | g | o.
//
//   i = σ(·)  f = σ(·)  g = tanh(·)  o = σ(·)   c = f⊙c + i⊙g (no forget gate: c + i⊙g)   h = o⊙tanh(c)
import * as tf from '@tensorflow/tfjs';
import { checkNotebookWeights, fuseLstmWeights, lstmWeightShapes } from '../cells/notebook-layout';
import type { NotebookWeights } from '../cells/types';
import { forwardPass } from '../fast/lstm-sequence';
import { absSlope, inputProjection, sweep, transposed } from '../fast/probe-sweep';
import type { FamilyMaths, FusedTensors, FusedWeights, StepCotangents, StepValues } from './types';

function fuse(weights: NotebookWeights, inputSize: number, hiddenSize: number, who: string): FusedWeights {
  return fuseLstmWeights(checkNotebookWeights(weights, lstmWeightShapes(inputSize, hiddenSize), who), inputSize, hiddenSize);
}

function step(weights: FusedTensors, xProjected: tf.Tensor2D, h: tf.Tensor2D, c: tf.Tensor2D | undefined): StepValues {
  const cPrev = c ?? tf.zeros([1, weights.hiddenSize]);
  const pre = tf.add(xProjected, tf.matMul(h, weights.weightHh)) as tf.Tensor2D;
  const [iPre, fPre, gPre, oPre] = tf.split(pre, 4, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
  const i = tf.sigmoid(iPre);
  const g = tf.tanh(gPre);
  const o = tf.sigmoid(oPre);
  if (weights.forgetGate) {
    const f = tf.sigmoid(fPre);
    const cNext: tf.Tensor2D = tf.add(tf.mul(f, cPrev), tf.mul(i, g));
    const hNext: tf.Tensor2D = tf.mul(o, tf.tanh(cNext));
    return { h: hNext, c: cNext, gates: { i, f, g, o, c: cNext, h: hNext } };
  }
  const cNext: tf.Tensor2D = tf.add(cPrev, tf.mul(i, g));
  const hNext: tf.Tensor2D = tf.mul(o, tf.tanh(cNext));
  return { h: hNext, c: cNext, gates: { i, g, o, c: cNext, h: hNext } };
}

function stepBackward(weights: FusedTensors, weightHhT: tf.Tensor2D, values: StepValues, start: { h: tf.Tensor2D; c?: tf.Tensor2D }, dh: tf.Tensor2D, dc: tf.Tensor2D | undefined): StepCotangents {
  const { i, g, o } = values.gates as Required<StepValues['gates']>;
  const c = values.c!;
  const cPrevious = start.c ?? tf.zerosLike(c);
  const tanhC = tf.tanh(c);
  const dcTotal = tf.add(dc ?? tf.zerosLike(dh), tf.mul(dh, tf.mul(o, tf.sub(1, tf.square(tanhC))))) as tf.Tensor2D;
  const dPreI = tf.mul(tf.mul(dcTotal, g), tf.mul(i, tf.sub(1, i)));
  const dPreG = tf.mul(tf.mul(dcTotal, i), tf.sub(1, tf.square(g)));
  const dPreO = tf.mul(tf.mul(dh, tanhC), tf.mul(o, tf.sub(1, o)));
  let dPreF: tf.Tensor2D;
  let dcPrevious: tf.Tensor2D;
  if (weights.forgetGate) {
    const f = values.gates.f!;
    dPreF = tf.mul(tf.mul(dcTotal, cPrevious), tf.mul(f, tf.sub(1, f)));
    dcPrevious = tf.mul(dcTotal, f);
  } else {
    dPreF = tf.zerosLike(dcTotal);
    dcPrevious = dcTotal;
  }
  const dInput = tf.concat([dPreI, dPreF, dPreG, dPreO], 1) as tf.Tensor2D;
  return { dInput, dh: tf.matMul(dInput, weightHhT), dc: dcPrevious };
}

/** The fast probe's backward sweep through the LSTM (forward pass: fast-lstm's own). */
async function fastProbeNorms(x: tf.Tensor3D, steps: number, H: number, forgetGate: boolean, weights: NotebookWeights, signal: AbortSignal | undefined, name: string): Promise<number[]> {
  const [B, , E] = x.shape;
  const H4 = 4 * H;
  const fused = fuse(weights, E, H, 'fast probe');
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

export const lstmMaths: FamilyMaths = { fuse, step, stepBackward, fastProbeNorms };

// The LSTM's step maths, once, for everything that computes LSTM steps itself: the fused
// cell, inspection (gate values, gradient flow) and the fast gradient probe. Fused layout:
// gate blocks i | f | g | o.
//
//   i = σ(·)  f = σ(·)  g = tanh(·)  o = σ(·)   c = f⊙c + i⊙g (no forget gate: c + i⊙g)   h = o⊙tanh(c)
import * as tf from '@tensorflow/tfjs';
import { checkPerGateWeights, fuseLstmWeights, lstmWeightShapes } from '../cells/per-gate-weights';
import type { PerGateWeights } from '../cells/types';
import { probeNormsOnKernel } from '../fast/probe-kernel';
import { firstSteps } from '../fast/probe-sweep';
import type { FamilyMaths, FusedTensors, FusedWeights, StepCotangents, StepValues } from './types';

function fuse(weights: PerGateWeights, inputSize: number, hiddenSize: number, who: string): FusedWeights {
  return fuseLstmWeights(checkPerGateWeights(weights, lstmWeightShapes(inputSize, hiddenSize), who), inputSize, hiddenSize);
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

/** The fast probe: forward and the backward sweep on LSTM Lab's wasm kernel, over every core. */
function fastProbeNorms(x: tf.Tensor3D, steps: number, H: number, forgetGate: boolean, weights: PerGateWeights, signal: AbortSignal | undefined, name: string): Promise<number[]> {
  const [B, , E] = x.shape;
  return probeNormsOnKernel({ family: 'lstm', batch: B, steps, embedding: E, hidden: H, forgetGate, x: firstSteps(x, steps), weights: fuse(weights, E, H, 'fast probe') }, signal, name);
}

export const lstmMaths: FamilyMaths = { fuse, step, stepBackward, fastProbeNorms };

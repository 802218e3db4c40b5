// The simple (Elman, tanh) RNN's step maths, once: h = tanh(x W_ih + b + h W_hh).
import * as tf from '@tensorflow/tfjs';
import { checkPerGateWeights, rnnWeightShapes } from '../cells/per-gate-weights';
import type { PerGateWeights } from '../cells/types';
import { probeNormsOnKernel } from '../fast/probe-kernel';
import { firstSteps } from '../fast/probe-sweep';
import type { FamilyMaths, FusedTensors, FusedWeights, StepCotangents, StepValues } from './types';

function fuse(weights: PerGateWeights, inputSize: number, hiddenSize: number, who: string): FusedWeights {
  const flat = checkPerGateWeights(weights, rnnWeightShapes(inputSize, hiddenSize), who);
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

/** The fast probe: forward keeping every h, then the backward sweep (dh ⊙ (1 − h²)) · W_hhᵀ, on LSTM Lab's wasm kernel. */
function fastProbeNorms(x: tf.Tensor3D, steps: number, H: number, _forgetGate: boolean, weights: PerGateWeights, signal: AbortSignal | undefined, name: string): Promise<number[]> {
  const [B, , E] = x.shape;
  return probeNormsOnKernel({ family: 'rnn', batch: B, steps, embedding: E, hidden: H, forgetGate: false, x: firstSteps(x, steps), weights: fuse(weights, E, H, 'fast probe') }, signal, name);
}

export const rnnMaths: FamilyMaths = { fuse, step, stepBackward, fastProbeNorms };

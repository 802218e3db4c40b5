// What each cell family's maths module provides, so the parts of the engine that compute a
// cell's steps themselves (inspection, the fast gradient probe, the fused cells) share one
// definition per family instead of each keeping a copy.
import type * as tf from '@tensorflow/tfjs';
import type { GateName } from '../../shared/catalog';
import type { PerGateWeights } from '../cells/types';

/**
 * A family's weights in fused form: the input product x W_ih + bias gives every gate's
 * input part at once ([E, k·H] and [k·H], gate blocks in the family's order), h W_hh every
 * recurrent part ([H, k·H]). hiddenBias is a bias inside the recurrent part (the GRU's b_hn).
 */
export interface FusedWeights {
  weightIh: Float32Array;
  weightHh: Float32Array;
  bias: Float32Array;
  hiddenBias?: Float32Array;
}

/** FusedWeights as tensors, with the sizes and the forget-gate option. */
export interface FusedTensors {
  inputSize: number;
  hiddenSize: number;
  forgetGate: boolean;
  weightIh: tf.Tensor2D;
  weightHh: tf.Tensor2D;
  bias: tf.Tensor1D;
  hiddenBias?: tf.Tensor1D;
}

/** One step's new state and every gate's value (each [B, H]). */
export interface StepValues {
  h: tf.Tensor2D;
  c?: tf.Tensor2D;
  gates: Partial<Record<GateName, tf.Tensor2D>>;
}

/** The cotangents of a step's inputs: its input product and its starting state. */
export interface StepCotangents {
  dInput: tf.Tensor2D;
  dh: tf.Tensor2D;
  dc?: tf.Tensor2D;
}

export interface FamilyMaths {
  /** The per-gate weights (checked against the family's shapes) in fused form. */
  fuse(weights: PerGateWeights, inputSize: number, hiddenSize: number, who: string): FusedWeights;
  /**
   * One step from the input product xProjected = x_t W_ih + bias ([B, k·H]) and the state
   * (c only where the family has one; missing means zeros). Differentiable TF.js ops.
   */
  step(weights: FusedTensors, xProjected: tf.Tensor2D, h: tf.Tensor2D, c: tf.Tensor2D | undefined): StepValues;
  /**
   * The step's backward pass, by hand (TF.js's autodiff of `step` is ≈5× slower in the
   * gradient-flow loop; a unit test ties the two together): the cotangents dh (and dc) of
   * the step's new state, one row per loss ([R, H]), back to its input product ([R, k·H])
   * and its starting state. `values` and `start` are the forward step's ([1, H] or [R, H]);
   * weightHhT is W_hhᵀ.
   */
  stepBackward(weights: FusedTensors, weightHhT: tf.Tensor2D, values: StepValues, start: { h: tf.Tensor2D; c?: tf.Tensor2D }, dh: tf.Tensor2D, dc: tf.Tensor2D | undefined): StepCotangents;
  /**
   * The gradient probe's norms ‖∂Σ|h_t|/∂h_0‖ for t = 1..steps on x [B, ≥steps, E] from
   * h_0 = 0, with a hand-written backward sweep (fast/probe-fast.ts; tests tie it to autodiff).
   */
  fastProbeNorms(x: tf.Tensor3D, steps: number, hiddenSize: number, forgetGate: boolean, weights: PerGateWeights, signal: AbortSignal | undefined, name: string): Promise<number[]>;
}

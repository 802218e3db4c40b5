// The notebook's equations on a cell's exported weights: every step's gate values, computed
// with the cell family's own step (../families), so every kind of a family, a library
// layer included, is read the same way.
import * as tf from '@tensorflow/tfjs';
import { CELL_CATALOG, familyOf, type GateName } from '../../shared/catalog';
import { FAMILY_MATHS, disposeFused, fusedTensorsOf, type FamilyMaths, type FusedTensors } from '../families';
import type { RecurrentCell } from '../cells/types';

/** A cell's weights in its family's fused form, with the family's maths. */
export interface CellMaths {
  kind: RecurrentCell['kind'];
  weights: FusedTensors;
  /** The gates a step records, in equation order (no f without a forget gate). */
  gateNames: GateName[];
  step: FamilyMaths['step'];
  stepBackward: FamilyMaths['stepBackward'];
  /** Whether the state carries c besides h. */
  hasCellState: boolean;
}

export function cellMaths(cell: RecurrentCell): CellMaths {
  const family = familyOf(cell.kind);
  return {
    kind: cell.kind,
    weights: fusedTensorsOf(cell),
    gateNames: family.gates.filter((gate) => cell.forgetGate || gate !== 'f'),
    step: FAMILY_MATHS[CELL_CATALOG[cell.kind].family].step,
    stepBackward: FAMILY_MATHS[CELL_CATALOG[cell.kind].family].stepBackward,
    hasCellState: family.state.includes('c'),
  };
}

export function disposeCellMaths(maths: CellMaths): void {
  disposeFused(maths.weights);
}

/** One step's values, each [B, H]. */
export type StepGates = Partial<Record<GateName, tf.Tensor2D>> & { h: tf.Tensor2D };

/**
 * Every step's input product x_t W_ih + b for x [B, T, E], as T tensors [B, k·H]. The steps
 * are cut apart in JS: on wasm each tf.slice/unstack of a large tensor costs time in
 * proportion to the whole tensor (measured ≈25 ms per step at [500·32, 500]), which made
 * T steps cost O(T²). Call inside tf.tidy.
 */
export function inputProducts(weights: FusedTensors, x: tf.Tensor3D): tf.Tensor2D[] {
  const [batch, steps, inputSize] = x.shape;
  const width = weights.bias.shape[0];
  const projected = tf.add(tf.matMul(tf.reshape(x, [batch * steps, inputSize]) as tf.Tensor2D, weights.weightIh), weights.bias);
  const timeMajor = tf.transpose(tf.reshape(projected, [batch, steps, width]), [1, 0, 2]).dataSync();
  const stepSize = batch * width;
  return Array.from({ length: steps }, (_, t) => tf.tensor2d(timeMajor.subarray(t * stepSize, (t + 1) * stepSize), [batch, width]));
}

/**
 * x [B, T, E] → the gate values of every step from h_0 = c_0 = 0, by the family's equations.
 * Call inside tf.tidy.
 */
export function runEquations(maths: CellMaths, x: tf.Tensor3D): StepGates[] {
  const H = maths.weights.hiddenSize;
  let h: tf.Tensor2D = tf.zeros([x.shape[0], H]);
  let c: tf.Tensor2D | undefined = maths.hasCellState ? tf.zeros([x.shape[0], H]) : undefined;
  return inputProducts(maths.weights, x).map((input) => {
    const next = maths.step(maths.weights, input, h, c);
    h = next.h;
    c = next.c;
    return { ...next.gates, h };
  });
}

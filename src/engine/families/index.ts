// Every cell family's maths module, by the catalog's family names. The mapped type makes a
// family added to the catalog without its maths a compile error.
import * as tf from '@tensorflow/tfjs';
import { CELL_CATALOG, type CellFamily } from '../../shared/catalog';
import type { RecurrentCell } from '../cells/types';
import { lstmMaths } from './lstm';
import { rnnMaths } from './rnn';
import { gruMaths } from './gru';
import type { FamilyMaths, FusedTensors } from './types';

export const FAMILY_MATHS: { [F in CellFamily]: FamilyMaths } = {
  lstm: lstmMaths,
  rnn: rnnMaths,
  gru: gruMaths,
};

export type { FamilyMaths, FusedTensors, FusedWeights, StepCotangents, StepValues } from './types';

/** A cell's current weights in its family's fused form, as tensors (dispose with disposeFused). */
export function fusedTensorsOf(cell: RecurrentCell): FusedTensors {
  const { inputSize: E, hiddenSize: H } = cell;
  const fused = FAMILY_MATHS[CELL_CATALOG[cell.kind].family].fuse(cell.exportWeights(), E, H, cell.kind);
  const columns = fused.bias.length;
  return {
    inputSize: E,
    hiddenSize: H,
    forgetGate: cell.forgetGate,
    weightIh: tf.tensor2d(fused.weightIh, [E, columns]),
    weightHh: tf.tensor2d(fused.weightHh, [H, columns]),
    bias: tf.tensor1d(fused.bias),
    ...(fused.hiddenBias ? { hiddenBias: tf.tensor1d(fused.hiddenBias) } : {}),
  };
}

export function disposeFused(tensors: FusedTensors): void {
  tf.dispose([tensors.weightIh, tensors.weightHh, tensors.bias, ...(tensors.hiddenBias ? [tensors.hiddenBias] : [])]);
}

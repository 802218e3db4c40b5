// The notebook's OptimizedLSTM ("fused"): one weight_ih (E×4H), one weight_hh (H×4H) and
// one bias (4H); each step computes all four gates with two matmuls and slices them in
// the order i, f, g, o:
//
//   z_t = x_t W_ih + h_{t-1} W_hh + b                 [B, 4H]
//   i_t = σ(z_t[:, 0:H])      f_t = σ(z_t[:, H:2H])   (f unused without forget gate)
//   g_t = tanh(z_t[:, 2H:3H]) o_t = σ(z_t[:, 3H:4H])
//   c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t                   (no forget gate: c_t = c_{t-1} + i_t ⊙ g_t)
//   h_t = o_t ⊙ tanh(c_t)
//
// Weights map to the per-gate layout column block by column block. The step is
// the LSTM family's (../families/lstm.ts), which inspection and the fast probe share.
import * as tf from '@tensorflow/tfjs';
import { startingLstmWeights } from './init';
import { checkPerGateWeights, fuseLstmWeights, lstmWeightShapes, splitLstmWeights } from './per-gate-weights';
import { checkSequenceInput, checkStateTensor, unrollSteps } from './sequence';
import { lstmMaths } from '../families/lstm';
import type { CellImplementation, CellOptions, CellState, PerGateWeights, RecurrentCell } from './types';

const WHO = 'fused-lstm';

class FusedLstmCell implements RecurrentCell {
  readonly kind = 'fused-lstm' as const;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly forgetGate: boolean;
  readonly variables: tf.Variable[];
  private readonly weightIh: tf.Variable;
  private readonly weightHh: tf.Variable;
  private readonly bias: tf.Variable;

  constructor(options: CellOptions, weights?: PerGateWeights) {
    this.inputSize = options.inputSize;
    this.hiddenSize = options.hiddenSize;
    this.forgetGate = options.forgetGate ?? true;
    const fused = this.fusedFrom(startingLstmWeights(options, weights));
    this.weightIh = tf.variable(fused.weightIh);
    this.weightHh = tf.variable(fused.weightHh);
    this.bias = tf.variable(fused.bias);
    this.variables = [this.weightIh, this.weightHh, this.bias];
    tf.dispose([fused.weightIh, fused.weightHh, fused.bias]); // the variables hold their own references
  }

  private fusedFrom(weights: PerGateWeights): { weightIh: tf.Tensor2D; weightHh: tf.Tensor2D; bias: tf.Tensor1D } {
    const { inputSize: E, hiddenSize: H } = this;
    const fused = fuseLstmWeights(checkPerGateWeights(weights, lstmWeightShapes(E, H), WHO), E, H);
    return { weightIh: tf.tensor2d(fused.weightIh, [E, 4 * H]), weightHh: tf.tensor2d(fused.weightHh, [H, 4 * H]), bias: tf.tensor1d(fused.bias) };
  }

  step(xT: tf.Tensor2D, state: CellState): CellState {
    const weights = {
      inputSize: this.inputSize,
      hiddenSize: this.hiddenSize,
      forgetGate: this.forgetGate,
      weightIh: this.weightIh as tf.Tensor2D,
      weightHh: this.weightHh as tf.Tensor2D,
      bias: this.bias as tf.Tensor1D,
    };
    const { h, c } = lstmMaths.step(weights, tf.add(tf.matMul(xT, weights.weightIh), weights.bias), state.h, state.c);
    return { h, c };
  }

  forward(x: tf.Tensor3D, initial?: CellState): { hiddenSeq: tf.Tensor3D; final: CellState } {
    checkSequenceInput(x, this.inputSize, WHO);
    checkStateTensor(initial?.h, this.hiddenSize, 'h', WHO);
    checkStateTensor(initial?.c, this.hiddenSize, 'c', WHO);
    return unrollSteps((xT, state) => this.step(xT, state), x, initial, this.hiddenSize, true);
  }

  exportWeights(): PerGateWeights {
    return splitLstmWeights(this.weightIh.dataSync(), this.weightHh.dataSync(), this.bias.dataSync(), this.inputSize, this.hiddenSize);
  }

  importWeights(weights: PerGateWeights): void {
    const fused = this.fusedFrom(weights);
    this.weightIh.assign(fused.weightIh);
    this.weightHh.assign(fused.weightHh);
    this.bias.assign(fused.bias);
    tf.dispose([fused.weightIh, fused.weightHh, fused.bias]);
  }

  dispose(): void {
    tf.dispose(this.variables);
  }
}

export const fusedLstm: CellImplementation<'fused-lstm'> = {
  kind: 'fused-lstm',
  create: (options, weights) => new FusedLstmCell(options, weights),
};

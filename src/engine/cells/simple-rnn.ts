// The notebook's SimpleRNN (an Elman/tanh RNN):
//
//   h_t = tanh(x_t W_ih + h_{t-1} W_hh + b)
//
// W_ih (E×H), W_hh (H×H) xavier-uniform, b (H) zero; h_0 = 0 unless given. No cell state.
import * as tf from '@tensorflow/tfjs';
import { initRnnWeights } from './init';
import { RNN_WEIGHT_NAMES, checkPerGateWeights, assignNamedWeights, createNamedVariables, exportNamedWeights, rnnWeightShapes, type WeightShapes } from './per-gate-weights';
import { checkSequenceInput, checkStateTensor, unrollSteps } from './sequence';
import type { CellImplementation, CellOptions, CellState, PerGateWeights, RecurrentCell } from './types';

const WHO = 'simple-rnn';

class SimpleRnnCell implements RecurrentCell {
  readonly kind = 'simple-rnn' as const;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly forgetGate = false;
  readonly variables: tf.Variable[];
  private readonly params: Record<string, tf.Variable>;
  private readonly shapes: WeightShapes;

  constructor(options: CellOptions, weights?: PerGateWeights) {
    this.inputSize = options.inputSize;
    this.hiddenSize = options.hiddenSize;
    this.shapes = rnnWeightShapes(this.inputSize, this.hiddenSize);
    const flat = checkPerGateWeights(weights ?? initRnnWeights(this.inputSize, this.hiddenSize, options.seed ?? 0), this.shapes, WHO);
    this.params = createNamedVariables(flat, RNN_WEIGHT_NAMES, this.shapes);
    this.variables = RNN_WEIGHT_NAMES.map((name) => this.params[name]!);
  }

  step(xT: tf.Tensor2D, state: CellState): CellState {
    const { W_ih, W_hh, b } = this.params as { W_ih: tf.Variable; W_hh: tf.Variable; b: tf.Variable };
    return { h: tf.tanh(tf.add(tf.add(tf.matMul(xT, W_ih as tf.Tensor2D), tf.matMul(state.h, W_hh as tf.Tensor2D)), b)) as tf.Tensor2D };
  }

  forward(x: tf.Tensor3D, initial?: CellState): { hiddenSeq: tf.Tensor3D; final: CellState } {
    checkSequenceInput(x, this.inputSize, WHO);
    checkStateTensor(initial?.h, this.hiddenSize, 'h', WHO);
    return unrollSteps((xT, state) => this.step(xT, state), x, initial, this.hiddenSize, false);
  }

  exportWeights(): PerGateWeights {
    return exportNamedWeights(this.params, RNN_WEIGHT_NAMES, this.shapes);
  }

  importWeights(weights: PerGateWeights): void {
    const flat = checkPerGateWeights(weights, this.shapes, WHO);
    assignNamedWeights(this.params, flat, RNN_WEIGHT_NAMES, this.shapes);
  }

  dispose(): void {
    tf.dispose(this.variables);
  }
}

export const simpleRnn: CellImplementation<'simple-rnn'> = {
  kind: 'simple-rnn',
  create: (options, weights) => new SimpleRnnCell(options, weights),
};

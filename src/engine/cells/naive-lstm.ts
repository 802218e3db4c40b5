// The notebook's NaiveLSTM: four gates, each with its own input weights W_i* (E×H),
// recurrent weights W_h* (H×H) and bias b_* (H); a per-timestep loop, 8 matmuls a step.
//
//   i_t = σ(x_t W_ii + h_{t-1} W_hi + b_i)        input gate
//   f_t = σ(x_t W_if + h_{t-1} W_hf + b_f)        forget gate   (absent without forget gate)
//   g_t = tanh(x_t W_ig + h_{t-1} W_hg + b_g)     candidate
//   o_t = σ(x_t W_io + h_{t-1} W_ho + b_o)        output gate
//   c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t               (no forget gate: c_t = c_{t-1} + i_t ⊙ g_t)
//   h_t = o_t ⊙ tanh(c_t)
//
// x is [B, T, E] (batch-first); h_0 = c_0 = 0 unless given.
import * as tf from '@tensorflow/tfjs';
import { startingLstmWeights } from './init';
import { LSTM_WEIGHT_NAMES, checkPerGateWeights, lstmWeightShapes, assignNamedWeights, createNamedVariables, exportNamedWeights, type LstmGate, type WeightShapes } from './per-gate-weights';
import { checkSequenceInput, checkStateTensor, unrollSteps, zeroState } from './sequence';
import type { CellImplementation, CellOptions, CellState, PerGateWeights, RecurrentCell } from './types';

const WHO = 'naive-lstm';

class NaiveLstmCell implements RecurrentCell {
  readonly kind = 'naive-lstm' as const;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly forgetGate: boolean;
  readonly variables: tf.Variable[];
  private readonly params: Record<string, tf.Variable>;
  private readonly shapes: WeightShapes;

  constructor(options: CellOptions, weights?: PerGateWeights) {
    this.inputSize = options.inputSize;
    this.hiddenSize = options.hiddenSize;
    this.forgetGate = options.forgetGate ?? true;
    this.shapes = lstmWeightShapes(this.inputSize, this.hiddenSize);
    const flat = checkPerGateWeights(startingLstmWeights(options, weights), this.shapes, WHO);
    this.params = createNamedVariables(flat, LSTM_WEIGHT_NAMES, this.shapes);
    // Without a forget gate the f weights are kept (exported, ignored) but not trained.
    this.variables = LSTM_WEIGHT_NAMES.filter((name) => this.forgetGate || !name.endsWith('f')).map((name) => this.params[name]!);
  }

  private gate(gate: LstmGate, xT: tf.Tensor2D, h: tf.Tensor2D): tf.Tensor2D {
    const p = this.params;
    return tf.add(tf.add(tf.matMul(xT, p[`W_i${gate}`]!), tf.matMul(h, p[`W_h${gate}`]!)), p[`b_${gate}`]!);
  }

  step(xT: tf.Tensor2D, state: CellState): CellState {
    const hPrev = state.h;
    const cPrev = state.c ?? zeroState(1, this.hiddenSize);
    const i = tf.sigmoid(this.gate('i', xT, hPrev));
    const g = tf.tanh(this.gate('g', xT, hPrev));
    const o = tf.sigmoid(this.gate('o', xT, hPrev));
    const c: tf.Tensor2D = this.forgetGate ? tf.add(tf.mul(tf.sigmoid(this.gate('f', xT, hPrev)), cPrev), tf.mul(i, g)) : tf.add(cPrev, tf.mul(i, g));
    const h: tf.Tensor2D = tf.mul(o, tf.tanh(c));
    return { h, c };
  }

  forward(x: tf.Tensor3D, initial?: CellState): { hiddenSeq: tf.Tensor3D; final: CellState } {
    checkSequenceInput(x, this.inputSize, WHO);
    checkStateTensor(initial?.h, this.hiddenSize, 'h', WHO);
    checkStateTensor(initial?.c, this.hiddenSize, 'c', WHO);
    return unrollSteps((xT, state) => this.step(xT, state), x, initial, this.hiddenSize, true);
  }

  exportWeights(): PerGateWeights {
    return exportNamedWeights(this.params, LSTM_WEIGHT_NAMES, this.shapes);
  }

  importWeights(weights: PerGateWeights): void {
    const flat = checkPerGateWeights(weights, this.shapes, WHO); // all checked before any is replaced
    assignNamedWeights(this.params, flat, LSTM_WEIGHT_NAMES, this.shapes);
  }

  dispose(): void {
    for (const variable of Object.values(this.params)) variable.dispose();
  }
}

export const naiveLstm: CellImplementation<'naive-lstm'> = {
  kind: 'naive-lstm',
  create: (options, weights) => new NaiveLstmCell(options, weights),
};

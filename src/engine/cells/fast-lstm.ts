// fast-lstm: the notebook's unwritten chapter ("to really make our LSTM fast…"). The same
// mathematics and weights as fused-lstm (weight_ih E×4H, weight_hh H×4H, bias 4H, gate
// columns i | f | g | o), computed as one differentiable op over the whole sequence with
// a hand-written backward pass through time: see ../fast/lstm-sequence.ts for where the
// time goes. Same weights ⇒ same outputs and gradients as fused-lstm.
import * as tf from '@tensorflow/tfjs';
import { fastLstmSequence } from '../fast/lstm-sequence';
import { startingLstmWeights } from './init';
import { checkPerGateWeights, fuseLstmWeights, lstmWeightShapes, splitLstmWeights } from './per-gate-weights';
import { checkSequenceInput, checkStateTensor } from './sequence';
import type { CellImplementation, CellOptions, CellState, PerGateWeights, RecurrentCell } from './types';

const WHO = 'fast-lstm';

class FastLstmCell implements RecurrentCell {
  readonly kind = 'fast-lstm' as const;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly forgetGate: boolean;
  readonly variables: tf.Variable[];
  private readonly weightIh: tf.Variable<tf.Rank.R2>;
  private readonly weightHh: tf.Variable<tf.Rank.R2>;
  private readonly bias: tf.Variable<tf.Rank.R1>;

  constructor(options: CellOptions, weights?: PerGateWeights) {
    this.inputSize = options.inputSize;
    this.hiddenSize = options.hiddenSize;
    this.forgetGate = options.forgetGate ?? true;
    const fused = this.fuse(startingLstmWeights(options, weights));
    const [E, H] = [this.inputSize, this.hiddenSize];
    // tidy: the initial tensors go, the variables (sharing their data) stay.
    this.weightIh = tf.tidy(() => tf.variable(tf.tensor2d(fused.weightIh, [E, 4 * H])));
    this.weightHh = tf.tidy(() => tf.variable(tf.tensor2d(fused.weightHh, [H, 4 * H])));
    this.bias = tf.tidy(() => tf.variable(tf.tensor1d(fused.bias)));
    // Without a forget gate the f columns get zero gradient: they stay as they are.
    this.variables = [this.weightIh, this.weightHh, this.bias];
  }

  private fuse(weights: PerGateWeights): { weightIh: Float32Array; weightHh: Float32Array; bias: Float32Array } {
    const flat = checkPerGateWeights(weights, lstmWeightShapes(this.inputSize, this.hiddenSize), WHO);
    return fuseLstmWeights(flat, this.inputSize, this.hiddenSize);
  }

  forward(x: tf.Tensor3D, initial?: CellState): { hiddenSeq: tf.Tensor3D; final: CellState } {
    checkSequenceInput(x, this.inputSize, WHO);
    checkStateTensor(initial?.h, this.hiddenSize, 'h', WHO);
    checkStateTensor(initial?.c, this.hiddenSize, 'c', WHO);
    for (const [name, state] of [
      ['h', initial?.h],
      ['c', initial?.c],
    ] as const) {
      if (state && state.shape[0] !== 1 && state.shape[0] !== x.shape[0]) {
        throw new Error(`${WHO}: initial ${name} has batch ${state.shape[0]} but the input has batch ${x.shape[0]}; give [${x.shape[0]}, ${this.hiddenSize}] or [1, ${this.hiddenSize}].`);
      }
    }
    return tf.tidy(() => {
      const h0 = initial?.h ?? tf.zeros([1, this.hiddenSize]);
      const c0 = initial?.c ?? tf.zeros([1, this.hiddenSize]);
      const out = fastLstmSequence(x, this.weightIh, this.weightHh, this.bias, h0 as tf.Tensor2D, c0 as tf.Tensor2D, this.forgetGate);
      return { hiddenSeq: out.hiddenSeq, final: { h: out.finalH, c: out.finalC } };
    }) as { hiddenSeq: tf.Tensor3D; final: CellState };
  }

  step(xT: tf.Tensor2D, state: CellState): CellState {
    if (xT.rank !== 2) throw new Error(`${WHO}: a step input must be [batch, ${this.inputSize}], got [${xT.shape.join(', ')}].`);
    return tf.tidy(() => {
      const { h, c } = this.forward(tf.expandDims(xT, 1) as tf.Tensor3D, state).final;
      return { h, c: c! };
    });
  }

  exportWeights(): PerGateWeights {
    return splitLstmWeights(this.weightIh.dataSync(), this.weightHh.dataSync(), this.bias.dataSync(), this.inputSize, this.hiddenSize);
  }

  importWeights(weights: PerGateWeights): void {
    const fused = this.fuse(weights); // everything checked before anything is replaced
    const [E, H] = [this.inputSize, this.hiddenSize];
    tf.tidy(() => {
      this.weightIh.assign(tf.tensor2d(fused.weightIh, [E, 4 * H]));
      this.weightHh.assign(tf.tensor2d(fused.weightHh, [H, 4 * H]));
      this.bias.assign(tf.tensor1d(fused.bias));
    });
  }

  dispose(): void {
    this.weightIh.dispose();
    this.weightHh.dispose();
    this.bias.dispose();
  }
}

export const fastLstm: CellImplementation<'fast-lstm'> = {
  kind: 'fast-lstm',
  create: (options, weights) => new FastLstmCell(options, weights),
};

// A GRU (Cho et al. 2014) in PyTorch's nn.GRU convention, per-gate weights like the
// notebook's NaiveLSTM:
//
//   r_t = σ(x_t W_ir + h_{t-1} W_hr + b_r)                       reset gate
//   z_t = σ(x_t W_iz + h_{t-1} W_hz + b_z)                       update gate
//   n_t = tanh(x_t W_in + b_in + r_t ⊙ (h_{t-1} W_hn + b_hn))    new gate
//   h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t-1}
//
// PyTorch's b_ir + b_hr is b_r here, b_iz + b_hz is b_z. Weights and their seeded init are
// the catalog's (CELL_FAMILIES.gru); the step is the GRU family's (../families/gru.ts).
// x is [B, T, E] (batch-first); h_0 = 0 unless given. No cell state.
import * as tf from '@tensorflow/tfjs';
import { initFamilyWeights } from './init';
import { assignNamedWeights, checkPerGateWeights, createNamedVariables, exportNamedWeights, type WeightShapes } from './per-gate-weights';
import { checkSequenceInput, checkStateTensor, unrollSteps } from './sequence';
import { familyWeightShapes, weightNames } from '../../shared/catalog';
import { gruMaths } from '../families/gru';
import type { FusedTensors } from '../families/types';
import type { CellImplementation, CellOptions, CellState, PerGateWeights, RecurrentCell } from './types';

const WHO = 'gru';
const NAMES = weightNames('gru');

class GruCell implements RecurrentCell {
  readonly kind = 'gru' as const;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly forgetGate = false;
  readonly variables: tf.Variable[];
  private readonly params: Record<string, tf.Variable>;
  private readonly shapes: WeightShapes;

  constructor(options: CellOptions, weights?: PerGateWeights) {
    this.inputSize = options.inputSize;
    this.hiddenSize = options.hiddenSize;
    this.shapes = familyWeightShapes('gru', this.inputSize, this.hiddenSize);
    const flat = checkPerGateWeights(weights ?? initFamilyWeights('gru', this.inputSize, this.hiddenSize, options.seed ?? 0), this.shapes, WHO);
    this.params = createNamedVariables(flat, NAMES, this.shapes);
    this.variables = NAMES.map((name) => this.params[name]!);
  }

  /** The per-gate variables as the family's fused tensors (differentiable: gradients reach the variables). */
  private fused(): FusedTensors {
    const p = this.params;
    const blocks = (prefix: string) =>
      tf.concat(
        ['r', 'z', 'n'].map((g) => p[`${prefix}${g}`]!),
        1,
      ) as tf.Tensor2D;
    return {
      inputSize: this.inputSize,
      hiddenSize: this.hiddenSize,
      forgetGate: false,
      weightIh: blocks('W_i'),
      weightHh: blocks('W_h'),
      bias: tf.concat([p['b_r']!, p['b_z']!, p['b_in']!]) as tf.Tensor1D,
      hiddenBias: p['b_hn'] as tf.Tensor1D,
    };
  }

  private stepWith(weights: FusedTensors, xT: tf.Tensor2D, state: CellState): CellState {
    return { h: gruMaths.step(weights, tf.add(tf.matMul(xT, weights.weightIh), weights.bias), state.h, undefined).h };
  }

  step(xT: tf.Tensor2D, state: CellState): CellState {
    return { h: tf.tidy(() => this.stepWith(this.fused(), xT, state).h) };
  }

  forward(x: tf.Tensor3D, initial?: CellState): { hiddenSeq: tf.Tensor3D; final: CellState } {
    checkSequenceInput(x, this.inputSize, WHO);
    checkStateTensor(initial?.h, this.hiddenSize, 'h', WHO);
    // One fused copy of the weights for the whole sequence; the tidy frees it (TF.js keeps what the gradient needs).
    const out = tf.tidy(() => {
      const weights = this.fused();
      const unrolled = unrollSteps((xT, state) => this.stepWith(weights, xT, state), x, initial, this.hiddenSize, false);
      return { hiddenSeq: unrolled.hiddenSeq, finalH: unrolled.final.h };
    });
    return { hiddenSeq: out.hiddenSeq, final: { h: out.finalH } };
  }

  exportWeights(): PerGateWeights {
    return exportNamedWeights(this.params, NAMES, this.shapes);
  }

  importWeights(weights: PerGateWeights): void {
    const flat = checkPerGateWeights(weights, this.shapes, WHO); // all checked before any is replaced
    assignNamedWeights(this.params, flat, NAMES, this.shapes);
  }

  dispose(): void {
    tf.dispose(this.variables);
  }
}

export const gru: CellImplementation<'gru'> = {
  kind: 'gru',
  create: (options, weights) => new GruCell(options, weights),
};

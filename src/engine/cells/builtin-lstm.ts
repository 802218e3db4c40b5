// TF.js's own LSTM layer (tf.layers.lstm), the "official LSTM" of the notebook's
// comparison (nn.LSTM there). Its kernel (E×4H), recurrentKernel (H×4H) and bias (4H)
// are laid out i, f, c, o — the notebook's i, f, g, o — so it maps to the per-gate layout
// exactly as the fused LSTM does. It is configured to compute the notebook's equations:
//
//   i_t = σ(x_t K_i + h_{t-1} R_i + b_i)     f_t = σ(x_t K_f + h_{t-1} R_f + b_f)
//   g_t = tanh(x_t K_c + h_{t-1} R_c + b_c)  o_t = σ(x_t K_o + h_{t-1} R_o + b_o)
//   c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t          h_t = o_t ⊙ tanh(c_t)
//
// (recurrentActivation 'sigmoid' instead of its default hardSigmoid, unitForgetBias off,
// and our seeded weights set over zero initialisers, so its orthogonal init never runs).
// It always has a forget gate: forgetGate: false is refused.
import * as tf from '@tensorflow/tfjs';
import { startingLstmWeights } from './init';
import { checkPerGateWeights, fuseLstmWeights, lstmWeightShapes, splitLstmWeights } from './per-gate-weights';
import { checkSequenceInput, checkStateTensor, zeroState } from './sequence';
import type { CellImplementation, CellOptions, CellState, PerGateWeights, RecurrentCell } from './types';

const WHO = 'builtin-lstm';
type LstmLayer = ReturnType<typeof tf.layers.lstm>;

class BuiltinLstmCell implements RecurrentCell {
  readonly kind = 'builtin-lstm' as const;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly forgetGate = true;
  readonly variables: tf.Variable[];
  private readonly layer: LstmLayer;

  constructor(options: CellOptions, weights?: PerGateWeights) {
    if (options.forgetGate === false) {
      throw new Error('builtin-lstm: tf.layers.lstm always has a forget gate, so forgetGate: false is not possible with it. Use naive-lstm or fused-lstm for the LSTM without a forget gate.');
    }
    this.inputSize = options.inputSize;
    this.hiddenSize = options.hiddenSize;
    this.layer = tf.layers.lstm({
      units: this.hiddenSize,
      returnSequences: true,
      returnState: true,
      activation: 'tanh',
      recurrentActivation: 'sigmoid',
      unitForgetBias: false,
      useBias: true,
      kernelInitializer: 'zeros',
      recurrentInitializer: 'zeros',
      biasInitializer: 'zeros',
    });
    // Building through apply() (not build()) marks the layer built, so later calls reuse its weights.
    tf.tidy(() => void this.layer.apply(tf.zeros([1, 1, this.inputSize])));
    this.importWeights(startingLstmWeights(options, weights));
    this.variables = this.layer.trainableWeights.map((weight) => weight.read() as tf.Variable);
  }

  step(xT: tf.Tensor2D, state: CellState): CellState {
    const batch = xT.shape[0];
    // The layer's cell wants explicit [B, H] states.
    const h = tf.broadcastTo(state.h, [batch, this.hiddenSize]) as tf.Tensor2D;
    const c = tf.broadcastTo(state.c ?? zeroState(1, this.hiddenSize), [batch, this.hiddenSize]) as tf.Tensor2D;
    const [, hNext, cNext] = this.layer.cell.call([xT, h, c], {}) as tf.Tensor2D[];
    return { h: hNext!, c: cNext! };
  }

  forward(x: tf.Tensor3D, initial?: CellState): { hiddenSeq: tf.Tensor3D; final: CellState } {
    checkSequenceInput(x, this.inputSize, WHO);
    checkStateTensor(initial?.h, this.hiddenSize, 'h', WHO);
    checkStateTensor(initial?.c, this.hiddenSize, 'c', WHO);
    return tf.tidy(() => {
      const batch = x.shape[0];
      const h0 = tf.broadcastTo(initial?.h ?? zeroState(1, this.hiddenSize), [batch, this.hiddenSize]);
      const c0 = tf.broadcastTo(initial?.c ?? zeroState(1, this.hiddenSize), [batch, this.hiddenSize]);
      const [hiddenSeq, h, c] = this.layer.apply(x, { initialState: [h0, c0] }) as tf.Tensor[];
      return { hiddenSeq: hiddenSeq as tf.Tensor3D, final: { h: h as tf.Tensor2D, c: c as tf.Tensor2D } };
    }) as { hiddenSeq: tf.Tensor3D; final: CellState };
  }

  exportWeights(): PerGateWeights {
    const [kernel, recurrentKernel, bias] = this.layer.getWeights();
    return splitLstmWeights(kernel!.dataSync(), recurrentKernel!.dataSync(), bias!.dataSync(), this.inputSize, this.hiddenSize);
  }

  importWeights(weights: PerGateWeights): void {
    const { inputSize: E, hiddenSize: H } = this;
    const fused = fuseLstmWeights(checkPerGateWeights(weights, lstmWeightShapes(E, H), WHO), E, H);
    tf.tidy(() => {
      this.layer.setWeights([tf.tensor2d(fused.weightIh, [E, 4 * H]), tf.tensor2d(fused.weightHh, [H, 4 * H]), tf.tensor1d(fused.bias)]);
    });
  }

  dispose(): void {
    for (const weight of this.layer.weights) weight.dispose();
  }
}

export const builtinLstm: CellImplementation<'builtin-lstm'> = {
  kind: 'builtin-lstm',
  create: (options, weights) => new BuiltinLstmCell(options, weights),
};

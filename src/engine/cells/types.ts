// The one small interface every recurrent cell implements. Adding a cell kind is one
// file in this folder plus one line in registry.ts.
import type * as tf from '@tensorflow/tfjs';

/** Every cell kind the engine knows. */
export type CellKind = 'naive-lstm' | 'fused-lstm' | 'simple-rnn' | 'builtin-lstm' | 'fast-lstm';

/** Gate/state names. LSTM: i, f, g (candidate), o, c (cell state), h (hidden state). RNN: h. GRU (detector only): r, z, n, h. */
export type GateName = 'i' | 'f' | 'g' | 'o' | 'c' | 'h' | 'r' | 'z' | 'n';

/** One line of a cell's equations, as shown (KaTeX) in the panel. */
export interface EquationLine {
  gate: GateName;
  /** Human label, e.g. "forget gate". */
  label: string;
  /** KaTeX source of the line, e.g. "f_t = \\sigma(x_t W_{if} + h_{t-1} W_{hf} + b_f)". */
  latex: string;
}

export interface CellOptions {
  inputSize: number;
  hiddenSize: number;
  /** LSTMs only: false gives the 1997 LSTM, c = c + i⊙g. Default true. */
  forgetGate?: boolean;
  /** LSTMs only: initial value of every element of b_f. Default 0 (the notebook's zero bias). */
  forgetBias?: number;
  /** Seed for the xavier-uniform initialisation. */
  seed?: number;
}

/**
 * Weights in the notebook's own layout, as plain nested arrays, so they can be saved,
 * dumped for another framework, and mapped between cell kinds.
 * LSTM: W_ii, W_hi, b_i, W_if, W_hf, b_f, W_ig, W_hg, b_g, W_io, W_ho, b_o (E×H, H×H, H).
 *       (no forget gate: the f entries are still present and ignored.)
 * RNN:  W_ih (E×H), W_hh (H×H), b (H).
 */
export type NotebookWeights = Record<string, number[][] | number[]>;

/** Recurrent state. c is present for LSTMs only. Shapes [B, H] (or [1, H], broadcast over the batch). */
export interface CellState {
  h: tf.Tensor2D;
  c?: tf.Tensor2D;
}

export interface RecurrentCell {
  readonly kind: CellKind;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly forgetGate: boolean;
  /** The trainable variables (what the optimiser updates). */
  readonly variables: tf.Variable[];
  /**
   * Whole sequence: x [B, T, E] → hidden states [B, T, H] and the final state.
   * Differentiable with respect to x, `initial` and the variables (use inside tf.grad /
   * optimizer.minimize). Missing `initial` means zeros.
   */
  forward(x: tf.Tensor3D, initial?: CellState): { hiddenSeq: tf.Tensor3D; final: CellState };
  /** One time step: x_t [B, E]. Differentiable. Used by the gradient probe. */
  step(xT: tf.Tensor2D, state: CellState): CellState;
  /** The weights in the notebook's layout (see NotebookWeights). */
  exportWeights(): NotebookWeights;
  /** Replace the weights from the notebook's layout (shapes checked; clear error on mismatch). */
  importWeights(weights: NotebookWeights): void;
  dispose(): void;
}

export interface CellDefinition {
  kind: CellKind;
  /** Short title for tables and pickers, e.g. "Naive LSTM (4 gates, own weights)". */
  title: string;
  /** What the notebook calls it, e.g. "NaiveLSTM", "nn.LSTM". */
  notebookName: string;
  family: 'lstm' | 'rnn';
  /** Gates this cell computes, in equation order. */
  gates: GateName[];
  /** The equation lines it implements, for the given options (forget gate on/off). */
  equations(options: { forgetGate: boolean }): EquationLine[];
  create(options: CellOptions, weights?: NotebookWeights): RecurrentCell;
}

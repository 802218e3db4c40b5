// The one small interface every recurrent cell implements. What a cell kind is (names,
// family, gates, equations, weights) is in the catalog, src/shared/catalog.ts; a cell file
// here adds its implementation, and registry.ts lists the implementations.
import type * as tf from '@tensorflow/tfjs';
import type { CatalogEntry, CellKind, EquationLine, GateName } from '../../shared/catalog';

import type { PerGateWeights } from '../../shared/types';

export type { CellKind, EquationLine, GateName } from '../../shared/catalog';
// The weights' plain-JSON layout (see shared/types.ts) is shared data: checkpoints, the CLI.
export type { PerGateWeights } from '../../shared/types';

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
  /** The weights in the per-gate layout (see PerGateWeights). */
  exportWeights(): PerGateWeights;
  /** Replace the weights from the per-gate layout (shapes checked; clear error on mismatch). */
  importWeights(weights: PerGateWeights): void;
  dispose(): void;
}

/** A cell kind's implementation: what the registry adds to the catalog's entry. */
export interface CellImplementation<K extends CellKind = CellKind> {
  kind: K;
  create(options: CellOptions, weights?: PerGateWeights): RecurrentCell;
}

/** A cell kind as the engine uses it: the catalog's facts plus the implementation. */
export interface CellDefinition extends CatalogEntry, CellImplementation {
  /** Gates this cell computes, in equation order. */
  gates: readonly GateName[];
  /** The equation lines it implements, for the given options (forget gate on/off). */
  equations(options: { forgetGate: boolean }): EquationLine[];
}

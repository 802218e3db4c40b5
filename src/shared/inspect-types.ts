// Plain data produced by the "look inside a trained cell" tools (src/engine/inspect.ts):
// gate activations over a text, units most active on a pattern, gate saturation, the
// per-step gradient-flow heatmap, the h0 probe of a trained cell and sampling with
// per-character probabilities. No TF.js here: the host and the webview import these.
import type { CellKind, GateName, ProbeSeries } from './types';

/** What an activation capture records: the cell family's gates (LSTM i, f with a forget gate, g, o, c, h; RNN h). */
export type CapturedGate = GateName;

export interface ActivationCapture {
  cell: CellKind;
  forgetGate: boolean;
  hiddenSize: number;
  /** The text's characters as given (one per position; the model sees them lower-cased). */
  chars: string[];
  /** Vocabulary id of each position (1 = unknown: a character the training text never had). */
  ids: number[];
  /** Which entries of `gates` are present, in equation order (LSTM: i, f, g, o, c, h; no forget gate: no f; RNN: h). */
  gateNames: CapturedGate[];
  /** gates[name][t][unit]: the value after position t was read ([T][H]). h_0 = c_0 = 0 before position 0. */
  gates: Partial<Record<CapturedGate, number[][]>>;
}

export interface UnitScore {
  unit: number;
  /** meanOn − meanOff. */
  score: number;
  /** Mean activation over the selected positions. */
  meanOn: number;
  /** Mean activation over every other position. */
  meanOff: number;
}

export interface GateSaturation {
  /** A sigmoid gate of the cell's family (LSTM i, f, o). */
  gate: GateName;
  /** Fraction of its activations below 0.1 (closed). */
  low: number;
  /** Fraction of its activations above 0.9 (open). */
  high: number;
}

export interface SaturationReport {
  /** 'batch': measured on the training batch just trained; 'epoch': on the first validation batch after the epoch. */
  scope: 'batch' | 'epoch';
  epoch: number;
  /** 1-based batch within the epoch (scope 'batch'); the epoch's last batch for scope 'epoch'. */
  batch: number;
  /** Optimiser steps so far. */
  step: number;
  /** Activations counted per gate (non-padding positions × hidden units). */
  count: number;
  /** One entry per sigmoid gate the cell has (empty for the RNN, which has none). */
  gates: GateSaturation[];
}

export interface GradientFlow {
  cell: CellKind;
  /** Input characters x_0 … x_{T−1} (the text minus its last character). */
  chars: string[];
  /** Target of each position: the next character of the text. */
  targets: string[];
  /**
   * norms[t][s] = ‖∂loss_t/∂x_s‖₂, x_s the embedded input at s, loss_t the cross-entropy of
   * predicting targets[t] at position t. [T][T]; zero where s > t (a prediction never sees the future).
   */
  norms: number[][];
  /** Per-position cross-entropy loss_t (natural log). */
  losses: number[];
  /** byDistance[d] = mean over t of norms[t][t − d] (how strongly a prediction looks d characters back). */
  byDistance: number[];
  seconds: number;
}

export interface TrainedProbeResult {
  cell: CellKind;
  steps: number;
  batchSize: number;
  /** The notebook's h0 probe on the checkpoint's trained cell (its trained b_f kept). */
  trained: ProbeSeries;
  /** The same probe on a fresh cell of the same kind and options (the notebook's initialisation). */
  fresh: ProbeSeries;
}

export interface CharacterProbability {
  char: string;
  p: number;
}

export interface SampleStep {
  char: string;
  /** The model's probability of this character (softmax of the logits, temperature 1). */
  probability: number;
  /** Its probability in the distribution it was drawn from (temperature applied; padding and unknown excluded). */
  samplingProbability: number;
  /** The model's most likely next characters (temperature 1), most likely first. */
  top: CharacterProbability[];
}

export interface SampleWithProbabilities {
  prime: string;
  temperature: number;
  /** The priming text followed by the generated characters (the same text sample() returns). */
  text: string;
  /** One entry per generated character. */
  steps: SampleStep[];
}

// Plain data produced by the "look inside a trained cell" tools (src/engine/inspect/): gate
// activations over a text, units most active on a pattern, gate saturation, the per-step
// gradient-flow heatmap, the h0 probe of a trained cell and sampling with per-character
// probabilities. No TF.js here: the host and the webview import these. What crosses a
// boundary is a valibot schema, its type inferred from it.
import * as v from 'valibot';
import { GATE_NAMES, GATE_RANGE, type GateName } from './catalog';
import { finite, num, numberMatrix, numberRow, positiveInt } from './guards';
import { CellKindSchema, GateNameSchema, ProbeSeriesSchema } from './types';

/** What an activation capture records: the cell family's gates (LSTM i, f with a forget gate, g, o, c, h; RNN h). */
export type CapturedGate = GateName;
export const CAPTURED_GATES: readonly CapturedGate[] = GATE_NAMES;
export const isCapturedGate = (value: unknown): value is CapturedGate => typeof value === 'string' && (CAPTURED_GATES as readonly string[]).includes(value);

// Activations and gradient norms may be NaN/Infinity when a model diverged: carry them, draw a gap.
export const ActivationCaptureSchema = v.pipe(
  v.object({
    cell: CellKindSchema,
    forgetGate: v.boolean(),
    hiddenSize: positiveInt,
    /** The text's characters as given (one per position; the model sees them lower-cased). */
    chars: v.array(v.string()),
    /** Vocabulary id of each position (1 = unknown: a character the training text never had). */
    ids: v.array(finite),
    /** Which entries of `gates` are present, in equation order (LSTM: i, f, g, o, c, h; no forget gate: no f; RNN: h). */
    gateNames: v.array(GateNameSchema),
    /** gates[name][t][unit]: the value after position t was read ([T][H]). h_0 = c_0 = 0 before position 0. */
    gates: v.record(GateNameSchema, numberMatrix),
  }),
  // One id per character; every named gate present, [T][H]; no gate that is not named.
  v.check(({ chars, ids, gateNames, gates, hiddenSize }) => {
    const shaped = (rows: number[][] | undefined) => rows !== undefined && rows.length === chars.length && rows.every((row) => row.length === hiddenSize);
    return ids.length === chars.length && Object.keys(gates).every((name) => (gateNames as string[]).includes(name)) && gateNames.every((name) => shaped(gates[name]));
  }),
);
export type ActivationCapture = v.InferOutput<typeof ActivationCaptureSchema>;

export interface UnitScore {
  unit: number;
  /** meanOn − meanOff. */
  score: number;
  /** Mean activation over the selected positions. */
  meanOn: number;
  /** Mean activation over every other position. */
  meanOff: number;
}

export const GateSaturationSchema = v.object({
  /** A sigmoid gate of the cell's family (LSTM i, f, o). */
  gate: v.picklist(GATE_NAMES.filter((gate) => GATE_RANGE[gate] === 'sigmoid')),
  /** Fraction of its activations below 0.1 (closed). */
  low: finite,
  /** Fraction of its activations above 0.9 (open). */
  high: finite,
});
export type GateSaturation = v.InferOutput<typeof GateSaturationSchema>;

export const SaturationReportSchema = v.object({
  /** 'batch': measured on the training batch just trained; 'epoch': on the first validation batch after the epoch. */
  scope: v.picklist(['batch', 'epoch']),
  epoch: finite,
  /** 1-based batch within the epoch (scope 'batch'); the epoch's last batch for scope 'epoch'. */
  batch: finite,
  /** Optimiser steps so far. */
  step: finite,
  /** Activations counted per gate (non-padding positions × hidden units). */
  count: finite,
  /** One entry per sigmoid gate the cell has (empty for the RNN, which has none). */
  gates: v.array(GateSaturationSchema),
});
export type SaturationReport = v.InferOutput<typeof SaturationReportSchema>;

export const GradientFlowSchema = v.pipe(
  v.object({
    cell: CellKindSchema,
    /** Input characters x_0 … x_{T−1} (the text minus its last character). */
    chars: v.array(v.string()),
    /** Target of each position: the next character of the text. */
    targets: v.array(v.string()),
    /**
     * norms[t][s] = ‖∂loss_t/∂x_s‖₂, x_s the embedded input at s, loss_t the cross-entropy of
     * predicting targets[t] at position t. [T][T]; zero where s > t (a prediction never sees the future).
     */
    norms: numberMatrix,
    /** Per-position cross-entropy loss_t (natural log). */
    losses: numberRow,
    /** byDistance[d] = mean over t of norms[t][t − d] (how strongly a prediction looks d characters back). */
    byDistance: numberRow,
    seconds: num,
  }),
  v.check(({ chars, targets, norms, losses }) => {
    const T = chars.length;
    return targets.length === T && norms.length === T && norms.every((row) => row.length === T) && losses.length === T;
  }),
);
export type GradientFlow = v.InferOutput<typeof GradientFlowSchema>;

export const TrainedProbeResultSchema = v.object({
  cell: CellKindSchema,
  steps: finite,
  batchSize: finite,
  /** The notebook's h0 probe on the checkpoint's trained cell (its trained b_f kept). */
  trained: ProbeSeriesSchema,
  /** The same probe on a fresh cell of the same kind and options (the notebook's initialisation). */
  fresh: ProbeSeriesSchema,
});
export type TrainedProbeResult = v.InferOutput<typeof TrainedProbeResultSchema>;

export const CharacterProbabilitySchema = v.object({ char: v.string(), p: finite });
export type CharacterProbability = v.InferOutput<typeof CharacterProbabilitySchema>;

export const SampleStepSchema = v.object({
  char: v.string(),
  /** The model's probability of this character (softmax of the logits, temperature 1). */
  probability: finite,
  /** Its probability in the distribution it was drawn from (temperature applied; padding and unknown excluded). */
  samplingProbability: finite,
  /** The model's most likely next characters (temperature 1), most likely first. */
  top: v.array(CharacterProbabilitySchema),
});
export type SampleStep = v.InferOutput<typeof SampleStepSchema>;

export const SampleWithProbabilitiesSchema = v.object({
  prime: v.string(),
  temperature: finite,
  /** The priming text followed by the generated characters (the same text sample() returns). */
  text: v.string(),
  /** One entry per generated character. */
  steps: v.array(SampleStepSchema),
});
export type SampleWithProbabilities = v.InferOutput<typeof SampleWithProbabilitiesSchema>;

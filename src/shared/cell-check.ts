// The check of a user's own cell, as every party sees it: what to check (CheckInput: the
// source units and the detected target) and what came back (CellResult: verdict, first
// difference, probe). The Python child (src/python), the TF.js checker (src/tfjs-cell, run by
// the worker for the editor's lens and by the CLI), the host and the CLI all read these, each
// declared once as a valibot schema with its type inferred.
import * as v from 'valibot';

const GateSchema = v.picklist(['i', 'f', 'g', 'o', 'c', 'h', 'r', 'z', 'n']);
const KindSchema = v.picklist(['lstm', 'lstm-no-forget', 'gru', 'rnn', 'unknown']);

/** One source the child may load definitions from: a .py file, or one notebook code cell. */
export const UnitSchema = v.object({
  code: v.string(),
  /** Used in tracebacks: the file path, or `<cell N>` for a notebook cell. */
  filename: v.string(),
  cellIndex: v.nullable(v.number()),
});
export type Unit = v.InferOutput<typeof UnitSchema>;

/** The cell to run, as the detector saw it; `unit` indexes `units`, lines are within that unit. */
export const TargetSchema = v.object({
  unit: v.number(),
  name: v.string(),
  kind: KindSchema,
  layout: v.picklist(['per-gate', 'fused']),
  optionalForgetGate: v.boolean(),
  gates: v.record(v.string(), v.array(v.number())),
});
export type Target = v.InferOutput<typeof TargetSchema>;

/** What to check: the units, the target cell in one of them, the steps and the probe. The Python child gets it in a `check` request; the TF.js worker in a `checkCell` message. */
export const CheckInputSchema = v.object({
  units: v.array(UnitSchema),
  target: TargetSchema,
  /** Steps compared against the reference. */
  steps: v.number(),
  /** Steps of the gradient probe. */
  probeSteps: v.number(),
  probe: v.boolean(),
  /** Overrides the probe's default size (torch E=50, H=125, B=1; numpy E=8, H=16, B=1). */
  probeSize: v.optional(v.object({ E: v.optional(v.number()), H: v.optional(v.number()), B: v.optional(v.number()) })),
  /** Seeds torch, numpy and random before each build of the cell, so the user's own initialisation (and the probe) is the same on every run; default 0. */
  seed: v.optional(v.number()),
});
export type CheckInput = v.InferOutput<typeof CheckInputSchema>;

export const FirstDifferenceSchema = v.object({
  /** 0-based time step. */
  step: v.number(),
  gate: GateSchema,
  /** Line within the unit (file line, or line in the notebook cell); null when unknown. */
  line: v.nullable(v.number()),
  /** The user's variable holding the gate (f_t), or the gate letter. */
  variable: v.string(),
  /** The reference equation it departs from, e.g. σ(x W_if + h W_hf + b_f). */
  equation: v.string(),
  /** True when values agree but the gradient ∂Σ|h_t|/∂h0 does not (a detach). */
  gradient: v.optional(v.boolean()),
});
export type FirstDifference = v.InferOutput<typeof FirstDifferenceSchema>;

const NormsSchema = v.array(v.nullable(v.number()));

export const ProbeSeriesSchema = v.object({
  name: v.string(),
  forgetGate: v.boolean(),
  forgetBias: v.nullable(v.number()),
  norms: NormsSchema,
  /** The reference cell's norms from the same weights; null where the check matched (then it equals `norms`). */
  reference: v.nullable(NormsSchema),
  seconds: v.number(),
});
export type ProbeSeries = v.InferOutput<typeof ProbeSeriesSchema>;

export const ProbeSchema = v.union([
  v.object({
    steps: v.array(v.number()),
    /** The first series' norms: ‖∂Σ|h_t|/∂h0‖ for t = 1..steps (null: not finite). */
    norms: NormsSchema,
    series: v.array(ProbeSeriesSchema),
    size: v.object({ E: v.number(), H: v.number(), B: v.number() }),
    method: v.string(),
  }),
  v.object({ unavailable: v.string() }),
]);
export type Probe = v.InferOutput<typeof ProbeSchema>;

export const CellErrorSchema = v.object({
  message: v.string(),
  line: v.nullable(v.number()),
  traceback: v.optional(v.string()),
});

export const WarningSchema = v.object({ message: v.string(), line: v.nullable(v.number()) });

export const CellResultSchema = v.object({
  name: v.string(),
  kind: KindSchema,
  ran: v.boolean(),
  error: v.nullable(CellErrorSchema),
  verdict: v.picklist(['matches', 'differs', 'unknown']),
  reference: v.nullable(v.string()),
  maxRelDiff: v.nullable(v.number()),
  firstDifference: v.nullable(FirstDifferenceSchema),
  probe: v.nullable(ProbeSchema),
  /** One sentence: "NaiveLSTM matches the reference LSTM (…)", "f_t on line 35 differs from …", "unknown: …". */
  message: v.string(),
  reason: v.nullable(v.string()),
  warnings: v.array(WarningSchema),
  library: v.nullable(v.picklist(['torch', 'numpy', 'tfjs'])),
  timings: v.record(v.string(), v.number()),
});
export type CellResult = v.InferOutput<typeof CellResultSchema>;

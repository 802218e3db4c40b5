// Messages between the host (extension or CLI) and the Python child (harness/lstmlab_harness.py):
// one JSON object per line, each declared once here as a valibot schema (the type is inferred
// from it, the guard is `parseChildMessage`). The Python side writes exactly these shapes.
import * as v from 'valibot';

const GateSchema = v.picklist(['i', 'f', 'g', 'o', 'c', 'h', 'r', 'z', 'n']);
const KindSchema = v.picklist(['lstm', 'lstm-no-forget', 'gru', 'rnn', 'unknown']);

// ---- host → child ---------------------------------------------------------------------------

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

export const CheckRequestSchema = v.object({
  type: v.literal('check'),
  id: v.number(),
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
export type CheckRequest = v.InferOutput<typeof CheckRequestSchema>;

/** A check request's content without the child's envelope: also what the host posts to the TF.js worker for a TS/JS cell. */
export const CheckInputSchema = v.omit(CheckRequestSchema, ['type', 'id']);

// ---- child → host ---------------------------------------------------------------------------

export const ReadySchema = v.object({
  type: v.literal('ready'),
  python: v.string(),
  torch: v.nullable(v.string()),
  numpy: v.nullable(v.string()),
  pid: v.number(),
});
export type Ready = v.InferOutput<typeof ReadySchema>;

/** The user's print() / stderr output while their code ran. */
export const PrintSchema = v.object({
  type: v.literal('print'),
  id: v.nullable(v.number()),
  stream: v.picklist(['stdout', 'stderr']),
  text: v.string(),
});
export type Print = v.InferOutput<typeof PrintSchema>;

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

export const ResultSchema = v.object({ type: v.literal('result'), id: v.number(), result: CellResultSchema });
export const FailedSchema = v.object({ type: v.literal('failed'), id: v.nullable(v.number()), message: v.string(), traceback: v.optional(v.string()) });

export const ChildMessageSchema = v.variant('type', [ReadySchema, PrintSchema, ResultSchema, FailedSchema]);
export type ChildMessage = v.InferOutput<typeof ChildMessageSchema>;

/** Parses one line from the child; an error message (naming the first issue) when it is not a declared message. */
export function parseChildMessage(line: string): ChildMessage | { invalid: string } {
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch {
    return { invalid: `not JSON: ${line.slice(0, 200)}` };
  }
  const parsed = v.safeParse(ChildMessageSchema, data);
  if (parsed.success) return parsed.output;
  const issue = parsed.issues[0];
  const where = issue.path?.map((p) => String(p.key)).join('.') ?? '';
  return { invalid: `${where ? `${where}: ` : ''}${issue.message}` };
}

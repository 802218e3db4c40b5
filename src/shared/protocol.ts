// Every message between the three parties, declared once as a valibot schema, with its direction:
//   host → worker  (HostToWorker)     worker → host  (WorkerToHost)
//   host → webview (HostToWebview)    webview → host (WebviewToHost)
// Each union's type is inferred from its schema and its guard (isHostToWorker, …) is the
// schema's check, so a message, its type and its guard cannot drift apart. Every party calls
// the guard for what it receives and ignores (and logs) anything that fails, so a malformed
// message can never crash it. Receivers' switches end in `default: message satisfies never`,
// so a variant added here without its handler fails to compile.
import * as v from 'valibot';
import { guard, num, finite } from './guards';
import { CellResultSchema, CheckInputSchema } from './cell-check';
import { ExportCsvFileSchema, InspectJobSchema, InspectRequestSchema, InspectResultSchema } from './inspect-protocol';
import { SaturationReportSchema } from './inspect-types';
import {
  BackendNameSchema,
  BackendPreferenceSchema,
  BatchProgressSchema,
  CellKindSchema,
  CorpusStatsSchema,
  EpochSummarySchema,
  EquationLineSchema,
  GateNameSchema,
  ProbeConfigSchema,
  ProbeResultSchema,
  ProbeSeriesSchema,
  RunStatusSchema,
  SampleConfigSchema,
  TrainConfigSchema,
  TrainResultSchema,
} from './types';

// The cell kinds and gate names are the catalog's.
export { CELL_KINDS, GATE_NAMES, isCellKind } from './catalog';
export type { ExportCsvFile, InspectJob, InspectRequest, InspectResult } from './inspect-protocol';

// ───────────────────────── host → worker ─────────────────────────
export const HostToWorkerSchema = v.variant('type', [
  v.object({ type: v.literal('init'), backend: BackendPreferenceSchema, wasmDir: v.string(), corpusDir: v.string() }),
  v.object({ type: v.literal('train'), id: v.string(), config: TrainConfigSchema, checkpointDir: v.string(), resumeFrom: v.optional(v.string()) }),
  v.object({ type: v.literal('probe'), id: v.string(), config: ProbeConfigSchema }),
  v.object({ type: v.literal('sample'), id: v.string(), config: SampleConfigSchema }),
  v.object({ type: v.literal('inspect'), id: v.string(), job: InspectJobSchema }),
  /** Run the user's own TF.js cell (a .ts/.js file) as written and check it against the reference (src/tfjs-cell). */
  v.object({ type: v.literal('checkCell'), id: v.string(), input: CheckInputSchema }),
  v.object({ type: v.literal('cancel'), id: v.string() }),
  v.object({ type: v.literal('shutdown') }),
]);
export type HostToWorker = v.InferOutput<typeof HostToWorkerSchema>;

// ───────────────────────── worker → host ─────────────────────────
export const WorkerToHostSchema = v.variant('type', [
  v.object({ type: v.literal('ready'), backend: BackendNameSchema, pid: finite }),
  v.object({ type: v.literal('log'), message: v.string() }),
  v.object({
    type: v.literal('corpus'),
    id: v.string(),
    stats: CorpusStatsSchema,
    /** e.g. a file read only up to the size cap: shown to the user. */
    warnings: v.optional(v.array(v.string())),
  }),
  v.object({ type: v.literal('progress'), id: v.string(), progress: BatchProgressSchema }),
  v.object({ type: v.literal('epoch'), id: v.string(), summary: EpochSummarySchema }),
  v.object({ type: v.literal('checkpoint'), id: v.string(), path: v.string() }),
  v.object({ type: v.literal('probeSeries'), id: v.string(), series: ProbeSeriesSchema }),
  v.object({ type: v.literal('trainDone'), id: v.string(), result: TrainResultSchema }),
  v.object({ type: v.literal('probeDone'), id: v.string(), result: ProbeResultSchema }),
  v.object({ type: v.literal('sampleDone'), id: v.string(), text: v.string() }),
  v.object({ type: v.literal('saturation'), id: v.string(), report: SaturationReportSchema }),
  v.object({ type: v.literal('inspectDone'), id: v.string(), result: InspectResultSchema }),
  /** What the user's TF.js cell wrote with console.log while it ran (for the output channel). */
  v.object({ type: v.literal('cellOutput'), id: v.string(), text: v.string() }),
  v.object({ type: v.literal('checkCellDone'), id: v.string(), result: CellResultSchema }),
  v.object({ type: v.literal('error'), id: v.optional(v.string()), message: v.string() }),
]);
export type WorkerToHost = v.InferOutput<typeof WorkerToHostSchema>;

/** Which worker message answers each job the host sends (an `error` with the job's id answers any of them); the rest of WorkerToHost with an id are the job's events. */
export const JOB_ANSWERS = { train: 'trainDone', probe: 'probeDone', sample: 'sampleDone', inspect: 'inspectDone', checkCell: 'checkCellDone' } as const;
export type JobMessage = Extract<HostToWorker, { type: keyof typeof JOB_ANSWERS }>;
export type JobAnswer<T extends JobMessage['type'] = JobMessage['type']> = Extract<WorkerToHost, { type: (typeof JOB_ANSWERS)[T] }>;

// ───────────────────────── the run record (store, panel) ─────────────────────────
export const RUN_KINDS = ['train', 'probe'] as const;
export type RunKind = (typeof RUN_KINDS)[number];

export const RunRecordSchema = v.object({
  id: v.string(),
  kind: v.picklist(RUN_KINDS),
  title: v.string(),
  status: RunStatusSchema,
  reason: v.optional(v.string()),
  /** ms since epoch. */
  createdAt: num,
  /** When the worker started it / when it ended (done, cancelled, failed). */
  startedAt: v.optional(num),
  finishedAt: v.optional(num),
  backend: v.optional(BackendNameSchema),
  /** Train runs. */
  config: v.optional(TrainConfigSchema),
  corpus: v.optional(CorpusStatsSchema),
  /** Training loss per batch (thinned when long). */
  batches: v.array(BatchProgressSchema),
  epochs: v.array(EpochSummarySchema),
  checkpoint: v.optional(v.string()),
  /** Probe runs. */
  probeConfig: v.optional(ProbeConfigSchema),
  probeSeries: v.array(ProbeSeriesSchema),
  /** Train runs of gated cells: gate saturation every N batches and per epoch. */
  saturation: v.optional(v.array(SaturationReportSchema)),
  /** Runs a CodeLens started on the user's cell: LSTM Lab's built-in cell ran in place of their code (a stand-in probe) or with its structure (training). */
  codeCell: v.optional(v.object({ name: v.string(), role: v.picklist(['stand-in', 'trained-as']) })),
});
export type RunRecord = v.InferOutput<typeof RunRecordSchema>;
export const isRunRecord = guard(RunRecordSchema);

// ───────────────────────── host → webview ─────────────────────────
export const CODE_VERDICTS = ['matches', 'differs', 'unknown'] as const;
/** The check of the user's own cell (its probe lens): shown beside the equations, the departing gate's line marked. */
export const CodeVerdictSchema = v.object({
  /** The cell and where it is, e.g. "NaiveLSTM (lstm_cell.py:8)". */
  cell: v.string(),
  verdict: v.picklist(CODE_VERDICTS),
  /** One sentence, e.g. "f_t on line 35 differs from σ(x W_if + h W_hf + b_f) from step 0". */
  message: v.string(),
  /** The equation line to mark: the first gate that departs ("differs" only). */
  gate: v.nullable(GateNameSchema),
});
export type CodeVerdict = v.InferOutput<typeof CodeVerdictSchema>;

/**
 * The view choices the side view and the charts editor tab share: the host keeps one copy,
 * passes each change to the other webviews and saves it in the workspace, so a reload restores it.
 */
export const ViewStateSchema = v.object({
  /** The loss chart's x axis: training step or seconds since the run started. */
  xAxis: v.picklist(['step', 'time']),
  /** The gradient chart's y axis. */
  logScale: v.boolean(),
  /** Train runs unticked in the runs table (not drawn on the loss chart). */
  hiddenRunIds: v.array(v.string()),
  /** The probe run drawn on the gradient chart; absent: the latest. */
  selectedProbeRunId: v.optional(v.string()),
});
export type ViewState = v.InferOutput<typeof ViewStateSchema>;
export const isViewState = guard(ViewStateSchema);

/** The panel's sections, top to bottom. */
export const PANEL_SECTIONS = ['loss', 'saturation', 'gradient', 'runs', 'inspect', 'equations'] as const;
export type PanelSection = (typeof PANEL_SECTIONS)[number];

export const HostToWebviewSchema = v.variant('type', [
  v.object({ type: v.literal('runs'), runs: v.array(RunRecordSchema) }),
  v.object({ type: v.literal('runUpdated'), run: RunRecordSchema }),
  v.object({ type: v.literal('progress'), runId: v.string(), progress: BatchProgressSchema }),
  v.object({ type: v.literal('probeSeries'), runId: v.string(), series: ProbeSeriesSchema }),
  v.object({ type: v.literal('equations'), cell: v.union([CellKindSchema, v.literal('lstm-no-forget')]), title: v.string(), lines: v.array(EquationLineSchema) }),
  v.object({ type: v.literal('highlight'), gate: v.nullable(GateNameSchema) }),
  /** Asks for a PNG of each chart and a CSV of each inspection's data; answered by chartImages with the same requestId. */
  v.object({ type: v.literal('exportCharts'), requestId: v.optional(v.string()), runId: v.optional(v.string()) }),
  v.object({ type: v.literal('saturation'), runId: v.string(), report: SaturationReportSchema }),
  /** Text to inspect (the editor's selection), with the run it will be read by. */
  v.object({ type: v.literal('inspectText'), text: v.string(), runId: v.optional(v.string()) }),
  v.object({ type: v.literal('inspectResult'), requestId: v.string(), runId: v.string(), result: InspectResultSchema }),
  v.object({ type: v.literal('inspectError'), requestId: v.string(), message: v.string() }),
  v.object({ type: v.literal('reveal'), section: v.picklist(PANEL_SECTIONS) }),
  /** The verdict on the user's own cell; null clears it (another cell's equations are shown). */
  v.object({ type: v.literal('codeVerdict'), verdict: v.nullable(CodeVerdictSchema) }),
  /** The view choices made in another webview showing the panel (or saved before a reload). */
  v.object({ type: v.literal('viewState'), view: ViewStateSchema }),
]);
export type HostToWebview = v.InferOutput<typeof HostToWebviewSchema>;

// ───────────────────────── webview → host ─────────────────────────
export const WEBVIEW_COMMANDS = ['train', 'compare', 'probe', 'stop', 'clear', 'export'] as const;

export const WebviewToHostSchema = v.variant('type', [
  v.object({ type: v.literal('ready') }),
  v.object({ type: v.literal('revealGate'), gate: GateNameSchema }),
  v.object({
    type: v.literal('chartImages'),
    /** The exportCharts request this answers. */
    requestId: v.optional(v.string()),
    // The host writes these to disk: PNG data URLs only.
    images: v.array(v.object({ name: v.string(), pngDataUrl: v.pipe(v.string(), v.startsWith('data:image/png;base64,')) })),
    csv: v.optional(v.array(ExportCsvFileSchema)),
  }),
  v.object({ type: v.literal('inspect'), requestId: v.string(), runId: v.string(), request: InspectRequestSchema }),
  v.object({ type: v.literal('command'), command: v.picklist(WEBVIEW_COMMANDS) }),
  /** The user changed a view choice in this webview. */
  v.object({ type: v.literal('viewState'), view: ViewStateSchema }),
]);
export type WebviewToHost = v.InferOutput<typeof WebviewToHostSchema>;

// ───────────────────────── guards and dispatch ─────────────────────────
export const isHostToWorker = guard(HostToWorkerSchema);
export const isWorkerToHost = guard(WorkerToHostSchema);
export const isHostToWebview = guard(HostToWebviewSchema);
export const isWebviewToHost = guard(WebviewToHostSchema);
export const isEquationLine = guard(EquationLineSchema);
export const isGateName = guard(GateNameSchema);

/** The four message unions' schemas, by name (the protocol test sweeps every variant of each). */
export const MESSAGE_SCHEMAS = { HostToWorker: HostToWorkerSchema, WorkerToHost: WorkerToHostSchema, HostToWebview: HostToWebviewSchema, WebviewToHost: WebviewToHostSchema } as const;

/** The `type` tags a message union's schema declares, in declaration order. */
export function messageTypes(schema: (typeof MESSAGE_SCHEMAS)[keyof typeof MESSAGE_SCHEMAS]): string[] {
  return schema.options.map((option) => option.entries.type.literal);
}

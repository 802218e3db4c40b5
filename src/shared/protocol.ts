// Every message between the three parties, declared once, with its direction:
//   host → worker  (HostToWorker)     worker → host  (WorkerToHost)
//   host → webview (HostToWebview)    webview → host (WebviewToHost)
// Both ends validate what they receive with the guards at the bottom of this file.
// This module imports no runtime code (no vscode, no TF.js): all three parties load it.
import type {
  BackendName,
  BackendPreference,
  BatchProgress,
  CellKind,
  CorpusStats,
  EpochSummary,
  EquationLine,
  GateName,
  ProbeConfig,
  ProbeResult,
  ProbeSeries,
  ProbeSeriesSpec,
  RunStatus,
  SampleConfig,
  TrainConfig,
  TrainResult,
} from './types';
import type { SaturationReport } from './inspect-types';
import { isArrayOf, isBool, isFiniteNum, isNum, isObj, isStr } from './guards';
import { GATE_NAMES, isCellKind } from './catalog';
import { CellResultSchema, CheckInputSchema, type CellResult, type CheckInput } from './cell-check';
import * as valibot from 'valibot';

// The cell kinds and gate names are the catalog's.
export { CELL_KINDS, GATE_NAMES, isCellKind } from './catalog';
import {
  isExportCsvFiles,
  isInspectJob,
  isInspectRequest,
  isInspectResult,
  isSaturationReport,
  type ExportCsvFile,
  type InspectJob,
  type InspectRequest,
  type InspectResult,
} from './inspect-protocol';
export type { ExportCsvFile, InspectJob, InspectRequest, InspectResult } from './inspect-protocol';

// ───────────────────────── host → worker ─────────────────────────
export type HostToWorker =
  | { type: 'init'; backend: BackendPreference; wasmDir: string; corpusDir: string }
  | { type: 'train'; id: string; config: TrainConfig; checkpointDir: string; resumeFrom?: string }
  | { type: 'probe'; id: string; config: ProbeConfig }
  | { type: 'sample'; id: string; config: SampleConfig }
  | { type: 'inspect'; id: string; job: InspectJob }
  /** Run the user's own TF.js cell (a .ts/.js file) as written and check it against the reference (src/tfjs-cell). */
  | { type: 'checkCell'; id: string; input: CheckInput }
  | { type: 'cancel'; id: string }
  | { type: 'shutdown' };

// ───────────────────────── worker → host ─────────────────────────
export type WorkerToHost =
  | { type: 'ready'; backend: BackendName; pid: number }
  | { type: 'log'; message: string }
  | { type: 'corpus'; id: string; stats: CorpusStats; /** e.g. a file read only up to the size cap: shown to the user. */ warnings?: string[] }
  | { type: 'progress'; id: string; progress: BatchProgress }
  | { type: 'epoch'; id: string; summary: EpochSummary }
  | { type: 'checkpoint'; id: string; path: string }
  | { type: 'probeSeries'; id: string; series: ProbeSeries }
  | { type: 'trainDone'; id: string; result: TrainResult }
  | { type: 'probeDone'; id: string; result: ProbeResult }
  | { type: 'sampleDone'; id: string; text: string }
  | { type: 'saturation'; id: string; report: SaturationReport }
  | { type: 'inspectDone'; id: string; result: InspectResult }
  /** What the user's TF.js cell wrote with console.log while it ran (for the output channel). */
  | { type: 'cellOutput'; id: string; text: string }
  | { type: 'checkCellDone'; id: string; result: CellResult }
  | { type: 'error'; id?: string; message: string };

// ───────────────────────── the run record (store, panel) ─────────────────────────
export type RunKind = 'train' | 'probe';

export interface RunRecord {
  id: string;
  kind: RunKind;
  title: string;
  status: RunStatus;
  reason?: string;
  createdAt: number; // ms since epoch
  /** When the worker started it / when it ended (done, cancelled, failed). */
  startedAt?: number;
  finishedAt?: number;
  backend?: BackendName;
  /** Train runs. */
  config?: TrainConfig;
  corpus?: CorpusStats;
  /** Training loss per batch (thinned when long). */
  batches: BatchProgress[];
  epochs: EpochSummary[];
  checkpoint?: string;
  /** Probe runs. */
  probeConfig?: ProbeConfig;
  probeSeries: ProbeSeries[];
  /** Train runs of gated cells: gate saturation every N batches and per epoch. */
  saturation?: SaturationReport[];
}

// ───────────────────────── host → webview ─────────────────────────
/** The check of the user's own cell (its probe lens): shown beside the equations, the departing gate's line marked. */
export interface CodeVerdict {
  /** The cell and where it is, e.g. "NaiveLSTM (lstm_cell.py:8)". */
  cell: string;
  verdict: 'matches' | 'differs' | 'unknown';
  /** One sentence, e.g. "f_t on line 35 differs from σ(x W_if + h W_hf + b_f) from step 0". */
  message: string;
  /** The equation line to mark: the first gate that departs ("differs" only). */
  gate: GateName | null;
}

export type HostToWebview =
  | { type: 'runs'; runs: RunRecord[] }
  | { type: 'runUpdated'; run: RunRecord }
  | { type: 'progress'; runId: string; progress: BatchProgress }
  | { type: 'probeSeries'; runId: string; series: ProbeSeries }
  | { type: 'equations'; cell: CellKind | 'lstm-no-forget'; title: string; lines: EquationLine[] }
  | { type: 'highlight'; gate: GateName | null }
  | { type: 'exportCharts'; runId?: string }
  | { type: 'saturation'; runId: string; report: SaturationReport }
  /** Text to inspect (the editor's selection), with the run it will be read by. */
  | { type: 'inspectText'; text: string; runId?: string }
  | { type: 'inspectResult'; requestId: string; runId: string; result: InspectResult }
  | { type: 'inspectError'; requestId: string; message: string }
  | { type: 'reveal'; section: PanelSection }
  /** The verdict on the user's own cell; null clears it (another cell's equations are shown). */
  | { type: 'codeVerdict'; verdict: CodeVerdict | null }
  /** The view choices made in another webview showing the panel (or saved before a reload). */
  | { type: 'viewState'; view: ViewState };

/**
 * The view choices the side view and the charts editor tab share: the host keeps one copy,
 * passes each change to the other webviews and saves it in the workspace, so a reload restores it.
 */
export interface ViewState {
  /** The loss chart's x axis: training step or seconds since the run started. */
  xAxis: 'step' | 'time';
  /** The gradient chart's y axis. */
  logScale: boolean;
  /** Train runs unticked in the runs table (not drawn on the loss chart). */
  hiddenRunIds: string[];
  /** The probe run drawn on the gradient chart; absent: the latest. */
  selectedProbeRunId?: string;
}

/** The panel's sections, top to bottom. */
export const PANEL_SECTIONS = ['loss', 'saturation', 'gradient', 'runs', 'inspect', 'equations'] as const;
export type PanelSection = (typeof PANEL_SECTIONS)[number];

// ───────────────────────── webview → host ─────────────────────────
export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'revealGate'; gate: GateName }
  | { type: 'chartImages'; images: { name: string; pngDataUrl: string }[]; csv?: ExportCsvFile[] }
  | { type: 'inspect'; requestId: string; runId: string; request: InspectRequest }
  | { type: 'command'; command: 'train' | 'compare' | 'probe' | 'stop' | 'clear' | 'export' }
  /** The user changed a view choice in this webview. */
  | { type: 'viewState'; view: ViewState };

// ───────────────────────── guards ─────────────────────────
// Hand-written structural checks: every party calls the guard for what it receives and
// ignores (and logs) anything that fails, so a malformed message can never crash it.
const optional = <T>(v: unknown, check: (x: unknown) => x is T): boolean => v === undefined || check(v);
const oneOf =
  <T extends string>(values: readonly T[]) =>
  (v: unknown): v is T =>
    isStr(v) && (values as readonly string[]).includes(v);

export const BACKEND_PREFERENCES: readonly BackendPreference[] = ['auto', 'native', 'wasm', 'cpu'];
export const BACKEND_NAMES: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];
export const RUN_STATUSES: readonly RunStatus[] = ['queued', 'running', 'done', 'cancelled', 'failed', 'interrupted'];
export const SERIES_ORIGINS = ['your-code', 'reference'] as const;
export const WEBVIEW_COMMANDS = ['train', 'compare', 'probe', 'stop', 'clear', 'export'] as const;

export const isGateName = oneOf(GATE_NAMES);
export const isBackendPreference = oneOf(BACKEND_PREFERENCES);
export const isBackendName = oneOf(BACKEND_NAMES);
export const isRunStatus = oneOf(RUN_STATUSES);

export function isCorpusSpec(v: unknown): v is TrainConfig['corpus'] {
  if (!isObj(v)) return false;
  switch (v.kind) {
    case 'brown':
      return true;
    case 'file':
      return isStr(v.path);
    case 'text':
      return isStr(v.text) && isStr(v.name);
    default:
      return false;
  }
}

// Numbers in configs only need to be numbers here: their ranges are the engine's
// validateTrainConfig's job, which answers with messages naming the setting.
export function isTrainConfig(v: unknown): v is TrainConfig {
  return (
    isObj(v) &&
    isCellKind(v.cell) &&
    isBool(v.forgetGate) &&
    isNum(v.forgetBias) &&
    isNum(v.hiddenSize) &&
    isNum(v.embeddingSize) &&
    isNum(v.batchSize) &&
    isNum(v.seqLen) &&
    isNum(v.epochs) &&
    optional(v.maxBatches, isNum) &&
    isNum(v.learningRate) &&
    isNum(v.seed) &&
    isNum(v.valFraction) &&
    isCorpusSpec(v.corpus)
  );
}

function isProbeSeriesSpec(v: unknown): v is ProbeSeriesSpec {
  return isObj(v) && isStr(v.name) && isCellKind(v.cell) && isBool(v.forgetGate) && isNum(v.forgetBias);
}

export function isProbeConfig(v: unknown): v is ProbeConfig {
  return (
    isObj(v) &&
    isNum(v.steps) &&
    isNum(v.batchSize) &&
    isNum(v.embeddingSize) &&
    isNum(v.hiddenSize) &&
    isNum(v.seed) &&
    isCorpusSpec(v.corpus) &&
    isArrayOf(v.series, isProbeSeriesSpec) &&
    optional(v.checkpoint, isStr)
  );
}

export function isSampleConfig(v: unknown): v is SampleConfig {
  return isObj(v) && isStr(v.checkpoint) && isNum(v.length) && isNum(v.temperature) && isStr(v.prime) && optional(v.seed, isNum);
}

export function isCorpusStats(v: unknown): v is CorpusStats {
  return isObj(v) && isStr(v.name) && isNum(v.chars) && isNum(v.trainInstances) && isNum(v.valInstances) && isNum(v.vocabSize);
}

// Losses may legitimately be NaN/Infinity when training diverges: the record must carry them.
export function isBatchProgress(v: unknown): v is BatchProgress {
  return (
    isObj(v) && isFiniteNum(v.epoch) && isFiniteNum(v.batch) && isFiniteNum(v.batchesPerEpoch) && isFiniteNum(v.step) && typeof v.loss === 'number' && isNum(v.charsPerSecond) && isNum(v.elapsedMs)
  );
}

export function isEpochSummary(v: unknown): v is EpochSummary {
  return (
    isObj(v) &&
    isFiniteNum(v.epoch) &&
    typeof v.trainLoss === 'number' &&
    typeof v.valLoss === 'number' &&
    typeof v.bitsPerChar === 'number' &&
    isNum(v.seconds) &&
    isNum(v.charsPerSecond) &&
    isNum(v.peakRssMB)
  );
}

export function isProbeSeries(v: unknown): v is ProbeSeries {
  // Norms may be NaN/Infinity when a gradient explodes: the chart shows the gap.
  return isObj(v) && isProbeSeriesSpec(v) && isArrayOf(v.norms, (x): x is number => typeof x === 'number') && isNum(v.seconds) && optional(v.origin, oneOf(SERIES_ORIGINS));
}

export function isTrainResult(v: unknown): v is TrainResult {
  return (
    isObj(v) &&
    isBackendName(v.backend) &&
    isCellKind(v.cell) &&
    isTrainConfig(v.config) &&
    isCorpusStats(v.corpus) &&
    isArrayOf(v.epochs, isEpochSummary) &&
    optional(v.checkpoint, isStr) &&
    isRunStatus(v.status) &&
    optional(v.reason, isStr)
  );
}

export function isProbeResult(v: unknown): v is ProbeResult {
  return isObj(v) && isBackendName(v.backend) && isNum(v.steps) && isArrayOf(v.series, isProbeSeries);
}

export function isEquationLine(v: unknown): v is EquationLine {
  return isObj(v) && isGateName(v.gate) && isStr(v.label) && isStr(v.latex);
}

export function isRunRecord(v: unknown): v is RunRecord {
  return (
    isObj(v) &&
    isStr(v.id) &&
    (v.kind === 'train' || v.kind === 'probe') &&
    isStr(v.title) &&
    isRunStatus(v.status) &&
    optional(v.reason, isStr) &&
    isNum(v.createdAt) &&
    optional(v.startedAt, isNum) &&
    optional(v.finishedAt, isNum) &&
    optional(v.backend, isBackendName) &&
    optional(v.config, isTrainConfig) &&
    optional(v.corpus, isCorpusStats) &&
    isArrayOf(v.batches, isBatchProgress) &&
    isArrayOf(v.epochs, isEpochSummary) &&
    optional(v.checkpoint, isStr) &&
    optional(v.probeConfig, isProbeConfig) &&
    isArrayOf(v.probeSeries, isProbeSeries) &&
    optional(v.saturation, (x): x is SaturationReport[] => isArrayOf(x, isSaturationReport))
  );
}

export function isHostToWorker(v: unknown): v is HostToWorker {
  if (!isObj(v)) return false;
  switch (v.type) {
    case 'init':
      return isBackendPreference(v.backend) && isStr(v.wasmDir) && isStr(v.corpusDir);
    case 'train':
      return isStr(v.id) && isTrainConfig(v.config) && isStr(v.checkpointDir) && optional(v.resumeFrom, isStr);
    case 'probe':
      return isStr(v.id) && isProbeConfig(v.config);
    case 'sample':
      return isStr(v.id) && isSampleConfig(v.config);
    case 'inspect':
      return isStr(v.id) && isInspectJob(v.job);
    case 'checkCell':
      return isStr(v.id) && valibot.is(CheckInputSchema, v.input);
    case 'cancel':
      return isStr(v.id);
    case 'shutdown':
      return true;
    default:
      return false;
  }
}

export function isWorkerToHost(v: unknown): v is WorkerToHost {
  if (!isObj(v)) return false;
  switch (v.type) {
    case 'ready':
      return isBackendName(v.backend) && isFiniteNum(v.pid);
    case 'log':
      return isStr(v.message);
    case 'corpus':
      return isStr(v.id) && isCorpusStats(v.stats) && (v.warnings === undefined || isArrayOf(v.warnings, isStr));
    case 'progress':
      return isStr(v.id) && isBatchProgress(v.progress);
    case 'epoch':
      return isStr(v.id) && isEpochSummary(v.summary);
    case 'checkpoint':
      return isStr(v.id) && isStr(v.path);
    case 'probeSeries':
      return isStr(v.id) && isProbeSeries(v.series);
    case 'trainDone':
      return isStr(v.id) && isTrainResult(v.result);
    case 'probeDone':
      return isStr(v.id) && isProbeResult(v.result);
    case 'sampleDone':
      return isStr(v.id) && isStr(v.text);
    case 'saturation':
      return isStr(v.id) && isSaturationReport(v.report);
    case 'inspectDone':
      return isStr(v.id) && isInspectResult(v.result);
    case 'cellOutput':
      return isStr(v.id) && isStr(v.text);
    case 'checkCellDone':
      return isStr(v.id) && valibot.is(CellResultSchema, v.result);
    case 'error':
      return optional(v.id, isStr) && isStr(v.message);
    default:
      return false;
  }
}

export function isHostToWebview(v: unknown): v is HostToWebview {
  if (!isObj(v)) return false;
  switch (v.type) {
    case 'runs':
      return isArrayOf(v.runs, isRunRecord);
    case 'runUpdated':
      return isRunRecord(v.run);
    case 'progress':
      return isStr(v.runId) && isBatchProgress(v.progress);
    case 'probeSeries':
      return isStr(v.runId) && isProbeSeries(v.series);
    case 'equations':
      return (isCellKind(v.cell) || v.cell === 'lstm-no-forget') && isStr(v.title) && isArrayOf(v.lines, isEquationLine);
    case 'highlight':
      return v.gate === null || isGateName(v.gate);
    case 'exportCharts':
      return optional(v.runId, isStr);
    case 'saturation':
      return isStr(v.runId) && isSaturationReport(v.report);
    case 'inspectText':
      return isStr(v.text) && optional(v.runId, isStr);
    case 'inspectResult':
      return isStr(v.requestId) && isStr(v.runId) && isInspectResult(v.result);
    case 'inspectError':
      return isStr(v.requestId) && isStr(v.message);
    case 'codeVerdict':
      return v.verdict === null || isCodeVerdict(v.verdict);
    case 'reveal':
      return isStr(v.section) && (PANEL_SECTIONS as readonly string[]).includes(v.section);
    case 'viewState':
      return isViewState(v.view);
    default:
      return false;
  }
}

export const CODE_VERDICTS = ['matches', 'differs', 'unknown'] as const;

export function isViewState(v: unknown): v is ViewState {
  return isObj(v) && (v.xAxis === 'step' || v.xAxis === 'time') && isBool(v.logScale) && isArrayOf(v.hiddenRunIds, isStr) && optional(v.selectedProbeRunId, isStr);
}

export function isCodeVerdict(v: unknown): v is CodeVerdict {
  return isObj(v) && isStr(v.cell) && oneOf(CODE_VERDICTS)(v.verdict) && isStr(v.message) && (v.gate === null || isGateName(v.gate));
}

export function isWebviewToHost(v: unknown): v is WebviewToHost {
  if (!isObj(v)) return false;
  switch (v.type) {
    case 'ready':
      return true;
    case 'revealGate':
      return isGateName(v.gate);
    case 'chartImages':
      return (
        isArrayOf(v.images, (x): x is { name: string; pngDataUrl: string } => isObj(x) && isStr(x.name) && isStr(x.pngDataUrl) && x.pngDataUrl.startsWith('data:image/png;base64,')) &&
        optional(v.csv, isExportCsvFiles)
      );
    case 'inspect':
      return isStr(v.requestId) && isStr(v.runId) && isInspectRequest(v.request);
    case 'command':
      return oneOf(WEBVIEW_COMMANDS)(v.command);
    case 'viewState':
      return isViewState(v.view);
    default:
      return false;
  }
}

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
  RunStatus,
  SampleConfig,
  TrainConfig,
  TrainResult,
} from './engine/types';

// ───────────────────────── host → worker ─────────────────────────
export type HostToWorker =
  | { type: 'init'; backend: BackendPreference; wasmDir: string; corpusDir: string }
  | { type: 'train'; id: string; config: TrainConfig; checkpointDir: string; resumeFrom?: string }
  | { type: 'probe'; id: string; config: ProbeConfig }
  | { type: 'sample'; id: string; config: SampleConfig }
  | { type: 'cancel'; id: string }
  | { type: 'shutdown' };

// ───────────────────────── worker → host ─────────────────────────
export type WorkerToHost =
  | { type: 'ready'; backend: BackendName; pid: number }
  | { type: 'log'; message: string }
  | { type: 'corpus'; id: string; stats: CorpusStats }
  | { type: 'progress'; id: string; progress: BatchProgress }
  | { type: 'epoch'; id: string; summary: EpochSummary }
  | { type: 'checkpoint'; id: string; path: string }
  | { type: 'probeSeries'; id: string; series: ProbeSeries }
  | { type: 'trainDone'; id: string; result: TrainResult }
  | { type: 'probeDone'; id: string; result: ProbeResult }
  | { type: 'sampleDone'; id: string; text: string }
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
}

// ───────────────────────── host → webview ─────────────────────────
export type HostToWebview =
  | { type: 'runs'; runs: RunRecord[] }
  | { type: 'runUpdated'; run: RunRecord }
  | { type: 'progress'; runId: string; progress: BatchProgress }
  | { type: 'probeSeries'; runId: string; series: ProbeSeries }
  | { type: 'equations'; cell: CellKind | 'lstm-no-forget'; title: string; lines: EquationLine[] }
  | { type: 'highlight'; gate: GateName | null }
  | { type: 'exportCharts'; runId?: string };

// ───────────────────────── webview → host ─────────────────────────
export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'revealGate'; gate: GateName }
  | { type: 'chartImages'; images: { name: string; pngDataUrl: string }[] }
  | { type: 'command'; command: 'train' | 'compare' | 'probe' | 'stop' | 'clear' | 'export' };

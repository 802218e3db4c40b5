// The panel's model: the runs it knows, the equations it shows, and the UI choices it
// persists with getState/setState. Pure functions, no DOM.
import type { CodeVerdict, HostToWebview, RunRecord, ViewState } from '../src/shared/protocol';
import { isEquationLine, isGateName, isRunRecord } from '../src/shared/protocol';
import type { BatchProgress, EquationLine, GateName, ProbeSeries } from '../src/shared/types';
import type { LossXAxis } from '../src/shared/chart-configs';
import { thinPoints } from '../src/shared/chart-configs';
import { EQUATION_SETS, type EquationSetId } from './equations';
import { equationSetOf } from '../src/shared/catalog';
import { applySaturation } from './inspect-model';

export type SectionId = 'loss' | 'gradient' | 'runs' | 'equations';

export interface ShownEquations {
  /** The cell kind named by the host, or a default set's id. */
  cell: string;
  set: EquationSetId;
  title: string;
  lines: EquationLine[];
}

export interface PanelState {
  version: 1;
  xAxis: LossXAxis;
  logScale: boolean;
  /** Train runs the user unticked in the table (not drawn on the loss chart). */
  hiddenRunIds: string[];
  /** Probe run drawn on the gradient chart; undefined means the latest. */
  selectedProbeRunId?: string;
  equations: ShownEquations;
  highlightedGate: GateName | null;
  openSections: Record<SectionId, boolean>;
  runs: RunRecord[];
  /** The check of the user's own cell shown beside the equations (not saved: the code may change meanwhile). */
  codeVerdict?: CodeVerdict;
}

export function defaultState(): PanelState {
  const lstm = EQUATION_SETS.lstm;
  return {
    version: 1,
    xAxis: 'step',
    logScale: true,
    hiddenRunIds: [],
    equations: { cell: 'lstm', set: 'lstm', title: lstm.title, lines: lstm.lines },
    highlightedGate: null,
    openSections: { loss: true, gradient: true, runs: true, equations: true },
    runs: [],
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The state saved by an earlier panel, field by field: anything missing or malformed (an
 * older version, a hand-edited store) falls back to the default rather than breaking the panel.
 */
export function restoreState(saved: unknown): PanelState {
  const state = defaultState();
  if (!isObject(saved) || saved.version !== 1) return state;
  if (saved.xAxis === 'step' || saved.xAxis === 'time') state.xAxis = saved.xAxis;
  if (typeof saved.logScale === 'boolean') state.logScale = saved.logScale;
  if (Array.isArray(saved.hiddenRunIds)) state.hiddenRunIds = saved.hiddenRunIds.filter((x): x is string => typeof x === 'string');
  if (typeof saved.selectedProbeRunId === 'string') state.selectedProbeRunId = saved.selectedProbeRunId;
  const eq = saved.equations;
  if (isObject(eq) && typeof eq.cell === 'string' && typeof eq.title === 'string' && typeof eq.set === 'string' && eq.set in EQUATION_SETS && Array.isArray(eq.lines)) {
    const lines = eq.lines.filter(isEquationLine);
    if (lines.length > 0) state.equations = { cell: eq.cell, set: eq.set as EquationSetId, title: eq.title, lines };
  }
  if (isGateName(saved.highlightedGate)) state.highlightedGate = saved.highlightedGate;
  if (isObject(saved.openSections)) {
    for (const key of Object.keys(state.openSections) as SectionId[]) {
      const open = saved.openSections[key];
      if (typeof open === 'boolean') state.openSections[key] = open;
    }
  }
  if (Array.isArray(saved.runs)) state.runs = saved.runs.filter(isRunRecord);
  return state;
}

/** The choices this page shares with the other webviews showing the panel (through the host). */
export function viewOf(state: PanelState): ViewState {
  return { xAxis: state.xAxis, logScale: state.logScale, hiddenRunIds: state.hiddenRunIds, ...(state.selectedProbeRunId !== undefined ? { selectedProbeRunId: state.selectedProbeRunId } : {}) };
}

/** Most batches kept per run in the saved state (setState serialises everything each time). */
export const SAVED_BATCHES_PER_RUN = 2000;

export function stateForSaving(state: PanelState): PanelState {
  return { ...state, codeVerdict: undefined, runs: state.runs.map((r) => (r.batches.length > SAVED_BATCHES_PER_RUN ? { ...r, batches: thinPoints(r.batches, SAVED_BATCHES_PER_RUN) } : r)) };
}

function placeholderRun(id: string, kind: RunRecord['kind']): RunRecord {
  return { id, kind, title: kind === 'train' ? 'training run' : 'gradient probe', status: 'running', createdAt: Date.now(), batches: [], epochs: [], probeSeries: [] };
}

/** A newer record of a run replaces the old one, keeping batches that arrived after it was sent. */
export function mergeRun(existing: RunRecord | undefined, incoming: RunRecord): RunRecord {
  if (!existing || existing.batches.length === 0) return incoming;
  const lastIncomingStep = incoming.batches[incoming.batches.length - 1]?.step ?? 0;
  const newer = existing.batches.filter((b) => b.step > lastIncomingStep);
  return newer.length > 0 ? { ...incoming, batches: [...incoming.batches, ...newer] } : incoming;
}

function upsert(runs: RunRecord[], run: RunRecord): RunRecord[] {
  const index = runs.findIndex((r) => r.id === run.id);
  if (index < 0) return [...runs, run];
  const copy = runs.slice();
  copy[index] = run;
  return copy;
}

export function applyProgress(runs: RunRecord[], runId: string, progress: BatchProgress): RunRecord[] {
  const run = runs.find((r) => r.id === runId) ?? placeholderRun(runId, 'train');
  const last = run.batches[run.batches.length - 1];
  if (last && progress.step <= last.step) return runs; // a duplicate or stale update
  return upsert(runs, { ...run, status: 'running', batches: [...run.batches, progress] });
}

export function applyProbeSeries(runs: RunRecord[], runId: string, series: ProbeSeries): RunRecord[] {
  const run = runs.find((r) => r.id === runId) ?? placeholderRun(runId, 'probe');
  const others = run.probeSeries.filter((s) => s.name !== series.name);
  const index = run.probeSeries.findIndex((s) => s.name === series.name);
  const probeSeries = index < 0 ? [...others, series] : run.probeSeries.map((s) => (s.name === series.name ? series : s));
  return upsert(runs, { ...run, probeSeries });
}

/** Runs in the order they were started, like the notebook's table. */
export function sortedRuns(runs: readonly RunRecord[]): RunRecord[] {
  return runs.slice().sort((a, b) => a.createdAt - b.createdAt);
}

/** The probe run to draw: the chosen one, else the latest that has series. */
export function probeRunToShow(state: PanelState): RunRecord | undefined {
  const probes = sortedRuns(state.runs).filter((r) => r.kind === 'probe');
  return probes.find((r) => r.id === state.selectedProbeRunId) ?? probes.filter((r) => r.probeSeries.length > 0).pop() ?? probes.pop();
}

/** Applies one host message to the model; returns what needs redrawing. */
export function applyMessage(state: PanelState, message: HostToWebview): { charts: boolean; table: boolean; equations: boolean } {
  switch (message.type) {
    case 'runs':
      state.runs = message.runs.map((r) =>
        mergeRun(
          state.runs.find((old) => old.id === r.id),
          r,
        ),
      );
      return { charts: true, table: true, equations: false };
    case 'runUpdated':
      state.runs = upsert(
        state.runs,
        mergeRun(
          state.runs.find((r) => r.id === message.run.id),
          message.run,
        ),
      );
      return { charts: true, table: true, equations: false };
    case 'progress':
      state.runs = applyProgress(state.runs, message.runId, message.progress);
      return { charts: true, table: true, equations: false };
    case 'probeSeries':
      state.runs = applyProbeSeries(state.runs, message.runId, message.series);
      return { charts: true, table: true, equations: false };
    case 'equations': {
      const set: EquationSetId = equationSetOf(message.cell);
      // Another cell's equations: the verdict was about the cell shown before.
      if (message.title !== state.equations.title) delete state.codeVerdict;
      state.equations = { cell: message.cell, set, title: message.title, lines: message.lines };
      return { charts: false, table: false, equations: true };
    }
    case 'highlight':
      state.highlightedGate = message.gate;
      return { charts: false, table: false, equations: true };
    case 'exportCharts':
      return { charts: false, table: false, equations: false };
    // Saturation belongs to its run; the inspection messages are the inspect view's (main.ts routes them there).
    case 'saturation':
      state.runs = applySaturation(state.runs, message.runId, message.report);
      return { charts: true, table: false, equations: false };
    case 'inspectText':
    case 'inspectResult':
    case 'inspectError':
    case 'reveal':
      return { charts: false, table: false, equations: false };
    case 'viewState':
      state.xAxis = message.view.xAxis;
      state.logScale = message.view.logScale;
      state.hiddenRunIds = message.view.hiddenRunIds;
      state.selectedProbeRunId = message.view.selectedProbeRunId;
      return { charts: true, table: true, equations: false };
    case 'codeVerdict':
      if (message.verdict) state.codeVerdict = message.verdict;
      else delete state.codeVerdict;
      return { charts: false, table: false, equations: true };
  }
}

// The LSTM Lab side panel: loss and gradient charts, the runs table and the cell's
// equations. It talks to the extension host only through the typed messages of
// src/shared/protocol.ts, validates everything it receives, and keeps its UI state with
// getState/setState so it comes back as it was when the view is hidden and shown.
import { Chart } from 'chart.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import { isHostToWebview, type HostToWebview, type PanelSection, type RunRecord, type WebviewToHost } from '../src/shared/protocol';
import { coincideNote, gradientChartConfig, gradientPairNote, lossChartConfig, undrawnNote, type LossXAxis } from '../src/shared/chart-configs';
import { reviveNonFinite } from '../src/shared/non-finite';
import { ChartView, renderChartImage } from './charts-view';
import { el } from './dom';
import { EQUATION_SETS, type EquationSetId } from './equations';
import { EquationsView } from './equations-view';
import { InspectView, type InspectMessage, type InspectUiState } from './inspect-view';
import { panelSummary } from './run-rows';
import { RunsView } from './runs-view';
import { LitEquationLine } from './lit-equation';
import { Section } from './sections';
import { applyMessage, probeRunToShow, restoreState, sortedRuns, stateForSaving, viewOf, type PanelState, type SectionId } from './state';
import { observeTheme, readBackground, readThemeColors } from './theme';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: PanelState & { inspect?: InspectUiState }): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

type Command = Extract<WebviewToHost, { type: 'command' }>['command'];
interface ValueElement extends HTMLElement {
  value: string;
}
interface CheckedElement extends HTMLElement {
  checked: boolean;
}

const vscode = acquireVsCodeApi();
const state: PanelState = restoreState(vscode.getState());
const post = (message: WebviewToHost): void => vscode.postMessage(message);

// ───────────── persistence: setState serialises everything, so not on every batch ─────────────
let saveTimer: ReturnType<typeof setTimeout> | undefined;
function saveSoon(): void {
  if (saveTimer !== undefined) return;
  saveTimer = setTimeout(() => {
    saveTimer = undefined;
    vscode.setState(savedState());
  }, 300);
}
function saveNow(): void {
  if (saveTimer !== undefined) clearTimeout(saveTimer);
  saveTimer = undefined;
  vscode.setState(savedState());
}
/** A view choice changed here: the host passes it to the other webviews and keeps it over a reload. */
function viewChanged(): void {
  scheduleRender({ charts: true, table: true });
  saveSoon();
  post({ type: 'viewState', view: viewOf(state) });
}
function savedState(): PanelState & { inspect?: InspectUiState } {
  return { ...stateForSaving(state), inspect: inspectView.state };
}

// Looking inside a trained run: saturation charts and the inspect views.
const inspectView = new InspectView({ post: (message) => post(message), saved: (vscode.getState() as { inspect?: unknown } | undefined)?.inspect, onStateChange: () => saveSoon() });

// ───────────── the page ─────────────
const buttons: Record<Command, HTMLElement> = {
  train: el('vscode-button', { 'data-command': 'train', title: 'Train a model (LSTM Lab: Train Model…)' }, 'Train'),
  compare: el('vscode-button', { 'data-command': 'compare', secondary: true, title: "Train the notebook's four models on the same data" }, 'Compare'),
  probe: el('vscode-button', { 'data-command': 'probe', secondary: true, title: 'Probe gradient flow: ‖∂loss_t/∂h₀‖ for the five series' }, 'Probe'),
  stop: el('vscode-button', { 'data-command': 'stop', secondary: true, title: 'Stop the running run' }, 'Stop'),
  export: el('vscode-button', { 'data-command': 'export', secondary: true, title: 'Export runs as CSV and charts as PNG' }, 'Export'),
  clear: el('vscode-button', { 'data-command': 'clear', secondary: true, title: 'Clear all runs' }, 'Clear'),
};
for (const [command, button] of Object.entries(buttons) as [Command, HTMLElement][]) {
  button.addEventListener('click', () => {
    if (!button.hasAttribute('disabled')) post({ type: 'command', command });
  });
}
const statusLine = el('p', { class: 'status-line', 'aria-live': 'polite' });

const xAxisSelect = el(
  'vscode-single-select',
  { class: 'x-axis-select', 'aria-label': 'Loss chart x axis' },
  el('vscode-option', { value: 'step' }, 'by step'),
  el('vscode-option', { value: 'time' }, 'by time'),
) as ValueElement;
const logScaleBox = el('vscode-checkbox', { class: 'log-scale' }, 'log scale') as CheckedElement;
const equationSelect = el(
  'vscode-single-select',
  { class: 'equation-select', 'aria-label': 'Cell whose equations are shown' },
  ...Object.values(EQUATION_SETS).map((set) => el('vscode-option', { value: set.id }, set.title)),
) as ValueElement;

const lossChart = new ChartView('loss', 'The loss appears here after the first batch (or tick a run in the Runs table).');
const coincideNoteElement = el('p', { class: 'chart-note', 'data-note': 'coincide' });
const gradientChart = new ChartView('gradient', 'The gradient norms appear here as each series finishes.');
const gradientNoteElement = el('p', { class: 'chart-note', 'data-note': 'gradient-pairs', hidden: '' });
const gradientUndrawnElement = el('p', { class: 'chart-note', 'data-note': 'gradient-undrawn', hidden: '' });
const runsView = new RunsView({
  onToggleTrainRun(runId, shown) {
    const hidden = new Set(state.hiddenRunIds);
    if (shown) hidden.delete(runId);
    else hidden.add(runId);
    state.hiddenRunIds = [...hidden];
    viewChanged();
  },
  onSelectProbeRun(runId) {
    state.selectedProbeRunId = runId;
    viewChanged();
  },
});
const equationsView = new EquationsView((gate) => post({ type: 'revealGate', gate }));
const litEquation = new LitEquationLine(() => sections.equations.reveal());
const equationsTitle = el('p', { class: 'equations-title' });
const codeVerdictLine = el('p', { class: 'code-verdict', role: 'status', hidden: '' });

function section(id: SectionId, heading: string, ...content: HTMLElement[]): Section {
  return new Section(
    {
      id,
      heading,
      open: state.openSections[id],
      onToggle: (open) => {
        state.openSections[id] = open;
        saveSoon();
        if (open) scheduleRender({ charts: true });
      },
    },
    ...content,
  );
}

const sections = {
  loss: section('loss', 'Loss', el('div', { class: 'chart-controls' }, el('span', { class: 'control-label' }, 'x axis'), xAxisSelect), lossChart.element, coincideNoteElement),
  gradient: section(
    'gradient',
    'Gradient flow',
    el('div', { class: 'chart-controls' }, logScaleBox, el('span', { class: 'gradient-run' })),
    gradientChart.element,
    gradientUndrawnElement,
    gradientNoteElement,
  ),
  runs: section('runs', 'Runs', runsView.element),
  equations: section('equations', 'Equations', el('div', { class: 'chart-controls' }, equationSelect, equationsTitle), codeVerdictLine, equationsView.element),
};
const sectionById: Record<PanelSection, Section> = { ...sections, saturation: inspectView.saturation.section, inspect: inspectView.section };

document.body.append(
  el(
    'main',
    { class: 'panel' },
    litEquation.element,
    el('div', { class: 'toolbar', role: 'toolbar' }, ...Object.values(buttons)),
    statusLine,
    sections.loss.element,
    inspectView.saturationSection,
    sections.gradient.element,
    sections.runs.element,
    inspectView.inspectSection,
    sections.equations.element,
  ),
);

xAxisSelect.value = state.xAxis;
logScaleBox.checked = state.logScale;
equationSelect.value = state.equations.set;
xAxisSelect.addEventListener('change', () => {
  const value = xAxisSelect.value;
  // Unchanged (the host just set it from another webview): nothing to share back.
  if ((value !== 'step' && value !== 'time') || value === state.xAxis) return;
  state.xAxis = value satisfies LossXAxis;
  viewChanged();
});
logScaleBox.addEventListener('change', () => {
  if (logScaleBox.checked === state.logScale) return;
  state.logScale = logScaleBox.checked;
  viewChanged();
});
equationSelect.addEventListener('change', () => {
  const id = equationSelect.value as EquationSetId;
  const set = EQUATION_SETS[id];
  if (!set) return;
  state.equations = { cell: id, set: id, title: set.title, lines: set.lines };
  delete state.codeVerdict;
  scheduleRender({ equations: true });
  saveSoon();
});

// ───────────── rendering, batched to one pass per animation frame ─────────────
const pending = { charts: false, table: false, equations: false };
let frame: number | undefined;

function scheduleRender(parts: Partial<typeof pending>): void {
  pending.charts ||= parts.charts ?? false;
  pending.table ||= parts.table ?? false;
  pending.equations ||= parts.equations ?? false;
  if (frame === undefined) frame = requestAnimationFrame(flushRender);
}

function flushRender(): void {
  if (frame !== undefined) cancelAnimationFrame(frame);
  frame = undefined;
  const runs = sortedRuns(state.runs);
  if (pending.charts) renderCharts(runs);
  if (pending.table) {
    runsView.render(runs, new Set(state.hiddenRunIds), probeRunToShow(state)?.id);
    renderStatus(runs);
  }
  if (pending.equations) renderEquations();
  pending.charts = pending.table = pending.equations = false;
}

function shownTrainRuns(runs: readonly RunRecord[]): RunRecord[] {
  const hidden = new Set(state.hiddenRunIds);
  return runs.filter((r) => r.kind === 'train' && !hidden.has(r.id));
}

function renderCharts(runs: readonly RunRecord[]): void {
  const colors = readThemeColors();
  const shown = shownTrainRuns(runs);
  lossChart.update(lossChartConfig(shown, { xAxis: state.xAxis, colors }));
  coincideNoteElement.textContent = coincideNote(shown);
  coincideNoteElement.hidden = !coincideNoteElement.textContent;
  // Runs that failed before their first batch have nothing to draw either.
  sections.loss.setEmpty(runs.some((r) => r.kind === 'train' && (r.batches.length > 0 || r.status === 'running' || r.status === 'queued')) ? undefined : 'none yet — Train or Compare');
  sections.runs.setEmpty(runs.length ? undefined : 'no runs yet');
  const probeRun = probeRunToShow(state);
  sections.gradient.setEmpty(probeRun ? undefined : 'none yet — Probe');
  gradientChart.update(gradientChartConfig(probeRun?.probeSeries ?? [], { logScale: state.logScale, colors }));
  gradientNoteElement.textContent = gradientPairNote(probeRun?.probeSeries ?? []);
  gradientNoteElement.hidden = !gradientNoteElement.textContent;
  gradientUndrawnElement.textContent = undrawnNote(probeRun?.probeSeries ?? [], state.logScale);
  gradientUndrawnElement.hidden = !gradientUndrawnElement.textContent;
  const label = document.querySelector('.gradient-run');
  if (label) label.textContent = probeRun ? probeRun.title : '';
  inspectView.render(runs, shownTrainRuns(runs), colors, readBackground());
}

function renderStatus(runs: readonly RunRecord[]): void {
  buttons.stop.toggleAttribute('disabled', !runs.some((r) => r.status === 'running' || r.status === 'queued'));
  // Short and plain; the run in full, its backend and speed on hover.
  const summary = panelSummary(runs);
  statusLine.textContent = summary.text;
  statusLine.title = summary.detail;
}

function renderEquations(): void {
  // The selector already names the default sets; show the host's title when it says more.
  equationsTitle.textContent = state.equations.title === EQUATION_SETS[state.equations.set].title ? '' : state.equations.title;
  if (equationSelect.value !== state.equations.set) equationSelect.value = state.equations.set;
  renderCodeVerdict();
  equationsView.render(state.equations.lines);
  equationsView.setHighlight(state.highlightedGate);
  updateLitEquation();
}

/**
 * Repeats the lit equation at the top of the side view while its own line is off screen. Not
 * in the charts editor tab: the cursor it follows is in the editor beside it, and a line
 * above Train and Compare there would say nothing about where it came from.
 */
const inEditorTab = document.body.dataset.surface === 'editor';
function updateLitEquation(): void {
  const lit = inEditorTab ? undefined : equationsView.litLine();
  const equation = lit && state.equations.lines.find((line) => line.gate === lit.gate);
  litEquation.update(lit && equation ? { equation, row: lit.line, cell: state.equations.title } : undefined);
}

/** The check of the user's own cell, above the equations it was checked against. */
function renderCodeVerdict(): void {
  const verdict = state.codeVerdict;
  codeVerdictLine.hidden = !verdict;
  equationsView.setDeparting(verdict?.gate ?? null);
  if (!verdict) return;
  codeVerdictLine.dataset.verdict = verdict.verdict;
  const mark = verdict.verdict === 'matches' ? '✓' : verdict.verdict === 'differs' ? '✗' : '?';
  codeVerdictLine.textContent = `${mark} Your code, ${verdict.cell}: ${verdict.message}`;
}

// ───────────── export ─────────────
function exportCharts(runId: string | undefined, requestId: string | undefined): void {
  flushRender();
  const colors = readThemeColors();
  const background = readBackground();
  const runs = sortedRuns(state.runs);
  const only = runId !== undefined ? runs.find((r) => r.id === runId) : undefined;
  if (runId !== undefined && !only) console.warn(`LSTM Lab: exportCharts names run ${runId}, which the panel does not know; exporting the charts as shown.`);
  const images: { name: string; pngDataUrl: string }[] = [];
  const trainRuns = only ? (only.kind === 'train' ? [only] : []) : shownTrainRuns(runs);
  if (trainRuns.length > 0) images.push({ name: 'loss.png', pngDataUrl: renderChartImage(lossChartConfig(trainRuns, { xAxis: state.xAxis, colors }), background) });
  const probeRun = only ? (only.kind === 'probe' ? only : undefined) : probeRunToShow(state);
  if (probeRun && probeRun.probeSeries.length > 0) {
    images.push({ name: 'gradient.png', pngDataUrl: renderChartImage(gradientChartConfig(probeRun.probeSeries, { logScale: state.logScale, colors }), background) });
  }
  const inspected = inspectView.exportFiles(only?.id, only ? [] : shownTrainRuns(runs), colors, background);
  images.push(...inspected.images);
  post({ type: 'chartImages', ...(requestId !== undefined ? { requestId } : {}), images, csv: inspected.csv });
}

// ───────────── messages from the host ─────────────
let restored = false;
function handle(message: HostToWebview): void {
  if (message.type === 'exportCharts') {
    exportCharts(message.runId, message.requestId);
    return;
  }
  if (message.type === 'reveal') {
    flushRender();
    sectionById[message.section].reveal();
    return;
  }
  if (message.type === 'inspectText' || message.type === 'inspectResult' || message.type === 'inspectError') {
    inspectView.handle(message satisfies InspectMessage);
    // Text from the editor (Inspect Selection): show where its result will appear.
    if (message.type === 'inspectText') inspectView.section.reveal();
    saveSoon();
    return;
  }
  const changed = applyMessage(state, message);
  if (message.type === 'runs' && !restored) {
    // The host's runs on `ready`: the page now shows what it showed before; later data is news
    // (a run ending marks Inspect's heading rather than opening it under the reader).
    restored = true;
    scheduleRender(changed);
    flushRender();
    for (const section of Object.values(sectionById)) section.goLive();
    saveSoon();
    return;
  }
  if (message.type === 'viewState') {
    // Set by another webview: show it on the controls (their change events do not fire for this).
    xAxisSelect.value = state.xAxis;
    logScaleBox.checked = state.logScale;
  }
  if (message.type === 'highlight') {
    // Cheap and immediate: no re-render of the KaTeX lines.
    equationsView.setHighlight(state.highlightedGate);
    updateLitEquation();
    saveSoon();
    return;
  }
  scheduleRender(changed);
  saveSoon();
}

// The lit equation's own line comes into or goes out of view by scrolling, resizing, or a
// section opening or closing above it (the toggle event is caught on its way down).
window.addEventListener('scroll', updateLitEquation, { passive: true });
window.addEventListener('resize', updateLitEquation);
document.addEventListener('vsc-collapsible-toggle', () => requestAnimationFrame(updateLitEquation), { capture: true });

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  // The host marks NaN and ±Infinity, which VS Code's JSON would turn into null.
  const data = reviveNonFinite(event.data);
  if (!isHostToWebview(data)) {
    const type = typeof data === 'object' && data !== null && 'type' in data ? String((data as { type: unknown }).type) : typeof data;
    console.warn(`LSTM Lab panel: ignored a malformed message (type ${type}); expected one of runs, runUpdated, progress, probeSeries, equations, highlight, exportCharts with their fields.`);
    return;
  }
  handle(data);
});

observeTheme(() => scheduleRender({ charts: true }));
window.addEventListener('pagehide', saveNow);

// For the headless tests and anyone debugging in the webview devtools.
(window as unknown as { lstmLabPanel: unknown }).lstmLabPanel = {
  get lossChart() {
    return lossChart.instance;
  },
  get gradientChart() {
    return gradientChart.instance;
  },
  inspect: inspectView,
  flush: flushRender,
  chartOf: (canvas: HTMLCanvasElement) => Chart.getChart(canvas),
  sections: sectionById,
};

scheduleRender({ charts: true, table: true, equations: true });
flushRender();
post({ type: 'ready' });

// The panel's "look inside a trained run" views: gate saturation charts (beside the loss,
// saturation-view.ts), and for a finished run and a text the parts in inspect/: gate
// activations as heat strips with the units most active on a pattern, the per-step gradient
// flow, the notebook's h0 probe on the trained cell next to a fresh one, and sampling with
// per-character probabilities. Every computation on tensors happens in the worker: this view
// sends `inspect` requests, routes the plain results to their part, and says what it is doing.
import { Chart, Title } from 'chart.js';
import type { HostToWebview, InspectRequest, InspectResult, RunRecord, WebviewToHost } from '../src/shared/protocol';
import { startClock, type ThemeColors } from '../src/shared/chart-configs';
import { el } from './dom';
import { ActivationsPart } from './inspect/activations-part';
import { FlowPart } from './inspect/flow-part';
import type { ExportFiles, PartTheme } from './inspect/part';
import { ProbePart } from './inspect/probe-part';
import { SamplePart } from './inspect/sample-part';
import { installInspectStyles } from './inspect-styles';
import { fitSelectOptions, labelHead } from './label-fit';
import { restoreInspectState, type InspectUiState } from './inspect-view-state';
import { SaturationView } from './saturation-view';
import { Section } from './sections';
import { PendingRequests } from '../src/shared/requests';

export { defaultInspectState, restoreInspectState, type InspectUiState } from './inspect-view-state';
export type { ExportFiles } from './inspect/part';
export { themeHeatColors } from './inspect/part';

// The saturation charts carry a title (which gate); the panel's own charts do not need the plugin.
Chart.register(Title);

export type InspectMessage = Extract<HostToWebview, { type: 'inspectText' | 'inspectResult' | 'inspectError' }>;
type InspectAnswer = Extract<HostToWebview, { type: 'inspectResult' }>;
type Kind = InspectRequest['kind'];

export const INSPECT_EMPTY_NOTE = 'none yet — Train';
/** A run that ends makes this section usable; it does not open it under the reader. */
export const INSPECT_READY_NOTE = { text: 'ready', hover: 'A trained run is ready: open this section to look inside it' };

export interface InspectViewOptions {
  post: (message: WebviewToHost) => void;
  saved: unknown;
  /** The persisted part changed (the panel saves its state soon). */
  onStateChange: () => void;
}

const KIND_LABELS: Record<Kind, string> = {
  capture: 'Reading the text',
  gradientFlow: 'Computing the gradient flow',
  probeTrained: 'Probing h₀ on the trained and a fresh cell',
  sample: 'Sampling',
};

export class InspectView {
  readonly saturation: SaturationView;
  readonly section: Section;
  readonly state: InspectUiState;

  private readonly post: (message: WebviewToHost) => void;
  private readonly onStateChange: () => void;
  private runs: RunRecord[] = [];
  private theme: PartTheme | undefined;

  // The run each latest result came from, and the requests out.
  private resultRunId: Partial<Record<Kind, string>> = {};
  private readonly latest: Partial<Record<Kind, string>> = {};
  /** The panel's own requests, answered by inspectResult / inspectError with the same requestId. */
  private readonly requests = new PendingRequests<InspectAnswer>('inspect');
  /** The host's own capture (Inspect Selection) is out: announced by inspectText, ended by its result or error. */
  private editorCaptureOut = false;

  private readonly runSelect = el('select', { class: 'inspect-run', 'aria-label': 'Run to inspect' });
  private readonly textInput = el('textarea', {
    class: 'inspect-text',
    rows: '3',
    spellcheck: 'false',
    placeholder: 'Text to read: type it, or select text in an editor and run "LSTM Lab: Inspect Selection".',
    'aria-label': 'Text to inspect',
  });
  private readonly status = el('p', { class: 'inspect-status', 'aria-live': 'polite' });
  private readonly captureButton = el('vscode-button', { 'data-inspect': 'capture', title: 'Every gate of every unit at every character (in the worker)' }, 'Read gates');
  private readonly flowButton = el('vscode-button', { 'data-inspect': 'gradientFlow', secondary: true, title: '‖∂loss_t/∂x_s‖ for every s ≤ t (up to 1000 characters)' }, 'Gradient flow');
  private readonly activations: ActivationsPart;
  private readonly flowPart = new FlowPart();
  private readonly probePart: ProbePart;
  private readonly samplePart: SamplePart;

  constructor(options: InspectViewOptions) {
    installInspectStyles();
    this.post = options.post;
    this.onStateChange = options.onStateChange;
    this.state = restoreInspectState(options.saved);
    const changed = () => this.onStateChange();

    this.saturation = new SaturationView(this.state.open.saturation, (open) => {
      this.state.open.saturation = open;
      changed();
    });
    this.activations = new ActivationsPart({ state: this.state, changed, status: (text, error) => this.setStatus(text, error) });
    this.probePart = new ProbePart(this.state, changed);
    this.samplePart = new SamplePart(this.state, changed);
    this.textInput.value = this.state.text;

    const row = (...children: HTMLElement[]) => el('div', { class: 'inspect-row' }, ...children);
    this.section = new Section(
      {
        id: 'inspect',
        heading: 'Inspect a trained run',
        open: this.state.open.inspect,
        readyNote: INSPECT_READY_NOTE,
        onToggle: (open) => {
          this.state.open.inspect = open;
          changed();
          if (open) this.renderAll();
        },
      },
      row(el('span', { class: 'control-label' }, 'run'), this.runSelect),
      this.textInput,
      row(this.captureButton, this.flowButton),
      this.status,
      this.activations.element,
      this.flowPart.element,
      this.probePart.element,
      this.samplePart.element,
    );
    this.wire();
    this.renderRunOptions();
    // The side bar's width changes: the run names are fitted to the dropdown again.
    new ResizeObserver(() => fitSelectOptions(this.runSelect)).observe(this.runSelect);
  }

  /** The two sections' elements, for the page. */
  get saturationSection(): HTMLElement {
    return this.saturation.section.element;
  }

  get inspectSection(): HTMLElement {
    return this.section.element;
  }

  // The latest results, for the tests and the devtools.
  get capture() {
    return this.activations.capture;
  }
  get flow() {
    return this.flowPart.flow;
  }
  get probe() {
    return this.probePart.probe;
  }
  get sample() {
    return this.samplePart.sample;
  }

  private wire(): void {
    this.runSelect.addEventListener('change', () => {
      this.state.runId = this.runSelect.value || undefined;
      fitSelectOptions(this.runSelect); // the hover: the newly chosen run's whole name
      this.onStateChange();
    });
    this.textInput.addEventListener('input', () => {
      this.state.text = this.textInput.value;
      this.onStateChange();
    });
    const click = (button: HTMLElement, action: () => void) => button.addEventListener('click', () => !button.hasAttribute('disabled') && action());
    click(this.captureButton, () => this.requestText('capture'));
    click(this.flowButton, () => this.requestText('gradientFlow'));
    click(this.probePart.button, () => this.request({ kind: 'probeTrained', steps: this.state.probeSteps, batchSize: 32 }));
    click(this.samplePart.button, () =>
      this.request({ kind: 'sample', prime: this.state.prime, temperature: this.state.temperature, length: this.state.length, seed: Math.floor(Math.random() * 2 ** 31) }),
    );
  }

  // ───────────── requests ─────────────

  private selectedRun(): RunRecord | undefined {
    const candidates = inspectable(this.runs);
    return candidates.find((r) => r.id === this.state.runId) ?? candidates[0];
  }

  private requestText(kind: 'capture' | 'gradientFlow'): void {
    const text = this.state.text;
    if (!text.trim()) {
      this.setStatus('Type or paste some text first (or select text in an editor and run "LSTM Lab: Inspect Selection").', true);
      return;
    }
    this.request({ kind, text });
  }

  /** Sends a request for the selected run; returns its id (undefined when there is no run to ask). */
  request(request: InspectRequest): string | undefined {
    const run = this.selectedRun();
    if (!run) {
      this.setStatus('No finished training run with a checkpoint yet: train one first (the Quick preset takes about a minute).', true);
      return undefined;
    }
    const kind = request.kind;
    this.setBusy(kind, true);
    this.setStatus(`${KIND_LABELS[kind]} with ${run.title}…`, false);
    let requestId = '';
    const answer = this.requests.request((id) => {
      requestId = this.latest[kind] = id;
      this.post({ type: 'inspect', requestId: id, runId: run.id, request });
    });
    answer.then(
      // A stale answer (a newer request of the same kind is out) is dropped.
      (message) => this.latest[kind] === requestId && this.show(message),
      (error: Error) => {
        this.setBusy(kind, false);
        this.setStatus(error.message, true);
      },
    );
    return requestId;
  }

  handle(message: InspectMessage): void {
    switch (message.type) {
      case 'inspectText':
        this.state.text = message.text.slice(0, 5000);
        this.textInput.value = this.state.text;
        if (message.runId) {
          this.state.runId = message.runId;
          this.renderRunOptions();
        }
        this.editorCaptureOut = true;
        this.setBusy('capture', true);
        this.setStatus(`${KIND_LABELS.capture} from the editor…`, false);
        this.onStateChange();
        return;
      // The answer to one of the panel's requests settles it. Anything else is the outcome of an
      // inspection the host ran itself (Inspect Selection, a push: docs/architecture.md says why),
      // shown as it comes.
      case 'inspectResult':
        if (!this.requests.resolve(message.requestId, message)) this.show(message);
        return;
      case 'inspectError':
        if (this.requests.reject(message.requestId, new Error(message.message))) return;
        if (this.editorCaptureOut) this.setBusy('capture', false);
        this.editorCaptureOut = false;
        this.setStatus(message.message, true);
        return;
    }
  }

  private show(message: InspectAnswer): void {
    const kind = message.result.kind;
    if (kind === 'capture') this.editorCaptureOut = false;
    this.setBusy(kind, false);
    this.resultRunId[kind] = message.runId;
    this.accept(message.result);
    const run = this.runs.find((r) => r.id === message.runId);
    this.setStatus(`${describeResult(message.result)}${run ? ` — ${run.title}` : ''}.`, false);
  }

  private accept(result: InspectResult): void {
    switch (result.kind) {
      case 'capture':
        return this.activations.show(result.capture);
      case 'gradientFlow':
        return this.flowPart.show(result.flow);
      case 'probeTrained':
        return this.probePart.show(result.probe);
      case 'sample':
        return this.samplePart.show(result.sample);
    }
  }

  private buttonOf(kind: Kind): HTMLElement {
    return { capture: this.captureButton, gradientFlow: this.flowButton, probeTrained: this.probePart.button, sample: this.samplePart.button }[kind];
  }

  private setBusy(kind: Kind, busy: boolean): void {
    this.buttonOf(kind).toggleAttribute('disabled', busy);
  }

  private setStatus(text: string, error: boolean): void {
    this.status.textContent = text;
    this.status.classList.toggle('error', error);
  }

  // ───────────── rendering ─────────────

  /** Called by the panel whenever its runs or the theme may have changed; cheap when nothing did. */
  render(runs: readonly RunRecord[], shownTrainRuns: readonly RunRecord[], colors: ThemeColors, background: string): void {
    this.runs = runs.slice();
    this.renderRunOptions();
    const themeChanged = JSON.stringify(colors) !== JSON.stringify(this.theme?.colors) || background !== this.theme?.background;
    this.theme = { colors, background };
    this.saturation.render(shownTrainRuns, colors);
    if (themeChanged) this.renderAll();
  }

  private renderAll(): void {
    if (!this.theme) return;
    for (const part of [this.activations, this.flowPart, this.probePart, this.samplePart]) part.render(this.theme);
  }

  private renderRunOptions(): void {
    const candidates = inspectable(this.runs);
    // Nothing to look inside yet, and no result shown: the section is one line that says so.
    const hasResult = this.capture || this.flow || this.probe || this.sample;
    this.section.setEmpty(candidates.length === 0 && !hasResult ? INSPECT_EMPTY_NOTE : undefined);
    const current = this.selectedRun()?.id ?? '';
    const signature = candidates.map((r) => `${r.id}\u0000${r.title}`).join('\u0001');
    // Runs of one cell read alike once a narrow dropdown shortens them to the cell: their start time (the Runs table's) tells them apart.
    const heads = candidates.map((r) => labelHead(r.title));
    const sharesHead = (r: RunRecord) => heads.filter((h) => h === labelHead(r.title)).length > 1;
    if (this.runSelect.dataset.signature !== signature) {
      this.runSelect.dataset.signature = signature;
      this.runSelect.replaceChildren(
        ...(candidates.length ? candidates.map((r) => el('option', { value: r.id }, `${r.title} (${runFacts(r, sharesHead(r))})`)) : [el('option', { value: '' }, 'no finished training run yet')]),
      );
    }
    this.runSelect.value = current;
    fitSelectOptions(this.runSelect);
    const none = candidates.length === 0;
    for (const kind of Object.keys(KIND_LABELS) as Kind[]) {
      const pending = this.requests.has(this.latest[kind]);
      this.buttonOf(kind).toggleAttribute('disabled', none || pending);
    }
  }

  // ───────────── export ─────────────

  /** PNG of each inspection chart and CSV of its data; only `runId`'s when given. */
  exportFiles(runId: string | undefined, shownTrainRuns: readonly RunRecord[], colors: ThemeColors, background: string): ExportFiles {
    const satRuns = runId ? this.runs.filter((r) => r.id === runId && r.kind === 'train') : shownTrainRuns;
    const files = this.saturation.exportFiles(satRuns, runId, colors, background);
    const theme = { colors, background };
    const mine = (kind: Kind) => runId === undefined || this.resultRunId[kind] === runId;
    const parts: [Kind, { exportFiles(theme: PartTheme): ExportFiles }][] = [
      ['capture', this.activations],
      ['gradientFlow', this.flowPart],
      ['probeTrained', this.probePart],
      ['sample', this.samplePart],
    ];
    for (const [kind, part] of parts) {
      if (!mine(kind)) continue;
      const more = part.exportFiles(theme);
      files.images.push(...more.images);
      files.csv.push(...more.csv);
    }
    return files;
  }
}

function inspectable(runs: readonly RunRecord[]): RunRecord[] {
  return runs.filter((r) => r.kind === 'train' && r.checkpoint && r.status !== 'running' && r.status !== 'queued').sort((a, b) => b.createdAt - a.createdAt);
}

/**
 * What the run dropdown says after a run's name: its status unless done, its last validation
 * loss, and if asked the hour and minute it started (short enough to keep the cell's name whole
 * in a 300 px side bar; the Runs table has the day).
 */
function runFacts(run: RunRecord, withStart: boolean): string {
  const val = run.epochs.length ? `val ${run.epochs[run.epochs.length - 1].valLoss.toFixed(3)}` : '';
  const started = withStart ? startClock(run.startedAt ?? run.createdAt) : '';
  return [run.status === 'done' ? '' : run.status, val, started].filter(Boolean).join(', ') || run.status;
}

function describeResult(result: InspectResult): string {
  switch (result.kind) {
    case 'capture':
      return `Read ${result.capture.chars.length} characters: ${result.capture.gateNames.join(', ')} of ${result.capture.hiddenSize} units`;
    case 'gradientFlow':
      // The last character predicts nothing (there is no next one): n + 1 characters read, n predictions.
      return `Gradient flow of ${result.flow.chars.length} predictions (each of ${result.flow.chars.length + 1} characters but the last predicts the next) in ${result.flow.seconds.toFixed(1)} s`;
    case 'probeTrained':
      return `h₀ probe over ${result.probe.steps} steps on a batch of ${result.probe.batchSize}`;
    case 'sample':
      return `Sampled ${result.sample.steps.length} characters at temperature ${result.sample.temperature}`;
  }
}

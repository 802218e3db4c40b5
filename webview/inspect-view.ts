// The panel's "look inside a trained run" views (issue 8): gate saturation charts (beside the
// loss), and for a finished run and a text: per-character heat strips of a gate of a unit,
// the units most active on a pattern, the per-step gradient-flow heatmap, the notebook's h0
// probe on the trained cell next to a fresh one, and sampling with per-character
// probabilities. Every computation on tensors happens in the worker: this view only sends
// `inspect` requests and draws the plain results. Text goes in through textContent only.
import { Chart, Title } from 'chart.js';
import type { ActivationCapture, CapturedGate, GradientFlow, SampleWithProbabilities, TrainedProbeResult } from '../src/engine/inspect-types';
import type { HostToWebview, InspectRequest, InspectResult, RunRecord, WebviewToHost } from '../src/protocol';
import { isCapturedGate, CAPTURED_GATES } from '../src/inspect-protocol';
import { gradientChartConfig, type ThemeColors } from './chart-configs';
import { ChartView, renderChartImage } from './charts-view';
import { el } from './dom';
import {
  captureCsv,
  flowDistanceChartConfig,
  flowLevel,
  flowLogRange,
  GATE_TITLES,
  gateScale,
  gateTooltip,
  gradientFlowCsv,
  heatColor,
  heatLevel,
  parseColor,
  positionsOfPattern,
  rankUnits,
  sampleCsv,
  sampleTooltip,
  saturationChartConfig,
  saturationCsv,
  SATURATION_GATES,
  trainedProbeCsv,
  visibleChar,
  type HeatColors,
  type HeatScale,
} from './inspect-model';
import { installInspectStyles } from './inspect-styles';
import { restoreInspectState, type InspectUiState } from './inspect-view-state';

export { defaultInspectState, restoreInspectState, type InspectUiState } from './inspect-view-state';

// The saturation charts carry a title (which gate); the panel's own charts do not need the plugin.
Chart.register(Title);

export type InspectMessage = Extract<HostToWebview, { type: 'inspectText' | 'inspectResult' | 'inspectError' }>;
type Kind = InspectRequest['kind'];

interface OpenElement extends HTMLElement {
  open: boolean;
}

export interface InspectViewOptions {
  post: (message: WebviewToHost) => void;
  saved: unknown;
  /** The persisted part changed (the panel saves its state soon). */
  onStateChange: () => void;
}

export interface ExportFiles {
  images: { name: string; pngDataUrl: string }[];
  csv: { name: string; text: string }[];
}

const KIND_LABELS: Record<Kind, string> = {
  capture: 'Reading the text',
  gradientFlow: 'Computing the gradient flow',
  probeTrained: 'Probing h₀ on the trained and a fresh cell',
  sample: 'Sampling',
};

function cssVariable(name: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim();
}

/** Heat colours from the theme: charts.blue for positive/high, charts.red for negative. */
export function themeHeatColors(colors: ThemeColors): HeatColors {
  return { positive: cssVariable('--vscode-charts-blue') || colors.palette[0] || '#3794ff', negative: cssVariable('--vscode-charts-red') || colors.palette[1] || '#f14c4c' };
}

export class InspectView {
  readonly saturationSection: OpenElement;
  readonly inspectSection: OpenElement;
  readonly state: InspectUiState;

  private readonly post: (message: WebviewToHost) => void;
  private readonly onStateChange: () => void;
  private runs: RunRecord[] = [];
  private colors: ThemeColors | undefined;
  private background = '#1e1e1e';
  private saturationSignature = '';

  // Results (the latest of each kind) and the run they came from.
  capture: ActivationCapture | undefined;
  flow: GradientFlow | undefined;
  probe: TrainedProbeResult | undefined;
  sample: SampleWithProbabilities | undefined;
  private resultRunId: Partial<Record<Kind, string>> = {};
  private readonly latest: Partial<Record<Kind, string>> = {};
  private readonly issued = new Map<string, Kind>();
  private requestCounter = 0;

  // Controls.
  private readonly saturationCharts = SATURATION_GATES.map((gate) => ({ gate, view: new ChartView(`saturation-${gate}`, `No saturation of ${GATE_TITLES[gate]} yet — train an LSTM: the trainer measures it every few batches.`) }));
  private readonly runSelect = el('select', { class: 'inspect-run', 'aria-label': 'Run to inspect' });
  private readonly textInput = el('textarea', { class: 'inspect-text', rows: '3', spellcheck: 'false', placeholder: 'Text to read with the trained cell — type here, or select text in an editor and run "LSTM Lab: Inspect Selection".', 'aria-label': 'Text to inspect' });
  private readonly status = el('p', { class: 'inspect-status', 'aria-live': 'polite' });
  private readonly captureButton = el('vscode-button', { 'data-inspect': 'capture', title: 'Every gate of every unit at every character (in the worker)' }, 'Read gates');
  private readonly flowButton = el('vscode-button', { 'data-inspect': 'gradientFlow', secondary: true, title: '‖∂loss_t/∂x_s‖ for every s ≤ t (up to 1000 characters)' }, 'Gradient flow');
  private readonly probeButton = el('vscode-button', { 'data-inspect': 'probeTrained', secondary: true, title: "The notebook's h₀ probe on the trained cell and on a fresh one" }, 'h₀ probe');
  private readonly gateSelect = el('select', { class: 'inspect-gate', 'aria-label': 'Gate shown in the heat strip' });
  private readonly unitInput = el('input', { class: 'inspect-unit', type: 'number', min: '0', step: '1', 'aria-label': 'Hidden unit' });
  private readonly strip = el('div', { class: 'heat-strip', 'data-strip': 'activations', role: 'img', 'aria-label': 'Gate value per character' });
  private readonly legend = el('div', { class: 'heat-legend' });
  private readonly hoverDetail = el('p', { class: 'hover-detail', 'aria-live': 'polite' });
  private readonly patternInput = el('input', { class: 'inspect-pattern', type: 'text', placeholder: 'pattern (regular expression), or select characters above', 'aria-label': 'Pattern' });
  private readonly findButton = el('vscode-button', { secondary: true, title: 'Units whose gate is highest on the pattern compared with elsewhere' }, 'Find units');
  private readonly unitList = el('ol', { class: 'unit-list' });
  private readonly flowCanvas = el('canvas', { class: 'flow-heatmap', 'data-chart': 'gradient-flow', role: 'img', 'aria-label': 'Gradient flow heatmap' });
  private readonly flowDetail = el('p', { class: 'hover-detail' });
  private readonly flowCaption = el('p', { class: 'inspect-caption' });
  private readonly distanceChart = new ChartView('flow-distance', 'Gradient flow by distance appears here.');
  private readonly probeChart = new ChartView('h0-probe', "Press h₀ probe: the notebook's probe on the trained cell next to a fresh one.");
  private readonly probeStepsInput = el('input', { class: 'inspect-steps', type: 'number', min: '1', max: '500', step: '1', 'aria-label': 'Probe steps' });
  private readonly primeInput = el('input', { class: 'inspect-prime', type: 'text', 'aria-label': 'Priming text' });
  private readonly temperatureInput = el('input', { class: 'inspect-temperature', type: 'range', min: '0', max: '2', step: '0.05', 'aria-label': 'Temperature' });
  private readonly temperatureLabel = el('span', { class: 'temperature-value' });
  private readonly lengthInput = el('input', { class: 'inspect-length', type: 'number', min: '1', max: '2000', step: '1', 'aria-label': 'Characters to generate' });
  private readonly sampleButton = el('vscode-button', { 'data-inspect': 'sample', title: 'Generate text from the run (in the worker)' }, 'Sample');
  private readonly sampleOutput = el('div', { class: 'sample-text', 'data-strip': 'sample' });
  private readonly sampleDetail = el('p', { class: 'hover-detail' });
  private readonly parts: Record<'activations' | 'flow' | 'probe' | 'sample', HTMLElement>;

  constructor(options: InspectViewOptions) {
    installInspectStyles();
    this.post = options.post;
    this.onStateChange = options.onStateChange;
    this.state = restoreInspectState(options.saved);

    this.saturationSection = this.collapsible('saturation', 'Gate saturation', el('p', { class: 'inspect-caption' }, 'Fraction of each sigmoid gate’s activations above 0.9 (solid) and below 0.1 (dashed), every few training batches; ◆ on validation text after each epoch.'), ...this.saturationCharts.map((c) => c.view.element));

    for (const gate of CAPTURED_GATES) this.gateSelect.append(el('option', { value: gate }, `${gate} — ${GATE_TITLES[gate]}`));
    this.textInput.value = this.state.text;
    this.gateSelect.value = this.state.gate;
    this.unitInput.value = String(this.state.unit);
    this.patternInput.value = this.state.pattern;
    this.primeInput.value = this.state.prime;
    this.temperatureInput.value = String(this.state.temperature);
    this.temperatureLabel.textContent = `T = ${this.state.temperature.toFixed(2)}`;
    this.lengthInput.value = String(this.state.length);
    this.probeStepsInput.value = String(this.state.probeSteps);

    const row = (...children: (HTMLElement | string)[]) => el('div', { class: 'inspect-row' }, ...children);
    const label = (text: string) => el('span', { class: 'control-label' }, text);
    this.parts = {
      activations: el(
        'div',
        { class: 'inspect-part', 'data-part': 'activations' },
        el('h4', {}, 'Gate activations'),
        row(label('gate'), this.gateSelect, label('unit'), this.unitInput),
        this.legend,
        this.strip,
        this.hoverDetail,
        row(this.patternInput, this.findButton),
        this.unitList,
      ),
      flow: el('div', { class: 'inspect-part', 'data-part': 'flow' }, el('h4', {}, 'Per-step gradient flow ‖∂loss_t/∂x_s‖'), el('div', { class: 'flow-scroll' }, this.flowCanvas), this.flowDetail, this.flowCaption, this.distanceChart.element),
      probe: el('div', { class: 'inspect-part', 'data-part': 'probe' }, el('h4', {}, 'h₀ probe: trained cell vs fresh cell'), row(label('steps'), this.probeStepsInput, this.probeButton), this.probeChart.element),
      sample: el(
        'div',
        { class: 'inspect-part', 'data-part': 'sample' },
        el('h4', {}, 'Sample'),
        row(label('prime'), this.primeInput),
        row(label('temperature'), this.temperatureInput, this.temperatureLabel, label('length'), this.lengthInput, this.sampleButton),
        el('p', { class: 'inspect-caption' }, 'Shade: the model’s probability of each generated character (hover for it and the likeliest alternatives); the priming text is in italics.'),
        this.sampleOutput,
        this.sampleDetail,
      ),
    };
    this.inspectSection = this.collapsible(
      'inspect',
      'Inspect a trained run',
      row(label('run'), this.runSelect),
      this.textInput,
      row(this.captureButton, this.flowButton),
      this.status,
      this.parts.activations,
      this.parts.flow,
      this.parts.probe,
      this.parts.sample,
    );
    this.wire();
    this.renderRunOptions();
    this.renderAll();
  }

  private collapsible(id: 'saturation' | 'inspect', heading: string, ...content: (HTMLElement | string)[]): OpenElement {
    const section = el('vscode-collapsible', { 'data-section': id, heading }, el('div', { class: 'section-body' }, ...content)) as OpenElement;
    section.open = this.state.open[id];
    section.addEventListener('vsc-collapsible-toggle', () => {
      this.state.open[id] = section.open;
      this.onStateChange();
      if (section.open) this.renderAll();
    });
    return section;
  }

  private wire(): void {
    const changed = () => this.onStateChange();
    this.runSelect.addEventListener('change', () => {
      this.state.runId = this.runSelect.value || undefined;
      changed();
    });
    this.textInput.addEventListener('input', () => {
      this.state.text = this.textInput.value;
      changed();
    });
    this.gateSelect.addEventListener('change', () => {
      if (isCapturedGate(this.gateSelect.value)) this.state.gate = this.gateSelect.value;
      this.renderStrip();
      changed();
    });
    this.unitInput.addEventListener('input', () => {
      const unit = Number(this.unitInput.value);
      if (!Number.isInteger(unit) || unit < 0) return;
      this.state.unit = unit;
      this.renderStrip();
      changed();
    });
    this.patternInput.addEventListener('input', () => {
      this.state.pattern = this.patternInput.value;
      changed();
    });
    this.primeInput.addEventListener('input', () => {
      this.state.prime = this.primeInput.value;
      changed();
    });
    this.temperatureInput.addEventListener('input', () => {
      this.state.temperature = Number(this.temperatureInput.value);
      this.temperatureLabel.textContent = `T = ${this.state.temperature.toFixed(2)}`;
      changed();
    });
    this.lengthInput.addEventListener('input', () => {
      const length = Number(this.lengthInput.value);
      if (Number.isInteger(length) && length >= 1 && length <= 2000) this.state.length = length;
      changed();
    });
    this.probeStepsInput.addEventListener('input', () => {
      const steps = Number(this.probeStepsInput.value);
      if (Number.isInteger(steps) && steps >= 1 && steps <= 500) this.state.probeSteps = steps;
      changed();
    });
    const click = (button: HTMLElement, action: () => void) => button.addEventListener('click', () => !button.hasAttribute('disabled') && action());
    click(this.captureButton, () => this.requestText('capture'));
    click(this.flowButton, () => this.requestText('gradientFlow'));
    click(this.probeButton, () => this.request({ kind: 'probeTrained', steps: this.state.probeSteps, batchSize: 32 }));
    click(this.sampleButton, () =>
      this.request({ kind: 'sample', prime: this.state.prime, temperature: this.state.temperature, length: this.state.length, seed: Math.floor(Math.random() * 2 ** 31) }),
    );
    click(this.findButton, () => this.findUnits());

    this.strip.addEventListener('mouseover', (event) => {
      const cell = (event.target as HTMLElement).closest<HTMLElement>('.heat-cell');
      if (!cell || !this.capture) return;
      this.hoverDetail.textContent = gateTooltip(this.capture, Number(cell.dataset.position), this.shownUnit());
    });
    this.sampleOutput.addEventListener('mouseover', (event) => {
      const cell = (event.target as HTMLElement).closest<HTMLElement>('.sample-cell');
      if (!cell || !this.sample) return;
      this.sampleDetail.textContent = sampleTooltip(this.sample, Number(cell.dataset.index));
    });
    this.flowCanvas.addEventListener('mousemove', (event) => {
      const cell = this.flowCellAt(event.offsetX, event.offsetY);
      this.flowDetail.textContent = cell ?? '';
      this.flowCanvas.title = cell ?? '';
    });
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
    const requestId = `${request.kind}-${++this.requestCounter}`;
    this.issued.set(requestId, request.kind);
    this.latest[request.kind] = requestId;
    this.setBusy(request.kind, true);
    this.setStatus(`${KIND_LABELS[request.kind]} with ${run.title}…`, false);
    this.post({ type: 'inspect', requestId, runId: run.id, request });
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
        this.setBusy('capture', true);
        this.setStatus(`${KIND_LABELS.capture} from the editor…`, false);
        this.onStateChange();
        return;
      case 'inspectResult': {
        const kind = message.result.kind;
        // A stale answer (a newer request of the same kind is out) is dropped; answers to requests the host made itself are taken.
        if (this.issued.has(message.requestId) && this.latest[kind] !== message.requestId) return;
        this.issued.delete(message.requestId);
        this.setBusy(kind, false);
        this.resultRunId[kind] = message.runId;
        this.accept(message.result);
        const run = this.runs.find((r) => r.id === message.runId);
        this.setStatus(`${describeResult(message.result)}${run ? ` — ${run.title}` : ''}.`, false);
        return;
      }
      case 'inspectError': {
        const kind = this.issued.get(message.requestId) ?? (message.requestId.startsWith('selection-') ? 'capture' : undefined);
        this.issued.delete(message.requestId);
        if (kind) this.setBusy(kind, false);
        this.setStatus(message.message, true);
        return;
      }
    }
  }

  private accept(result: InspectResult): void {
    switch (result.kind) {
      case 'capture':
        this.capture = result.capture;
        this.unitList.replaceChildren();
        this.renderStrip();
        return;
      case 'gradientFlow':
        this.flow = result.flow;
        this.renderFlow();
        return;
      case 'probeTrained':
        this.probe = result.probe;
        this.renderProbe();
        return;
      case 'sample':
        this.sample = result.sample;
        this.renderSample();
        return;
    }
  }

  private setBusy(kind: Kind, busy: boolean): void {
    const button = { capture: this.captureButton, gradientFlow: this.flowButton, probeTrained: this.probeButton, sample: this.sampleButton }[kind];
    button.toggleAttribute('disabled', busy);
  }

  private setStatus(text: string, error: boolean): void {
    this.status.textContent = text;
    this.status.classList.toggle('error', error);
  }

  // ───────────── units most active on a pattern ─────────────

  private findUnits(): void {
    const capture = this.capture;
    if (!capture) {
      this.setStatus('Read a text first (Read gates), then look for the units most active on a pattern in it.', true);
      return;
    }
    const gate = this.shownGate(capture);
    let positions: number[];
    try {
      positions = this.state.pattern ? positionsOfPattern(capture.chars, this.state.pattern) : this.selectedPositions();
      if (!this.state.pattern && positions.length === 0) throw new Error('type a pattern (a regular expression such as "th" or "[aeiou]"), or select characters in the strip.');
      const scores = rankUnits(capture, positions, gate, 10);
      this.unitList.replaceChildren(
        ...scores.map((score) => {
          const item = el(
            'li',
            {},
            el('button', { class: 'unit-pick', type: 'button', 'data-unit': String(score.unit), title: `mean ${gate} on the pattern ${score.meanOn.toFixed(3)}, elsewhere ${score.meanOff.toFixed(3)}` }, `unit ${score.unit}`),
            ` ${score.score >= 0 ? '+' : ''}${score.score.toFixed(3)} (${score.meanOn.toFixed(2)} vs ${score.meanOff.toFixed(2)})`,
          );
          item.querySelector('button')!.addEventListener('click', () => {
            this.state.unit = score.unit;
            this.unitInput.value = String(score.unit);
            this.renderStrip();
            this.onStateChange();
          });
          return item;
        }),
      );
      this.setStatus(`Units whose ${gate} is highest on ${positions.length} selected character${positions.length === 1 ? '' : 's'} compared with the rest; click one to show it.`, false);
    } catch (error) {
      this.setStatus((error as Error).message.replace(/^./, (c) => c.toUpperCase()), true);
    }
  }

  private selectedPositions(): number[] {
    const selection = document.getSelection();
    if (!selection || selection.isCollapsed) return [];
    return [...this.strip.querySelectorAll<HTMLElement>('.heat-cell')].filter((cell) => selection.containsNode(cell, true)).map((cell) => Number(cell.dataset.position));
  }

  // ───────────── rendering ─────────────

  /** Called by the panel whenever its runs or the theme may have changed; cheap when nothing did. */
  render(runs: readonly RunRecord[], shownTrainRuns: readonly RunRecord[], colors: ThemeColors, background: string): void {
    this.runs = runs.slice();
    this.renderRunOptions();
    const themeChanged = JSON.stringify(colors) !== JSON.stringify(this.colors) || background !== this.background;
    this.colors = colors;
    this.background = background;
    const signature = JSON.stringify([shownTrainRuns.map((r) => [r.id, r.title, r.saturation?.length ?? 0]), colors]);
    if (signature !== this.saturationSignature && this.saturationSection.open) {
      this.saturationSignature = signature;
      for (const { gate, view } of this.saturationCharts) view.update(saturationChartConfig(shownTrainRuns, gate, colors));
    }
    if (themeChanged) this.renderAll();
  }

  private renderAll(): void {
    if (!this.colors) return;
    this.renderStrip();
    this.renderFlow();
    this.renderProbe();
    this.renderSample();
  }

  private renderRunOptions(): void {
    const candidates = inspectable(this.runs);
    const current = this.selectedRun()?.id ?? '';
    const signature = candidates.map((r) => `${r.id}\u0000${r.title}`).join('\u0001');
    if (this.runSelect.dataset.signature !== signature) {
      this.runSelect.dataset.signature = signature;
      this.runSelect.replaceChildren(
        ...(candidates.length ? candidates.map((r) => el('option', { value: r.id }, `${r.title} (${r.status}${r.epochs.length ? `, val ${r.epochs[r.epochs.length - 1].valLoss.toFixed(3)}` : ''})`)) : [el('option', { value: '' }, 'no finished training run yet')]),
      );
    }
    this.runSelect.value = current;
    const none = candidates.length === 0;
    for (const button of [this.captureButton, this.flowButton, this.probeButton, this.sampleButton]) {
      const kind = button.dataset.inspect as Kind;
      const pending = this.latest[kind] !== undefined && this.issued.has(this.latest[kind]!);
      button.toggleAttribute('disabled', none || pending);
    }
  }

  private shownGate(capture: ActivationCapture): CapturedGate {
    return capture.gateNames.includes(this.state.gate) ? this.state.gate : capture.gateNames[capture.gateNames.length - 1];
  }

  private shownUnit(): number {
    const hidden = this.capture?.hiddenSize ?? 1;
    return Math.min(Math.max(0, this.state.unit), hidden - 1);
  }

  private heatColors(): HeatColors {
    return themeHeatColors(this.colors ?? { foreground: '#ccc', grid: '#444', palette: [] });
  }

  private renderStrip(): void {
    const capture = this.capture;
    this.parts.activations.hidden = !capture;
    if (!capture) return;
    const gate = this.shownGate(capture);
    const unit = this.shownUnit();
    this.unitInput.max = String(capture.hiddenSize - 1);
    for (const option of this.gateSelect.options) option.disabled = !capture.gateNames.includes(option.value as CapturedGate);
    this.gateSelect.value = gate;
    const values = capture.chars.map((_, t) => capture.gates[gate]?.[t]?.[unit] ?? Number.NaN);
    const scale = gateScale(gate, values);
    const colors = this.heatColors();
    this.renderLegend(scale, colors, `${GATE_TITLES[gate]}, unit ${unit} of ${capture.hiddenSize}`);
    const cells: Node[] = [];
    capture.chars.forEach((character, t) => {
      const cell = el('span', { class: 'heat-cell', 'data-position': String(t), 'data-value': String(values[t]), title: gateTooltip(capture, t, unit) }, character === '\n' ? '↵' : character === '\t' ? '⇥' : character);
      if (capture.ids[t] === 1) cell.classList.add('unknown');
      cell.style.backgroundColor = heatColor(values[t], scale, colors);
      // Text stays readable on the strongest colours.
      if (Math.abs(heatLevel(values[t], scale)) > 0.6) cell.classList.add('strong');
      cells.push(cell);
      if (character === '\n') cells.push(el('br'));
    });
    this.strip.replaceChildren(...cells);
  }

  private renderLegend(scale: HeatScale, colors: HeatColors, title: string): void {
    const stops = scale.diverging ? [scale.min, scale.min / 2, 0, scale.max / 2, scale.max] : [0, 0.25, 0.5, 0.75, 1].map((k) => scale.min + k * (scale.max - scale.min));
    this.legend.replaceChildren(
      el('span', { class: 'legend-title' }, title),
      ...stops.map((value) => {
        const swatch = el('span', { class: 'legend-swatch' }, formatShort(value));
        swatch.style.backgroundColor = heatColor(value, scale, colors);
        return swatch;
      }),
    );
  }

  private flowLayout(): { cell: number; margin: number } | undefined {
    const flow = this.flow;
    if (!flow) return undefined;
    const T = flow.chars.length;
    // Fill the panel's width (whole pixels per cell, so every cell is drawn the same).
    const width = (this.flowCanvas.parentElement?.clientWidth || 400) - 28;
    const cell = Math.max(1, Math.min(14, Math.floor(width / Math.max(1, T))));
    return { cell, margin: cell >= 8 ? 16 : 24 };
  }

  private renderFlow(): void {
    const flow = this.flow;
    this.parts.flow.hidden = !flow;
    if (!flow || !this.colors) return;
    drawFlowHeatmap(this.flowCanvas, flow, this.heatColors().positive, this.colors.foreground, this.background, this.flowLayout()!);
    const range = flowLogRange(flow);
    this.flowCaption.textContent = `Row t: the prediction of the character after position t; column s: the input character at s (s ≤ t). Colour: log₁₀ norm from ${range ? `1e${range.min.toFixed(1)} (faint) to 1e${range.max.toFixed(1)} (full)` : '— (all zero)'}. ${flow.chars.length} positions, ${flow.seconds.toFixed(1)} s in the worker.`;
    this.distanceChart.update(flowDistanceChartConfig(flow, this.colors));
  }

  /** The hover text of the heatmap cell under (x, y) in CSS pixels, or undefined outside it. */
  private flowCellAt(x: number, y: number): string | undefined {
    const flow = this.flow;
    const layout = this.flowLayout();
    if (!flow || !layout) return undefined;
    const scaleX = this.flowCanvas.width / (this.flowCanvas.clientWidth || this.flowCanvas.width);
    const scaleY = this.flowCanvas.height / (this.flowCanvas.clientHeight || this.flowCanvas.height);
    const s = Math.floor((x * scaleX - layout.margin) / layout.cell);
    const t = Math.floor((y * scaleY - layout.margin) / layout.cell);
    const T = flow.chars.length;
    if (s < 0 || t < 0 || s >= T || t >= T) return undefined;
    if (s > t) return `t = ${t}, s = ${s}: a prediction never sees later input (s > t).`;
    const norm = flow.norms[t][s];
    return `predicting '${visibleChar(flow.targets[t])}' after position ${t} from input '${visibleChar(flow.chars[s])}' at s = ${s} (${t - s} back): ‖∂loss_t/∂x_s‖ = ${Number.isFinite(norm) ? norm.toExponential(3) : String(norm)}; loss_t = ${flow.losses[t].toFixed(3)}`;
  }

  private renderProbe(): void {
    const probe = this.probe;
    this.probeChart.element.hidden = !probe;
    if (!probe || !this.colors) return;
    this.probeChart.update(gradientChartConfig(probeSeriesOf(probe), { logScale: true, colors: this.colors }));
  }

  private renderSample(): void {
    const sample = this.sample;
    this.sampleOutput.hidden = !sample;
    if (!sample) return;
    const colors = this.heatColors();
    const scale: HeatScale = { min: 0, max: 1, diverging: false };
    const prime = el('span', { class: 'sample-prime', title: 'priming text' }, sample.prime);
    const cells = sample.steps.map((step, index) => {
      const cell = el('span', { class: 'sample-cell', 'data-index': String(index), 'data-probability': String(step.probability), title: sampleTooltip(sample, index) }, step.char === '\n' ? '↵' : step.char);
      cell.style.backgroundColor = heatColor(step.probability, scale, colors);
      if (step.probability > 0.6) cell.classList.add('strong');
      return cell;
    });
    this.sampleOutput.replaceChildren(prime, ...cells);
  }

  // ───────────── export ─────────────

  /** PNG of each inspection chart and CSV of its data; only `runId`'s when given. */
  exportFiles(runId: string | undefined, shownTrainRuns: readonly RunRecord[], colors: ThemeColors, background: string): ExportFiles {
    const images: ExportFiles['images'] = [];
    const csv: ExportFiles['csv'] = [];
    const satRuns = (runId ? this.runs.filter((r) => r.id === runId && r.kind === 'train') : shownTrainRuns).filter((r) => (r.saturation?.length ?? 0) > 0);
    if (satRuns.length > 0) {
      for (const gate of SATURATION_GATES) images.push({ name: `saturation-${gate}.png`, pngDataUrl: renderChartImage(saturationChartConfig(satRuns, gate, colors), background) });
      for (const run of satRuns) csv.push({ name: runId ? 'saturation.csv' : `saturation-${safeName(run.id)}.csv`, text: saturationCsv(run) });
    }
    const mine = (kind: Kind) => runId === undefined || this.resultRunId[kind] === runId;
    const heat = themeHeatColors(colors);
    if (this.capture && mine('capture')) {
      const capture = this.capture;
      const gate = this.shownGate(capture);
      const unit = this.shownUnit();
      const values = capture.chars.map((_, t) => capture.gates[gate]?.[t]?.[unit] ?? Number.NaN);
      const scale = gateScale(gate, values);
      images.push({ name: 'activations.png', pngDataUrl: renderStripImage(`${GATE_TITLES[gate]}, unit ${unit}`, capture.chars, values.map((v) => heatColor(v, scale, heat)), colors.foreground, background) });
      csv.push({ name: 'activations.csv', text: captureCsv(capture) });
    }
    if (this.flow && mine('gradientFlow')) {
      const canvas = document.createElement('canvas');
      const T = this.flow.chars.length;
      const cell = Math.max(1, Math.min(14, Math.floor(900 / Math.max(1, T))));
      drawFlowHeatmap(canvas, this.flow, heat.positive, colors.foreground, background, { cell, margin: cell >= 8 ? 16 : 24 });
      images.push({ name: 'gradient-flow.png', pngDataUrl: canvas.toDataURL('image/png') });
      images.push({ name: 'gradient-flow-by-distance.png', pngDataUrl: renderChartImage(flowDistanceChartConfig(this.flow, colors), background) });
      csv.push({ name: 'gradient-flow.csv', text: gradientFlowCsv(this.flow) });
    }
    if (this.probe && mine('probeTrained')) {
      images.push({ name: 'h0-probe.png', pngDataUrl: renderChartImage(gradientChartConfig(probeSeriesOf(this.probe), { logScale: true, colors }), background) });
      csv.push({ name: 'h0-probe.csv', text: trainedProbeCsv(this.probe) });
    }
    if (this.sample && mine('sample')) {
      const sample = this.sample;
      const scale: HeatScale = { min: 0, max: 1, diverging: false };
      const chars = [...Array.from(sample.prime), ...sample.steps.map((s) => s.char)];
      const fills = [...Array.from(sample.prime).map(() => 'transparent'), ...sample.steps.map((s) => heatColor(s.probability, scale, heat))];
      images.push({ name: 'sample.png', pngDataUrl: renderStripImage(`sample at temperature ${sample.temperature} (colour: the model's probability of each character)`, chars, fills, colors.foreground, background) });
      csv.push({ name: 'sample.csv', text: sampleCsv(sample) });
    }
    return { images, csv };
  }
}

// ───────────── helpers ─────────────

function inspectable(runs: readonly RunRecord[]): RunRecord[] {
  return runs.filter((r) => r.kind === 'train' && r.checkpoint && r.status !== 'running' && r.status !== 'queued').sort((a, b) => b.createdAt - a.createdAt);
}

function probeSeriesOf(probe: TrainedProbeResult) {
  return [
    { ...probe.trained, name: 'trained cell' },
    { ...probe.fresh, name: "fresh cell (the run's initialisation)" },
  ];
}

function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9_.-]/g, '_');
}

function formatShort(value: number): string {
  return Math.abs(value) >= 10 ? value.toFixed(0) : Math.abs(value) >= 1 || value === 0 ? value.toFixed(1).replace(/\.0$/, '') : value.toFixed(2);
}

function describeResult(result: InspectResult): string {
  switch (result.kind) {
    case 'capture':
      return `Read ${result.capture.chars.length} characters: ${result.capture.gateNames.join(', ')} of ${result.capture.hiddenSize} units`;
    case 'gradientFlow':
      return `Gradient flow over ${result.flow.chars.length} positions in ${result.flow.seconds.toFixed(1)} s`;
    case 'probeTrained':
      return `h₀ probe over ${result.probe.steps} steps on a batch of ${result.probe.batchSize}`;
    case 'sample':
      return `Sampled ${result.sample.steps.length} characters at temperature ${result.sample.temperature}`;
  }
}

/** Draws the lower-triangular heatmap (row t, column s) with the characters along the axes when cells are large enough. */
function drawFlowHeatmap(canvas: HTMLCanvasElement, flow: GradientFlow, color: string, foreground: string, background: string, layout: { cell: number; margin: number }): void {
  const T = flow.chars.length;
  const { cell, margin } = layout;
  const size = margin + T * cell + 2;
  canvas.width = size;
  canvas.height = size;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, size, size);
  const range = flowLogRange(flow);
  const rgb = parseColor(color) ?? [55, 148, 255];
  for (let t = 0; t < T; t++) {
    for (let s = 0; s <= t; s++) {
      const level = flowLevel(flow, t, s, range);
      ctx.fillStyle = `rgba(${rgb[0]}, ${rgb[1]}, ${rgb[2]}, ${level.toFixed(3)})`;
      ctx.fillRect(margin + s * cell, margin + t * cell, cell, cell);
    }
  }
  // The diagonal (s = t) and the axes.
  ctx.strokeStyle = foreground;
  ctx.globalAlpha = 0.5;
  ctx.lineWidth = 1;
  ctx.strokeRect(margin - 0.5, margin - 0.5, T * cell + 1, T * cell + 1);
  ctx.globalAlpha = 1;
  ctx.fillStyle = foreground;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  if (cell >= 8) {
    ctx.font = `${Math.min(12, cell)}px monospace`;
    for (let k = 0; k < T; k++) {
      ctx.fillText(visibleChar(flow.chars[k]), margin + k * cell + cell / 2, margin / 2);
      ctx.fillText(visibleChar(flow.targets[k]), margin / 2, margin + k * cell + cell / 2);
    }
  } else {
    ctx.font = '11px sans-serif';
    ctx.textAlign = 'left';
    ctx.fillText('input position s →', margin, margin / 2);
    ctx.save();
    ctx.translate(margin / 2, margin);
    ctx.rotate(Math.PI / 2);
    ctx.fillText('prediction t →', 0, 0);
    ctx.restore();
  }
}

/** A heat strip as an image: the characters in rows, each on its colour, with a title line. */
function renderStripImage(title: string, chars: readonly string[], fills: readonly string[], foreground: string, background: string, width = 900): string {
  const cellWidth = 11;
  const cellHeight = 20;
  const perRow = Math.floor((width - 20) / cellWidth);
  const rows = Math.max(1, Math.ceil(chars.length / perRow));
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = 40 + rows * cellHeight + 10;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = foreground;
  ctx.font = '14px sans-serif';
  ctx.textBaseline = 'middle';
  ctx.fillText(title, 10, 20);
  ctx.font = '14px monospace';
  ctx.textAlign = 'center';
  chars.forEach((character, k) => {
    const x = 10 + (k % perRow) * cellWidth;
    const y = 40 + Math.floor(k / perRow) * cellHeight;
    ctx.fillStyle = fills[k] ?? 'transparent';
    ctx.fillRect(x, y, cellWidth, cellHeight);
    ctx.fillStyle = foreground;
    ctx.fillText(visibleChar(character), x + cellWidth / 2, y + cellHeight / 2);
  });
  return canvas.toDataURL('image/png');
}

// The notebook's h₀ probe on the trained cell next to a fresh one (the run's initialisation).
import type { TrainedProbeResult } from '../../src/shared/inspect-types';
import { gradientChartConfig } from '../../src/shared/chart-configs';
import { ChartView, renderChartImage } from '../charts-view';
import { el } from '../dom';
import { trainedProbeCsv } from '../inspect-model';
import type { InspectUiState } from '../inspect-view-state';
import { label, row, type ExportFiles, type PartTheme } from './part';

export class ProbePart {
  readonly element: HTMLElement;
  readonly button = el('vscode-button', { 'data-inspect': 'probeTrained', secondary: true, title: "The notebook's h₀ probe on the trained cell and on a fresh one" }, 'h₀ probe');
  probe: TrainedProbeResult | undefined;
  private theme: PartTheme | undefined;
  private readonly stepsInput = el('input', { class: 'inspect-steps', type: 'number', min: '1', max: '500', step: '1', 'aria-label': 'Probe steps' });
  private readonly chart = new ChartView('h0-probe', "Press h₀ probe: the notebook's probe on the trained cell next to a fresh one.");

  constructor(state: InspectUiState, changed: () => void) {
    this.stepsInput.value = String(state.probeSteps);
    this.stepsInput.addEventListener('input', () => {
      const steps = Number(this.stepsInput.value);
      if (Number.isInteger(steps) && steps >= 1 && steps <= 500) state.probeSteps = steps;
      changed();
    });
    this.element = el(
      'div',
      { class: 'inspect-part', 'data-part': 'probe' },
      el('h4', {}, 'h₀ probe: trained cell vs fresh cell'),
      row(label('steps'), this.stepsInput, this.button),
      this.chart.element,
    );
  }

  show(probe: TrainedProbeResult): void {
    this.probe = probe;
    this.draw();
  }

  render(theme: PartTheme): void {
    this.theme = theme;
    this.draw();
  }

  private draw(): void {
    this.chart.element.hidden = !this.probe;
    if (!this.probe || !this.theme) return;
    this.chart.update(gradientChartConfig(seriesOf(this.probe), { logScale: true, colors: this.theme.colors }));
  }

  exportFiles(theme: PartTheme): ExportFiles {
    if (!this.probe) return { images: [], csv: [] };
    return {
      images: [{ name: 'h0-probe.png', pngDataUrl: renderChartImage(gradientChartConfig(seriesOf(this.probe), { logScale: true, colors: theme.colors }), theme.background) }],
      csv: [{ name: 'h0-probe.csv', text: trainedProbeCsv(this.probe) }],
    };
  }
}

function seriesOf(probe: TrainedProbeResult) {
  return [
    { ...probe.trained, name: 'trained cell' },
    { ...probe.fresh, name: "fresh cell (the run's initialisation)" },
  ];
}

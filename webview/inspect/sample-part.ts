// Sampling from the run, each generated character shaded by the model's probability of it.
import type { SampleWithProbabilities } from '../../src/shared/inspect-types';
import { el } from '../dom';
import { heatColor, sampleCsv, sampleTooltip, type HeatScale } from '../inspect-model';
import type { InspectUiState } from '../inspect-view-state';
import { label, paintHeat, row, themeHeatColors, type ExportFiles, type PartTheme } from './part';
import { renderStripImage } from './strip-image';

const PROBABILITY: HeatScale = { min: 0, max: 1, diverging: false };

export class SamplePart {
  readonly element: HTMLElement;
  readonly button = el('vscode-button', { 'data-inspect': 'sample', title: 'Generate text from the run (in the worker)' }, 'Sample');
  sample: SampleWithProbabilities | undefined;
  private theme: PartTheme | undefined;
  private readonly primeInput = el('input', { class: 'inspect-prime', type: 'text', 'aria-label': 'Priming text' });
  private readonly temperatureInput = el('input', { class: 'inspect-temperature', type: 'range', min: '0', max: '2', step: '0.05', 'aria-label': 'Temperature' });
  private readonly temperatureLabel = el('span', { class: 'temperature-value' });
  private readonly lengthInput = el('input', { class: 'inspect-length', type: 'number', min: '1', max: '2000', step: '1', 'aria-label': 'Characters to generate' });
  private readonly output = el('div', { class: 'sample-text', 'data-strip': 'sample' });
  private readonly detail = el('p', { class: 'hover-detail' });

  constructor(state: InspectUiState, changed: () => void) {
    this.primeInput.value = state.prime;
    this.temperatureInput.value = String(state.temperature);
    this.temperatureLabel.textContent = `T = ${state.temperature.toFixed(2)}`;
    this.lengthInput.value = String(state.length);
    this.primeInput.addEventListener('input', () => {
      state.prime = this.primeInput.value;
      changed();
    });
    this.temperatureInput.addEventListener('input', () => {
      state.temperature = Number(this.temperatureInput.value);
      this.temperatureLabel.textContent = `T = ${state.temperature.toFixed(2)}`;
      changed();
    });
    this.lengthInput.addEventListener('input', () => {
      const length = Number(this.lengthInput.value);
      if (Number.isInteger(length) && length >= 1 && length <= 2000) state.length = length;
      changed();
    });
    this.output.addEventListener('mouseover', (event) => {
      const cell = (event.target as HTMLElement).closest<HTMLElement>('.sample-cell');
      if (!cell || !this.sample) return;
      this.detail.textContent = sampleTooltip(this.sample, Number(cell.dataset.index));
    });
    this.element = el(
      'div',
      { class: 'inspect-part', 'data-part': 'sample' },
      el('h4', {}, 'Sample'),
      row(label('prime'), this.primeInput),
      row(label('temperature'), this.temperatureInput, this.temperatureLabel, label('length'), this.lengthInput, this.button),
      el('p', { class: 'inspect-caption' }, 'Shade: the model’s probability of each generated character (hover for it and the likeliest alternatives); the priming text is in italics.'),
      this.output,
      this.detail,
    );
  }

  show(sample: SampleWithProbabilities): void {
    this.sample = sample;
    this.draw();
  }

  render(theme: PartTheme): void {
    this.theme = theme;
    this.draw();
  }

  private draw(): void {
    const sample = this.sample;
    const theme = this.theme;
    this.output.hidden = !sample;
    if (!sample || !theme) return;
    const colors = themeHeatColors(theme.colors);
    const prime = el('span', { class: 'sample-prime', title: 'priming text' }, sample.prime);
    const cells = sample.steps.map((step, index) => {
      const cell = el(
        'span',
        { class: 'sample-cell', 'data-index': String(index), 'data-probability': String(step.probability), title: sampleTooltip(sample, index) },
        step.char === '\n' ? '↵' : step.char,
      );
      paintHeat(cell, heatColor(step.probability, PROBABILITY, colors), theme);
      if (step.probability > 0.6) cell.classList.add('strong');
      return cell;
    });
    this.output.replaceChildren(prime, ...cells);
  }

  exportFiles(theme: PartTheme): ExportFiles {
    const sample = this.sample;
    if (!sample) return { images: [], csv: [] };
    const heat = themeHeatColors(theme.colors);
    const chars = [...Array.from(sample.prime), ...sample.steps.map((s) => s.char)];
    const fills = [...Array.from(sample.prime).map(() => 'transparent'), ...sample.steps.map((s) => heatColor(s.probability, PROBABILITY, heat))];
    return {
      images: [
        {
          name: 'sample.png',
          pngDataUrl: renderStripImage(`sample at temperature ${sample.temperature} (colour: the model's probability of each character)`, chars, fills, theme.colors.foreground, theme.background),
        },
      ],
      csv: [{ name: 'sample.csv', text: sampleCsv(sample) }],
    };
  }
}

// Gate activations: a heat strip of one gate of one unit over the text read, its colour
// legend, and the units most active on a pattern (a regular expression or selected characters).
import { CAPTURED_GATES, isCapturedGate, type ActivationCapture, type CapturedGate } from '../../src/shared/inspect-types';
import { el } from '../dom';
import { captureCsv, GATE_TITLES, gateScale, gateTooltip, heatColor, heatLevel, mostVaryingUnit, positionsOfPattern, rankUnits, type HeatColors, type HeatScale } from '../inspect-model';
import type { InspectUiState } from '../inspect-view-state';
import { label, paintHeat, row, themeHeatColors, type ExportFiles, type PartTheme } from './part';
import { renderStripImage } from './strip-image';

export interface ActivationsHost {
  state: InspectUiState;
  changed: () => void;
  status: (text: string, error: boolean) => void;
}

export class ActivationsPart {
  readonly element: HTMLElement;
  capture: ActivationCapture | undefined;
  private theme: PartTheme | undefined;
  private readonly gateSelect = el('select', { class: 'inspect-gate', 'aria-label': 'Gate shown in the heat strip' });
  private readonly unitInput = el('input', { class: 'inspect-unit', type: 'number', min: '0', step: '1', 'aria-label': 'Hidden unit' });
  private readonly strip = el('div', { class: 'heat-strip', 'data-strip': 'activations', role: 'img', 'aria-label': 'Gate value per character' });
  private readonly legend = el('div', { class: 'heat-legend' });
  private readonly hoverDetail = el('p', { class: 'hover-detail', 'aria-live': 'polite' });
  private readonly patternInput = el('input', { class: 'inspect-pattern', type: 'text', placeholder: 'pattern (regular expression), or select characters above', 'aria-label': 'Pattern' });
  private readonly findButton = el('vscode-button', { secondary: true, title: 'Units whose gate is highest on the pattern compared with elsewhere' }, 'Find units');
  private readonly unitList = el('ol', { class: 'unit-list' });

  constructor(private readonly host: ActivationsHost) {
    for (const gate of CAPTURED_GATES) this.gateSelect.append(el('option', { value: gate }, `${gate} — ${GATE_TITLES[gate]}`));
    this.gateSelect.value = host.state.gate;
    this.unitInput.value = host.state.unit === null ? '' : String(host.state.unit);
    this.patternInput.value = host.state.pattern;
    this.element = el(
      'div',
      { class: 'inspect-part', 'data-part': 'activations' },
      el('h4', {}, 'Gate activations'),
      row(label('gate'), this.gateSelect, label('unit'), this.unitInput),
      this.legend,
      this.strip,
      this.hoverDetail,
      row(this.patternInput, this.findButton),
      this.unitList,
    );
    this.wire();
  }

  private wire(): void {
    const { state } = this.host;
    this.gateSelect.addEventListener('change', () => {
      if (isCapturedGate(this.gateSelect.value)) state.gate = this.gateSelect.value;
      this.renderStrip();
      this.host.changed();
    });
    this.unitInput.addEventListener('input', () => {
      const unit = Number(this.unitInput.value);
      if (!Number.isInteger(unit) || unit < 0) return;
      state.unit = unit;
      this.renderStrip();
      this.host.changed();
    });
    this.patternInput.addEventListener('input', () => {
      state.pattern = this.patternInput.value;
      this.host.changed();
    });
    this.findButton.addEventListener('click', () => !this.findButton.hasAttribute('disabled') && this.findUnits());
    this.strip.addEventListener('mouseover', (event) => {
      const cell = (event.target as HTMLElement).closest<HTMLElement>('.heat-cell');
      if (!cell || !this.capture) return;
      this.hoverDetail.textContent = gateTooltip(this.capture, Number(cell.dataset.position), this.shownUnit());
    });
  }

  show(capture: ActivationCapture): void {
    this.capture = capture;
    this.unitList.replaceChildren();
    this.renderStrip();
  }

  render(theme: PartTheme): void {
    this.theme = theme;
    this.renderStrip();
  }

  shownGate(capture: ActivationCapture): CapturedGate {
    const gate = this.host.state.gate;
    return capture.gateNames.includes(gate) ? gate : capture.gateNames[capture.gateNames.length - 1];
  }

  /** The unit chosen, or else the capture's most varying unit of the shown gate (not unit 0, which may sit at −1 throughout). */
  private shownUnit(): number {
    const capture = this.capture;
    const chosen = this.host.state.unit;
    if (chosen === null) return capture ? mostVaryingUnit(capture, this.shownGate(capture)) : 0;
    return Math.min(Math.max(0, chosen), (capture?.hiddenSize ?? 1) - 1);
  }

  private heatColors(): HeatColors {
    return themeHeatColors(this.theme?.colors ?? { foreground: '#ccc', grid: '#444', palette: [] });
  }

  private renderStrip(): void {
    const capture = this.capture;
    const theme = this.theme;
    this.element.hidden = !capture;
    if (!capture || !theme) return;
    const gate = this.shownGate(capture);
    const unit = this.shownUnit();
    this.unitInput.max = String(capture.hiddenSize - 1);
    if (this.host.state.unit === null) this.unitInput.value = String(unit);
    for (const option of this.gateSelect.options) option.disabled = !capture.gateNames.includes(option.value as CapturedGate);
    this.gateSelect.value = gate;
    const values = capture.chars.map((_, t) => capture.gates[gate]?.[t]?.[unit] ?? Number.NaN);
    const scale = gateScale(gate, values);
    const colors = this.heatColors();
    this.renderLegend(scale, colors, theme, `${GATE_TITLES[gate]}, unit ${unit} of ${capture.hiddenSize}`);
    const cells: Node[] = [];
    capture.chars.forEach((character, t) => {
      const cell = el(
        'span',
        { class: 'heat-cell', 'data-position': String(t), 'data-value': String(values[t]), title: gateTooltip(capture, t, unit) },
        character === '\n' ? '↵' : character === '\t' ? '⇥' : character,
      );
      if (capture.ids[t] === 1) cell.classList.add('unknown');
      paintHeat(cell, heatColor(values[t], scale, colors), theme);
      if (Math.abs(heatLevel(values[t], scale)) > 0.6) cell.classList.add('strong');
      cells.push(cell);
      if (character === '\n') cells.push(el('br'));
    });
    this.strip.replaceChildren(...cells);
  }

  private renderLegend(scale: HeatScale, colors: HeatColors, theme: PartTheme, title: string): void {
    const stops = scale.diverging ? [scale.min, scale.min / 2, 0, scale.max / 2, scale.max] : [0, 0.25, 0.5, 0.75, 1].map((k) => scale.min + k * (scale.max - scale.min));
    this.legend.replaceChildren(
      el('span', { class: 'legend-title' }, title),
      ...stops.map((value) => {
        const swatch = el('span', { class: 'legend-swatch' }, formatShort(value));
        paintHeat(swatch, heatColor(value, scale, colors), theme);
        return swatch;
      }),
    );
  }

  private findUnits(): void {
    const capture = this.capture;
    if (!capture) {
      this.host.status('Read a text first (Read gates), then look for the units most active on a pattern in it.', true);
      return;
    }
    const { state } = this.host;
    const gate = this.shownGate(capture);
    let positions: number[];
    try {
      positions = state.pattern ? positionsOfPattern(capture.chars, state.pattern) : this.selectedPositions();
      if (!state.pattern && positions.length === 0) throw new Error('type a pattern (a regular expression such as "th" or "[aeiou]"), or select characters in the strip.');
      const scores = rankUnits(capture, positions, gate, 10);
      this.unitList.replaceChildren(
        ...scores.map((score) => {
          const item = el(
            'li',
            {},
            el(
              'button',
              { class: 'unit-pick', type: 'button', 'data-unit': String(score.unit), title: `mean ${gate} on the pattern ${score.meanOn.toFixed(3)}, elsewhere ${score.meanOff.toFixed(3)}` },
              `unit ${score.unit}`,
            ),
            ` ${score.score >= 0 ? '+' : ''}${score.score.toFixed(3)} (${score.meanOn.toFixed(2)} vs ${score.meanOff.toFixed(2)})`,
          );
          item.querySelector('button')!.addEventListener('click', () => {
            state.unit = score.unit;
            this.unitInput.value = String(score.unit);
            this.renderStrip();
            this.host.changed();
          });
          return item;
        }),
      );
      this.host.status(`Units whose ${gate} is highest on ${positions.length} selected character${positions.length === 1 ? '' : 's'} compared with the rest; click one to show it.`, false);
    } catch (error) {
      this.host.status(
        (error as Error).message.replace(/^./, (c) => c.toUpperCase()),
        true,
      );
    }
  }

  private selectedPositions(): number[] {
    const selection = document.getSelection();
    if (!selection || selection.isCollapsed) return [];
    return [...this.strip.querySelectorAll<HTMLElement>('.heat-cell')].filter((cell) => selection.containsNode(cell, true)).map((cell) => Number(cell.dataset.position));
  }

  exportFiles(theme: PartTheme): ExportFiles {
    const capture = this.capture;
    if (!capture) return { images: [], csv: [] };
    const gate = this.shownGate(capture);
    const unit = this.shownUnit();
    const values = capture.chars.map((_, t) => capture.gates[gate]?.[t]?.[unit] ?? Number.NaN);
    const scale = gateScale(gate, values);
    const heat = themeHeatColors(theme.colors);
    return {
      images: [
        {
          name: 'activations.png',
          pngDataUrl: renderStripImage(
            `${GATE_TITLES[gate]}, unit ${unit}`,
            capture.chars,
            values.map((v) => heatColor(v, scale, heat)),
            theme.colors.foreground,
            theme.background,
          ),
        },
      ],
      csv: [{ name: 'activations.csv', text: captureCsv(capture) }],
    };
  }
}

function formatShort(value: number): string {
  return Math.abs(value) >= 10 ? value.toFixed(0) : Math.abs(value) >= 1 || value === 0 ? value.toFixed(1).replace(/\.0$/, '') : value.toFixed(2);
}

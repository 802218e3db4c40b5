// The "Gate saturation" section beside the loss: one chart per sigmoid gate (LSTM i, f, o; GRU
// r, z), each listing only the runs whose cell has that gate, and one compact legend for all of
// them (the line styles explained once, then the run colours, as on the loss chart).
import type { RunRecord } from '../src/shared/protocol';
import { chartRunLabels, coincidingRuns, noteRunName, paletteColor, type ThemeColors } from '../src/shared/chart-configs';
import { ChartView, renderChartImage } from './charts-view';
import { el } from './dom';
import { GATE_TITLES, hasSaturationOf, saturationChartConfig, saturationCsv, SATURATION_GATES } from './inspect-model';
import type { ExportFiles } from './inspect/part';
import { Section } from './sections';

export const SATURATION_EMPTY_NOTE = 'none yet — LSTM, GRU';

export class SaturationView {
  readonly section: Section;
  private readonly charts = SATURATION_GATES.map((gate) => ({ gate, view: new ChartView(`saturation-${gate}`, `No run with ${GATE_TITLES[gate]} yet.`, 170) }));
  private readonly legend = el('div', { class: 'saturation-legend', role: 'list', 'aria-label': 'Runs on the saturation charts' });
  private signature = '';

  constructor(open: boolean, onToggle: (open: boolean) => void) {
    // What a line means, said once for every gate's chart; the run colours follow in the legend.
    const caption = el('p', { class: 'inspect-caption' }, 'Share of each gate’s activations that is saturated, measured while training.');
    const styles = el(
      'ul',
      { class: 'saturation-key', 'aria-label': 'Line styles' },
      el('li', {}, el('span', { class: 'line-key solid' }), ' open: above 0.9'),
      el('li', {}, el('span', { class: 'line-key dashed' }), ' closed: below 0.1'),
      el('li', {}, el('span', { class: 'dot-key' }), ' after each epoch, on validation text'),
    );
    // A grid: one chart per column in a side bar, side by side in a wide page (each keeps a chart's proportions).
    const grid = el('div', { class: 'saturation-charts' }, ...this.charts.map((c) => c.view.element));
    this.section = new Section({ id: 'saturation', heading: 'Gate saturation', open, onToggle }, caption, styles, this.legend, grid);
  }

  /** Redraws when the shown runs, their reports or the theme changed (and the section is open). */
  render(shownTrainRuns: readonly RunRecord[], colors: ThemeColors): void {
    const measured = shownTrainRuns.some((run) => (run.saturation?.length ?? 0) > 0);
    this.section.setEmpty(measured ? undefined : SATURATION_EMPTY_NOTE);
    const signature = JSON.stringify([shownTrainRuns.map((r) => [r.id, r.title, r.saturation?.length ?? 0]), colors]);
    if (!measured || signature === this.signature || !this.section.open) return;
    this.signature = signature;
    for (const { gate, view } of this.charts) {
      const any = shownTrainRuns.some((run) => hasSaturationOf(run, gate));
      view.element.hidden = !any;
      if (any) view.update(saturationChartConfig(shownTrainRuns, gate, colors, { legend: false }));
    }
    // The colour of a run is its place among the shown train runs, as on the loss chart.
    // Runs whose losses coincide have the same saturation too: one line hides the other, so say so.
    const labels = chartRunLabels(shownTrainRuns);
    const sameAs = new Map<number, string>();
    for (const group of coincidingRuns(shownTrainRuns)) for (const k of group.slice(1)) sameAs.set(k, noteRunName(shownTrainRuns[group[0]], labels[group[0]]));
    const entries = shownTrainRuns.flatMap((run, index) => {
      if (!SATURATION_GATES.some((gate) => hasSaturationOf(run, gate))) return [];
      const swatch = el('span', { class: 'legend-run-swatch' });
      swatch.style.backgroundColor = paletteColor(colors, index);
      const gates = SATURATION_GATES.filter((gate) => hasSaturationOf(run, gate));
      const note = sameAs.has(index) ? ` (under ${sameAs.get(index)}'s line)` : '';
      return [el('span', { class: 'legend-run', role: 'listitem', title: `${labels[index].line}: ${gates.join(', ')}` }, swatch, `${labels[index].line}${note}`)];
    });
    this.legend.replaceChildren(...entries);
  }

  /** The charts' PNGs (with a legend each) and each run's reports as CSV; only `runId`'s when given. */
  exportFiles(runs: readonly RunRecord[], runId: string | undefined, colors: ThemeColors, background: string): ExportFiles {
    const images: ExportFiles['images'] = [];
    const csv: ExportFiles['csv'] = [];
    const measured = runs.filter((r) => r.kind === 'train' && (r.saturation?.length ?? 0) > 0);
    if (measured.length === 0) return { images, csv };
    for (const gate of SATURATION_GATES) {
      if (measured.some((run) => hasSaturationOf(run, gate))) images.push({ name: `saturation-${gate}.png`, pngDataUrl: renderChartImage(saturationChartConfig(runs, gate, colors), background) });
    }
    for (const run of measured) csv.push({ name: runId ? 'saturation.csv' : `saturation-${run.id.replace(/[^A-Za-z0-9_.-]/g, '_')}.csv`, text: saturationCsv(run) });
    return { images, csv };
  }
}

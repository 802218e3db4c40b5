// Names that fit a narrow side bar: chart legends and the run dropdown. chart.js lays a legend entry out on one line and
// cuts it at both edges of the canvas when it is wider than the chart; a run named from a
// cell's Train lens ("GateByGateLSTM, trained as NaiveLSTM · quick · Brown") is wider than a
// 300 px side bar. Such a name is shortened to what tells runs apart (the cell, the preset),
// and the whole name is shown on hover (the legend entry's tooltip and the chart's own).
import type { Chart, ChartConfiguration, LegendItem } from 'chart.js';
import { Chart as ChartClass } from 'chart.js';
import { toFont } from 'chart.js/helpers';

/** A suffix the loss chart appends to a run's name (its validation points): always kept. */
const KEPT_SUFFIX = / \([^()]*\)$/;

/**
 * The longest of ever shorter forms of `text` that `fits`: the whole name; the first part
 * without its explanation ("GateByGateLSTM, trained as NaiveLSTM" → "GateByGateLSTM"); then
 * dropping the last " · " parts (corpus, then preset); then cut with "…". A suffix such as
 * " (val)" stays on every form.
 */
export function fitLabel(text: string, fits: (candidate: string) => boolean): string {
  if (fits(text)) return text;
  const suffix = KEPT_SUFFIX.exec(text)?.[0] ?? '';
  const name = text.slice(0, text.length - suffix.length);
  const parts = name.split(' · ');
  parts[0] = labelHead(name);
  for (let keep = parts.length; keep >= 1; keep--) {
    const candidate = parts.slice(0, keep).join(' · ') + suffix;
    if (fits(candidate)) return candidate;
  }
  const head = [...parts[0]];
  for (let length = head.length - 1; length >= 1; length--) {
    const candidate = `${head.slice(0, length).join('')}…${suffix}`;
    if (fits(candidate)) return candidate;
  }
  return `${head[0] ?? ''}…`;
}

/** What a name is shortened to before it is cut: its first part without the explanation ("GateByGateLSTM"). */
export function labelHead(name: string): string {
  return name.split(' · ')[0].split(', ')[0];
}

/** Width left for an entry's text beside its marker and the legend's padding (chart.js's own layout, with a margin). */
function textRoom(chart: Chart): number {
  const labels = chart.options.plugins?.legend?.labels;
  const size = toFont(labels?.font as Parameters<typeof toFont>[0]).size;
  const box = Math.min(labels?.boxWidth ?? 40, size);
  return chart.width - 2 * (labels?.padding ?? 10) - box - size / 2 - 8;
}

/**
 * The configuration with its legend entries shortened to fit the chart's width, and the
 * whole name as the canvas's tooltip while the pointer is over a shortened entry.
 */
export function withFittingLegend(config: ChartConfiguration<'line'>): ChartConfiguration<'line'> {
  const legend = config.options?.plugins?.legend;
  if (!legend || legend.display === false) return config;
  const defaults = ChartClass.defaults.plugins.legend.labels;
  const generateLabels = (chart: Chart): LegendItem[] => {
    const items = (legend.labels?.generateLabels ?? defaults.generateLabels)(chart as Chart<'line'>);
    const ctx = chart.ctx;
    ctx.save();
    ctx.font = toFont(chart.options.plugins?.legend?.labels?.font as Parameters<typeof toFont>[0]).string;
    const room = textRoom(chart);
    const fitted = items.map((item) => ({ ...item, text: fitLabel(String(item.text), (candidate) => ctx.measureText(candidate).width <= room) }));
    ctx.restore();
    return fitted;
  };
  const onHover = (_event: unknown, item: LegendItem, legendElement: { chart: Chart }) => {
    const full = item.datasetIndex !== undefined ? legendElement.chart.data.datasets[item.datasetIndex]?.label : undefined;
    legendElement.chart.canvas.title = full && full !== item.text ? full : '';
  };
  const onLeave = (_event: unknown, _item: LegendItem, legendElement: { chart: Chart }) => {
    legendElement.chart.canvas.title = '';
  };
  return {
    ...config,
    options: { ...config.options, plugins: { ...config.options?.plugins, legend: { ...legend, onHover, onLeave, labels: { ...legend.labels, generateLabels } } } },
  } as ChartConfiguration<'line'>;
}

/**
 * Shortens the options' text to the select's width (a closed select shows its option's text on
 * one line, cut at its edge); each option and the select keep the whole name as their tooltip.
 * Call again when the options or the width change.
 */
export function fitSelectOptions(select: HTMLSelectElement): void {
  const room = select.clientWidth - 30;
  const ctx = document.createElement('canvas').getContext('2d');
  if (!ctx) return;
  ctx.font = getComputedStyle(select).font;
  for (const option of select.options) {
    const full = (option.dataset.full ??= option.text);
    option.text = room > 0 ? fitLabel(full, (candidate) => ctx.measureText(candidate).width <= room) : full;
    option.title = full;
  }
  select.title = select.selectedOptions[0]?.dataset.full ?? '';
}

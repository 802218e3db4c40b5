// The two chart.js charts. Only the pieces they use are registered (line charts on linear
// and logarithmic axes, legend, tooltip), which keeps the bundle small.
import { Chart, Legend, LineController, LineElement, LinearScale, LogarithmicScale, PointElement, Tooltip, type ChartConfiguration, type Plugin, type Scale } from 'chart.js';
import { decadeTicks } from '../src/shared/chart-configs';
import { el } from './dom';
import { withFittingLegend } from './label-fit';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Legend, Tooltip);

/**
 * A logarithmic y axis gets evenly spaced decade ticks (a callback, so added here in the
 * browser: the configurations themselves stay plain data for the CLI's report).
 */
export function withDecadeTicks(config: ChartConfiguration<'line'>): ChartConfiguration<'line'> {
  const y = config.options?.scales?.y;
  if (!y || y.type !== 'logarithmic') return config;
  const afterBuildTicks = (axis: Scale) => {
    const decades = decadeTicks(axis.min, axis.max);
    // Less than two whole decades in range: chart.js's own ticks say more.
    if (decades.length >= 2) axis.ticks = decades.map((value) => ({ value }));
  };
  return { ...config, options: { ...config.options, scales: { ...config.options?.scales, y: { ...y, afterBuildTicks } } } };
}

export class ChartView {
  readonly element: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  private readonly empty: HTMLElement;
  private chart: Chart<'line'> | undefined;

  /** `plotHeight`: the plot with its axes, in CSS pixels, whatever room the legend takes. */
  constructor(
    name: string,
    emptyText: string,
    private readonly plotHeight = PLOT_HEIGHT_PX,
  ) {
    this.canvas = el('canvas', { 'data-chart': name, role: 'img', 'aria-label': `${name} chart` });
    this.empty = el('p', { class: 'chart-empty' }, emptyText);
    // Empty until the first update() brings data.
    this.element = el('div', { class: 'chart-box is-empty', 'data-chart-box': name }, this.canvas, this.empty);
  }

  /**
   * Draws the configuration, reusing the Chart instance (no animation, no re-creation).
   * Without data the box shows only its empty-state text: empty axes under it would overlap
   * the text and mean nothing (chart.js resizes the canvas when the box grows back).
   */
  update(input: ChartConfiguration<'line'>): void {
    const config = withFittingLegend(withDecadeTicks(input));
    const hasData = config.data.datasets.some((d) => d.data.length > 0);
    this.empty.hidden = hasData;
    this.element.classList.toggle('is-empty', !hasData);
    if (!hasData) this.element.style.height = '';
    if (!this.chart) {
      this.chart = new Chart(this.canvas, { ...config, plugins: [legendRoomPlugin(this.element, this.plotHeight)] });
      return;
    }
    this.chart.data = config.data;
    this.chart.options = config.options ?? {};
    this.chart.update('none');
  }

  get instance(): Chart<'line'> | undefined {
    return this.chart;
  }
}

/** Height of the plot with its axes (ticks, titles), whatever room the legend takes. */
const PLOT_HEIGHT_PX = 220;

/**
 * Sizes the chart's box to the plot plus its legend: in a narrow side bar a legend of many runs
 * wraps onto several rows and would otherwise squeeze the plot to a strip. The legend's
 * height depends only on the width, so the resize this causes settles at once.
 */
function legendRoomPlugin(box: HTMLElement, plotHeight: number): Plugin<'line'> {
  return {
    id: 'lstmLabLegendRoom',
    afterLayout(chart) {
      if (box.classList.contains('is-empty')) return;
      const wanted = `${Math.max(plotHeight + Math.ceil(chart.legend?.height ?? 0), plotHeight + 20)}px`;
      if (box.style.height !== wanted) box.style.height = wanted;
    },
  };
}

function backgroundPlugin(color: string): Plugin<'line'> {
  return {
    id: 'lstmLabBackground',
    beforeDraw(chart) {
      const { ctx, width, height } = chart;
      ctx.save();
      ctx.globalCompositeOperation = 'destination-over';
      ctx.fillStyle = color;
      ctx.fillRect(0, 0, width, height);
      ctx.restore();
    },
  };
}

/**
 * Renders a configuration once, off screen, at a fixed size on an opaque background and
 * returns its PNG (chart.js `toBase64Image`): the export does not depend on the panel's width.
 */
export function renderChartImage(input: ChartConfiguration<'line'>, background: string, width = 900, height = 500): string {
  const config = withDecadeTicks(input);
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const host = el('div', { class: 'export-host' }, canvas);
  document.body.append(host);
  const chart = new Chart(canvas, {
    ...config,
    options: { ...config.options, responsive: false, animation: false, devicePixelRatio: 2 },
    plugins: [backgroundPlugin(background)],
  });
  try {
    return chart.toBase64Image('image/png');
  } finally {
    chart.destroy();
    host.remove();
  }
}

// Per-step gradient flow: the lower-triangular heatmap of ‖∂loss_t/∂x_s‖ (row t, column s)
// with a hover readout, and the mean by distance t − s as a chart.
import type { GradientFlow } from '../../src/shared/inspect-types';
import { ChartView, renderChartImage } from '../charts-view';
import { el } from '../dom';
import { flowDistanceChartConfig, flowLevel, flowLogRange, gradientFlowCsv, parseColor, visibleChar } from '../inspect-model';
import { themeHeatColors, type ExportFiles, type PartTheme } from './part';

interface Layout {
  cell: number;
  margin: number;
}

export class FlowPart {
  readonly element: HTMLElement;
  flow: GradientFlow | undefined;
  private theme: PartTheme | undefined;
  private readonly canvas = el('canvas', { class: 'flow-heatmap', 'data-chart': 'gradient-flow', role: 'img', 'aria-label': 'Gradient flow heatmap' });
  private readonly detail = el('p', { class: 'hover-detail' });
  private readonly caption = el('p', { class: 'inspect-caption' });
  /** Which axis is which and the colour scale, above the heatmap (it can be taller than the screen). */
  private readonly axes = el('p', { class: 'inspect-caption flow-axes' }, 'Rows t (left): the character predicted after position t. Columns s (top): the input character at s.');
  private readonly scaleLow = el('span', { class: 'flow-scale-end', 'data-scale': 'low' });
  private readonly scaleBar = el('span', { class: 'flow-scale-bar', role: 'img' });
  private readonly scaleHigh = el('span', { class: 'flow-scale-end', 'data-scale': 'high' });
  private readonly scale = el('div', { class: 'flow-scale', 'data-flow-scale': '' }, el('span', { class: 'legend-title' }, '‖∂loss_t/∂x_s‖'), this.scaleLow, this.scaleBar, this.scaleHigh);
  private readonly distanceChart = new ChartView('flow-distance', 'Gradient flow by distance appears here.');

  constructor() {
    this.element = el(
      'div',
      { class: 'inspect-part', 'data-part': 'flow' },
      el('h4', {}, 'Per-step gradient flow ‖∂loss_t/∂x_s‖'),
      this.axes,
      this.scale,
      el('div', { class: 'flow-scroll' }, this.canvas),
      this.detail,
      this.caption,
      this.distanceChart.element,
    );
    this.canvas.addEventListener('mousemove', (event) => {
      const cell = this.cellAt(event.offsetX, event.offsetY);
      this.detail.textContent = cell ?? '';
      this.canvas.title = cell ?? '';
    });
  }

  show(flow: GradientFlow): void {
    this.flow = flow;
    this.draw();
  }

  render(theme: PartTheme): void {
    this.theme = theme;
    this.draw();
  }

  private layout(): Layout | undefined {
    const flow = this.flow;
    if (!flow) return undefined;
    const T = flow.chars.length;
    // Fill the panel's width (whole pixels per cell, so every cell is drawn the same).
    const width = (this.canvas.parentElement?.clientWidth || 400) - 28;
    const cell = Math.max(1, Math.min(14, Math.floor(width / Math.max(1, T))));
    return { cell, margin: cell >= 8 ? 16 : 24 };
  }

  private draw(): void {
    const flow = this.flow;
    this.element.hidden = !flow;
    if (!flow || !this.theme) return;
    const { colors, background } = this.theme;
    const color = themeHeatColors(colors).positive;
    drawFlowHeatmap(this.canvas, flow, color, colors.foreground, background, this.layout()!);
    const range = flowLogRange(flow);
    this.renderScale(color, range);
    this.caption.textContent = `Colour: log₁₀ norm from ${range ? `1e${range.min.toFixed(1)} (faint) to 1e${range.max.toFixed(1)} (full)` : '— (all zero)'}; blank above the diagonal, where s > t (a prediction never sees later input). ${flow.chars.length} predictions, ${flow.seconds.toFixed(1)} s in the worker.`;
    this.distanceChart.update(flowDistanceChartConfig(flow, colors));
  }

  /** The colour scale: faint (the smallest norm) to full colour (the largest), on a log scale as the cells are drawn. */
  private renderScale(color: string, range: { min: number; max: number } | undefined): void {
    const rgb = (parseColor(color) ?? [55, 148, 255]).join(', ');
    this.scaleBar.style.background = `linear-gradient(to right, rgba(${rgb}, 0.04), rgba(${rgb}, 1))`;
    this.scaleLow.textContent = range ? `1e${range.min.toFixed(1)}` : '0';
    this.scaleHigh.textContent = range ? `1e${range.max.toFixed(1)}` : '0';
    this.scaleBar.setAttribute('aria-label', range ? `colour scale, log scale: faint 1e${range.min.toFixed(1)} to full 1e${range.max.toFixed(1)}` : 'all norms are zero');
  }

  /** The hover text of the heatmap cell under (x, y) in CSS pixels, or undefined outside it. */
  private cellAt(x: number, y: number): string | undefined {
    const flow = this.flow;
    const layout = this.layout();
    if (!flow || !layout) return undefined;
    const scaleX = this.canvas.width / (this.canvas.clientWidth || this.canvas.width);
    const scaleY = this.canvas.height / (this.canvas.clientHeight || this.canvas.height);
    const s = Math.floor((x * scaleX - layout.margin) / layout.cell);
    const t = Math.floor((y * scaleY - layout.margin) / layout.cell);
    const T = flow.chars.length;
    if (s < 0 || t < 0 || s >= T || t >= T) return undefined;
    if (s > t) return `t = ${t}, s = ${s}: a prediction never sees later input (s > t).`;
    const norm = flow.norms[t][s];
    return `predicting '${visibleChar(flow.targets[t])}' after position ${t} from input '${visibleChar(flow.chars[s])}' at s = ${s} (${t - s} back): ‖∂loss_t/∂x_s‖ = ${Number.isFinite(norm) ? norm.toExponential(3) : String(norm)}; loss_t = ${flow.losses[t].toFixed(3)}`;
  }

  exportFiles(theme: PartTheme): ExportFiles {
    const flow = this.flow;
    if (!flow) return { images: [], csv: [] };
    const canvas = document.createElement('canvas');
    const T = flow.chars.length;
    const cell = Math.max(1, Math.min(14, Math.floor(900 / Math.max(1, T))));
    drawFlowHeatmap(canvas, flow, themeHeatColors(theme.colors).positive, theme.colors.foreground, theme.background, { cell, margin: cell >= 8 ? 16 : 24 });
    return {
      images: [
        { name: 'gradient-flow.png', pngDataUrl: canvas.toDataURL('image/png') },
        { name: 'gradient-flow-by-distance.png', pngDataUrl: renderChartImage(flowDistanceChartConfig(flow, theme.colors), theme.background) },
      ],
      csv: [{ name: 'gradient-flow.csv', text: gradientFlowCsv(flow) }],
    };
  }
}

/** Draws the lower-triangular heatmap (row t, column s) with the characters along the axes when cells are large enough. */
function drawFlowHeatmap(canvas: HTMLCanvasElement, flow: GradientFlow, color: string, foreground: string, background: string, layout: Layout): void {
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

// A small line chart of one or more series as an SVG string, for the hover of an inline
// result (shown as a data: URI image in Markdown). Pure: no vscode, no DOM.
// Values that cannot be drawn (NaN, ±Infinity, and ≤ 0 on a log scale) leave a gap.

export interface SparklineSeries {
  values: readonly number[];
  /** CSS colour of the line. */
  color?: string;
  /** Shown as the line's tooltip (<title>). */
  label?: string;
}

export interface SparklineOptions {
  width?: number;
  height?: number;
  /** Logarithmic y axis (gradient norms span many decades). Default false. */
  log?: boolean;
  /** Inner margin in pixels, so strokes at the extremes are not clipped. Default 2. */
  padding?: number;
  strokeWidth?: number;
  /** Fill behind the lines; none when omitted (the hover's own background shows). */
  background?: string;
  /** Default colours of series without their own: the dark or light palette (default dark). */
  palette?: readonly string[];
}

/** Line colours, the same as the panel's charts (src/shared/chart-configs.ts) so a hover's series match the panel's. */
export const SPARKLINE_COLORS = { dark: ['#3794ff', '#f14c4c', '#89d185', '#cca700', '#b180d7', '#d18616'], light: ['#1a85ff', '#e51400', '#388a34', '#bf8803', '#652d90', '#d18616'] };

const xmlEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const round = (v: number) => Math.round(v * 100) / 100;

function checkSize(name: string, value: number): void {
  if (!(Number.isFinite(value) && value > 0)) throw new Error(`sparkline: ${name} must be a positive number, got ${value}.`);
}

/**
 * The SVG of the series, all on one shared y scale (min at the bottom, max at the top) and
 * an x scale from the first to the last index of the longest series.
 */
export function sparklineSvg(series: readonly SparklineSeries[], options: SparklineOptions = {}): string {
  const width = options.width ?? 160;
  const height = options.height ?? 40;
  const padding = options.padding ?? 2;
  const strokeWidth = options.strokeWidth ?? 1.5;
  checkSize('width', width);
  checkSize('height', height);
  if (!(padding >= 0 && 2 * padding < Math.min(width, height))) throw new Error(`sparkline: padding ${padding} leaves no room in ${width}×${height}.`);
  const log = options.log ?? false;
  const drawable = (v: number) => Number.isFinite(v) && (!log || v > 0);
  const toY = (v: number) => (log ? Math.log10(v) : v);

  let lo = Infinity;
  let hi = -Infinity;
  let longest = 0;
  for (const s of series) {
    longest = Math.max(longest, s.values.length);
    for (const v of s.values) {
      if (!drawable(v)) continue;
      lo = Math.min(lo, toY(v));
      hi = Math.max(hi, toY(v));
    }
  }
  const innerW = width - 2 * padding;
  const innerH = height - 2 * padding;
  const x = (i: number) => padding + (longest > 1 ? (i / (longest - 1)) * innerW : innerW / 2);
  // A flat series sits in the middle rather than on an edge.
  const y = (v: number) => (hi > lo ? padding + ((hi - toY(v)) / (hi - lo)) * innerH : padding + innerH / 2);

  const parts: string[] = [];
  if (options.background) parts.push(`<rect width="${width}" height="${height}" fill="${xmlEscape(options.background)}"/>`);
  series.forEach((s, index) => {
    let d = '';
    let penDown = false;
    s.values.forEach((v, i) => {
      if (!drawable(v)) {
        penDown = false;
        return;
      }
      d += `${penDown ? 'L' : 'M'}${round(x(i))} ${round(y(v))}`;
      penDown = true;
    });
    if (!d) return;
    // A lone point (one value, or one between gaps) is drawn as a dot by the round caps of a zero-length segment.
    d = d.replace(/M([\d.]+) ([\d.]+)(?=M|$)/g, 'M$1 $2L$1 $2');
    const palette = options.palette ?? SPARKLINE_COLORS.dark;
    const color = xmlEscape(s.color ?? palette[index % palette.length]);
    const title = s.label ? `<title>${xmlEscape(s.label)}</title>` : '';
    parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="${strokeWidth}" stroke-linejoin="round" stroke-linecap="round">${title}</path>`);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join('')}</svg>`;
}

/** The SVG as a data: URI (base64, so Markdown and HTML need no further escaping). */
export function svgDataUri(svg: string): string {
  return `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`;
}

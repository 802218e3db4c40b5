// Chart.js configurations for the loss and gradient charts, as pure functions of the data
// and the theme colours. No DOM, no chart.js runtime import: the panel feeds these to
// `new Chart(...)`, and the CLI's HTML report reuses them unchanged.
import type { ChartConfiguration, ChartDataset, Point } from 'chart.js';
import type { RunRecord } from './protocol';
import type { ProbeSeries } from './types';

/** The colours a chart needs, read from the theme (`--vscode-charts-*`) or a fixed theme. */
export interface ThemeColors {
  /** Text: ticks, axis titles, legend. */
  foreground: string;
  /** Grid lines and axis borders. */
  grid: string;
  /** Series colours, used in order and cycled. */
  palette: string[];
  /** Optional font family (the panel passes VS Code's `--vscode-font-family`). */
  fontFamily?: string;
}

// VS Code's own default `charts.*` colours, so a report outside VS Code looks the same.
export const LIGHT_THEME_COLORS: ThemeColors = {
  foreground: '#616161',
  grid: 'rgba(97, 97, 97, 0.25)',
  palette: ['#1a85ff', '#e51400', '#388a34', '#bf8803', '#652d90', '#d18616'],
};
export const DARK_THEME_COLORS: ThemeColors = {
  foreground: '#cccccc',
  grid: 'rgba(204, 204, 204, 0.2)',
  palette: ['#3794ff', '#f14c4c', '#89d185', '#cca700', '#b180d7', '#d18616'],
};

/** The `--vscode-charts-*` variables whose values make up the palette, in order. */
export const PALETTE_CSS_VARIABLES = ['--vscode-charts-blue', '--vscode-charts-red', '--vscode-charts-green', '--vscode-charts-yellow', '--vscode-charts-purple', '--vscode-charts-orange'] as const;

/** Colour of the n-th series (0-based), cycling through the palette. */
export function paletteColor(colors: ThemeColors, index: number): string {
  const palette = colors.palette.length > 0 ? colors.palette : DARK_THEME_COLORS.palette;
  return palette[((index % palette.length) + palette.length) % palette.length];
}

/** Dash pattern that tells apart series that share a colour once the palette has cycled. */
function cycleDash(colors: ThemeColors, index: number): number[] {
  const cycle = Math.floor(index / Math.max(1, colors.palette.length));
  return cycle === 0
    ? []
    : [
        [2, 3],
        [8, 3, 2, 3],
        [1, 2],
      ][(cycle - 1) % 3];
}

/** Most points drawn per line; longer series are thinned (a canvas has only so many pixels). */
export const MAX_POINTS_PER_LINE = 1500;

/**
 * Keeps at most `maxPoints` points, evenly spaced by index, always keeping the first and the
 * last (so the line ends where the run is now).
 */
export function thinPoints<T>(points: readonly T[], maxPoints: number = MAX_POINTS_PER_LINE): T[] {
  if (points.length <= maxPoints || maxPoints < 2) return points.slice();
  const out: T[] = [];
  const stride = (points.length - 1) / (maxPoints - 1);
  for (let k = 0; k < maxPoints; k++) out.push(points[Math.round(k * stride)]);
  return out;
}

export type LossXAxis = 'step' | 'time';

export interface LossChartOptions {
  xAxis: LossXAxis;
  colors: ThemeColors;
  maxPointsPerLine?: number;
}

/** Where epoch `epoch` ends on the x axis: the step of its last batch, or seconds since the start. */
function epochEndX(run: RunRecord, epoch: number, xAxis: LossXAxis): number {
  if (xAxis === 'time') {
    // Epoch summaries carry the epoch's duration (training + validation): accumulate them.
    return run.epochs.filter((e) => e.epoch <= epoch).reduce((sum, e) => sum + e.seconds, 0);
  }
  let lastStep: number | undefined;
  let batchesPerEpoch: number | undefined;
  for (const b of run.batches) {
    if (b.epoch === epoch) lastStep = Math.max(lastStep ?? 0, b.step);
    batchesPerEpoch = b.batchesPerEpoch;
  }
  if (lastStep !== undefined) return lastStep;
  const perEpoch = batchesPerEpoch ?? run.config?.maxBatches;
  return perEpoch !== undefined ? epoch * perEpoch : epoch;
}

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** Largest difference, in nats/char, between two runs' losses that still draws them as one line. */
export const COINCIDE_TOLERANCE = 0.002;

function lossesCoincide(a: RunRecord, b: RunRecord): boolean {
  if (a.batches.length === 0 || a.batches.length !== b.batches.length || a.epochs.length !== b.epochs.length) return false;
  const close = (x: number, y: number) => Math.abs(x - y) <= COINCIDE_TOLERANCE;
  return a.batches.every((batch, k) => batch.step === b.batches[k].step && close(batch.loss, b.batches[k].loss)) && a.epochs.every((e, k) => close(e.valLoss, b.epochs[k].valLoss));
}

/**
 * Groups of train runs whose loss curves coincide (the notebook's three LSTMs share their
 * maths and seed, so their lines lie on top of each other): indices into `runs`, groups of
 * two or more, in order.
 */
export function coincidingRuns(runs: readonly RunRecord[]): number[][] {
  const groups: number[][] = [];
  const placed = new Set<number>();
  runs.forEach((run, i) => {
    if (placed.has(i) || run.kind !== 'train') return;
    const group = [i];
    for (let j = i + 1; j < runs.length; j++) if (!placed.has(j) && runs[j].kind === 'train' && lossesCoincide(run, runs[j])) group.push(j);
    if (group.length > 1) {
      group.forEach((k) => placed.add(k));
      groups.push(group);
    }
  });
  return groups;
}

/** A run's name in a note: its title's first part, with the start time its chart label carries where titles repeat ("GateByGateLSTM, trained as NaiveLSTM (02:07)"). */
export function noteRunName(run: RunRecord, label: { started?: string }): string {
  return `${run.title.split(' · ')[0]}${label.started ? ` (${label.started})` : ''}`;
}

/** "3 runs coincide: A, B and C draw one line." per group, for the note under the loss chart. */
export function coincideNote(runs: readonly RunRecord[]): string {
  const labels = chartRunLabels(runs);
  return coincidingRuns(runs)
    .map((group) => {
      const names = group.map((k) => noteRunName(runs[k], labels[k]));
      return `${group.length} runs coincide: ${names.slice(0, -1).join(', ')} and ${names[names.length - 1]} draw one line (shown in alternating dashes of their colours).`;
    })
    .join(' ');
}

/** "22:41": the local hour and minute a run started. */
export function startClock(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  const date = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/**
 * What the charts call each run: its title, and where several runs share that title (one lens
 * cell trained twice) the hour and minute it started, in the bracketed suffix a narrow legend
 * keeps when it shortens a name ("… (02:07)"; its validation points "… (02:07, val)").
 */
export function chartRunLabels(runs: readonly RunRecord[]): { line: string; val: string; started?: string }[] {
  return runs.map((run) => {
    if (runs.filter((r) => r.title === run.title).length < 2) return { line: run.title, val: `${run.title} (val)` };
    const started = startClock(run.startedAt ?? run.createdAt);
    return { line: `${run.title} (${started})`, val: `${run.title} (${started}, val)`, started };
  });
}

/**
 * Training loss per batch (a line per run, labelled with the run's title) and validation
 * loss per epoch (dashed, ◆ points, labelled "title (val)"), named as chartRunLabels says,
 * for every train run given, overlaid, with a legend. The configuration is plain data (no callbacks): it survives
 * JSON.stringify, so a static HTML report can embed it.
 */
export function lossChartConfig(runs: readonly RunRecord[], options: LossChartOptions): ChartConfiguration<'line'> {
  const { xAxis, colors } = options;
  const maxPoints = options.maxPointsPerLine ?? MAX_POINTS_PER_LINE;
  const datasets: ChartDataset<'line'>[] = [];
  const trainRuns = runs.filter((r) => r.kind === 'train');
  const labels = chartRunLabels(trainRuns);
  // Coinciding runs: each drawn in dashes offset from the others', so every colour shows.
  const interleaved = new Map<number, { dash: number[]; offset: number }>();
  for (const group of coincidingRuns(trainRuns)) group.forEach((k, place) => interleaved.set(k, { dash: [6, 6 * (group.length - 1)], offset: 6 * place }));
  let lastX = 0;
  trainRuns.forEach((run, index) => {
    const color = paletteColor(colors, index);
    const dash = interleaved.get(index)?.dash ?? cycleDash(colors, index);
    const trainPoints: Point[] = thinPoints(run.batches, maxPoints).map((b) => ({
      x: xAxis === 'time' ? b.elapsedMs / 1000 : b.step,
      y: finite(b.loss),
    }));
    datasets.push({
      label: labels[index].line,
      data: trainPoints,
      borderColor: color,
      backgroundColor: color,
      borderWidth: 1.5,
      borderDash: dash,
      borderDashOffset: interleaved.get(index)?.offset ?? 0,
      pointRadius: 0,
      pointHitRadius: 4,
      pointStyle: 'line',
      tension: 0,
      spanGaps: false,
    });
    lastX = Math.max(lastX, ...trainPoints.map((p) => p.x ?? 0));
    if (run.epochs.length > 0) {
      const valPoints: Point[] = run.epochs.map((e) => ({ x: epochEndX(run, e.epoch, xAxis), y: finite(e.valLoss) }));
      lastX = Math.max(lastX, ...valPoints.map((p) => p.x ?? 0));
      datasets.push({
        label: labels[index].val,
        data: valPoints,
        borderColor: color,
        backgroundColor: color,
        borderWidth: 1.5,
        borderDash: [6, 4],
        pointRadius: 4,
        pointHoverRadius: 6,
        pointStyle: 'rectRot',
        tension: 0,
      });
    }
  });
  return {
    type: 'line',
    data: { datasets },
    options: {
      ...commonOptions(colors),
      scales: {
        x: lossXAxis(colors, xAxis, lastX),
        y: linearAxis(colors, 'loss (nats/char)'),
      },
    },
  };
}

/** The loss chart's x axis: whole batches (no 1.2), and ending at the last point, not the next round number. */
function lossXAxis(colors: ThemeColors, xAxis: LossXAxis, lastX: number) {
  const base = linearAxis(colors, xAxis === 'time' ? 'wall-clock time (s)' : 'training step (batch)');
  return {
    ...base,
    min: 0,
    ...(lastX > 0 ? { max: lastX } : {}),
    ticks: { ...base.ticks, ...(xAxis === 'step' ? { precision: 0 } : {}), includeBounds: false },
  };
}

/** Relative difference above which "your code"'s gradient norm and the reference's count as apart. */
export const GRADIENT_GAP_TOLERANCE = 1e-3;

/**
 * The note under the gradient chart after a probe of the user's own code: which line is which,
 * what it means when they coincide or part, and which it is here (the first step where a pair
 * parts). Empty for the notebook's probe series.
 */
export function gradientPairNote(series: readonly ProbeSeries[]): string {
  const mine = series.filter((s) => s.origin === 'your-code');
  const references = series.filter((s) => s.origin === 'reference');
  if (mine.length === 0 || references.length === 0) return '';
  const key =
    'Solid: your code; dashed: the reference cell with the same weights (same colour). Lines on top of each other mean your cell carries the gradient back to h₀ as the reference does; a gap means it does not: from that step on, your code changes the gradient’s path (a .detach(), a term missing, a gate computed differently).';
  let firstGap: { step: number; name: string } | undefined;
  mine.forEach((s, k) => {
    const reference = references[k];
    if (!reference) return;
    const t = s.norms.findIndex((norm, i) => {
      const other = reference.norms[i];
      if (other === undefined || !Number.isFinite(norm) || !Number.isFinite(other)) return false;
      return Math.abs(norm - other) > GRADIENT_GAP_TOLERANCE * Math.max(Math.abs(norm), Math.abs(other));
    });
    if (t >= 0 && (!firstGap || t + 1 < firstGap.step)) firstGap = { step: t + 1, name: s.name };
  });
  const here = firstGap ? `Here they part at step ${firstGap.step} (${firstGap.name}).` : 'Here they coincide.';
  return `${key} ${here}`;
}

export interface GradientChartOptions {
  logScale: boolean;
  colors: ThemeColors;
}

/** ‖∂loss_t/∂h0‖₂ against the step t (1-based), one line per probe series. */
export function gradientChartConfig(series: readonly ProbeSeries[], options: GradientChartOptions): ChartConfiguration<'line'> {
  const { logScale, colors } = options;
  // The probe of the user's own code pairs each of their series with the reference cell's from
  // the same weights: a pair shares a colour, theirs drawn bold and solid, the reference dashed.
  const seen = { 'your-code': 0, reference: 0 };
  const datasets: ChartDataset<'line'>[] = series.map((s, index) => {
    const colorIndex = s.origin ? seen[s.origin]++ : index;
    const color = paletteColor(colors, colorIndex);
    const style =
      s.origin === 'your-code'
        ? { borderWidth: 2.5, borderDash: [] }
        : s.origin === 'reference'
          ? { borderWidth: 1.25, borderDash: [5, 3] }
          : { borderWidth: 1.5, borderDash: cycleDash(colors, index) };
    return {
      label: s.name,
      // A value the axis cannot place (NaN, ±∞; 0 or below on a log axis) leaves a gap; undrawnNote says so.
      data: s.norms.map((norm, t) => ({ x: t + 1, y: drawable(norm, logScale) ? norm : null })),
      borderColor: color,
      backgroundColor: color,
      ...style,
      pointRadius: 0,
      pointHitRadius: 4,
      pointStyle: 'line',
      tension: 0,
    };
  });
  // A short title and at most six ticks: in a narrow side bar the legend leaves the plot
  // little height, and a longer title or denser ticks overlap each other.
  const baseY = linearAxis(colors, '‖∂loss_t/∂h₀‖₂');
  const linearY = { ...baseY, ticks: { ...baseY.ticks, maxTicksLimit: 6 } };
  const yAxis = logScale
    ? {
        ...linearY,
        type: 'logarithmic' as const,
        title: { ...linearY.title, text: '‖∂loss_t/∂h₀‖₂ (log)' },
        ...logAxisBounds(series),
        // Norms span many decades: 1e-12, not 0.000000000001 (Intl.NumberFormat options, JSON-safe).
        // The padding keeps the ticks chart.js adds at both ends of the range off their neighbours.
        ticks: { ...linearY.ticks, autoSkipPadding: 10, format: { notation: 'scientific' as const, minimumFractionDigits: 0, maximumFractionDigits: 0 } },
      }
    : linearY;
  return {
    type: 'line',
    data: { datasets },
    options: {
      ...commonOptions(colors),
      scales: { x: linearAxis(colors, 'step t'), y: yAxis },
    },
  };
}

/** Whether a norm can be placed on the axis: finite, and above zero on a log axis. */
function drawable(norm: number | null, logScale: boolean): norm is number {
  return typeof norm === 'number' && Number.isFinite(norm) && (!logScale || norm > 0);
}

/** 10^e as the literal 1e<e> (exact, where 10 ** e is not), kept inside the doubles above zero. */
const decade = (exponent: number): number => Number(`1e${Math.max(-323, Math.min(308, exponent))}`);

/**
 * A log axis's ends: the whole decades around every value it can draw, or nothing when there is
 * none. Given, not left to chart.js: with its ends taken from its own ticks, chart.js 4 rounds a
 * first tick just under a decade (9.999999999999999e-33 for a smallest norm of 2.1e-32) down to
 * 0 on its next layout pass, and from a minimum of 0 no point and no tick has a pixel: the
 * chart of a probe whose norms fall to 1e-32 drew empty axes.
 */
export function logAxisBounds(series: readonly ProbeSeries[]): { min: number; max: number } | Record<string, never> {
  let low = Number.POSITIVE_INFINITY;
  let high = 0;
  for (const s of series)
    for (const norm of s.norms)
      if (drawable(norm, true)) {
        low = Math.min(low, norm);
        high = Math.max(high, norm);
      }
  if (!(high > 0)) return {};
  const lowExponent = Math.floor(Math.log10(low) + 1e-9);
  const highExponent = Math.max(lowExponent + 1, Math.ceil(Math.log10(high) - 1e-9));
  return { min: decade(lowExponent), max: decade(highExponent) };
}

/**
 * Words under the gradient chart for every series with values the axis cannot draw (its line
 * has gaps there): which series, what the value is, the first step and how many steps. Empty
 * when every value is drawn.
 */
export function undrawnNote(series: readonly ProbeSeries[], logScale: boolean): string {
  let zeros = false;
  const parts = series.flatMap((s) => {
    const undrawn = s.norms.map((norm, t) => ({ norm, step: t + 1 })).filter(({ norm }) => !drawable(norm, logScale));
    if (undrawn.length === 0) return [];
    const { norm, step } = undrawn[0];
    zeros ||= undrawn.some((u) => u.norm === 0);
    const what = typeof norm !== 'number' || !Number.isFinite(norm) ? 'is not finite (NaN or ±∞: the gradient overflowed)' : norm === 0 ? 'reaches 0' : `is negative (${norm.toExponential(1)})`;
    return [`${s.name} ${what} at step ${step} (${undrawn.length} of ${s.norms.length} steps)`];
  });
  if (parts.length === 0) return '';
  const where = logScale ? 'on the log scale' : 'on the chart';
  const hint = logScale && zeros ? ' Untick “log scale” to see the zeros.' : '';
  return `Not drawn ${where}, so the line has a gap there: ${parts.join('; ')}.${hint}`;
}

function font(colors: ThemeColors): { family?: string; size: number } {
  return colors.fontFamily ? { family: colors.fontFamily, size: 11 } : { size: 11 };
}

function linearAxis(colors: ThemeColors, title: string) {
  return {
    type: 'linear' as const,
    title: { display: true, text: title, color: colors.foreground, font: font(colors) },
    ticks: { color: colors.foreground, font: font(colors), maxRotation: 0 },
    grid: { color: colors.grid },
    border: { color: colors.grid },
  };
}

function commonOptions(colors: ThemeColors) {
  return {
    // Live progress redraws often: no animation, no re-parsing of point objects.
    animation: false as const,
    responsive: true,
    maintainAspectRatio: false,
    color: colors.foreground,
    interaction: { mode: 'nearest' as const, intersect: false },
    plugins: {
      legend: {
        display: true,
        position: 'bottom' as const,
        // Point styles tell a training line from the validation points (◆) in the legend.
        // Compact entries: several runs' legends share a narrow side bar with the plot.
        labels: { color: colors.foreground, usePointStyle: true, boxHeight: 8, padding: 6, font: font(colors) },
      },
      tooltip: { enabled: true },
    },
  };
}

/**
 * Ticks for a log axis from `min` to `max`: whole powers of ten only, evenly spaced (every
 * k-th decade when more than `maxTicks` decades would crowd the axis). chart.js's own log ticks
 * skip unevenly (1e-1, 1e-6, 1e-11, 1e-19) once the range spans many decades.
 */
export function decadeTicks(min: number, max: number, maxTicks = 6): number[] {
  if (!(min > 0) || !(max >= min) || !Number.isFinite(max)) return [];
  const low = Math.ceil(Math.log10(min) - 1e-9);
  const high = Math.floor(Math.log10(max) + 1e-9);
  if (high < low) return [];
  const every = Math.max(1, Math.ceil((high - low + 1) / maxTicks));
  // Multiples of `every`, so the ticks stay put as the range grows.
  const first = Math.ceil(low / every) * every;
  const ticks: number[] = [];
  for (let e = first; e <= high; e += every) ticks.push(Number(`1e${e}`));
  return ticks;
}

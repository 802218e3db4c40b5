// The inspection views' logic that needs no DOM: saturation records, heat colours, unit
// ranking on a pattern, hover text, the saturation chart configuration and the CSV files.
// Pure functions of plain data (src/shared/inspect-types.ts), so tests run them anywhere.
import type { ChartConfiguration, ChartDataset } from 'chart.js';
import type { ActivationCapture, CapturedGate, GradientFlow, SampleWithProbabilities, SaturationReport, TrainedProbeResult, UnitScore } from '../src/shared/inspect-types';
import type { RunRecord } from '../src/shared/protocol';
import { CELL_FAMILIES, GATE_LABELS, GATE_NAMES, GATE_RANGE, type GateName } from '../src/shared/catalog';
import { paletteColor, type ThemeColors } from '../src/shared/chart-configs';

/** "forget gate f": each gate's label and letter. */
export const GATE_TITLES = Object.fromEntries(GATE_NAMES.map((gate) => [gate, `${GATE_LABELS[gate]} ${gate}`])) as Record<CapturedGate, string>;

// ───────────── saturation ─────────────

/** Adds a report to its run's record (a run the panel has not seen yet is left alone); repeated or stale reports are ignored. */
export function applySaturation(runs: RunRecord[], runId: string, report: SaturationReport): RunRecord[] {
  const index = runs.findIndex((r) => r.id === runId);
  if (index < 0) return runs;
  const run = runs[index];
  const existing = run.saturation ?? [];
  if (existing.some((r) => r.scope === report.scope && r.step >= report.step)) return runs;
  const copy = runs.slice();
  copy[index] = { ...run, saturation: [...existing, report] };
  return copy;
}

/** One saturation chart per LSTM sigmoid gate (i, f, o); other families' reports are in the CSV export. */
/** Every family's sigmoid gates, in family order (LSTM i, f, o; GRU r, z): one chart each, shown while a run has that gate. */
export const SATURATION_GATES: readonly GateName[] = [...new Set(Object.values(CELL_FAMILIES).flatMap((family): readonly GateName[] => family.sigmoidGates))];
export type SaturationGate = GateName;

/** A chart axis in the theme's colours: its title, ticks, grid and border. */
function axisStyle(title: string, colors: ThemeColors) {
  return {
    title: { display: true, text: title, color: colors.foreground, font: { size: 11 } },
    ticks: { color: colors.foreground, font: { size: 11 }, maxRotation: 0 },
    grid: { color: colors.grid },
    border: { color: colors.grid },
  };
}

/** Whether a run measured `gate` (a SimpleRNN has no gates; an LSTM without forget gate no f). */
export function hasSaturationOf(run: RunRecord, gate: SaturationGate): boolean {
  return run.kind === 'train' && (run.saturation ?? []).some((r) => r.gates.some((g) => g.gate === gate));
}

/** The dash of a gate's closed-share line (and of its key in the panel's legend). */
export const SATURATION_CLOSED_DASH = [5, 3];

export interface SaturationChartOptions {
  /** A legend of one entry per run (the exported image); the panel shows one legend for all gates instead. */
  legend: boolean;
}

/**
 * One chart per sigmoid gate: for each run that has the gate, the fraction of its activations
 * above 0.9 (open: solid line) and below 0.1 (closed: dashed line) against the training step;
 * epoch reports (on validation text) as dots on those lines. A run keeps the colour of its
 * place in `runs` (the loss chart's), so one legend of run colours serves every gate's chart.
 */
export function saturationChartConfig(runs: readonly RunRecord[], gate: SaturationGate, colors: ThemeColors, options: SaturationChartOptions = { legend: true }): ChartConfiguration<'line'> {
  const datasets: ChartDataset<'line'>[] = [];
  const legendEntries = new Set<number>();
  runs.forEach((run, index) => {
    if (!hasSaturationOf(run, gate)) return;
    const color = paletteColor(colors, index);
    const reports = (run.saturation ?? []).filter((r) => r.gates.some((g) => g.gate === gate));
    const valueOf = (r: SaturationReport, side: 'low' | 'high') => r.gates.find((g) => g.gate === gate)![side];
    for (const side of ['high', 'low'] as const) {
      const batches = reports.filter((r) => r.scope === 'batch');
      const what = side === 'high' ? 'open (> 0.9)' : 'closed (< 0.1)';
      if (side === 'high') legendEntries.add(datasets.length);
      datasets.push({
        label: side === 'high' && options.legend ? run.title : `${run.title}: ${what}`,
        data: batches.map((r) => ({ x: r.step, y: valueOf(r, side) })),
        borderColor: color,
        backgroundColor: color,
        borderWidth: 1.5,
        borderDash: side === 'low' ? SATURATION_CLOSED_DASH : [],
        pointRadius: 0,
        pointHoverRadius: 3,
        tension: 0,
        // A share of 0 lies on the x axis: draw the whole line, not the half above it.
        clip: 6,
      });
      const epochs = reports.filter((r) => r.scope === 'epoch');
      if (epochs.length > 0) {
        datasets.push({
          label: `${run.title}: ${what} on validation text`,
          data: epochs.map((r) => ({ x: r.step, y: valueOf(r, side) })),
          borderColor: color,
          backgroundColor: color,
          showLine: false,
          pointRadius: 4,
          clip: 8,
        });
      }
    }
  });
  const axis = (title: string) => ({ type: 'linear' as const, ...axisStyle(title, colors) });
  // The x axis ends at the last report, not at the next round number.
  const lastStep = Math.max(0, ...runs.flatMap((run) => (hasSaturationOf(run, gate) ? (run.saturation ?? []).map((r) => r.step) : [])));
  return {
    type: 'line',
    data: { datasets },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      color: colors.foreground,
      interaction: { mode: 'nearest', intersect: false },
      layout: { padding: { top: 4 } },
      plugins: {
        title: { display: true, text: GATE_TITLES[gate], color: colors.foreground, font: { size: 12, weight: 'bold' }, padding: { top: 2, bottom: 4 } },
        // One entry per run (its colour); the line styles are explained once beside the charts.
        legend: {
          display: options.legend,
          position: 'bottom',
          labels: { color: colors.foreground, boxWidth: 10, boxHeight: 10, font: { size: 10 }, filter: (item) => legendEntries.has(item.datasetIndex ?? -1) },
        },
        tooltip: { enabled: true },
      },
      scales: {
        x: { ...axis('training step (batch)'), min: 0, ...(lastStep > 0 ? { max: lastStep } : {}), ticks: { ...axisStyle('', colors).ticks, precision: 0, includeBounds: false } },
        y: { ...axis('share of activations'), min: 0, max: 1, ticks: { ...axisStyle('', colors).ticks, stepSize: 0.5 } },
      },
    },
  };
}

// ───────────── heat colours ─────────────

/** How a gate's values map to colour: sigmoid gates on [0, 1]; tanh ones (g, n, h) on [−1, 1]; c on ±its largest magnitude. */
export interface HeatScale {
  min: number;
  max: number;
  /** Diverging (negative one colour, positive another) or sequential (0 → max). */
  diverging: boolean;
}

export function gateScale(gate: CapturedGate, values: readonly number[]): HeatScale {
  if (GATE_RANGE[gate] === 'sigmoid') return { min: 0, max: 1, diverging: false };
  if (GATE_RANGE[gate] === 'tanh') return { min: -1, max: 1, diverging: true };
  let largest = 0;
  for (const v of values) if (Number.isFinite(v)) largest = Math.max(largest, Math.abs(v));
  const bound = largest > 0 ? largest : 1;
  return { min: -bound, max: bound, diverging: true };
}

/** Parses #rgb, #rrggbb(aa) or rgb()/rgba() into [r, g, b]; undefined for anything else. */
export function parseColor(color: string): [number, number, number] | undefined {
  const text = color.trim();
  let m = /^#([0-9a-f]{3})$/i.exec(text);
  if (m) return [0, 1, 2].map((k) => parseInt(m![1][k] + m![1][k], 16)) as [number, number, number];
  m = /^#([0-9a-f]{6})([0-9a-f]{2})?$/i.exec(text);
  if (m) return [0, 2, 4].map((k) => parseInt(m![1].slice(k, k + 2), 16)) as [number, number, number];
  m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/i.exec(text);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])].map((v) => Math.round(Math.min(255, v))) as [number, number, number];
  return undefined;
}

/** Strength of a value on its scale: 0 … 1 (sequential), −1 … 1 (diverging); NaN stays NaN. */
export function heatLevel(value: number, scale: HeatScale): number {
  if (!Number.isFinite(value)) return Number.NaN;
  if (scale.diverging) {
    const bound = Math.max(Math.abs(scale.min), Math.abs(scale.max)) || 1;
    return Math.max(-1, Math.min(1, value / bound));
  }
  const span = scale.max - scale.min || 1;
  return Math.max(0, Math.min(1, (value - scale.min) / span));
}

export interface HeatColors {
  /** Colour of positive (or high) values: the theme's charts.blue. */
  positive: string;
  /** Colour of negative values: the theme's charts.red. */
  negative: string;
}

/** The alpha of an rgba() colour (1 for any other form parseColor reads). */
function alphaOf(color: string): number {
  const m = /^rgba\(\s*[\d.]+[\s,]+[\d.]+[\s,]+[\d.]+[\s,/]+([\d.]+)\s*\)$/i.exec(color.trim());
  return m ? Math.max(0, Math.min(1, Number(m[1]))) : 1;
}

/** WCAG relative luminance of an sRGB colour. */
function luminance(rgb: readonly number[]): number {
  const linear = rgb.map((v) => v / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2];
}

/** WCAG contrast ratio of two opaque colours, 1 … 21. */
export function contrastRatio(a: readonly number[], b: readonly number[]): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** The opaque colour a (possibly translucent) `fill` shows over an opaque `background`. */
export function composite(fill: string, background: string): [number, number, number] {
  const under = parseColor(background) ?? [0, 0, 0];
  const top = parseColor(fill);
  if (!top || fill.trim() === 'transparent') return under;
  const alpha = alphaOf(fill);
  return [0, 1, 2].map((k) => top[k] * alpha + under[k] * (1 - alpha)) as [number, number, number];
}

/**
 * Text colour for a character on a heat colour: `preferred` (the theme's foreground) where it
 * keeps a WCAG contrast of 4.5 with the colour as it shows over the page, else black or white,
 * whichever contrasts more. The theme's foreground and background alone fall to 3.3 on
 * mid-strength blue and red in VS Code's Dark and Light Modern; black or white stays at 4.5 or
 * more on every level there.
 */
export function textColorOn(fill: string, background: string, preferred?: string): string {
  const shown = composite(fill, background);
  const own = preferred ? parseColor(preferred) : undefined;
  // 4.6, not 4.5: the page rounds the translucent colour to 8 bits per channel.
  if (own && contrastRatio(shown, own) >= 4.6) return preferred!;
  return contrastRatio(shown, [0, 0, 0]) >= contrastRatio(shown, [255, 255, 255]) ? '#000000' : '#ffffff';
}

/** The cell's background: the positive or negative colour with opacity |level|; transparent for a non-finite value. */
export function heatColor(value: number, scale: HeatScale, colors: HeatColors): string {
  const level = heatLevel(value, scale);
  if (Number.isNaN(level)) return 'transparent';
  const rgb = parseColor(level >= 0 ? colors.positive : colors.negative) ?? (level >= 0 ? [55, 148, 255] : [241, 76, 76]);
  return `rgba(${rgb[0]}, ${rgb[1]}, ${rgb[2]}, ${Math.abs(level).toFixed(3)})`;
}

// ───────────── units most active on a pattern ─────────────

/** Character positions (code points) covered by the matches of a regular expression over the text (as the engine's positionsMatching). */
export function positionsOfPattern(chars: readonly string[], pattern: string): number[] {
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, 'gu');
  } catch (error) {
    throw new Error(`"${pattern}" is not a valid regular expression (${(error as Error).message}); escape special characters such as . ( [ with a backslash.`);
  }
  const charAt: number[] = [];
  chars.forEach((character, index) => {
    for (let k = 0; k < character.length; k++) charAt.push(index);
  });
  const selected = new Set<number>();
  for (const match of chars.join('').matchAll(regex)) {
    const start = match.index ?? 0;
    for (let unit = start; unit < start + match[0].length; unit++) selected.add(charAt[unit]);
  }
  return [...selected].sort((a, b) => a - b);
}

/** The units whose `gate` is highest on the positions relative to elsewhere (mean on − mean off), best first. */
export function rankUnits(capture: ActivationCapture, positions: readonly number[], gate: CapturedGate, limit = 10): UnitScore[] {
  const values = capture.gates[gate];
  if (!values) throw new Error(`this ${capture.cell} capture has no "${gate}"; choose one of ${capture.gateNames.join(', ')}.`);
  const steps = capture.chars.length;
  const on = new Set(positions.filter((p) => Number.isInteger(p) && p >= 0 && p < steps));
  if (on.size === 0) throw new Error('the pattern matches no character of the text; type a pattern that occurs in it, or select characters in the strip.');
  if (on.size === steps) throw new Error('the pattern matches every character, so there is nothing to compare it with; choose a narrower pattern.');
  const sumOn = new Float64Array(capture.hiddenSize);
  const sumOff = new Float64Array(capture.hiddenSize);
  for (let t = 0; t < steps; t++) {
    const target = on.has(t) ? sumOn : sumOff;
    const row = values[t];
    for (let unit = 0; unit < capture.hiddenSize; unit++) target[unit] += row[unit];
  }
  const scores: UnitScore[] = [];
  for (let unit = 0; unit < capture.hiddenSize; unit++) {
    const meanOn = sumOn[unit] / on.size;
    const meanOff = sumOff[unit] / (steps - on.size);
    scores.push({ unit, score: meanOn - meanOff, meanOn, meanOff });
  }
  scores.sort((a, b) => b.score - a.score || a.unit - b.unit);
  return scores.slice(0, limit);
}

/** The unit whose `gate` varies most over the text (largest variance; the lowest such unit on a tie): the strip worth opening on, where a unit stuck near ±1 would show one solid colour. */
export function mostVaryingUnit(capture: ActivationCapture, gate: CapturedGate): number {
  const values = capture.gates[gate];
  const steps = capture.chars.length;
  if (!values || steps === 0) return 0;
  let best = 0;
  let bestVariance = -1;
  for (let unit = 0; unit < capture.hiddenSize; unit++) {
    let sum = 0;
    let sumSq = 0;
    for (let t = 0; t < steps; t++) {
      const v = values[t][unit];
      sum += v;
      sumSq += v * v;
    }
    const variance = sumSq / steps - (sum / steps) ** 2;
    if (variance > bestVariance + 1e-12) [best, bestVariance] = [unit, variance];
  }
  return best;
}

// ───────────── hover text ─────────────

/** Shows a character so that spaces and line breaks are visible. */
export function visibleChar(character: string): string {
  if (character === ' ') return '␣';
  if (character === '\n') return '↵';
  if (character === '\t') return '⇥';
  return character;
}

const fmt = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : String(v));

/** Every gate's value of one unit at one position, e.g. "'e' (position 3), unit 7: i 0.912 · f 0.334 · …". */
export function gateTooltip(capture: ActivationCapture, position: number, unit: number): string {
  const character = capture.chars[position] ?? '';
  const values = capture.gateNames.map((name) => `${name} ${fmt(capture.gates[name]?.[position]?.[unit] ?? Number.NaN)}`);
  const unknown = capture.ids[position] === 1 ? ' (not in the training vocabulary)' : '';
  return `'${visibleChar(character)}' (position ${position})${unknown}, unit ${unit}: ${values.join(' · ')}`;
}

/** A sampled character's hover text: its probability, the probability it was drawn with, and the model's top choices. */
export function sampleTooltip(sample: SampleWithProbabilities, index: number): string {
  const step = sample.steps[index];
  if (!step) return '';
  const top = step.top.map((c) => `'${visibleChar(c.char)}' ${c.p.toFixed(3)}`).join(', ');
  return `'${visibleChar(step.char)}': p = ${step.probability.toFixed(3)} (drawn with ${step.samplingProbability.toFixed(3)} at temperature ${sample.temperature}) · most likely: ${top}`;
}

// ───────────── gradient-flow heatmap ─────────────

/** log10 range of the finite positive norms on or below the diagonal (s ≤ t); undefined when there are none. */
export function flowLogRange(flow: GradientFlow): { min: number; max: number } | undefined {
  let min = Infinity;
  let max = -Infinity;
  flow.norms.forEach((row, t) => {
    for (let s = 0; s <= t && s < row.length; s++) {
      const v = row[s];
      if (Number.isFinite(v) && v > 0) {
        const l = Math.log10(v);
        if (l < min) min = l;
        if (l > max) max = l;
      }
    }
  });
  return min <= max ? { min, max: max === min ? min + 1 : max } : undefined;
}

/** Opacity of a heatmap cell, 0 … 1 on a log scale between the smallest and largest norm; 0 above the diagonal or for 0. */
export function flowLevel(flow: GradientFlow, t: number, s: number, range = flowLogRange(flow)): number {
  if (!range || s > t) return 0;
  const v = flow.norms[t]?.[s];
  if (v === undefined || !Number.isFinite(v) || v <= 0) return 0;
  return Math.max(0.04, Math.min(1, (Math.log10(v) - range.min) / (range.max - range.min)));
}

// ───────────── CSV ─────────────

function csvField(value: unknown): string {
  const text = String(value ?? '');
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
function csv(header: string[], rows: unknown[][]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\n') + '\n';
}

/** Every gate of every unit at every position: position, char, gate, unit_0 … unit_{H−1}. */
export function captureCsv(capture: ActivationCapture): string {
  const units = Array.from({ length: capture.hiddenSize }, (_, u) => `unit_${u}`);
  const rows: unknown[][] = [];
  capture.chars.forEach((character, t) => {
    for (const gate of capture.gateNames) rows.push([t, character, gate, ...(capture.gates[gate]?.[t] ?? [])]);
  });
  return csv(['position', 'char', 'gate', ...units], rows);
}

/** norms[t][s] for s ≤ t, long format: t, s, input char, target char, norm. */
export function gradientFlowCsv(flow: GradientFlow): string {
  const rows: unknown[][] = [];
  flow.norms.forEach((row, t) => {
    for (let s = 0; s <= t; s++) rows.push([t, s, flow.chars[s], flow.targets[t], row[s]]);
  });
  return csv(['t', 's', 'input_char_s', 'target_char_t', 'norm'], rows);
}

export function trainedProbeCsv(probe: TrainedProbeResult): string {
  const steps = Math.max(probe.trained.norms.length, probe.fresh.norms.length);
  return csv(
    ['step', 'trained', 'fresh'],
    Array.from({ length: steps }, (_, t) => [t + 1, probe.trained.norms[t] ?? '', probe.fresh.norms[t] ?? '']),
  );
}

export function sampleCsv(sample: SampleWithProbabilities): string {
  return csv(
    ['index', 'char', 'probability', 'sampling_probability', 'top'],
    sample.steps.map((s, k) => [k, s.char, s.probability, s.samplingProbability, s.top.map((c) => `${c.char}:${c.p.toFixed(4)}`).join(' ')]),
  );
}

export function saturationCsv(run: RunRecord): string {
  const rows: unknown[][] = [];
  for (const r of run.saturation ?? []) for (const g of r.gates) rows.push([r.scope, r.epoch, r.batch, r.step, r.count, g.gate, g.low, g.high]);
  return csv(['scope', 'epoch', 'batch', 'step', 'count', 'gate', 'fraction_below_0.1', 'fraction_above_0.9'], rows);
}

/** Mean ‖∂loss_t/∂x_{t−d}‖ over t against the distance d (how far back predictions look), log scale. */
export function flowDistanceChartConfig(flow: GradientFlow, colors: ThemeColors): ChartConfiguration<'line'> {
  const color = paletteColor(colors, 0);
  return {
    type: 'line',
    data: {
      datasets: [
        {
          label: 'mean over t of ‖∂loss_t/∂x_(t−d)‖',
          data: flow.byDistance.map((v, d) => ({ x: d, y: Number.isFinite(v) && v > 0 ? v : null })),
          borderColor: color,
          backgroundColor: color,
          borderWidth: 1.5,
          pointRadius: 0,
          pointHitRadius: 4,
          tension: 0,
        },
      ],
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      color: colors.foreground,
      interaction: { mode: 'nearest', intersect: false },
      plugins: { legend: { display: true, position: 'bottom', labels: { color: colors.foreground, font: { size: 11 } } }, tooltip: { enabled: true } },
      scales: {
        x: { type: 'linear', ...axisStyle('distance d = t − s (characters back)', colors) },
        y: {
          type: 'logarithmic',
          ...axisStyle('gradient norm (log scale)', colors),
          ticks: { color: colors.foreground, font: { size: 11 }, format: { notation: 'scientific', minimumFractionDigits: 0, maximumFractionDigits: 0 } },
        },
      },
    },
  };
}

// What a CodeLens on detected code runs and says, and how results are summarised in one
// line: pure functions (no vscode), so unit tests check them directly.
import type { DetectedCell, GateName } from '../../detect';
import { CELL_CATALOG, hasForgetGate, kindForCode, shownEquations } from '../../shared/catalog';
import type { CellKind, EquationLine, ProbeSeries, ProbeSeriesSpec } from '../../shared/types';
import type { RunRecord } from '../../shared/protocol';

/** Which equations the panel shows for a cell: the engine's kinds plus the 1997 LSTM. */
export type EquationsCell = CellKind | 'lstm-no-forget';

export interface CellPlan {
  /** The engine cell that runs it: the catalog's kind of its family and weight layout. */
  engineCell: CellKind;
  /** Forget gate: always on, off (the 1997 LSTM), or switched by a flag in the code. */
  forgetGate: 'on' | 'off' | 'optional';
  /** e.g. "LSTM, per-gate weights". */
  description: string;
  equations: { cell: EquationsCell; title: string; lines: EquationLine[] };
}

const LAYOUT_WORDS = { 'per-gate': 'per-gate weights', fused: 'fused weights' } as const;

export function planForCell(cell: DetectedCell): CellPlan {
  const lstmKind = kindForCode('lstm', cell.layout)!;
  const layout = LAYOUT_WORDS[cell.layout];
  const equationsFor = (kind: CellKind, forgetGate: boolean, title: string) => ({ ...shownEquations(kind, forgetGate), title: `${cell.name} — ${title}` });
  switch (cell.kind) {
    case 'lstm':
    case 'unknown': {
      const forgetGate = cell.optionalForgetGate ? 'optional' : 'on';
      const what = cell.kind === 'unknown' ? 'recurrent cell run as an LSTM' : cell.peephole ? 'LSTM with peepholes (run without them)' : 'LSTM';
      const description = `${what}, ${layout}${forgetGate === 'optional' ? ', optional forget gate' : ''}`;
      return { engineCell: lstmKind, forgetGate, description, equations: equationsFor(lstmKind, true, description) };
    }
    case 'lstm-no-forget': {
      const description = `LSTM without forget gate, ${layout}`;
      return { engineCell: lstmKind, forgetGate: 'off', description, equations: equationsFor(lstmKind, false, description) };
    }
    case 'rnn': {
      const rnnKind = kindForCode('rnn', cell.layout)!;
      return { engineCell: rnnKind, forgetGate: 'off', description: 'simple RNN', equations: equationsFor(rnnKind, false, 'simple RNN') };
    }
    case 'gru': {
      const gruKind = kindForCode('gru', cell.layout)!;
      const description = `GRU, ${layout}`;
      return { engineCell: gruKind, forgetGate: 'off', description, equations: equationsFor(gruKind, false, description) };
    }
  }
}

/** The CodeLens titles, saying what will run: the user's code (Python), else LSTM Lab's built-in cell in its place. */
export function lensTitles(cell: DetectedCell, yourCode = false): { probe: string; train: string; equations: string } {
  const plan = planForCell(cell);
  return {
    probe: yourCode ? `$(pulse) Probe & check your code — ${plan.description}` : `$(pulse) Probe gradient (built-in ${builtInName(plan)} stand-in) — ${plan.description}`,
    train: '$(play) Train',
    equations: '$(symbol-numeric) Equations',
  };
}

/** LSTM Lab's own cell that runs in place of the user's code: "NaiveLSTM". */
export function builtInName(plan: CellPlan): string {
  return CELL_CATALOG[plan.engineCell].shortName;
}

/** What a run of the built-in cell instead of the user's code is called wherever it shows: "built-in stand-in for lstmStep". */
export function standInName(cellName: string): string {
  return `built-in stand-in for ${cellName}`;
}

/** The name of a training run started from a cell's Train lens: "GateByGateLSTM, trained as NaiveLSTM". */
export function trainedAsName(cellName: string, plan: CellPlan): string {
  return `${cellName}, trained as ${builtInName(plan)}`;
}

/** The equations header while it trains: "GateByGateLSTM — trained as LSTM Lab's NaiveLSTM (same equations, PyTorch-free)". */
export function trainedAsTitle(cellName: string, engineCell: CellKind): string {
  return `${cellName} — trained as LSTM Lab's ${CELL_CATALOG[engineCell].shortName} (same equations, PyTorch-free)`;
}

/** Says once what the built-in cell is (the catalog's title): "NaiveLSTM is LSTM Lab's naive LSTM: four gates, own weights, run in TF.js". */
export function builtInExplained(plan: CellPlan): string {
  return `${builtInName(plan)} is LSTM Lab's ${builtInWhat(plan)}, run in TF.js`;
}

/** What the built-in cell is, from the catalog's title: "naive LSTM: four gates, own weights". */
function builtInWhat(plan: CellPlan): string {
  const title = CELL_CATALOG[plan.engineCell].title;
  return /\((.*)\)$/.exec(title)?.[1] ?? title;
}

/** About as many characters as a quick pick's input box shows (at VS Code's default width) before it cuts its placeholder. */
export const QUICK_INPUT_VISIBLE_CHARS = 72;

/** About as many characters as a quick pick's title holds on one line (600 px, VS Code's widest quick input). */
export const QUICK_INPUT_TITLE_CHARS = 80;

/**
 * The Train lens's preset pick: a one-line title that says what is chosen (the preset, for this
 * cell), and a placeholder that says what runs instead of the user's code (the built-in cell,
 * which the lens's hover explains in full). The corpus leaves the title first when a long
 * cell name would wrap it.
 */
export function trainPresetPrompt(cellName: string, plan: CellPlan): { title: string; placeHolder: string } {
  const onBrown = `LSTM Lab: train ${cellName} on the Brown corpus — which preset?`;
  return {
    title: onBrown.length <= QUICK_INPUT_TITLE_CHARS ? onBrown : `LSTM Lab: train ${cellName} — which preset?`,
    placeHolder: `Runs as ${builtInName(plan)} (${builtInWhat(plan)}) in TF.js`,
  };
}

/** The forget-bias input box's title, on one line: what it asks, and (training) that the preset comes next; the prompt says the rest. */
export function forgetBiasTitle(cellName: string, many: boolean): string {
  return many ? `LSTM Lab: probe ${cellName} — which forget-gate biases b_f?` : `LSTM Lab: train ${cellName} — forget bias b_f first, then the preset`;
}

/** A forget-bias literal the code sets: its value, and where when the detector knows (a parameter default has no line). */
export interface CodeForgetBias {
  value: number;
  line?: number;
  text?: string;
}

/**
 * The forget-bias input box: a prompt that says where its prefilled value comes from — the
 * code's own literal (kept unless the user changes it), values set elsewhere in the file, or
 * the notebook's defaults — so the prompt never contradicts the code.
 */
export function forgetBiasPrompt(options: { many: boolean; code?: CodeForgetBias; elsewhere: readonly number[] }): { prompt: string; value: string } {
  const { many, code, elsewhere } = options;
  const what = many ? 'One probe series per value, separated by commas.' : 'Every element of b_f starts there: +1 makes the cell start out remembering, −1 forgetting.';
  if (code) {
    const where = code.line !== undefined ? ` (line ${code.line}${code.text ? `: ${code.text}` : ''})` : '';
    return { prompt: `The code sets b_f to ${code.value}${where}; the run uses that unless you change it. ${what}`, value: String(code.value) };
  }
  if (elsewhere.length) {
    const values = many ? elsewhere : elsewhere.slice(0, 1);
    return { prompt: `The code sets no forget bias b_f; prefilled with what this file sets elsewhere (${elsewhere.join(', ')}). ${what}`, value: values.join(', ') };
  }
  return many
    ? { prompt: `The code sets no forget bias b_f; prefilled with the notebook's three (1, 0, -1). ${what}`, value: '1, 0, -1' }
    : { prompt: `The code sets no forget bias b_f; prefilled with 0, where the notebook starts. ${what}`, value: '0' };
}

export function seriesName(cell: CellKind, forgetGate: boolean, forgetBias: number): string {
  if (!hasForgetGate(cell)) return CELL_CATALOG[cell].shortName;
  if (!forgetGate) return 'no forget gate';
  return `b_f ${forgetBias > 0 ? '+' : forgetBias < 0 ? '−' : ''}${Math.abs(forgetBias)}`;
}

/**
 * The probe's series for a cell: one per forget-bias value, plus one without the forget
 * gate when the code's flag can switch it off (or only that one for the 1997 LSTM).
 */
export function probeSeriesFor(plan: CellPlan, forgetBiases: readonly number[], forgetGate: 'on' | 'off' | 'both'): ProbeSeriesSpec[] {
  const cell = plan.engineCell;
  if (!hasForgetGate(cell)) return [{ name: seriesName(cell, false, 0), cell, forgetGate: false, forgetBias: 0 }];
  if (forgetBiases.length === 0 && forgetGate !== 'off') throw new Error('give at least one forget-bias value.');
  const out: ProbeSeriesSpec[] = [];
  if (forgetGate !== 'off') for (const b of forgetBiases) out.push({ name: seriesName(cell, true, b), cell, forgetGate: true, forgetBias: b });
  if (forgetGate !== 'on') out.push({ name: seriesName(cell, false, 0), cell, forgetGate: false, forgetBias: 0 });
  return out;
}

/** 28.9, 0.125, 2.9e-6, 1.2e+5 → "1.2e5": three significant digits, or one decimal of an exponent form. */
export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e-3 && abs < 1e4) return String(Number(value.toPrecision(3)));
  return value.toExponential(1).replace('e+', 'e').replace('.0e', 'e');
}

/** 4m12s, 12.3s, 1h02m. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)}s`;
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(s).padStart(2, '0')}s`;
}

const arrow = (norms: readonly number[]) => `${formatNumber(norms[0])} → ${formatNumber(norms[norms.length - 1])}`;

/** How long an inline summary may get (characters) before the series that do not fit are left to its hover. */
export const INLINE_SUMMARY_CHARS = 72;

/**
 * The columns of a code line that are on screen in a 1400 px window with a 300 px side bar and
 * the minimap (≈ 880 px of 14 px monospace): a summary after a long header line gets only what
 * is left, so it ends on screen.
 */
export const VISIBLE_LINE_CHARS = 100;

/** The summary's gap from the code (the decoration's left margin), in ems of the editor font. */
export const INLINE_MARGIN_EM = 1.5;

/** That gap in characters (a monospace character is about 0.6 em wide). */
const INLINE_MARGIN_CHARS = Math.ceil(INLINE_MARGIN_EM / 0.6);

/** How many characters a summary after `headerLine` may take: what is left on screen, within INLINE_SUMMARY_CHARS. */
export function inlineSummaryBudget(headerLine: string): number {
  const used = headerLine.replace(/\t/g, '    ').trimEnd().length + INLINE_MARGIN_CHARS;
  return Math.min(INLINE_SUMMARY_CHARS, VISIBLE_LINE_CHARS - used);
}

/** What a stand-in probe's summary starts with (the hover and the lens above say "built-in stand-in" in full). */
export const STAND_IN_PREFIX = 'stand-in · ';

/**
 * "gradient to h0: 28.9 → 2.9e-6 over 100 steps": the size of ∂loss_t/∂h0 from the first step
 * to the last. Several series: each one's last value, as many as fit in `maxChars` with the
 * prefix (e.g. "stand-in · "), the others counted ("+2 more", listed in the hover); the first
 * series is always said.
 */
export function probeSummary(series: readonly ProbeSeries[], steps: number, prefix = '', maxChars = INLINE_SUMMARY_CHARS): string {
  const withData = series.filter((s) => s.norms.length > 0);
  if (withData.length === 0) return `${prefix}gradient probe: no series finished`;
  const recorded = Math.max(...withData.map((s) => s.norms.length));
  if (withData.length === 1) return `${prefix}gradient to h0: ${arrow(withData[0].norms)} over ${recorded < steps ? `${recorded} of ${steps} steps` : `${steps} steps`}`;
  const partial = recorded < steps ? ` (${recorded} of ${steps} steps)` : '';
  // Series of one cell start from the same h0 and weights, so usually from the same norm: say it once.
  const firsts = new Set(withData.map((s) => formatNumber(s.norms[0])));
  const shared = firsts.size === 1;
  const parts = withData.map((s) => (shared ? `${formatNumber(s.norms[s.norms.length - 1])} (${s.name})` : `${s.name} ${arrow(s.norms)}`));
  let text = `${prefix}gradient to h0: ${shared ? `${[...firsts][0]} → ` : ''}${parts[0]}`;
  let shown = 1;
  for (; shown < parts.length; shown++) {
    const left = parts.length - shown - 1;
    const next = `${text} · ${parts[shown]}`;
    if (next.length + (left > 0 ? ` · +${left} more`.length : partial.length) > maxChars) break;
    text = next;
  }
  return shown < parts.length ? `${text} · +${parts.length - shown} more${partial}` : text + partial;
}

/** "val loss 2.31 · 1 epoch · 4m12s", or what happened when it did not finish. */
export function trainSummary(run: Pick<RunRecord, 'status' | 'reason' | 'epochs' | 'batches' | 'startedAt' | 'finishedAt'>): string {
  const last = run.epochs[run.epochs.length - 1];
  const seconds = run.epochs.reduce((sum, e) => sum + e.seconds, 0) || ((run.finishedAt ?? 0) - (run.startedAt ?? 0)) / 1000;
  if (run.status === 'failed') return `training failed: ${run.reason ?? 'unknown reason'}`;
  const parts: string[] = [];
  if (last) parts.push(`val loss ${formatNumber(last.valLoss)}`, `${run.epochs.length} epoch${run.epochs.length === 1 ? '' : 's'}`);
  else if (run.batches.length) parts.push(`train loss ${formatNumber(run.batches[run.batches.length - 1].loss)}`, `${run.batches.length} batches`);
  if (seconds > 0) parts.push(formatDuration(seconds));
  if (run.status !== 'done') parts.push(run.status);
  return parts.length ? parts.join(' · ') : `training ${run.status}`;
}

/** What a gate line is called in its after-text: "forget gate f_t". */
export const GATE_TEXT: Record<GateName, string> = {
  i: 'input gate i_t',
  f: 'forget gate f_t',
  g: 'candidate g_t',
  o: 'output gate o_t',
  c: 'cell state c_t',
  h: 'hidden state h_t',
  r: 'reset gate r_t',
  z: 'update gate z_t',
  n: 'new gate n_t',
};

/** A line that computes several gates (a fused product, a chunk/split): "gates i_t f_t g_t o_t". */
export function gateLineText(gates: readonly GateName[]): string {
  if (gates.length === 1) return GATE_TEXT[gates[0]];
  return `gates ${gates.map((g) => `${g}_t`).join(' ')}`;
}

const SYMBOLS: Record<string, string> = { sigma: 'σ', tanh: 'tanh', odot: '⊙', cdot: '·', left: '', right: '' };

/** The KaTeX source of an equation line as plain Unicode, for hovers: σ, ⊙, xₜ, hₜ₋₁, W_if. */
export function latexToUnicode(latex: string): string {
  let text = latex.replace(/\\([A-Za-z]+)/g, (match, name: string) => (name in SYMBOLS ? SYMBOLS[name] : match));
  // Braced sub/superscripts, innermost first: one token loses its braces, anything else gets parentheses.
  for (let i = 0; i < 4; i++) {
    text = text.replace(/([_^])\{([^{}]*)\}/g, (_m, mark: string, inner: string) => (/^\w+$/.test(inner) || /^\(.*\)$/.test(inner) ? `${mark}${inner}` : `${mark}(${inner})`));
  }
  return text
    .replace(/_\(\[([^\]]*)\]\)/g, '[:, $1]')
    .replace(/_\(t-1\)/g, 'ₜ₋₁')
    .replace(/_t(?!\w)/g, 'ₜ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The line of `equations` for a gate, if the cell's equations have one. */
export function equationForGate(lines: readonly EquationLine[] | undefined, gate: GateName): EquationLine | undefined {
  return lines?.find((l) => l.gate === gate);
}

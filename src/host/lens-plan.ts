// What a CodeLens on detected code runs and says, and how results are summarised in one
// line: pure functions (no vscode), so unit tests check them directly.
import type { DetectedCell, GateName } from '../detect';
import { CELL_CATALOG, hasForgetGate, kindForCode, shownEquations } from '../shared/catalog';
import type { CellKind, EquationLine, ProbeSeries, ProbeSeriesSpec } from '../shared/types';
import type { RunRecord } from '../shared/protocol';

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

/** The CodeLens titles, saying what will run. */
export function lensTitles(cell: DetectedCell, yourCode = false): { probe: string; train: string; equations: string } {
  const plan = planForCell(cell);
  return {
    probe: yourCode ? `$(pulse) Probe & check your code — ${plan.description}` : `$(pulse) Probe gradient — ${plan.description}`,
    train: '$(play) Train',
    equations: '$(symbol-numeric) Equations',
  };
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

/** "∇h0 ‖·‖: 28.9 → 2.9e-6 over 100 steps"; several series: each one's first → last. */
export function probeSummary(series: readonly ProbeSeries[], steps: number): string {
  const withData = series.filter((s) => s.norms.length > 0);
  if (withData.length === 0) return 'gradient probe: no series finished';
  const recorded = Math.max(...withData.map((s) => s.norms.length));
  const over = recorded < steps ? `${recorded} of ${steps} steps` : `${steps} steps`;
  if (withData.length === 1) return `∇h0 ‖·‖: ${arrow(withData[0].norms)} over ${over}`;
  // Series of one cell start from the same h0 and weights, so usually from the same norm: say it once.
  const firsts = new Set(withData.map((s) => formatNumber(s.norms[0])));
  if (firsts.size === 1) {
    return `∇h0 ‖·‖: ${[...firsts][0]} → ${withData.map((s) => `${formatNumber(s.norms[s.norms.length - 1])} (${s.name})`).join(' · ')} over ${over}`;
  }
  return `∇h0 ‖·‖ over ${over}: ${withData.map((s) => `${s.name} ${arrow(s.norms)}`).join(' · ')}`;
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

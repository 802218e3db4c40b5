// What the editor and the panel show for a check of the user's own cell, computed from the
// Python child's result without vscode (unit tests load it): the plan of one cell in a .py
// file or a notebook, the inline verdict, the diagnostics (the departing gate's line, the
// user's traceback frame), and the probe run the panel's gradient chart draws ("your code"
// beside the reference cell from the same weights).
import type { DetectedCell } from '../../detect';
import type { ProbeSeries } from '../../shared/types';
import type { RunRecord } from '../../shared/protocol';
import { planCodeCells, planPythonFile, planTfjsFile, type CellPlan, type CellResult, type PlanOptions, type Unit } from '../../python';
import { kindForCode, type CellKind, type GateName } from '../../shared/catalog';
import { newRunId } from './run-manager';

/** One cell of an open notebook, as the host reads it from the NotebookDocument. */
export interface NotebookCellText {
  code: boolean;
  text: string;
}

/** The plan of the cell `name` starting at `line` of a .py file (the nearest of that name). */
export function planForFileCell(file: string, text: string, name: string, line: number, options: PlanOptions = {}): CellPlan | undefined {
  return nearest(planPythonFile(file, text, options), name, line);
}

/** The plan of the TF.js cell `name` starting at `line` of a .ts/.js file (run by the TF.js worker, not Python). */
export function planForTfjsFileCell(file: string, text: string, language: 'typescript' | 'javascript', name: string, line: number, options: PlanOptions = {}): CellPlan | undefined {
  return nearest(planTfjsFile(file, text, language, options), name, line);
}

/**
 * The plan of the cell `name` in notebook cell `cellIndex` (counting every cell): it may load
 * definitions from its own and the earlier code cells, as when the notebook runs top to bottom.
 */
export function planForNotebookCell(cells: readonly NotebookCellText[], cellIndex: number, name: string, line: number, options: PlanOptions = {}): CellPlan | undefined {
  // Cells keep their index among all cells (markdown included), as `detect` and the units' `<cell N>` names count them.
  const code = cells.slice(0, cellIndex + 1).flatMap((c, index) => (c.code ? [{ cellIndex: index, source: c.text }] : []));
  return nearest(
    planCodeCells(code, options).filter((p) => p.cellIndex === cellIndex),
    name,
    line,
  );
}

function nearest(plans: CellPlan[], name: string, line: number): CellPlan | undefined {
  return plans.filter((p) => p.cell.name === name).sort((a, b) => Math.abs(a.cell.range.start - line) - Math.abs(b.cell.range.start - line))[0];
}

/** A place in the user's code: which unit (the .py file, or a notebook code cell) and its 1-based line. */
export interface CodeLocation {
  unit: number;
  line: number;
}

/**
 * The deepest frame of a Python traceback that lies in one of the user's units (the line that
 * raised, in their code rather than in torch or in the harness); undefined when none does.
 */
export function userFrame(traceback: string, units: readonly Unit[]): CodeLocation | undefined {
  let found: CodeLocation | undefined;
  for (const match of traceback.matchAll(/^\s*File "(.*)", line (\d+)/gm)) {
    const unit = units.findIndex((u) => u.filename === match[1]);
    if (unit >= 0) found = { unit, line: Number(match[2]) };
  }
  return found;
}

export interface CodeDiagnostic extends CodeLocation {
  severity: 'error' | 'warning';
  message: string;
  /** What kind of finding it is (the Problems view shows it). */
  code: 'differs' | 'error' | 'warning';
}

/** The diagnostics of one check: the departing gate's line, the line that raised, the warnings on their lines. */
export function diagnosticsOf(plan: CellPlan, result: CellResult): CodeDiagnostic[] {
  const unit = plan.input.target.unit;
  const out: CodeDiagnostic[] = [];
  const difference = result.firstDifference;
  if (result.verdict === 'differs' && difference) {
    const line = difference.line ?? plan.cell.gates[difference.gate as keyof DetectedCell['gates']]?.[0] ?? plan.cell.range.start;
    out.push({
      unit,
      line,
      severity: 'error',
      code: 'differs',
      message: `${result.message} (LSTM Lab checked ${plan.cell.name} against the reference ${result.reference ?? 'cell'} with the same weights)`,
    });
  }
  if (result.error) {
    const frame = result.error.traceback ? userFrame(result.error.traceback, plan.input.units) : undefined;
    const location = frame ?? (result.error.line !== null ? { unit, line: result.error.line } : { unit, line: plan.cell.range.start });
    out.push({ ...location, severity: 'error', code: 'error', message: `${plan.cell.name} could not be checked: ${result.error.message}` });
  }
  for (const w of result.warnings) out.push({ unit, line: w.line ?? plan.cell.range.start, severity: 'warning', code: 'warning', message: w.message });
  return out;
}

const HOVER_HINT = ' — hover for details';

/**
 * The one line after the cell's header: the verdict and where, short enough to sit beside a class
 * line in a narrow editor. The figures (max difference, the probe's norms, the equation) are in
 * `verdictDetails`, which the hover shows; the diagnostic and the panel carry the full sentence too.
 */
export function verdictSummary(result: CellResult): string {
  switch (result.verdict) {
    case 'matches':
      return `✓ matches the reference ${result.reference ?? 'cell'}${HOVER_HINT}`;
    case 'differs': {
      const difference = result.firstDifference;
      const where = difference ? ` at ${difference.variable}${difference.line !== null ? ` (line ${difference.line})` : ''}` : ` from the reference ${result.reference ?? 'cell'}`;
      return `✗ differs${where}${HOVER_HINT}`;
    }
    case 'unknown':
      return `? not checked: ${result.reason ?? result.message.replace(/^unknown: /, '')}`;
  }
}

/** What the short verdict leaves out, for its hover: the child's full sentence (the equation, or the largest difference) and the probe's first and last norm. */
export function verdictDetails(result: CellResult): string {
  const norms = result.probe && 'norms' in result.probe ? result.probe.norms : undefined;
  if (!norms?.length) return result.message;
  const fmt = (v: number | null | undefined) => (v === null || v === undefined ? 'not finite' : v.toExponential(1));
  return `${result.message} · ‖∂loss/∂h0‖ ${fmt(norms[0])} → ${fmt(norms[norms.length - 1])} over ${norms.length} steps`;
}

/** The gate the panel marks: the first that departs (only for "differs"). */
export function departingGate(result: CellResult): GateName | null {
  return result.verdict === 'differs' && result.firstDifference ? result.firstDifference.gate : null;
}

/** The engine kind a detected cell's series is filed under (the runs table's cell column). */
function seriesKind(cell: DetectedCell): CellKind {
  const family = cell.kind === 'rnn' ? 'rnn' : cell.kind === 'gru' ? 'gru' : 'lstm';
  return kindForCode(family, cell.layout) ?? kindForCode('lstm', cell.layout)!;
}

const finite = (norms: readonly (number | null)[]): number[] => norms.map((n) => (n === null ? Number.NaN : n));

/**
 * The probe of the user's code as a probe run: each of their series ("your code, b_f = +1")
 * followed by the reference cell's series from the same weights. Undefined when the child
 * could not probe (the reason is in the result).
 */
export function userProbeRun(plan: CellPlan, result: CellResult, where: string, now = Date.now()): RunRecord | undefined {
  const probe = result.probe;
  if (!probe || !('series' in probe) || probe.series.length === 0) return undefined;
  const cell = seriesKind(plan.cell);
  const reference = `reference ${result.reference ?? 'cell'}`;
  const series: ProbeSeries[] = probe.series.flatMap((s): ProbeSeries[] => {
    const spec = { cell, forgetGate: s.forgetGate, forgetBias: s.forgetBias ?? 0 };
    const mine: ProbeSeries = { ...spec, name: `${s.name.replace(/^your code/, `your code: ${plan.cell.name}`)}`, norms: finite(s.norms), seconds: s.seconds, origin: 'your-code' };
    // The child leaves `reference` out where the check matched: the reference's norms are the same.
    const theirs: ProbeSeries = { ...spec, name: s.name.replace(/^your code/, reference), norms: finite(s.reference ?? s.norms), seconds: 0, origin: 'reference' };
    return [mine, theirs];
  });
  const steps = probe.steps.length;
  return {
    id: newRunId('probe', now),
    kind: 'probe',
    title: `your code · ${plan.cell.name} (${where}) · ${result.verdict} · ${probe.method}, E=${probe.size.E} H=${probe.size.H} · ${steps} steps`,
    status: 'done',
    createdAt: now,
    startedAt: now,
    finishedAt: now,
    batches: [],
    epochs: [],
    probeSeries: series,
  };
}

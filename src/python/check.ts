// From a file to checked cells: detect the recurrent cells (src/detect), build one request per
// cell (the units it may load definitions from: the whole .py file, or the notebook's code
// cells up to its own), run them through a PythonClient, and shape the reports the CLI prints
// and the host shows. Pure Node, no vscode.
import * as path from 'node:path';
import { detectCells, notebookCodeCells, type DetectedCell } from '../detect';
import type { CheckInput, CheckCallOptions, PythonClient } from './client';
import type { CellResult, Target, Unit } from './protocol';

export const DEFAULT_CHECK_STEPS = 100;
/** The random seed of every check unless one is given: identical runs give identical numbers. */
export const DEFAULT_CHECK_SEED = 0;

export interface CellPlan {
  cell: DetectedCell;
  /** Notebook cell index (counting every cell, as `detect` does); undefined for a .py file. */
  cellIndex?: number;
  input: CheckInput;
}

export interface PlanOptions {
  steps?: number;
  probeSteps?: number;
  probe?: boolean;
  probeSize?: CheckInput['probeSize'];
  seed?: number;
}

function target(cell: DetectedCell, unit: number): Target {
  const gates: Record<string, number[]> = {};
  for (const [g, lines] of Object.entries(cell.gates)) if (lines) gates[g] = lines;
  return { unit, name: cell.name, kind: cell.kind, layout: cell.layout, optionalForgetGate: cell.optionalForgetGate, gates };
}

function input(units: Unit[], cell: DetectedCell, unit: number, options: PlanOptions): CheckInput {
  const steps = options.steps ?? DEFAULT_CHECK_STEPS;
  const out: CheckInput = { units, target: target(cell, unit), steps, probeSteps: options.probeSteps ?? steps, probe: options.probe ?? true, seed: options.seed ?? DEFAULT_CHECK_SEED };
  if (options.probeSize) out.probeSize = options.probeSize;
  return out;
}

/** One plan per cell detected in a Python file (`file` names it in tracebacks). */
export function planPythonFile(file: string, source: string, options: PlanOptions = {}): CellPlan[] {
  const units: Unit[] = [{ code: source, filename: path.resolve(file), cellIndex: null }];
  return detectCells(source, 'python').map((cell) => ({ cell, input: input(units, cell, 0, options) }));
}

/**
 * One plan per cell detected in a TS/JS file: the same request, which the TF.js checker
 * (src/tfjs-cell, in the worker or the CLI) runs instead of the Python child.
 */
export function planTfjsFile(file: string, source: string, language: 'typescript' | 'javascript', options: PlanOptions = {}): CellPlan[] {
  const units: Unit[] = [{ code: source, filename: path.resolve(file), cellIndex: null }];
  return detectCells(source, language).map((cell) => ({ cell, input: input(units, cell, 0, options) }));
}

/** One plan per cell detected in a notebook; each may load from its own and earlier code cells. Throws for a non-Python notebook. */
export function planNotebook(ipynbJson: string, options: PlanOptions = {}): CellPlan[] {
  const { language, cells } = notebookCodeCells(ipynbJson);
  if (language !== 'python') throw new Error(`this notebook's language is ${language}; check runs Python notebooks.`);
  return planCodeCells(cells, options);
}

/**
 * The same from a notebook's code cells in order (the host passes an open NotebookDocument's
 * Python code cells: cellIndex = NotebookCell.index, source = its text).
 */
export function planCodeCells(cells: readonly { cellIndex: number; source: string }[], options: PlanOptions = {}): CellPlan[] {
  const units: Unit[] = cells.map((c) => ({ code: c.source, filename: `<cell ${c.cellIndex}>`, cellIndex: c.cellIndex }));
  const plans: CellPlan[] = [];
  cells.forEach((code, k) => {
    for (const cell of detectCells(code.source, 'python')) plans.push({ cell, cellIndex: code.cellIndex, input: input(units.slice(0, k + 1), cell, k, options) });
  });
  return plans;
}

/** The report of one cell, in the CLI's --json shape (plus message, warnings and the probe's series). */
export interface CellReport {
  cellIndex?: number;
  name: string;
  /** First line of the class or function (in the notebook cell for .ipynb). */
  line: number;
  kind: string;
  ran: boolean;
  error: null | { message: string; line: number | null };
  verdict: 'matches' | 'differs' | 'unknown';
  reference: string | null;
  maxRelDiff: number | null;
  firstDifference: null | { step: number; gate: string; line: number | null };
  probe: null | { steps: number[]; norms: (number | null)[] };
  message: string;
  warnings: { message: string; line: number | null }[];
  /** The full result from the child (series, timings, traceback): for the host. */
  result?: CellResult;
}

export function toReport(plan: Pick<CellPlan, 'cell' | 'cellIndex'>, result: CellResult): CellReport {
  const report: CellReport = {
    name: plan.cell.name,
    line: plan.cell.range.start,
    kind: plan.cell.kind,
    ran: result.ran,
    error: result.error ? { message: result.error.message, line: result.error.line } : null,
    verdict: result.verdict,
    reference: result.reference,
    maxRelDiff: result.maxRelDiff,
    firstDifference: result.firstDifference ? { step: result.firstDifference.step, gate: result.firstDifference.gate, line: result.firstDifference.line } : null,
    probe: result.probe && 'steps' in result.probe ? { steps: result.probe.steps, norms: result.probe.norms } : null,
    message: result.message,
    warnings: result.warnings,
  };
  if (plan.cellIndex !== undefined) return { cellIndex: plan.cellIndex, ...report };
  return report;
}

/** Runs every plan in order on one warm child; onReport sees each as it finishes. */
export async function runPlans(client: PythonClient, plans: CellPlan[], call: CheckCallOptions = {}, onReport?: (r: CellReport, result: CellResult) => void): Promise<CellReport[]> {
  const reports: CellReport[] = [];
  for (const plan of plans) {
    const result = await client.check(plan.input, call);
    const report = toReport(plan, result);
    onReport?.(report, result);
    reports.push(report);
  }
  return reports;
}

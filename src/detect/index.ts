// Recurrent-cell and gate detection in source text (Python, TypeScript/JavaScript, .ipynb).
// Pure: node built-ins only, no vscode; the host builds CodeLens and decorations on top.
//
// A cell is reported per top-level class or function (methods and nested functions are
// analysed and merged into it), plus '<module>' for statements at the top level of a file
// or notebook cell. Forget-bias literals count for a cell only inside its own range; for a
// notebook, assignments in other code cells (the notebook sets lstm.b_f in separate cells)
// are listed by detectNotebookForgetBiases, not attached to any cell.
import { rewriteActivationFunctions } from './activationFunctions';
import { rewriteActivatedLayerCalls } from './activatedLayers';
import { analyseStatements, type UnitAnalysis } from './analyse';
import { exclusiveBranches } from './branchCells';
import { findLayers } from './fileLayers';
import { findForgetBiasAssignments, settledForgetBias } from './forgetBias';
import { addForwardObjects } from './forwardObjects';
import { memberGateModules } from './gateModules';
import { mergeOutputReads } from './outputReads';
import { markCarriedParams } from './carriedParams';
import { inlineMethodCalls } from './inlineMethods';
import { classHelpers, helperCalled, type ClassHelpers } from './helpers';
import { descendants, scan, type ScanUnit, type Stmt } from './scan';
import { rewriteSequenceLayerCalls } from './sequenceLayers';
import { escapeRegExp } from './text';
import type { DetectedCell, DetectLanguage, ForgetBiasAssignment, GateName } from './types';

export type { DetectedCell, DetectedKind, DetectedLayout, DetectLanguage, ForgetBiasAssignment, GateName, LineRange } from './types';

export const LSTM_GATE_ORDER: GateName[] = ['i', 'f', 'g', 'o', 'c', 'h'];
export const GRU_GATE_ORDER: GateName[] = ['r', 'z', 'n', 'h'];
const LANGUAGES: DetectLanguage[] = ['python', 'typescript', 'javascript'];

function allStmts(unit: ScanUnit): Stmt[] {
  return [...unit.stmts, ...descendants(unit).flatMap((u) => u.stmts)];
}

const KIND_RANK: Record<UnitAnalysis['kind'], number> = { lstm: 0, 'lstm-no-forget': 0, gru: 1, rnn: 2, unknown: 3 };

/** Merges the analyses of one class's methods: the strongest kind wins, its gate lines are united. */
function merge(results: UnitAnalysis[]): UnitAnalysis | undefined {
  if (!results.length) return undefined;
  const best = Math.min(...results.map((r) => KIND_RANK[r.kind]));
  const chosen = results.filter((r) => KIND_RANK[r.kind] === best);
  const gates = new Map<GateName, Set<number>>();
  for (const r of chosen) for (const [g, lines] of r.gates) gates.set(g, new Set([...(gates.get(g) ?? []), ...lines]));
  const kind = chosen.some((r) => r.kind === 'lstm') ? 'lstm' : chosen[0].kind;
  return { kind, gates, optionalForgetGate: chosen.some((r) => r.optionalForgetGate), peephole: chosen.some((r) => r.peephole) };
}

/** Weight shapes such as `4 * hidden`, `hidden_size * 4`, `4*H` (3 for a GRU). */
function fusedWeightShape(stmts: Stmt[], kind: UnitAnalysis['kind']): boolean {
  const k = kind === 'gru' ? 3 : 4;
  const re = new RegExp(`(?:^|[^\\w.])${k}\\s*\\*\\s*[A-Za-z_$][\\w$.]*|[A-Za-z_$][\\w$.]*\\s*\\*\\s*${k}(?![\\w.])`);
  return stmts.some((s) => re.test(s.text) && /(?:weight|kernel|W|bias|Linear|dense|Parameter|randn|zeros|empty|Tensor|variable|units)/i.test(s.text));
}

/** Methods of a backward pass (`backProp`, `backward`, `bptt_step`): they read the gates, they never compute them. */
const BACKWARD_PASS = /^_*(?:back_?prop\w*|backward\w*|bptt\w*|\w*_back(?:ward)?|\w*_bwd|\w*[a-z]Backward|\w*BackProp\w*)$/i;

/** `function Net(...) {...}` and `Net.prototype.forward = function (...) {...}` at the top level: the methods of each constructor. */
function es5Classes(tops: ScanUnit[]): { byOwner: Map<ScanUnit, ScanUnit[]>; methods: Set<ScanUnit> } {
  const byOwner = new Map<ScanUnit, ScanUnit[]>();
  const methods = new Set<ScanUnit>();
  for (const method of tops) {
    const owner = method.owner ? tops.find((u) => u.type === 'function' && !u.owner && u.name === method.owner) : undefined;
    if (!owner) continue;
    byOwner.set(owner, [...(byOwner.get(owner) ?? []), method]);
    methods.add(method);
  }
  return { byOwner, methods };
}

/** Closures named only for their role in a loop (Keras's `def step(...)` inside `standard_lstm`). */
const GENERIC_CLOSURE = /^_?(?:step|step_fn|fn|body|inner|loop_body|loop_fn|cell_fn)$|^<anonymous>$/i;

/**
 * The innermost Python function nested in `outer` whose lines hold every gate line: a cell written
 * as `def update_lstm(...)` inside `def lstm_predict(...)` is the inner one, which the user named;
 * a closure with a generic name (`step`) stays part of the function around it.
 */
function innermostHolding(outer: ScanUnit, analysis: UnitAnalysis): ScanUnit | undefined {
  const lines = [...analysis.gates.values()].flatMap((set) => [...set]);
  const holds = (u: ScanUnit) => u.type === 'function' && !GENERIC_CLOSURE.test(u.name) && lines.every((l) => l >= u.start && l <= u.end);
  let found: ScanUnit | undefined;
  for (let next = outer.children.find(holds); next; next = next.children.find(holds)) found = next;
  return found;
}

function toCell(unit: ScanUnit, analysis: UnitAnalysis, stmts: Stmt[]): DetectedCell {
  const order = analysis.kind === 'gru' ? GRU_GATE_ORDER : LSTM_GATE_ORDER;
  const gates: Partial<Record<GateName, number[]>> = {};
  for (const g of order) {
    const lines = analysis.gates.get(g);
    if (lines?.size) gates[g] = [...lines].sort((a, b) => a - b);
  }
  const main = analysis.kind === 'gru' ? ['r', 'z', 'n'] : ['i', 'f', 'g', 'o'];
  const counts = new Map<number, number>();
  for (const g of main) for (const l of gates[g as GateName] ?? []) counts.set(l, (counts.get(l) ?? 0) + 1);
  const sharedLine = [...counts.values()].some((n) => n >= 2);
  const layout = analysis.kind !== 'rnn' && (sharedLine || fusedWeightShape(stmts, analysis.kind)) ? 'fused' : 'per-gate';
  let range = { start: unit.start, end: unit.end };
  if (unit.type === 'module') {
    const all = Object.values(gates).flat();
    range = { start: Math.min(...all), end: Math.max(...all) };
  }
  const biases = findForgetBiasAssignments(stmts);
  let forgetBias = settledForgetBias(biases);
  if (forgetBias === undefined) {
    // A literal default of a forget-bias parameter: def __init__(self, ..., forget_bias=1.0)
    for (const u of [unit, ...descendants(unit)]) {
      for (const p of u.params) {
        const m = /^\s*(?:forget_?bias|b_?f|forgetBias)\b[^=]*=\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$/i.exec(p.text);
        if (m && forgetBias === undefined) forgetBias = Number(m[1]);
      }
    }
  }
  const cell: DetectedCell = { name: unit.name, kind: analysis.kind, layout, optionalForgetGate: analysis.optionalForgetGate, range, gates };
  if (analysis.peephole && (analysis.kind === 'lstm' || analysis.kind === 'lstm-no-forget')) cell.peephole = true;
  if (forgetBias !== undefined && (analysis.kind === 'lstm' || analysis.kind === 'unknown')) cell.forgetBias = forgetBias;
  return cell;
}

function checkLanguage(languageId: string): asserts languageId is DetectLanguage {
  if (!(LANGUAGES as string[]).includes(languageId)) {
    throw new Error(`detectCells: unsupported language '${languageId}'; use one of ${LANGUAGES.join(', ')}.`);
  }
}

/** Every recurrent cell in `source`, in source order, with 1-based lines. */
export function detectCells(source: string, languageId: DetectLanguage): DetectedCell[] {
  checkLanguage(languageId);
  const scanned = scan(source, languageId);
  // Only the scanner builds the tree of units: the passes below rewrite their statements, not the tree.
  const units = [scanned.module, ...descendants(scanned.module)];
  // Before any call is rewritten as the activation its function returns (`update_rnn(` as `   tanh(`).
  markCarriedParams(units);
  rewriteActivationFunctions(scanned.module, units);
  rewriteActivatedLayerCalls(units);
  rewriteSequenceLayerCalls(units);
  mergeOutputReads(units);
  const cells: DetectedCell[] = [];
  // Layers and product functions made anywhere in the file: chainer's GRU makes `self.W_z = Linear(...)` in a base class its subclasses call.
  const modules = findLayers(units);
  addForwardObjects(modules, units);
  const consider = (report: ScanUnit, analysed: ScanUnit[]) => {
    const stmts = report.type === 'module' ? report.stmts : allStmts(report);
    const alone = analysed.map((u) => analyseStatements(u.stmts, u.params, scanned.lineOf, modules));
    // One method holding cells of different kinds behind a switch: a cell per branch, each with its own lines.
    const branches = analysed.map((u, k) => (alone[k]?.gates.size ? cellsByBranch(u) : undefined)).find((b) => b !== undefined);
    if (branches) {
      for (const analysis of branches) cells.push(toCell(report, analysis, stmts));
      return;
    }
    // Methods that compute an LSTM or GRU on their own, or one gate, may be called by another
    // method for part of the state: the callers are analysed again knowing them.
    const methods = report.type === 'class' ? analysed.filter((u) => u.parent === report) : [];
    const gateComputing = methods.filter((u) => ['lstm', 'lstm-no-forget', 'gru'].includes(alone[analysed.indexOf(u)]?.kind ?? '')).map((u) => u.name);
    const gateObjects = report.type === 'class' ? memberGateModules(report, fileClasses, scanned.lineOf) : new Map();
    const helpers = methods.length ? classHelpers(methods, scanned.lineOf, gateComputing, gateObjects) : undefined;
    const callsHelper = (u: ScanUnit) => helpers !== undefined && u.stmts.some((s) => helperCalled(s.text, helpers) !== undefined);
    // A caller naming what a complete cell method returns (`self.c = self.step(...)` of a GRU step) maps no line: the method's kind stands.
    const results = analysed
      .map((u, k) => (callsHelper(u) ? analyseStatements(u.stmts, u.params, scanned.lineOf, modules, helpers) : alone[k]))
      .filter((r): r is UnitAnalysis => r !== undefined && r.gates.size > 0);
    // Also when the cell found lacks its hidden state, computed by a method of its own (`h_t = self.output_gate() * tanh(c_t)`).
    const lacksH = (r: UnitAnalysis | undefined) => r !== undefined && isCell(r) && !r.gates.has('h');
    const together = merge(results);
    const merged = results.some(isCell) && !lacksH(together) ? together : merge([...results, ...withMethodsInlined(methods, helpers)]);
    if (!merged || !merged.gates.size) return;
    const inner = report.type === 'function' ? innermostHolding(report, merged) : undefined;
    // A factory holding two named steps of its own (JAX stax's `sample_scan` and `apply_fun_scan` inside `GRU`): a cell each.
    const steps = report.type === 'function' && !inner ? analysed.filter((u, k) => u !== report && u.type === 'function' && !GENERIC_CLOSURE.test(u.name) && alone[k] && isCell(alone[k])) : [];
    if (steps.length >= 2) {
      for (const u of steps) cells.push(toCell(u, alone[analysed.indexOf(u)]!, allStmts(u)));
      return;
    }
    cells.push(inner ? toCell(inner, merged, allStmts(inner)) : toCell(report, merged, stmts));
    for (const m of gateObjects.values()) if (m.className) gateClasses.add(m.className);
  };
  /** The cells of each way through a unit's if/else chains, when two or more compute cells of different kinds. */
  const cellsByBranch = (u: ScanUnit): UnitAnalysis[] | undefined => {
    const found = (exclusiveBranches(u.stmts) ?? [])
      .map((way) => analyseStatements(way, u.params, scanned.lineOf, modules))
      .filter((r): r is UnitAnalysis => r !== undefined && r.gates.size > 0 && r.kind !== 'unknown');
    return found.length >= 2 && new Set(found.map((r) => KIND_RANK[r.kind])).size === found.length ? found : undefined;
  };
  // One method per gate, each returning its values, called by a step method: the calls written out.
  const isCell = (r: UnitAnalysis) => ['lstm', 'lstm-no-forget', 'gru'].includes(r.kind);
  const withMethodsInlined = (methods: ScanUnit[], helpers?: ClassHelpers) =>
    methods.flatMap((u) => {
      const inlined = inlineMethodCalls(u, methods, scanned.lineOf);
      const analysis = inlined && analyseStatements(inlined.stmts, u.params, inlined.lineOf, modules, helpers);
      return analysis && isCell(analysis) ? [analysis] : [];
    });
  // Classes a cell holds as its gates (`self.forget_gate = ForgetGate(...)`) are part of that cell.
  const fileClasses = scanned.module.children.filter((u) => u.type === 'class');
  const gateClasses = new Set<string>();
  consider(scanned.module, [scanned.module]);
  const prototypes = es5Classes(scanned.module.children);
  for (const top of scanned.module.children.filter((u) => !prototypes.methods.has(u))) {
    const methods = prototypes.byOwner.get(top) ?? [];
    const units = [top, ...methods].flatMap((u) => [u, ...descendants(u)]);
    // An ES5 class is its constructor with its prototype's methods, over the span of all of them.
    const report: ScanUnit = methods.length
      ? { ...top, type: 'class', start: Math.min(...units.map((u) => u.start)), end: Math.max(...units.map((u) => u.end)), children: [...top.children, ...methods] }
      : top;
    consider(
      report,
      units.filter((u) => u.type !== 'class' && !BACKWARD_PASS.test(u.name)),
    );
  }
  const functions = new Set(scanned.module.children.filter((u) => u.type === 'function').map((u) => u.name));
  return cells.filter((c) => !gateClasses.has(c.name) && !(c.kind === 'rnn' && functions.has(c.name) && computesGatesOf(c.name, cells, source))).sort((a, b) => a.range.start - b.range.start);
}

/**
 * `def gate(W, U, b, x, h, act): return act(W @ x + U @ h + b)`, called as `i = gate(..., sigmoid)` on the gate lines of
 * an LSTM or GRU of the file: a function computing one gate for another cell is part of it, not a cell of its own.
 */
function computesGatesOf(name: string, cells: DetectedCell[], source: string): boolean {
  const lines = source.split('\n');
  const call = new RegExp(`(?<![\\w$.])${escapeRegExp(name)}\\s*\\(`);
  const gated = cells.filter((c) => c.name !== name && c.kind !== 'rnn' && c.kind !== 'unknown');
  return gated.some((c) => (['i', 'f', 'g', 'o', 'r', 'z', 'n'] as GateName[]).some((g) => (c.gates[g] ?? []).some((l) => call.test(lines[l - 1] ?? ''))));
}

/** Literal forget-bias settings anywhere in `source` (not only inside a cell). */
export function detectForgetBiases(source: string, languageId: DetectLanguage): ForgetBiasAssignment[] {
  checkLanguage(languageId);
  const scanned = scan(source, languageId);
  return findForgetBiasAssignments([scanned.module, ...descendants(scanned.module)].flatMap((u) => u.stmts)).sort((a, b) => a.line - b.line);
}

export interface NotebookCode {
  cellIndex: number;
  source: string;
}

/** The code cells of a .ipynb (cellIndex counts every cell, markdown included, as VS Code's notebook does). */
export function notebookCodeCells(ipynbJson: string): { language: DetectLanguage; cells: NotebookCode[] } {
  let nb: unknown;
  try {
    nb = JSON.parse(ipynbJson);
  } catch (e) {
    throw new Error(`invalid notebook: not JSON (${(e as Error).message}); a .ipynb file must be the JSON a Jupyter notebook is saved as.`);
  }
  const cellsField = typeof nb === 'object' && nb !== null ? (nb as { cells?: unknown }).cells : undefined;
  if (!Array.isArray(cellsField)) throw new Error("invalid notebook: no 'cells' array at the top level; is this a Jupyter notebook (nbformat 4)?");
  const meta = (nb as { metadata?: { language_info?: { name?: unknown }; kernelspec?: { language?: unknown } } }).metadata;
  const declared = String(meta?.language_info?.name ?? meta?.kernelspec?.language ?? 'python').toLowerCase();
  const language: DetectLanguage = declared === 'typescript' ? 'typescript' : declared === 'javascript' ? 'javascript' : 'python';
  const cells: NotebookCode[] = [];
  cellsField.forEach((c: unknown, cellIndex) => {
    if (typeof c !== 'object' || c === null) return;
    const cell = c as { cell_type?: unknown; source?: unknown };
    if (cell.cell_type !== 'code') return;
    const source = Array.isArray(cell.source) ? cell.source.map(String).join('') : typeof cell.source === 'string' ? cell.source : '';
    cells.push({ cellIndex, source });
  });
  return { language, cells };
}

/** One entry per recurrent cell found in a code cell; lines are within that code cell. */
export function detectNotebook(ipynbJson: string): (DetectedCell & { cellIndex: number })[] {
  const { language, cells } = notebookCodeCells(ipynbJson);
  return cells.flatMap(({ cellIndex, source }) => detectCells(source, language).map((cell) => ({ ...cell, cellIndex })));
}

/** Literal forget-bias settings in every code cell (the notebook sets b_f to +1, 0, −1 in cells of their own). */
export function detectNotebookForgetBiases(ipynbJson: string): (ForgetBiasAssignment & { cellIndex: number })[] {
  const { language, cells } = notebookCodeCells(ipynbJson);
  return cells.flatMap(({ cellIndex, source }) => detectForgetBiases(source, language).map((a) => ({ ...a, cellIndex })));
}

/** The lines that compute `gate` in `cell` (empty when the cell has no such gate). */
export function linesForGate(cell: DetectedCell, gate: GateName): number[] {
  return cell.gates[gate] ?? [];
}

/**
 * The gate computed on `line` (1-based), for highlighting its equation. A line shared by
 * several gates (a fused product, a chunk/split) gives the first in i, f, g, o, c, h
 * (or r, z, n, h) order as `gate` and all of them in `gates`.
 */
export function gateAtLine(cells: DetectedCell[], line: number): { cell: DetectedCell; gate: GateName; gates: GateName[] } | undefined {
  for (const cell of cells) {
    if (line < cell.range.start || line > cell.range.end) continue;
    const order = cell.kind === 'gru' ? GRU_GATE_ORDER : LSTM_GATE_ORDER;
    const gates = order.filter((g) => cell.gates[g]?.includes(line));
    if (gates.length) return { cell, gate: gates[0], gates };
  }
  return undefined;
}

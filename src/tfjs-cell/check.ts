// Checking the user's own TF.js cell: load it (load.ts), call it (call.ts), map its weights
// (weights.ts) into the float64 reference of its kind (reference.ts), compare h_t over the
// steps and, where they part, name the first step and gate that departs with its line; then
// probe ‖∂Σ|h_t|/∂h0‖ per step with one tf.grad through the user's code (probe.ts) at the
// notebook's size. Returns the same CellResult as the Python check. Pure Node, no vscode: the
// CLI calls it in-process, the worker for the editor's lens (`checkTfjsInput`).
import * as tf from '@tensorflow/tfjs';
import type { DetectedCell } from '../detect';
import type { CheckInput } from '../python/client';
import type { CellResult, FirstDifference, Probe } from '../python/protocol';
import { cellCall, CallError, stateOf, type CellCall, type Sizes } from './call';
import { CellLoadError, loadCell, type GateRecorder, type LoadedCell } from './load';
import { probeNorms, referenceTensorStep, type TensorStep } from './probe';
import {
  CHECKED_GATES,
  equationOf,
  HAS_CELL_STATE,
  REFERENCE_NAME,
  referenceRun,
  relativeDifference,
  WEIGHTED_GATES,
  type Matrix,
  type ReferenceKind,
  type ReferenceWeights,
  type StepValues,
} from './reference';
import { mapWeights, shapeOfName, type WeightValues } from './weights';

export interface TfjsCheckOptions {
  /** Steps compared with the reference (default 100). */
  steps?: number;
  /** Steps of the probe (default: steps). */
  probeSteps?: number;
  probe?: boolean;
  /** The probe's sizes (default the notebook's: E=50, H=125; batch 1). */
  probeSize?: Partial<Sizes>;
  /** Also compute the reference's probe norms when the check matched (they are then equal up to float32). */
  referenceNorms?: boolean;
  /** Seed of the check's inputs and weights (default 0). */
  seed?: number;
  /** The cell's console output, as it comes. */
  onOutput?: (text: string) => void;
}

/** What the check reads of a detected cell (the detector's DetectedCell, or the Target of a check request). */
export type CheckedCell = Pick<DetectedCell, 'name' | 'kind' | 'layout' | 'optionalForgetGate'> & { gates: Partial<Record<string, number[]>> };

/** Sizes chosen so input, hidden and fused weights cannot be confused by shape. */
const CHECK_SIZES: Sizes = { E: 10, H: 16 };
const PROBE_SIZES: Sizes = { E: 50, H: 125 };
const BATCH = 3;
/** TF.js computes in float32. */
const TOLERANCE = 1e-4;

/** Deterministic U(−a, a) numbers (mulberry32), so a check is repeatable. */
function uniform(seed: number): (a: number) => number {
  let s = (seed ^ 0x2b3c5d7e) >>> 0;
  return (a) => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1) * a;
  };
}

const matrix = (rows: number, cols: number, draw: (a: number) => number, a: number): Matrix => Array.from({ length: rows }, () => Array.from({ length: cols }, () => draw(a)));

function toMatrix(value: unknown): Matrix | undefined {
  if (!(value instanceof tf.Tensor)) return undefined;
  const a = value.arraySync();
  if (value.rank === 1) return [a as number[]];
  return value.rank === 2 ? (a as Matrix) : undefined;
}

function referenceKind(cell: CheckedCell): ReferenceKind | undefined {
  return cell.kind === 'unknown' ? undefined : cell.kind;
}

interface Recorded {
  line: number;
  variable: string;
  values: Matrix;
}

interface UserRun {
  steps: StepValues[];
  records: Map<string, Recorded>[];
}

/** The user's step as a TensorStep (c passed through by cells without a cell state). */
function userStep(call: CellCall, hasCell: boolean): TensorStep {
  return (x, h, c) => {
    const [hn, cn] = stateOf(call.step(x, h, c), hasCell, call.callee);
    return [hn as tf.Tensor2D, (cn ?? c) as tf.Tensor2D];
  };
}

function runUser(call: CellCall, setRecorder: (r: GateRecorder | null) => void, xs: Matrix[], h0: Matrix, c0: Matrix, hasCell: boolean): UserRun {
  const run: UserRun = { steps: [], records: [] };
  const step = userStep(call, hasCell);
  let h = tf.tensor2d(h0);
  let c = tf.tensor2d(c0);
  try {
    for (const x of xs) {
      const records = new Map<string, Recorded>();
      setRecorder((gate, line, variable, value) => {
        const values = toMatrix(value);
        if (values) records.set(gate, { line, variable, values });
      });
      const [hn, cn] = tf.tidy(() => step(tf.tensor2d(x), h, c).map((t) => t.clone()) as [tf.Tensor2D, tf.Tensor2D]);
      tf.dispose([h, c]);
      [h, c] = [hn, cn];
      run.steps.push({ h: toMatrix(h)!, c: toMatrix(c)! });
      run.records.push(records);
    }
  } finally {
    setRecorder(null);
    tf.dispose([h, c]);
  }
  return run;
}

/** The first step and gate whose value departs from the reference (recorded gates, then h and c). */
function firstDeparture(user: UserRun, ref: StepValues[], weights: ReferenceWeights, cell: CheckedCell): FirstDifference | null {
  for (let s = 0; s < ref.length; s++) {
    for (const gate of CHECKED_GATES[weights.kind]) {
      const rec = user.records[s]!.get(gate);
      const mine = rec?.values ?? (gate === 'h' || gate === 'c' ? user.steps[s]![gate] : undefined);
      const theirs = ref[s]![gate];
      if (!mine || !theirs || relativeDifference(mine, theirs) <= TOLERANCE) continue;
      const lines = cell.gates[gate];
      return { step: s, gate, line: rec?.line ?? lines?.[lines.length - 1] ?? null, variable: rec?.variable ?? gate, equation: equationOf(weights, gate) };
    }
  }
  return null;
}

function maxRelDiff(user: UserRun, ref: StepValues[]): number {
  return Math.max(...ref.map((r, s) => relativeDifference(user.steps[s]!.h!, r.h!)));
}

function unknown(cell: CheckedCell, reason: string, error: CellResult['error'] = null, message = `unknown: ${reason}`): CellResult {
  return {
    name: cell.name,
    kind: cell.kind,
    ran: false,
    error,
    verdict: 'unknown',
    reference: null,
    maxRelDiff: null,
    firstDifference: null,
    probe: null,
    message,
    reason,
    warnings: [],
    library: 'tfjs',
    timings: {},
  };
}

/** The result for something the user's code threw while `doing` (their line, their stack). */
function raised(cell: CheckedCell, loaded: LoadedCell, doing: string, thrown: unknown): CellResult {
  const where = loaded.locate(thrown);
  const text = `${doing} raised${where.line !== null ? ` on line ${where.line}` : ''}: ${where.message}`;
  return unknown(cell, text, { message: where.message, line: where.line, traceback: where.stack }, text);
}

function message(cell: CheckedCell, reference: string, fd: FirstDifference | null, rel: number, steps: number): string {
  if (!fd) return `${cell.name} matches the reference ${reference} (max relative difference ${rel.toExponential(1)} over ${steps} steps)`;
  return `${fd.variable}${fd.line ? ` on line ${fd.line}` : ''} differs from ${fd.equation} from step ${fd.step}`;
}

/** Sets every weight of `call` to U(±1/√H) from `draw`; their values, for the mapping. */
function drawWeights(call: CellCall, sizes: Sizes, draw: (a: number) => number): WeightValues[] {
  const bound = 1 / Math.sqrt(sizes.H);
  return call.weights.map((w) => {
    const data = Array.from({ length: w.shape.reduce((a, b) => a * b, 1) }, () => draw(bound));
    w.set(tf.tensor(data, w.shape));
    return { name: w.name, shape: w.shape, data };
  });
}

/** The weights as they are (a class's own initialisation), for the mapping. */
function currentWeights(call: CellCall): WeightValues[] {
  return call.weights.map((w) => ({ name: w.name, shape: w.shape, data: w.read() }));
}

interface Checked {
  verdict: 'matches' | 'differs';
  /** Index of the candidate mapping that agrees longest (the probe maps its own weights the same way). */
  candidate: number;
  weights: ReferenceWeights;
  firstDifference: FirstDifference | null;
  rel: number;
}

/** Compares the user's run with every candidate mapping; keeps the one that agrees longest. */
function compare(user: UserRun, candidates: ReferenceWeights[], xs: Matrix[], h0: Matrix, c0: Matrix, cell: CheckedCell): Checked {
  let best: { candidate: number; fd: FirstDifference | null; rel: number } | undefined;
  candidates.forEach((weights, candidate) => {
    const ref = referenceRun(weights, xs, h0, c0);
    const fd = firstDeparture(user, ref, weights, cell);
    const rel = maxRelDiff(user, ref);
    const better = !best || (fd === null ? best.fd !== null || rel < best.rel : best.fd !== null && fd.step > best.fd.step);
    if (better) best = { candidate, fd, rel };
  });
  const { candidate, fd, rel } = best!;
  const weights = candidates[candidate]!;
  const verdict = fd === null && rel <= TOLERANCE ? 'matches' : 'differs';
  const firstDifference = verdict === 'differs' ? (fd ?? { step: 0, gate: 'h', line: null, variable: 'h', equation: equationOf(weights, 'h') }) : null;
  return { verdict, candidate, weights, firstDifference, rel };
}

/**
 * Runs the detected TS/JS cell of `source` (file text; `fileName` names it in messages and
 * stacks and picks TS or JS) as written and checks it. Never throws for a problem in the user's
 * code: it is in the result (`error` with their line and stack, `verdict: 'unknown'` with the reason).
 */
export function checkTfjsCell(fileName: string, source: string, cell: CheckedCell, options: TfjsCheckOptions = {}): CellResult {
  const steps = options.steps ?? 100;
  const kind = referenceKind(cell);
  if (!kind) return unknown(cell, `${cell.name} is not recognised as an LSTM, GRU or RNN; TF.js cells are checked against those`);
  if (!/@tensorflow\/tfjs/.test(source)) return unknown(cell, `${cell.name} does not use TF.js (no import or require of @tensorflow/tfjs); only TF.js cells are run`);
  const started = Date.now();
  const hasCell = HAS_CELL_STATE[kind];
  let loaded: LoadedCell;
  try {
    loaded = loadCell(fileName, source, cell.name, cell.gates, { onOutput: options.onOutput });
  } catch (error) {
    if (error instanceof CellLoadError) return unknown(cell, error.message, { message: error.message, line: error.line, ...(error.trace ? { traceback: error.trace } : {}) });
    throw error;
  }
  const gateBlocks = cell.layout === 'fused' ? WEIGHTED_GATES[kind].length : 1;
  const build = (sizes: Sizes): CellCall | CellResult => {
    try {
      return cellCall(loaded.target, loaded.sourceFile, cell.name, sizes, hasCell, (name) => shapeOfName(name, sizes, gateBlocks));
    } catch (error) {
      return error instanceof CallError ? unknown(cell, error.message) : raised(cell, loaded, `building ${cell.name}`, error);
    }
  };
  const draw = uniform(options.seed ?? 0);
  const call = build(CHECK_SIZES);
  if (!('step' in call)) return call;
  const mapping = mapWeights(drawWeights(call, CHECK_SIZES, draw), kind, CHECK_SIZES);
  if ('unmapped' in mapping) return unknown(cell, `cannot map ${cell.name}'s weights onto the reference ${REFERENCE_NAME[kind]}: ${mapping.unmapped}`);
  const xs = Array.from({ length: steps }, () => matrix(BATCH, CHECK_SIZES.E, draw, 1));
  const h0 = matrix(BATCH, CHECK_SIZES.H, draw, 0.5);
  const c0 = matrix(BATCH, CHECK_SIZES.H, draw, 0.5);
  let user: UserRun;
  try {
    user = runUser(call, loaded.setRecorder, xs, h0, c0, hasCell);
  } catch (error) {
    return error instanceof CallError ? unknown(cell, error.message) : raised(cell, loaded, call.callee, error);
  }
  const checked = compare(user, mapping.candidates, xs, h0, c0, cell);
  const checkedAt = Date.now();
  const probe = options.probe !== false && (options.probeSteps ?? steps) > 0 ? probeCell(cell, kind, build, checked, loaded, draw, options, options.probeSteps ?? steps) : null;
  const warnings = cell.optionalForgetGate ? [{ message: `checked with the forget gate as ${cell.name} builds it by default`, line: null }] : [];
  return {
    name: cell.name,
    kind: cell.kind,
    ran: true,
    error: null,
    verdict: checked.verdict,
    reference: REFERENCE_NAME[kind],
    maxRelDiff: checked.rel,
    firstDifference: checked.firstDifference,
    probe,
    message: message(cell, REFERENCE_NAME[kind], checked.firstDifference, checked.rel, steps),
    reason: null,
    warnings,
    library: 'tfjs',
    timings: { check: (checkedAt - started) / 1000, ...(probe && 'series' in probe ? { probe: probe.series[0]!.seconds } : {}), total: (Date.now() - started) / 1000 },
  };
}

/**
 * The probe at the notebook's size: a fresh instance of the cell (a class keeps its own
 * initialisation; a function's weights are drawn U(±1/√H)), h0 = c0 = 0, inputs U(±1), and
 * the reference series from the same weights mapped as the check mapped them.
 */
function probeCell(
  cell: CheckedCell,
  kind: ReferenceKind,
  build: (sizes: Sizes) => CellCall | CellResult,
  checked: Checked,
  loaded: LoadedCell,
  draw: (a: number) => number,
  options: TfjsCheckOptions,
  steps: number,
): Probe {
  const sizes: Sizes = { E: options.probeSize?.E ?? PROBE_SIZES.E, H: options.probeSize?.H ?? PROBE_SIZES.H };
  const started = Date.now();
  const call = build(sizes);
  if (!('step' in call)) return { unavailable: `building ${cell.name} at E=${sizes.E}, H=${sizes.H} for the probe failed: ${call.reason ?? call.message}` };
  const values = call.ownInit ? currentWeights(call) : drawWeights(call, sizes, draw);
  const mapping = mapWeights(values, kind, sizes);
  const xs = matrix(steps, sizes.E, draw, 1);
  const h0 = new Array<number>(sizes.H).fill(0);
  const c0 = new Array<number>(sizes.H).fill(0);
  let norms: (number | null)[];
  try {
    norms = probeNorms(userStep(call, HAS_CELL_STATE[kind]), xs, h0, c0);
  } catch (error) {
    return { unavailable: `tf.grad through ${call.callee} failed: ${loaded.locate(error).message}` };
  }
  const seconds = (Date.now() - started) / 1000;
  const weights = 'candidates' in mapping ? mapping.candidates[checked.candidate] : undefined;
  const reference = weights && (checked.verdict === 'differs' || options.referenceNorms) ? probeNorms(referenceTensorStep(weights), xs, h0, c0) : null;
  return {
    steps: norms.map((_, k) => k + 1),
    norms,
    series: [{ name: 'your code', forgetGate: kind === 'lstm', forgetBias: null, norms, reference, seconds }],
    size: { ...sizes, B: 1 },
    method: `one tf.grad through the cell as written (TF.js, float32)${call.ownInit ? ', its own initialisation' : ''}`,
  };
}

/** The check of a request as the Python child gets it (the worker's entry for the editor's lens). */
export function checkTfjsInput(input: CheckInput, options: Pick<TfjsCheckOptions, 'onOutput'> = {}): CellResult {
  const unit = input.units[input.target.unit];
  const cell: CheckedCell = input.target;
  if (!unit) return unknown(cell, `the request names unit ${input.target.unit} of ${input.units.length}`);
  return checkTfjsCell(unit.filename, unit.code, cell, {
    steps: input.steps,
    probeSteps: input.probeSteps,
    probe: input.probe,
    seed: input.seed,
    ...(input.probeSize ? { probeSize: input.probeSize } : {}),
    ...options,
  });
}

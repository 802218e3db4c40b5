// Checking the user's own TF.js cell: load it (load.ts), call it (call.ts), map its weights
// (weights.ts) into the float64 reference of its kind (reference.ts), compare h_t over the
// steps and, where they part, name the first step and gate that departs with its line; then
// probe ‖∂Σ|h_t|/∂h0‖ per step with tf.grad on the user's code. Returns the same CellResult
// as the Python check. Pure Node, no vscode: the CLI calls it in-process, the worker likewise.
import * as tf from '@tensorflow/tfjs';
import type { DetectedCell } from '../detect';
import type { CellResult, FirstDifference, Probe } from '../python/protocol';
import { cellCall, CallError, type CellCall, type Sizes } from './call';
import { CellLoadError, loadCell, type GateRecorder } from './load';
import { EQUATIONS, referenceProbeNorms, referenceRun, relativeDifference, type Matrix, type ReferenceWeights, type StepValues } from './reference';
import { mapWeights, shapeOfName, type WeightValues } from './weights';

export interface TfjsCheckOptions {
  /** Steps compared with the reference (default 100). */
  steps?: number;
  /** Steps of the probe (default: steps). */
  probeSteps?: number;
  probe?: boolean;
  /** Also compute the reference's probe norms when the check matched (they are then equal up to float32). */
  referenceNorms?: boolean;
}

/** Sizes chosen so input, hidden and fused weights cannot be confused by shape. */
const SIZES: Sizes = { E: 10, H: 16 };
const BATCH = 3;
/** TF.js computes in float32. */
const TOLERANCE = 1e-4;
const GATE_ORDER = { lstm: ['i', 'f', 'g', 'o', 'c', 'h'], rnn: ['h'] } as const;
const REFERENCE_NAME = { lstm: 'LSTM', rnn: 'RNN' } as const;

/** Deterministic U(−a, a) numbers (mulberry32), so a check is repeatable. */
function uniform(seed: number): (a: number) => number {
  let s = seed >>> 0;
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

/** (h, c) from what a step returned: [h, c], {h, c}, or h alone (RNN). */
function stateOf(out: unknown, lstm: boolean, callee: string): [tf.Tensor, tf.Tensor | undefined] {
  if (out instanceof tf.Tensor && !lstm) return [out, undefined];
  if (Array.isArray(out) && out[0] instanceof tf.Tensor && (!lstm || out[1] instanceof tf.Tensor)) return [out[0], lstm ? (out[1] as tf.Tensor) : undefined];
  const o = out as Record<string, unknown> | null;
  if (o && typeof o === 'object' && o['h'] instanceof tf.Tensor && (!lstm || o['c'] instanceof tf.Tensor)) return [o['h'], lstm ? (o['c'] as tf.Tensor) : undefined];
  const found = out instanceof tf.Tensor ? 'one tensor' : Array.isArray(out) ? `an array of ${out.length}` : typeof out;
  throw new CallError(`cannot read the state ${callee} returns: expected ${lstm ? '[h, c] or {h, c}' : 'h, [h, …] or {h}'} as tensors; found ${found}`);
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

function runUser(call: CellCall, setRecorder: (r: GateRecorder | null) => void, xs: Matrix[], h0: Matrix, c0: Matrix, lstm: boolean): UserRun {
  const run: UserRun = { steps: [], records: [] };
  let h: tf.Tensor = tf.tensor2d(h0);
  let c: tf.Tensor = tf.tensor2d(c0);
  for (const x of xs) {
    const records = new Map<string, Recorded>();
    setRecorder((gate, line, variable, value) => {
      const values = toMatrix(value);
      if (values) records.set(gate, { line, variable, values });
    });
    const [hn, cn] = tf.tidy(() => {
      const [hs, cs] = stateOf(call.step(tf.tensor2d(x), h, c), lstm, call.callee);
      return [hs.clone(), (cs ?? c).clone()];
    });
    setRecorder(null);
    h.dispose();
    c.dispose();
    [h, c] = [hn, cn];
    run.steps.push({ h: toMatrix(h)!, c: toMatrix(c)! });
    run.records.push(records);
  }
  h.dispose();
  c.dispose();
  return run;
}

/** The first step and gate whose value departs from the reference (recorded gates, then h and c). */
function firstDeparture(user: UserRun, ref: StepValues[], kind: 'lstm' | 'rnn', cell: DetectedCell): FirstDifference | null {
  for (let s = 0; s < ref.length; s++) {
    for (const gate of GATE_ORDER[kind]) {
      const rec = user.records[s].get(gate);
      const mine = rec?.values ?? (gate === 'h' || gate === 'c' ? user.steps[s][gate] : undefined);
      const theirs = ref[s][gate];
      if (!mine || !theirs || relativeDifference(mine, theirs) <= TOLERANCE) continue;
      const lines = cell.gates[gate];
      return { step: s, gate, line: rec?.line ?? lines?.[lines.length - 1] ?? null, variable: rec?.variable ?? gate, equation: EQUATIONS[kind][gate]! };
    }
  }
  return null;
}

function maxRelDiff(user: UserRun, ref: StepValues[]): number {
  return Math.max(...ref.map((r, s) => relativeDifference(user.steps[s].h!, r.h!)));
}

/** ‖∂Σ|h_t|/∂h0‖ for t = 1..T by tf.grad through the user's own step (batch 1). */
function probeNorms(call: CellCall, xs: Matrix[], h0: Matrix, c0: Matrix, lstm: boolean): (number | null)[] {
  const norms: (number | null)[] = [];
  for (let t = 1; t <= xs.length; t++) {
    const norm = tf.tidy(() => {
      const c0t = tf.tensor2d(c0);
      const loss = (h: tf.Tensor) => {
        let c: tf.Tensor = c0t;
        for (let k = 0; k < t; k++) [h, c] = stateOf(call.step(tf.tensor2d(xs[k]), h, c), lstm, call.callee).map((v, j) => v ?? (j ? c : h)) as [tf.Tensor, tf.Tensor];
        return tf.sum(tf.abs(h)) as tf.Scalar;
      };
      return tf.norm(tf.grad(loss)(tf.tensor2d(h0))).dataSync()[0];
    });
    norms.push(Number.isFinite(norm) ? norm : null);
  }
  return norms;
}

function unknown(cell: DetectedCell, reason: string, error: CellResult['error'] = null): CellResult {
  return { name: cell.name, kind: cell.kind, ran: false, error, verdict: 'unknown', reference: null, maxRelDiff: null, firstDifference: null, probe: null, message: `unknown: ${reason}`, reason, warnings: [], library: 'tfjs', timings: {} };
}

function message(cell: DetectedCell, reference: string, fd: FirstDifference | null, rel: number, steps: number): string {
  if (!fd) return `${cell.name} matches the reference ${reference} (max relative difference ${rel.toExponential(1)} over ${steps} steps)`;
  return `${fd.variable}${fd.line ? ` on line ${fd.line}` : ''} differs from ${fd.equation} from step ${fd.step}`;
}

/**
 * Runs the detected TS/JS cell of `source` (file text; `fileName` names it in messages and picks
 * TS or JS) as written and checks it. Never throws for a problem in the user's code: it is in
 * the result (`error`, `verdict: 'unknown'` with the reason).
 */
export function checkTfjsCell(fileName: string, source: string, cell: DetectedCell, options: TfjsCheckOptions = {}): CellResult {
  const steps = options.steps ?? 100;
  const kind = cell.kind === 'lstm' ? 'lstm' : cell.kind === 'rnn' ? 'rnn' : undefined;
  if (!kind) return unknown(cell, `${cell.name} is detected as ${cell.kind}; TF.js cells are checked for LSTMs and tanh RNNs only`);
  if (!/@tensorflow\/tfjs/.test(source)) return unknown(cell, `${cell.name} does not use TF.js (no import or require of @tensorflow/tfjs); only TF.js cells are run`);
  const started = Date.now();
  const lstm = kind === 'lstm';
  let loaded;
  try {
    loaded = loadCell(fileName, source, cell.name, cell.gates);
  } catch (error) {
    if (error instanceof CellLoadError) return unknown(cell, error.message, { message: error.message, line: error.line });
    throw error;
  }
  const draw = uniform(20261130);
  let call: CellCall;
  try {
    call = cellCall(loaded.target, loaded.sourceFile, cell.name, SIZES, lstm, (name) => shapeOfName(name, SIZES, cell.layout === 'fused'));
  } catch (error) {
    if (error instanceof CallError) return unknown(cell, error.message);
    const text = error instanceof Error ? error.message : String(error);
    return unknown(cell, `building ${cell.name} raised: ${text}`, { message: text, line: null });
  }
  const bound = 1 / Math.sqrt(SIZES.H);
  const values: WeightValues[] = call.weights.map((w) => {
    const data = Array.from({ length: w.shape.reduce((a, b) => a * b, 1) }, () => draw(bound));
    w.set(tf.tensor(data, w.shape));
    return { name: w.name, shape: w.shape, data };
  });
  const mapping = mapWeights(values, kind, SIZES);
  if ('unmapped' in mapping) return unknown(cell, `cannot map ${cell.name}'s weights onto the reference ${REFERENCE_NAME[kind]}: ${mapping.unmapped}`);
  const xs = Array.from({ length: steps }, () => matrix(BATCH, SIZES.E, draw, 1));
  const h0 = matrix(BATCH, SIZES.H, draw, 0.5);
  const c0 = matrix(BATCH, SIZES.H, draw, 0.5);
  let user: UserRun;
  try {
    user = runUser(call, loaded.setRecorder, xs, h0, c0, lstm);
  } catch (error) {
    loaded.setRecorder(null);
    const text = error instanceof Error ? error.message : String(error);
    if (error instanceof CallError) return unknown(cell, text);
    return { ...unknown(cell, `${call.callee} raised: ${text}`, { message: text, line: null }), message: `${call.callee} raised: ${text}` };
  }
  const checked = Date.now();
  // Keep the candidate (fused gate order) that agrees longest.
  let best: { weights: ReferenceWeights; fd: FirstDifference | null; rel: number } | undefined;
  for (const weights of mapping.candidates) {
    const ref = referenceRun(weights, xs, h0, c0);
    const fd = firstDeparture(user, ref, kind, cell);
    const rel = maxRelDiff(user, ref);
    const better = !best || (fd === null ? best.fd !== null || rel < best.rel : best.fd !== null && fd.step > best.fd.step);
    if (better) best = { weights, fd, rel };
  }
  const { weights, fd, rel } = best!;
  const verdict = fd === null && rel <= TOLERANCE ? 'matches' : 'differs';
  const firstDifference = verdict === 'differs' ? (fd ?? { step: 0, gate: 'h', line: null, variable: 'h', equation: EQUATIONS[kind]['h']! }) : null;
  let probe: Probe | null = null;
  const probeSteps = options.probeSteps ?? steps;
  if (options.probe !== false && probeSteps > 0) {
    const probeStart = Date.now();
    const pxs = Array.from({ length: probeSteps }, () => matrix(1, SIZES.E, draw, 1));
    const ph0 = matrix(1, SIZES.H, draw, 0.5);
    const pc0 = matrix(1, SIZES.H, draw, 0.5);
    try {
      const norms = probeNorms(call, pxs, ph0, pc0, lstm);
      const reference = verdict === 'matches' && !options.referenceNorms ? null : referenceProbeNorms(weights, pxs, ph0, pc0);
      const seconds = (Date.now() - probeStart) / 1000;
      probe = {
        steps: norms.map((_, k) => k + 1),
        norms,
        series: [{ name: cell.name, forgetGate: lstm, forgetBias: null, norms, reference, seconds }],
        size: { ...SIZES, B: 1 },
        method: 'tf.grad through the cell as written (TF.js, float32)',
      };
    } catch (error) {
      probe = { unavailable: `tf.grad through ${call.callee} failed: ${error instanceof Error ? error.message : String(error)}` };
    }
  }
  const warnings = cell.optionalForgetGate ? [{ message: `checked with the forget gate as ${cell.name} builds it by default`, line: null }] : [];
  return {
    name: cell.name,
    kind: cell.kind,
    ran: true,
    error: null,
    verdict,
    reference: REFERENCE_NAME[kind],
    maxRelDiff: rel,
    firstDifference,
    probe,
    message: message(cell, REFERENCE_NAME[kind], firstDifference, rel, steps),
    reason: null,
    warnings,
    library: 'tfjs',
    timings: { check: (checked - started) / 1000, total: (Date.now() - started) / 1000 },
  };
}

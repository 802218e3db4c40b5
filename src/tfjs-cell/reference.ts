// The reference cells the user's TF.js cell is checked against: LSTM, LSTM without forget
// gate, GRU (both z conventions, reset before or after the recurrent product) and tanh RNN,
// written once over a small set of operations. On plain arrays in float64 (`ARRAY_OPS`) they are
// the check's reference, independent of TF.js (which computes in float32) and of the user's
// code; on TF.js tensors (`tensorOps`) they are differentiable, for the reference's probe
// series. Row layout, as TF.js code writes it: x [B,E] @ W [E,H].

export type Matrix = number[][];
export type ReferenceKind = 'lstm' | 'lstm-no-forget' | 'gru' | 'rnn';

/** The gates whose weights each kind has, in its fused order's canonical form. */
export const WEIGHTED_GATES = { lstm: ['i', 'f', 'g', 'o'], 'lstm-no-forget': ['i', 'g', 'o'], gru: ['r', 'z', 'n'], rnn: ['h'] } as const;
export type WeightedGate = (typeof WEIGHTED_GATES)[ReferenceKind][number];
/** The values compared per step, in the order they are computed. */
export const CHECKED_GATES: Record<ReferenceKind, readonly StepGate[]> = { lstm: ['i', 'f', 'g', 'o', 'c', 'h'], 'lstm-no-forget': ['i', 'g', 'o', 'c', 'h'], gru: ['r', 'z', 'n', 'h'], rnn: ['h'] };
export const REFERENCE_NAME: Record<ReferenceKind, string> = { lstm: 'LSTM', 'lstm-no-forget': 'LSTM without forget gate', gru: 'GRU', rnn: 'RNN' };
export const HAS_CELL_STATE: Record<ReferenceKind, boolean> = { lstm: true, 'lstm-no-forget': true, gru: false, rnn: false };

/** Input weight [E,H], recurrent weight [H,H], bias [H] (zeros when the cell has none). */
export interface GateWeights {
  input: Matrix;
  recurrent: Matrix;
  bias: number[];
}

/** How a GRU combines its gates: which way z blends (`keep`: h' = (1−z)⊙n + z⊙h, as PyTorch; `take`: h' = z⊙n + (1−z)⊙h) and where r applies (after the recurrent product, as PyTorch and Keras' reset_after; or on h before it). */
export interface GruConvention {
  z: 'keep' | 'take';
  reset: 'after' | 'before';
}

export interface ReferenceWeights {
  kind: ReferenceKind;
  gates: Partial<Record<WeightedGate, GateWeights>>;
  gru?: GruConvention;
}

export type StepGate = 'i' | 'f' | 'g' | 'o' | 'c' | 'h' | 'r' | 'z' | 'n';
/** Every value a step computes, by gate letter (B×H each). */
export type StepValues<T = Matrix> = Partial<Record<StepGate, T>>;

/** The reference equation a departing value is compared with (the message and the diagnostic quote it). */
export function equationOf(w: ReferenceWeights, gate: StepGate): string {
  const zKeeps = w.gru?.z !== 'take';
  const table: Record<ReferenceKind, Partial<Record<StepGate, string>>> = {
    lstm: { i: 'σ(x W_ii + h W_hi + b_i)', f: 'σ(x W_if + h W_hf + b_f)', g: 'tanh(x W_ig + h W_hg + b_g)', o: 'σ(x W_io + h W_ho + b_o)', c: 'f⊙c + i⊙g', h: 'o⊙tanh(c)' },
    'lstm-no-forget': { i: 'σ(x W_ii + h W_hi + b_i)', g: 'tanh(x W_ig + h W_hg + b_g)', o: 'σ(x W_io + h W_ho + b_o)', c: 'c + i⊙g', h: 'o⊙tanh(c)' },
    gru: {
      r: 'σ(x W_ir + h W_hr + b_r)',
      z: 'σ(x W_iz + h W_hz + b_z)',
      n: w.gru?.reset === 'before' ? 'tanh(x W_in + (r⊙h) W_hn + b_n)' : 'tanh(x W_in + r⊙(h W_hn) + b_n)',
      h: zKeeps ? '(1−z)⊙n + z⊙h' : 'z⊙n + (1−z)⊙h',
    },
    rnn: { h: 'tanh(x W_ih + h W_hh + b)' },
  };
  return table[w.kind][gate] ?? gate;
}

/** The operations a reference step needs, on one kind of value (arrays, tensors). */
export interface Ops<T> {
  /** x W + b, plus h U when h is given. */
  affine(x: T, h: T | null, w: GateWeights): T;
  /** h U. */
  recurrent(h: T, w: GateWeights): T;
  add(a: T, b: T): T;
  mul(a: T, b: T): T;
  sigmoid(a: T): T;
  tanh(a: T): T;
  oneMinus(a: T): T;
}

/** One step from (h, c); every gate's value and the new h (and c). `c` is ignored by kinds without a cell state. */
export function referenceStep<T>(ops: Ops<T>, w: ReferenceWeights, x: T, h: T, c: T | undefined): StepValues<T> {
  const g = w.gates as Record<WeightedGate, GateWeights>;
  switch (w.kind) {
    case 'rnn':
      return { h: ops.tanh(ops.affine(x, h, g.h)) };
    case 'gru': {
      const r = ops.sigmoid(ops.affine(x, h, g.r));
      const z = ops.sigmoid(ops.affine(x, h, g.z));
      const inputPart = ops.affine(x, null, g.n);
      const n = ops.tanh(ops.add(inputPart, w.gru?.reset === 'before' ? ops.recurrent(ops.mul(r, h), g.n) : ops.mul(r, ops.recurrent(h, g.n))));
      const hNext = w.gru?.z === 'take' ? ops.add(ops.mul(z, n), ops.mul(ops.oneMinus(z), h)) : ops.add(ops.mul(ops.oneMinus(z), n), ops.mul(z, h));
      return { r, z, n, h: hNext };
    }
    default: {
      const i = ops.sigmoid(ops.affine(x, h, g.i));
      const gg = ops.tanh(ops.affine(x, h, g.g));
      const o = ops.sigmoid(ops.affine(x, h, g.o));
      const written = ops.mul(i, gg);
      const f = w.kind === 'lstm' ? ops.sigmoid(ops.affine(x, h, g.f)) : undefined;
      const cNext = f ? ops.add(ops.mul(f, c!), written) : ops.add(c!, written);
      return { i, ...(f ? { f } : {}), g: gg, o, c: cNext, h: ops.mul(o, ops.tanh(cNext)) };
    }
  }
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
const map = (a: Matrix, fn: (v: number) => number): Matrix => a.map((row) => row.map(fn));
const zip = (a: Matrix, b: Matrix, fn: (x: number, y: number) => number): Matrix => a.map((row, r) => row.map((v, j) => fn(v, b[r]![j]!)));

function product(x: Matrix, w: Matrix, into: Matrix): Matrix {
  x.forEach((xr, b) => {
    const out = into[b]!;
    for (let k = 0; k < xr.length; k++) {
      const v = xr[k]!;
      const wr = w[k]!;
      for (let j = 0; j < out.length; j++) out[j]! += v * wr[j]!;
    }
  });
  return into;
}

/** float64 on plain arrays: the check's reference. */
export const ARRAY_OPS: Ops<Matrix> = {
  affine: (x, h, w) => {
    const out = product(
      x,
      w.input,
      x.map(() => [...w.bias]),
    );
    return h ? product(h, w.recurrent, out) : out;
  },
  recurrent: (h, w) =>
    product(
      h,
      w.recurrent,
      h.map(() => new Array<number>(w.bias.length).fill(0)),
    ),
  add: (a, b) => zip(a, b, (x, y) => x + y),
  mul: (a, b) => zip(a, b, (x, y) => x * y),
  sigmoid: (a) => map(a, sigmoid),
  tanh: (a) => map(a, Math.tanh),
  oneMinus: (a) => map(a, (v) => 1 - v),
};

/** The reference's values at every step from (h0, c0), in float64. */
export function referenceRun(w: ReferenceWeights, xs: Matrix[], h0: Matrix, c0: Matrix): StepValues[] {
  const out: StepValues[] = [];
  let h = h0;
  let c = c0;
  for (const x of xs) {
    const v = referenceStep(ARRAY_OPS, w, x, h, c);
    out.push(v);
    h = v.h!;
    c = v.c ?? c;
  }
  return out;
}

/**
 * ‖∂Σ|h_t|/∂h0‖ for t = 1..xs.length by central differences in float64 (c0 held fixed): the
 * independent value the tests hold the tf.grad probes to.
 */
export function finiteDifferenceNorms(w: ReferenceWeights, xs: Matrix[], h0: Matrix, c0: Matrix, eps = 1e-6): number[] {
  const sums = (h: Matrix) => referenceRun(w, xs, h, c0).map((v) => v.h!.flat().reduce((s, a) => s + Math.abs(a), 0));
  const squares = new Array<number>(xs.length).fill(0);
  h0.forEach((row, b) =>
    row.forEach((_, j) => {
      const shifted = (d: number) => h0.map((r, bb) => r.map((v, jj) => (bb === b && jj === j ? v + d : v)));
      const plus = sums(shifted(eps));
      const minus = sums(shifted(-eps));
      plus.forEach((p, t) => (squares[t]! += ((p - minus[t]!) / (2 * eps)) ** 2));
    }),
  );
  return squares.map(Math.sqrt);
}

/** max|a − b| / max|b|: the departure of the user's values from the reference's. */
export function relativeDifference(user: Matrix, reference: Matrix): number {
  let diff = 0;
  let scale = 1e-12;
  reference.forEach((row, b) =>
    row.forEach((r, j) => {
      const u = user[b]?.[j];
      diff = Math.max(diff, u === undefined || !Number.isFinite(u) ? Infinity : Math.abs(u - r));
      scale = Math.max(scale, Math.abs(r));
    }),
  );
  return diff / scale;
}

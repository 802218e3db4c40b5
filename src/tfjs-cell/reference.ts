// The reference cells the user's TF.js cell is checked against, in float64 on plain arrays:
// independent of TF.js (which computes in float32) and of the user's code. Row layout, as TF.js
// code writes it: x [B,E] @ W [E,H]. Also the probe's independent check: central finite
// differences of Σ|h_t| with respect to h0.

export type Matrix = number[][];
export type LstmGate = 'i' | 'f' | 'g' | 'o';
export const LSTM_GATES: readonly LstmGate[] = ['i', 'f', 'g', 'o'];

/** Input weight [E,H], recurrent weight [H,H], bias [H] (zeros when the cell has none). */
export interface GateWeights {
  input: Matrix;
  recurrent: Matrix;
  bias: number[];
}
export type LstmWeights = Record<LstmGate, GateWeights>;
export type ReferenceWeights = { kind: 'lstm'; gates: LstmWeights } | { kind: 'rnn'; h: GateWeights };

/** Every value a step computes, by gate letter (B×H each). */
export type StepValues = Partial<Record<'i' | 'f' | 'g' | 'o' | 'c' | 'h', Matrix>>;

export const EQUATIONS: Record<'lstm' | 'rnn', Partial<Record<string, string>>> = {
  lstm: { i: 'σ(x W_ii + h W_hi + b_i)', f: 'σ(x W_if + h W_hf + b_f)', g: 'tanh(x W_ig + h W_hg + b_g)', o: 'σ(x W_io + h W_ho + b_o)', c: 'f⊙c + i⊙g', h: 'o⊙tanh(c)' },
  rnn: { h: 'tanh(x W_ih + h W_hh + b)' },
};

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

function affine(x: Matrix, h: Matrix, w: GateWeights, act: (v: number) => number): Matrix {
  return x.map((xr, b) =>
    w.bias.map((bias, j) => {
      let sum = bias;
      for (let k = 0; k < xr.length; k++) sum += xr[k] * w.input[k][j];
      for (let k = 0; k < h[b].length; k++) sum += h[b][k] * w.recurrent[k][j];
      return act(sum);
    }),
  );
}

/** One step from (h, c); returns every gate and the new h and c. */
export function referenceStep(w: ReferenceWeights, x: Matrix, h: Matrix, c: Matrix): StepValues {
  if (w.kind === 'rnn') return { h: affine(x, h, w.h, Math.tanh) };
  const i = affine(x, h, w.gates.i, sigmoid);
  const f = affine(x, h, w.gates.f, sigmoid);
  const g = affine(x, h, w.gates.g, Math.tanh);
  const o = affine(x, h, w.gates.o, sigmoid);
  const cNext = c.map((row, b) => row.map((cv, j) => f[b][j] * cv + i[b][j] * g[b][j]));
  const hNext = cNext.map((row, b) => row.map((cv, j) => o[b][j] * Math.tanh(cv)));
  return { i, f, g, o, c: cNext, h: hNext };
}

/** The reference's values at every step from (h0, c0). */
export function referenceRun(w: ReferenceWeights, xs: Matrix[], h0: Matrix, c0: Matrix): StepValues[] {
  const out: StepValues[] = [];
  let h = h0;
  let c = c0;
  for (const x of xs) {
    const v = referenceStep(w, x, h, c);
    out.push(v);
    h = v.h!;
    c = v.c ?? c;
  }
  return out;
}

/** ‖∂Σ|h_t|/∂h0‖ for t = 1..xs.length by central differences in float64 (c0 held fixed). */
export function referenceProbeNorms(w: ReferenceWeights, xs: Matrix[], h0: Matrix, c0: Matrix, eps = 1e-6): number[] {
  const sums = (h: Matrix) => referenceRun(w, xs, h, c0).map((v) => v.h!.flat().reduce((s, a) => s + Math.abs(a), 0));
  const squares = new Array<number>(xs.length).fill(0);
  h0.forEach((row, b) =>
    row.forEach((_, j) => {
      const shifted = (d: number) => h0.map((r, bb) => r.map((v, jj) => (bb === b && jj === j ? v + d : v)));
      const plus = sums(shifted(eps));
      const minus = sums(shifted(-eps));
      plus.forEach((p, t) => (squares[t] += ((p - minus[t]) / (2 * eps)) ** 2));
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

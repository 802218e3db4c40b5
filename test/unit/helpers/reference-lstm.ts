// The notebook's equations in plain float64 JavaScript, one time step at a time: the
// independent reference the cell, probe and inspect tests compare TF.js's results with.
import type { PerGateWeights } from '../../../src/engine/cells/types';

export type Matrix = number[][];
export const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/** b + x_t W_x + h_{t−1} W_h, one value per hidden unit. */
export function affine(xT: number[], h: number[], wx: Matrix, wh: Matrix, b: number[]): number[] {
  return b.map((bias, j) => {
    let sum = bias;
    for (let k = 0; k < xT.length; k++) sum += xT[k]! * wx[k]![j]!;
    for (let k = 0; k < h.length; k++) sum += h[k]! * wh[k]![j]!;
    return sum;
  });
}

export interface LstmStepValues {
  i: number[];
  f: number[];
  g: number[];
  o: number[];
  c: number[];
  h: number[];
}

/**
 * One LSTM step with per-gate weights (W_i*, W_h*, b_*): i, f, o = σ(…), g = tanh(…),
 * c_t = f ⊙ c_{t−1} + i ⊙ g (without a forget gate c_{t−1} + i ⊙ g), h_t = o ⊙ tanh(c_t).
 */
export function referenceLstmStep(w: PerGateWeights, xT: number[], h: number[], c: number[], forgetGate: boolean): LstmStepValues {
  const gate = (name: string) => affine(xT, h, w[`W_i${name}`] as Matrix, w[`W_h${name}`] as Matrix, w[`b_${name}`] as number[]);
  const i = gate('i').map(sigmoid);
  const f = gate('f').map(sigmoid);
  const g = gate('g').map(Math.tanh);
  const o = gate('o').map(sigmoid);
  const cNext = c.map((cPrev, j) => (forgetGate ? f[j]! * cPrev : cPrev) + i[j]! * g[j]!);
  const hNext = o.map((oj, j) => oj * Math.tanh(cNext[j]!));
  return { i, f, g, o, c: cNext, h: hNext };
}

/** One Elman RNN step: h_t = tanh(x_t W_ih + h_{t−1} W_hh + b). */
export function referenceRnnStep(w: PerGateWeights, xT: number[], h: number[]): number[] {
  return affine(xT, h, w['W_ih'] as Matrix, w['W_hh'] as Matrix, w['b'] as number[]).map(Math.tanh);
}

// The GRU's equations (PyTorch's nn.GRU convention) in plain float64 JavaScript, one time
// step at a time: the independent reference the GRU tests compare TF.js's results with.
import type { PerGateWeights } from '../../../src/engine/cells/types';
import { affine, sigmoid, type Matrix } from './reference-lstm';

export interface GruStepValues {
  r: number[];
  z: number[];
  n: number[];
  h: number[];
}

/**
 * r = σ(x W_ir + h W_hr + b_r), z = σ(x W_iz + h W_hz + b_z),
 * n = tanh(x W_in + b_in + r ⊙ (h W_hn + b_hn)), h' = (1 − z) ⊙ n + z ⊙ h.
 */
export function referenceGruStep(w: PerGateWeights, xT: number[], h: number[]): GruStepValues {
  const zeros = (length: number) => new Array<number>(length).fill(0);
  const gate = (name: string) => affine(xT, h, w[`W_i${name}`] as Matrix, w[`W_h${name}`] as Matrix, w[`b_${name}`] as number[]);
  const r = gate('r').map(sigmoid);
  const z = gate('z').map(sigmoid);
  const inputPart = affine(xT, [], w['W_in'] as Matrix, [], w['b_in'] as number[]);
  const hiddenPart = affine([], h, [], w['W_hn'] as Matrix, w['b_hn'] as number[]);
  const n = inputPart.map((v, j) => Math.tanh(v + r[j]! * hiddenPart[j]!));
  const hNext = zeros(h.length).map((_, j) => (1 - z[j]!) * n[j]! + z[j]! * h[j]!);
  return { r, z, n, h: hNext };
}

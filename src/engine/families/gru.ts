// The GRU's step maths, once (PyTorch's nn.GRU convention; fused gate blocks r | z | n):
//
//   r = σ(x W_ir + h W_hr + b_r)      z = σ(x W_iz + h W_hz + b_z)
//   n = tanh(x W_in + b_in + r ⊙ (h W_hn + b_hn))
//   h' = (1 − z) ⊙ n + z ⊙ h
//
// The reset gate scales the recurrent part of n, bias b_hn included, so b_hn is kept apart
// from b_in (FusedWeights.hiddenBias).
import * as tf from '@tensorflow/tfjs';
import { checkPerGateWeights, fuseGateColumns } from '../cells/per-gate-weights';
import type { PerGateWeights } from '../cells/types';
import { familyWeightShapes } from '../../shared/catalog';
import { absSlope, inputProjection, sweep, transposed } from '../fast/probe-sweep';
import { createStepProduct } from '../fast/step-product';
import type { FamilyMaths, FusedTensors, FusedWeights, StepCotangents, StepValues } from './types';

const GATES = ['r', 'z', 'n'] as const;

function fuse(weights: PerGateWeights, inputSize: number, hiddenSize: number, who: string): FusedWeights {
  const flat = checkPerGateWeights(weights, familyWeightShapes('gru', inputSize, hiddenSize), who);
  return {
    weightIh: fuseGateColumns(
      GATES.map((g) => flat[`W_i${g}`]!),
      inputSize,
      hiddenSize,
    ),
    weightHh: fuseGateColumns(
      GATES.map((g) => flat[`W_h${g}`]!),
      hiddenSize,
      hiddenSize,
    ),
    bias: fuseGateColumns([flat['b_r']!, flat['b_z']!, flat['b_in']!], 1, hiddenSize),
    hiddenBias: flat['b_hn']!,
  };
}

function step(weights: FusedTensors, xProjected: tf.Tensor2D, h: tf.Tensor2D): StepValues {
  const [xr, xz, xn] = tf.split(xProjected, 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
  const [hr, hz, hnRaw] = tf.split(tf.matMul(h, weights.weightHh), 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
  const r = tf.sigmoid(tf.add(xr, hr)) as tf.Tensor2D;
  const z = tf.sigmoid(tf.add(xz, hz)) as tf.Tensor2D;
  const n = tf.tanh(tf.add(xn, tf.mul(r, tf.add(hnRaw, weights.hiddenBias!)))) as tf.Tensor2D;
  const hNext = tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, h)) as tf.Tensor2D;
  return { h: hNext, gates: { r, z, n, h: hNext } };
}

function stepBackward(weights: FusedTensors, weightHhT: tf.Tensor2D, values: StepValues, start: { h: tf.Tensor2D }, dh: tf.Tensor2D): StepCotangents {
  const { r, z, n } = values.gates as Required<StepValues['gates']>;
  // The recurrent part of n, r's multiplicand: h W_hn + b_hn.
  const hn = tf.add(tf.slice(tf.matMul(start.h, weights.weightHh), [0, 2 * weights.hiddenSize], [-1, weights.hiddenSize]), weights.hiddenBias!);
  const dPreN = tf.mul(tf.mul(dh, tf.sub(1, z)), tf.sub(1, tf.square(n)));
  const dPreR = tf.mul(tf.mul(dPreN, hn), tf.mul(r, tf.sub(1, r)));
  const dPreZ = tf.mul(tf.mul(dh, tf.sub(start.h, n)), tf.mul(z, tf.sub(1, z)));
  const dRecurrent = tf.concat([dPreR, dPreZ, tf.mul(dPreN, r)], 1) as tf.Tensor2D;
  return {
    dInput: tf.concat([dPreR, dPreZ, dPreN], 1) as tf.Tensor2D,
    dh: tf.add(tf.matMul(dRecurrent, weightHhT), tf.mul(dh, z)) as tf.Tensor2D,
  };
}

/** What the fast probe's forward pass keeps per (b, t) row, each [B·steps, H]. */
interface GruTape {
  r: Float32Array;
  z: Float32Array;
  n: Float32Array;
  /** h W_hn + b_hn. */
  hn: Float32Array;
  /** h_t. */
  h: Float32Array;
}

function forwardTape(pre: Float32Array, weightHh: tf.Tensor2D, hiddenBias: Float32Array, B: number, steps: number, H: number): GruTape {
  const size = B * steps * H;
  const tape: GruTape = { r: new Float32Array(size), z: new Float32Array(size), n: new Float32Array(size), hn: new Float32Array(size), h: new Float32Array(size) };
  const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
  const recurrent = createStepProduct(weightHh, B);
  try {
    recurrent.input().fill(0);
    const hPrev = new Float32Array(B * H);
    for (let s = 0; s < steps; s++) {
      const hh = recurrent.run(); // [B, 3H]
      const next = recurrent.input();
      for (let b = 0; b < B; b++) {
        const preRow = (b * steps + s) * 3 * H;
        const row = (b * steps + s) * H;
        for (let j = 0; j < H; j++) {
          const r = sigmoid(pre[preRow + j]! + hh[b * 3 * H + j]!);
          const z = sigmoid(pre[preRow + H + j]! + hh[b * 3 * H + H + j]!);
          const hn = hh[b * 3 * H + 2 * H + j]! + hiddenBias[j]!;
          const n = Math.tanh(pre[preRow + 2 * H + j]! + r * hn);
          const h = (1 - z) * n + z * hPrev[b * H + j]!;
          tape.r[row + j] = r;
          tape.z[row + j] = z;
          tape.n[row + j] = n;
          tape.hn[row + j] = hn;
          tape.h[row + j] = h;
          hPrev[b * H + j] = h;
          next[b * H + j] = h;
        }
      }
    }
  } finally {
    recurrent.dispose();
  }
  return tape;
}

/** The fast probe: forward keeping r, z, n, h W_hn + b_hn and h, then the backward sweep (stepBackward's maths in JS). */
async function fastProbeNorms(x: tf.Tensor3D, steps: number, H: number, _forgetGate: boolean, weights: PerGateWeights, signal: AbortSignal | undefined, name: string): Promise<number[]> {
  const [B, , E] = x.shape;
  const fused = fuse(weights, E, H, 'fast probe');
  const pre = inputProjection(x, steps, fused.weightIh, fused.bias, 3 * H);
  const weightHh = tf.tensor2d(fused.weightHh, [H, 3 * H]);
  const weightHhT = tf.tensor2d(transposed(fused.weightHh, H, 3 * H), [3 * H, H]);
  try {
    const tape = forwardTape(pre, weightHh, fused.hiddenBias!, B, steps, H);
    const [rFactor, zFactor, nFactor, carry] = Array.from({ length: 4 }, () => new Float32Array(B * H)) as [Float32Array, Float32Array, Float32Array, Float32Array];
    return await sweep(
      steps,
      B,
      H,
      weightHhT,
      (k, active, dh, into) => {
        const s = k - 1;
        const newBlock = active - 1; // target t = k enters: dloss_k/dh_k = sign(h_k)
        for (let b = 0; b < B; b++) {
          const row = (b * steps + s) * H;
          const stackRow = (newBlock * B + b) * H;
          for (let j = 0; j < H; j++) dh[stackRow + j] = absSlope(tape.h[row + j]!);
        }
        // Step k's local derivatives (each multiplies a target's dh), shared by every target.
        for (let b = 0; b < B; b++) {
          const row = (b * steps + s) * H;
          const previousRow = row - H; // h_{k-1} of the same b (s > 0)
          for (let j = 0; j < H; j++) {
            const r = tape.r[row + j]!;
            const z = tape.z[row + j]!;
            const n = tape.n[row + j]!;
            const hPrev = s > 0 ? tape.h[previousRow + j]! : 0;
            const at = b * H + j;
            const dPreN = (1 - z) * (1 - n * n);
            nFactor[at] = dPreN * r; // into the recurrent part of n
            rFactor[at] = dPreN * tape.hn[row + j]! * r * (1 - r);
            zFactor[at] = (hPrev - n) * z * (1 - z);
            carry[at] = z;
          }
        }
        for (let q = 0; q < active; q++) {
          for (let b = 0; b < B; b++) {
            const stackRow = (q * B + b) * H;
            const intoRow = (q * B + b) * 3 * H;
            const local = b * H;
            for (let j = 0; j < H; j++) {
              const dhValue = dh[stackRow + j]!;
              into[intoRow + j] = dhValue * rFactor[local + j]!;
              into[intoRow + H + j] = dhValue * zFactor[local + j]!;
              into[intoRow + 2 * H + j] = dhValue * nFactor[local + j]!;
            }
          }
        }
        return carry;
      },
      signal,
      name,
    );
  } finally {
    weightHh.dispose();
    weightHhT.dispose();
  }
}

export const gruMaths: FamilyMaths = { fuse, step, stepBackward, fastProbeNorms };

// The gradient probe, fast. Same semantics as probeSeries in ../probe.ts: for one batch
// x [B, T, E], a fresh cell (same seed, same weights), h_0 = 0 of shape [1, H] shared over
// the batch (an LSTM's c_0 = 0 too), and t = 1..steps:
//
//   loss_t = Σ_{b,j} |h_t[b, j]|,   norm_t = ‖∂loss_t / ∂h_0‖₂.
//
// The reference differentiates each t-step unroll separately: O(steps²) small step
// VJPs, each a [B, 4H]·[4H, H] product plus a dozen dispatched ops. Here one forward pass
// keeps the activations, then a single backward sweep carries the cotangents of *every*
// loss_t at once: at step k the stack holds one [B, H] cotangent per target t ≥ k (the
// new target t = k enters with sign(h_k)), all pushed through step k with one fused
// element-wise loop and one [(#targets·B), 4H]·[4H, H] product. The arithmetic is the
// same O(steps²) VJPs the floor counts (≈85 GFLOP for the notebook's five series), but as
// `steps` large matmuls instead of steps²/2 small ones and no per-step tensors.
//
// Each family's forward and backward sweep is in its maths module (../families/<family>.ts,
// FamilyMaths.fastProbeNorms; the shared sweep is ./probe-sweep.ts). Every kind whose weights
// are its own is handled; a library layer's (builtin-lstm) is not: canProbeFast() says so and
// the caller uses probeSeries.
import * as tf from '@tensorflow/tfjs';
import { probeStartWeights } from '../cells/init';
import { getCell } from '../cells/registry';
import { CELL_CATALOG, CELL_KINDS } from '../../shared/catalog';
import type { CellKind, PerGateWeights } from '../cells/types';
import type { ProbeSeriesOptions } from '../probe';
import type { ProbeSeries, ProbeSeriesSpec } from '../../shared/types';
import { FAMILY_MATHS } from '../families';

/** True when probeSeriesFast handles this cell kind (same equations as the reference cell). */
export function canProbeFast(kind: CellKind): boolean {
  return CELL_CATALOG[kind].layout !== 'library';
}

/** The fresh cell's weights, exactly as probeSeries would build the cell. */
function probeWeights(spec: ProbeSeriesSpec, inputSize: number, options: ProbeSeriesOptions): PerGateWeights {
  const definition = getCell(spec.cell);
  let weights = options.weights;
  if (weights) weights = probeStartWeights(weights, spec);
  const cell = definition.create({ inputSize, hiddenSize: options.hiddenSize, forgetGate: spec.forgetGate, forgetBias: spec.forgetBias, seed: options.seed }, weights);
  try {
    return cell.exportWeights();
  } finally {
    cell.dispose();
  }
}

/**
 * probeSeries, fast: the same norms (to float32 rounding) for naive-lstm, fused-lstm,
 * fast-lstm and simple-rnn. onStep is called for t = 1..steps once the sweep is done.
 */
export async function probeSeriesFast(x: tf.Tensor3D, spec: ProbeSeriesSpec, options: ProbeSeriesOptions): Promise<ProbeSeries> {
  const { steps, hiddenSize } = options;
  if (!canProbeFast(spec.cell)) throw new Error(`Fast probe: ${spec.cell} is not supported (${CELL_KINDS.filter(canProbeFast).join(', ')} are); use probeSeries.`);
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`Probe: steps must be a positive integer, got ${steps}.`);
  if (!Number.isInteger(hiddenSize) || hiddenSize < 1) throw new Error(`Probe: hiddenSize must be a positive integer, got ${hiddenSize}.`);
  if (x.rank !== 3) throw new Error(`Probe: the embedded batch must be [batch, time, embedding], got shape [${x.shape.join(', ')}].`);
  if (x.shape[1] < steps) throw new Error(`Probe: the batch has ${x.shape[1]} time steps but ${steps} were asked for; use at most ${x.shape[1]} steps.`);
  const started = Date.now();
  const weights = probeWeights(spec, x.shape[2], options);
  const norms = await FAMILY_MATHS[CELL_CATALOG[spec.cell].family].fastProbeNorms(x, steps, hiddenSize, spec.forgetGate, weights, options.signal, spec.name);
  norms.forEach((norm, k) => options.onStep?.(k + 1, norm));
  return { ...spec, norms, seconds: (Date.now() - started) / 1000 };
}

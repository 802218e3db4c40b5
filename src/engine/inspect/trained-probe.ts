// The notebook's h0 probe on a trained cell, next to the run's fresh cell.
import * as tf from '@tensorflow/tfjs';
import { getCell } from '../cells/registry';
import type { CellState, RecurrentCell } from '../cells/types';
import { loadCheckpoint, type Checkpoint } from '../checkpoint';
import { loadCorpus } from '../corpus';
import { embedIds, probeSeries } from '../probe';
import { deriveSeed } from '../random';
import type { CorpusSpec, ProbeSeries, ProbeSeriesSpec } from '../../shared/types';
import type { TrainedProbeResult } from '../../shared/inspect-types';
import { InputError } from '../errors';
import { ensureBackend } from './source';

export interface TrainedProbeOptions {
  /** Steps of the probe (notebook: 100). */
  steps?: number;
  /** Instances in the probed batch (notebook: 32). */
  batchSize?: number;
  /** Text to probe on; default the run's own corpus. */
  corpus?: CorpusSpec;
  corpusDir?: string;
  signal?: AbortSignal;
  /** Called with each series as it finishes (trained first, then fresh). */
  onSeries?: (series: ProbeSeries) => void;
}

/**
 * ‖∂loss_t/∂h_0‖₂ with loss_t = Σ|h_t| (probe.ts) on a given cell as it is. probeSeries sets
 * b_f of given weights to one constant (the notebook's experiment); a trained b_f must stay.
 */
async function probeCellAsIs(x: tf.Tensor3D, cell: RecurrentCell, spec: ProbeSeriesSpec, steps: number, signal?: AbortSignal): Promise<ProbeSeries> {
  const started = Date.now();
  const hidden = cell.hiddenSize;
  const inputs = tf.tidy(() => tf.unstack(x.slice([0, 0, 0], [x.shape[0], steps, x.shape[2]]), 1)) as tf.Tensor2D[];
  const h0 = tf.zeros([1, hidden]) as tf.Tensor2D;
  const norms: number[] = [];
  try {
    for (let t = 1; t <= steps; t++) {
      if (signal?.aborted) {
        const error = new Error(`Probe cancelled at step ${t} of ${spec.name}.`);
        error.name = 'AbortError';
        throw error;
      }
      const lossAtStep = (hInitial: tf.Tensor): tf.Scalar => {
        let state: CellState = { h: hInitial as tf.Tensor2D }; // a missing c is zero
        for (let k = 0; k < t; k++) state = cell.step(inputs[k]!, state);
        return tf.sum(tf.abs(state.h));
      };
      norms.push(tf.tidy(() => tf.norm(tf.grad(lossAtStep)(h0)).dataSync()[0]!));
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    tf.dispose([...inputs, h0]);
  }
  return { ...spec, norms, seconds: (Date.now() - started) / 1000 };
}

/**
 * The notebook's h0 probe on the checkpoint's trained cell and on the run's fresh cell (the
 * same kind, options and seed, i.e. the cell before its first training step), both on the
 * first training batch of the run's corpus embedded with the trained embedding.
 */
export async function probeTrained(checkpointOrPath: string | Checkpoint, options: TrainedProbeOptions = {}): Promise<TrainedProbeResult> {
  await ensureBackend();
  const checkpoint = typeof checkpointOrPath === 'string' ? loadCheckpoint(checkpointOrPath) : checkpointOrPath;
  const steps = options.steps ?? 100;
  const batchSize = options.batchSize ?? 32;
  for (const [name, value] of [
    ['steps', steps],
    ['batchSize', batchSize],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`The probe's ${name} must be a positive integer, got ${value}.`);
  }
  const { kind, inputSize, hiddenSize, forgetGate, forgetBias } = checkpoint.cell;
  const corpus = await loadCorpus(
    options.corpus ?? checkpoint.config.corpus,
    { seqLen: steps, valFraction: checkpoint.config.valFraction, seed: checkpoint.config.seed },
    { corpusDir: options.corpusDir, vocab: checkpoint.vocab },
  );
  const first = corpus.trainBatches(batchSize, 0).next();
  if (first.done) throw new InputError(`The corpus has no training batch of ${steps} characters; use fewer steps.`);
  const x = embedIds(first.value.inputs, first.value.batchSize, steps, Float32Array.from(checkpoint.weights.embedding.flat()), inputSize);
  const cell = getCell(kind).create({ inputSize, hiddenSize, forgetGate, forgetBias }, checkpoint.weights.cell);
  try {
    const base = { cell: kind, forgetGate, forgetBias };
    const trained = await probeCellAsIs(x, cell, { ...base, name: 'trained' }, steps, options.signal);
    options.onSeries?.(trained);
    // The language model seeds its cell with deriveSeed(seed, 'cell'): the same seed gives the run's initial cell.
    const fresh = await probeSeries(x, { ...base, name: 'fresh' }, { steps, hiddenSize, seed: deriveSeed(checkpoint.config.seed, 'cell'), signal: options.signal });
    options.onSeries?.(fresh);
    return { cell: kind, steps, batchSize: first.value.batchSize, trained, fresh };
  } finally {
    cell.dispose();
    x.dispose();
  }
}

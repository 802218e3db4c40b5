// What computes a training batch's loss and gradients for the trainer and the bench:
// - TF.js's autodiff of the language model (every cell, every backend);
// - for fast-lstm, LSTM Lab's own wasm kernel of the whole model, data-parallel over the
//   machine's cores (fast/lm-threads.ts). Native TensorFlow (tfjs-node), when it is the
//   backend, stays first: the kernel stands in only for TF.js's wasm and cpu backends.
// Either way the optimiser (TF.js's Adam) applies the gradients to the model's variables.
import * as tf from '@tensorflow/tfjs';
import type { Batch } from './corpus';
import { LmKernelPool, availableCores } from './fast/lm-threads';
import type { LanguageModel } from './model';
import type { BackendName } from '../shared/types';

export interface BatchLoss {
  /** Mean cross-entropy over the batch's non-padding targets. */
  loss: number;
}

export interface GradientSource {
  /** Names how batches are computed, for the user (CLI, panel, bench). */
  readonly description: string;
  /** Threads computing each batch. */
  readonly threads: number;
  /** The batch's loss and every trainable variable's gradient, by variable name (the caller disposes them). */
  gradients(batch: Batch): Promise<BatchLoss & { grads: tf.NamedTensorMap }>;
  /** The batch's loss, forward only (validation). */
  loss(batch: Batch): Promise<BatchLoss>;
  dispose(): Promise<void>;
}

export interface GradientSourceOptions {
  /** Threads for the fast-lstm kernel (default: every core the process may use). */
  threads?: number;
  /** Force TF.js autodiff even where the kernel applies (the bench's comparison row). */
  autodiffOnly?: boolean;
}

/** TF.js's autodiff of model.loss: one thread, whatever the cell. */
export function autodiffGradients(model: LanguageModel, backend: BackendName): GradientSource {
  const tensors = (batch: Batch) => ({
    inputs: tf.tensor2d(batch.inputs, [batch.batchSize, batch.seqLen], 'int32'),
    targets: tf.tensor2d(batch.targets, [batch.batchSize, batch.seqLen], 'int32'),
  });
  return {
    description: `TF.js ${backend} (autodiff)`,
    threads: 1,
    async gradients(batch) {
      const { value, grads } = tf.tidy(() => {
        const { inputs, targets } = tensors(batch);
        return tf.variableGrads(() => model.loss(inputs, targets), model.variables);
      });
      const loss = (await value.data())[0]!;
      value.dispose();
      return { loss, grads };
    },
    async loss(batch) {
      const value = tf.tidy(() => {
        const { inputs, targets } = tensors(batch);
        return model.loss(inputs, targets);
      });
      const loss = (await value.data())[0]!;
      value.dispose();
      return { loss };
    },
    async dispose() {},
  };
}

/** Whether the wasm kernel computes this model's batches (fast-lstm, on TF.js's own backends). */
export function kernelApplies(model: LanguageModel, backend: BackendName): boolean {
  return model.options.cell === 'fast-lstm' && backend !== 'tensorflow';
}

/** fast-lstm's whole model in LSTM Lab's wasm kernel, each batch split over `threads` threads. */
export function kernelGradients(model: LanguageModel, threads: number): GradientSource {
  const pool = new LmKernelPool(threads);
  const { embeddingSize, hiddenSize, vocabSize, forgetGate } = model.options;
  const flatParams = (): Float32Array => {
    const parts = model.variables.map((variable) => variable.dataSync() as Float32Array);
    const out = new Float32Array(parts.reduce((n, part) => n + part.length, 0));
    let offset = 0;
    for (const part of parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  };
  const run = (batch: Batch, backward: boolean) =>
    pool.run({ steps: batch.seqLen, embedding: embeddingSize, hidden: hiddenSize, vocab: vocabSize, forgetGate }, batch.batchSize, flatParams(), batch.inputs, batch.targets, backward);
  return {
    description: `fast-lstm wasm SIMD kernel × ${threads} thread${threads === 1 ? '' : 's'}`,
    threads,
    async gradients(batch) {
      const result = await run(batch, true);
      const grads: tf.NamedTensorMap = {};
      let offset = 0;
      for (const variable of model.variables) {
        grads[variable.name] = tf.tensor(result.grads!.subarray(offset, offset + variable.size), variable.shape);
        offset += variable.size;
      }
      return { loss: result.loss, grads };
    },
    async loss(batch) {
      return { loss: (await run(batch, false)).loss };
    },
    dispose: () => pool.dispose(),
  };
}

/** The fastest source for this model on this backend. */
export function gradientSourceFor(model: LanguageModel, backend: BackendName, options: GradientSourceOptions = {}): GradientSource {
  if (options.autodiffOnly || !kernelApplies(model, backend)) return autodiffGradients(model, backend);
  const threads = options.threads ?? availableCores();
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`threads must be a positive integer (threads computing each batch), got ${threads}.`);
  return kernelGradients(model, threads);
}

// Per-step gradient flow: ‖∂loss_t/∂x_s‖₂ for every s ≤ t of a text.
import * as tf from '@tensorflow/tfjs';
import { InputError } from '../errors';
import type { GradientFlow } from '../../shared/inspect-types';
import { encodeText, withModel, type InspectSource } from './source';
import type { StepValues } from '../families';
import { cellMaths, disposeCellMaths, inputProducts } from './steps';

/** Longest text the gradient heatmap accepts (its cost and size grow as T²). */
export const MAX_GRADIENT_FLOW_CHARS = 1000;

/**
 * For a text of N characters, T = N − 1 predictions: position t reads x_0 … x_t and is scored
 * on character t + 1. Returns ‖∂loss_t/∂x_s‖₂ for every s ≤ t (zero above the diagonal).
 *
 * One forward pass records every step's input and starting state; the backward pass through
 * time then carries one row per loss at once, row t being the gradient of loss_t: it joins
 * at step t (its seed) and is carried down to step 0, through the family's step backward
 * (FamilyMaths.stepBackward). At step s only the rows t ≥ s are non-zero, so only they are
 * kept: the whole [T][T] matrix costs about half a backward pass of a batch of T.
 */
export async function gradientFlow(source: InspectSource, text: string, options: { signal?: AbortSignal } = {}): Promise<GradientFlow> {
  return withModel(source, async ({ model, vocab }) => {
    const started = performance.now();
    const encoded = encodeText(text, vocab, MAX_GRADIENT_FLOW_CHARS, 'the gradient flow');
    if (encoded.chars.length < 2) throw new InputError('The gradient flow needs at least two characters (each prediction is scored on the next one).');
    const steps = encoded.chars.length - 1;
    const inputIds = encoded.ids.slice(0, steps);
    const targetIds = encoded.ids.slice(1);
    const H = model.options.hiddenSize;
    const maths = cellMaths(model.cell);
    const { weights, hasCellState } = maths;
    const keep: tf.Tensor[] = [];
    try {
      // Forward: every step's values and the state it starts from, the per-position losses,
      // and each loss's seed ∂loss_t/∂h_t = (softmax − onehot) W_pᵀ.
      // (tf.tidy keeps every tensor in what it returns; its types do not allow optional fields.)
      const forward = tf.tidy(() => {
        const x = model.embed(tf.tensor2d([inputIds], [1, steps], 'int32'));
        const values: StepValues[] = [];
        const before: { h: tf.Tensor2D; c?: tf.Tensor2D }[] = [];
        let state: { h: tf.Tensor2D; c?: tf.Tensor2D } = { h: tf.zeros([1, H]), ...(hasCellState ? { c: tf.zeros([1, H]) as tf.Tensor2D } : {}) };
        for (const input of inputProducts(weights, x)) {
          before.push(state);
          const next = maths.step(weights, input, state.h, state.c);
          values.push(next);
          state = { h: next.h, ...(next.c ? { c: next.c } : {}) };
        }
        const logProbabilities = tf.logSoftmax(
          model.project(
            tf.concat(
              values.map((value) => value.h),
              0,
            ) as tf.Tensor2D,
          ),
        );
        const targets = tf.oneHot(tf.tensor1d(targetIds, 'int32'), model.options.vocabSize).toFloat();
        const losses = tf.neg(tf.sum(tf.mul(logProbabilities, targets), 1));
        const seeds = tf.matMul(tf.sub(tf.exp(logProbabilities), targets), tf.transpose(model.projectionWeight)) as tf.Tensor2D;
        return { values, before, losses, seeds: tf.unstack(seeds, 0).map((seed) => tf.reshape(seed, [1, H]) as tf.Tensor2D) } as unknown as tf.TensorContainer;
      }) as unknown as { values: StepValues[]; before: { h: tf.Tensor2D; c?: tf.Tensor2D }[]; losses: tf.Tensor1D; seeds: tf.Tensor2D[] };
      keep.push(forward.losses, ...forward.seeds, ...forward.values.flatMap((value) => [value.h, ...(value.c ? [value.c] : []), ...(Object.values(value.gates) as tf.Tensor[])]));
      keep.push(...forward.before.flatMap((state) => (state.c ? [state.h, state.c] : [state.h])));
      const transposedIh = tf.transpose(weights.weightIh);
      const transposedHh = tf.transpose(weights.weightHh);
      keep.push(transposedIh, transposedHh);
      // Row k of these belongs to loss_{s+1+k} (the losses after step s).
      let dh: tf.Tensor2D = tf.zeros([0, H]); // ∂loss/∂h_s through step s + 1
      let dc: tf.Tensor2D | undefined = hasCellState ? tf.zeros([0, H]) : undefined; // ∂loss/∂c_s through c_{s+1}
      const columns: tf.Tensor1D[] = []; // columns[s][k] = ‖∂loss_{s+k}/∂x_s‖
      try {
        for (let s = steps - 1; s >= 0; s--) {
          if (options.signal?.aborted) {
            const error = new Error(`Gradient flow cancelled at step ${s + 1} of ${steps}.`);
            error.name = 'AbortError';
            throw error;
          }
          const next = tf.tidy(() => {
            // loss_s joins as row 0: its seed on h_s (and nothing yet on c_s).
            const dhTotal = tf.concat([forward.seeds[s]!, dh], 0) as tf.Tensor2D;
            const dcTotal = dc ? (tf.concat([tf.zeros([1, H]), dc], 0) as tf.Tensor2D) : undefined;
            const back = maths.stepBackward(weights, transposedHh, forward.values[s]!, forward.before[s]!, dhTotal, dcTotal);
            const dx = tf.matMul(back.dInput, transposedIh);
            return { column: tf.sqrt(tf.sum(tf.square(dx), 1)) as tf.Tensor1D, dh: back.dh, dc: back.dc };
          });
          dh.dispose();
          dc?.dispose();
          dh = next.dh;
          dc = next.dc;
          columns[s] = next.column;
          if (s % 50 === 0) await new Promise<void>((resolve) => setImmediate(resolve)); // lets a cancel arrive
        }
        const norms: number[][] = Array.from({ length: steps }, () => new Array<number>(steps).fill(0));
        for (let s = 0; s < steps; s++) {
          const column = columns[s]!.dataSync();
          for (let k = 0; k < column.length; k++) norms[s + k]![s] = column[k]!;
        }
        const losses = Array.from(forward.losses.dataSync());
        const byDistance = Array.from({ length: steps }, (_, distance) => {
          let sum = 0;
          for (let t = distance; t < steps; t++) sum += norms[t]![t - distance]!;
          return sum / (steps - distance);
        });
        return {
          cell: model.cell.kind,
          chars: encoded.chars.slice(0, steps),
          targets: encoded.chars.slice(1),
          norms,
          losses,
          byDistance,
          seconds: (performance.now() - started) / 1000,
        };
      } finally {
        tf.dispose([dh, ...(dc ? [dc] : []), ...columns.filter(Boolean)]);
      }
    } finally {
      tf.dispose(keep);
      disposeCellMaths(maths);
    }
  });
}

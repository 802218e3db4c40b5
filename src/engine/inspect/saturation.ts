// Saturation of the sigmoid gates: the fractions of activations below 0.1 (closed) and above
// 0.9 (open), over a capture's text or a training batch.
import * as tf from '@tensorflow/tfjs';
import { familyOf, isCellKind } from '../../shared/catalog';
import { PADDING_ID } from '../corpus';
import type { LanguageModel } from '../model';
import type { ActivationCapture, GateSaturation } from '../../shared/inspect-types';
import { cellMaths, disposeCellMaths, runEquations } from './steps';

/** Sigmoid outputs below this count as a closed gate, above 1 − this as an open one (Karpathy et al. 2015). */
export const SATURATION_THRESHOLD = 0.1;

/** Saturation of the family's sigmoid gates (LSTM i, f, o) over a capture's text. Empty for the RNN. */
export function gateSaturation(capture: ActivationCapture): GateSaturation[] {
  const out: GateSaturation[] = [];
  const sigmoidGates = isCellKind(capture.cell) ? familyOf(capture.cell).sigmoidGates : [];
  for (const gate of sigmoidGates) {
    const values = capture.gates[gate];
    if (!values) continue;
    let low = 0;
    let high = 0;
    let count = 0;
    for (const row of values) {
      for (const value of row) {
        if (value < SATURATION_THRESHOLD) low++;
        else if (value > 1 - SATURATION_THRESHOLD) high++;
        count++;
      }
    }
    out.push({ gate, low: low / count, high: high / count });
  }
  return out;
}

/**
 * Saturation of the sigmoid gates over a batch of token ids [batch, seqLen] (row-major),
 * padding positions left out. Returns the gates and how many activations each counted.
 * Synchronous: the trainer calls it between batches.
 */
export function measureSaturation(model: LanguageModel, ids: Int32Array, batch: number, seqLen: number): { count: number; gates: GateSaturation[] } {
  if (ids.length !== batch * seqLen) throw new Error(`measureSaturation: ${ids.length} ids do not make a ${batch}×${seqLen} batch.`);
  const maths = cellMaths(model.cell);
  try {
    const names = familyOf(model.cell.kind).sigmoidGates.filter((gate) => maths.gateNames.includes(gate));
    if (names.length === 0) return { count: 0, gates: [] };
    const figures = tf.tidy(() => {
      const idTensor = tf.tensor2d(ids, [batch, seqLen], 'int32');
      const steps = runEquations(maths, model.embed(idTensor));
      const mask = tf.expandDims(tf.notEqual(idTensor, tf.scalar(PADDING_ID, 'int32')).toFloat(), 2); // [B, T, 1]
      const counted = tf.mul(tf.sum(mask), maths.weights.hiddenSize);
      const perGate = names.map((name) => {
        const values = tf.stack(
          steps.map((step) => step[name]!),
          1,
        ); // [B, T, H]
        const low = tf.sum(tf.mul(tf.less(values, SATURATION_THRESHOLD).toFloat(), mask));
        const high = tf.sum(tf.mul(tf.greater(values, 1 - SATURATION_THRESHOLD).toFloat(), mask));
        return tf.stack([low, high]);
      });
      return tf.concat([tf.reshape(counted, [1]), ...perGate]);
    });
    const numbers = figures.dataSync();
    figures.dispose();
    const count = numbers[0]!;
    return { count, gates: names.map((gate, k) => ({ gate, low: numbers[1 + 2 * k]! / Math.max(count, 1), high: numbers[2 + 2 * k]! / Math.max(count, 1) })) };
  } finally {
    disposeCellMaths(maths);
  }
}

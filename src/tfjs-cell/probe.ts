// The gradient probe of a TF.js cell, the notebook's quantity ‖∂Σ|h_t|/∂h0‖ for every step t,
// in one tf.grad: the start state is repeated once per target (a batch of T rows; row t−1
// carries target t), row t−1 adds Σ|h_t| to the loss and leaves the batch after step t, so one
// backward pass gives every target's gradient (rows never mix in a recurrent cell). That is
// what PyTorch's batched grad does in the Python check; T separate tf.grad calls cost O(T²)
// steps of forward and backward instead of ~T²/2 rows of one sweep.
import * as tf from '@tensorflow/tfjs';
import { referenceStep, type GateWeights, type Matrix, type Ops, type ReferenceWeights } from './reference';

/** One step of a cell on [rows, ·] tensors: the new h and c (c unchanged by cells without one). */
export type TensorStep = (x: tf.Tensor2D, h: tf.Tensor2D, c: tf.Tensor2D) => [tf.Tensor2D, tf.Tensor2D];

/** ‖∂Σ|h_t|/∂h0‖ for t = 1..xs.length from (h0, c0) (one vector each; xs one input row per step). null where not finite. */
export function probeNorms(step: TensorStep, xs: number[][], h0: number[], c0: number[]): (number | null)[] {
  const T = xs.length;
  const H = h0.length;
  if (T === 0) return [];
  const norms = tf.tidy(() => {
    const inputs = xs.map((x) => tf.tensor2d([x]));
    const loss = (start: tf.Tensor): tf.Scalar => {
      let h = start as tf.Tensor2D;
      let c = tf.tile(tf.tensor2d([c0]), [T, 1]);
      const terms: tf.Tensor[] = [];
      for (let k = 0; k < T; k++) {
        const rows = T - k;
        [h, c] = step(tf.tile(inputs[k]!, [rows, 1]), h, c);
        // Row 0 is target k+1: its loss is Σ|h_{k+1}|; then it leaves the batch.
        terms.push(tf.sum(tf.abs(tf.slice(h, [0, 0], [1, H]))));
        if (rows > 1) {
          h = tf.slice(h, [1, 0], [rows - 1, H]);
          c = tf.slice(c, [1, 0], [rows - 1, c.shape[1]]);
        }
      }
      return tf.addN(terms) as tf.Scalar;
    };
    const grads = tf.grad(loss)(tf.tile(tf.tensor2d([h0]), [T, 1]));
    return tf.norm(grads, 'euclidean', 1);
  });
  const values = norms.dataSync();
  norms.dispose();
  return Array.from(values, (n) => (Number.isFinite(n) ? n : null));
}

/** The reference cell as a TensorStep on TF.js tensors (float32), for the reference's probe series. */
export function referenceTensorStep(w: ReferenceWeights): TensorStep {
  const ops = tensorOps();
  return (x, h, c) => {
    const values = referenceStep(ops, w, x as tf.Tensor, h, c);
    return [values.h as tf.Tensor2D, (values.c ?? c) as tf.Tensor2D];
  };
}

/** The reference's operations on tensors; each gate's weights become tensors on first use (call inside a tidy). */
function tensorOps(): Ops<tf.Tensor> {
  const tensors = new Map<GateWeights, { input: tf.Tensor2D; recurrent: tf.Tensor2D; bias: tf.Tensor1D }>();
  const of = (w: GateWeights) => {
    let t = tensors.get(w);
    if (!t) tensors.set(w, (t = { input: tf.tensor2d(w.input as Matrix), recurrent: tf.tensor2d(w.recurrent as Matrix), bias: tf.tensor1d(w.bias) }));
    return t;
  };
  return {
    affine: (x, h, w) => {
      const t = of(w);
      const part = tf.add(tf.matMul(x as tf.Tensor2D, t.input), t.bias);
      return h ? tf.add(part, tf.matMul(h as tf.Tensor2D, t.recurrent)) : part;
    },
    recurrent: (h, w) => tf.matMul(h as tf.Tensor2D, of(w).recurrent),
    add: (a, b) => tf.add(a, b),
    mul: (a, b) => tf.mul(a, b),
    sigmoid: (a) => tf.sigmoid(a),
    tanh: (a) => tf.tanh(a),
    oneMinus: (a) => tf.sub(1, a),
  };
}

import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs';
import { activeBackend, initBackend, resolvePreference, BACKEND_ENV_VAR } from '../../src/engine/backend';
import { mulberry32 } from '../../src/engine/random';

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let k = 0; k < a.length; k++) worst = Math.max(worst, Math.abs(a[k]! - b[k]!));
  return worst;
}

describe('backend', () => {
  before(async () => {
    await initBackend('wasm');
  });

  it('runs on wasm when asked, and a second call returns the active backend', async () => {
    assert.equal(tf.getBackend(), 'wasm');
    assert.equal(activeBackend(), 'wasm');
    assert.equal(await initBackend('wasm'), 'wasm');
    assert.equal(await initBackend('auto'), 'wasm', 'auto after wasm keeps the backend already running');
  });

  it('lets LSTM_LAB_BACKEND stand in for auto, never for an explicit choice, and rejects unknown values clearly', () => {
    const saved = process.env[BACKEND_ENV_VAR];
    try {
      process.env[BACKEND_ENV_VAR] = 'CPU';
      assert.equal(resolvePreference('auto'), 'cpu');
      assert.equal(resolvePreference('wasm'), 'wasm', 'an explicit --backend wasm beats the env var');
      process.env[BACKEND_ENV_VAR] = 'tensorflow';
      assert.equal(resolvePreference('auto'), 'native', 'the name results use for the native backend');
      process.env[BACKEND_ENV_VAR] = 'gpu';
      assert.throws(() => resolvePreference('auto'), /LSTM_LAB_BACKEND=gpu is not a backend\. Use one of: auto, native, wasm, cpu, tensorflow/);
      delete process.env[BACKEND_ENV_VAR];
      assert.equal(resolvePreference('wasm'), 'wasm');
    } finally {
      if (saved === undefined) delete process.env[BACKEND_ENV_VAR];
      else process.env[BACKEND_ENV_VAR] = saved;
    }
  });

  it("fails with a clear message when 'native' is forced but tfjs-node is absent", async function () {
    let loads = false;
    try {
      require('@tensorflow/tfjs-node');
      loads = true;
    } catch {
      // expected here
    }
    // Outside the try: a skip is an exception, and the catch above would swallow it.
    if (loads) this.skip(); // tfjs-node loads on this machine: nothing to check
    await assert.rejects(initBackend('native'), /tfjs-node\) is not installed or does not load here\. Use --backend wasm/);
    assert.equal(tf.getBackend(), 'wasm', 'a failed switch leaves the working backend in place');
  });

  it('sums segments on wasm (UnsortedSegmentSum, missing from tfjs-backend-wasm)', () => {
    const x = tf.tensor2d([
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
      [9, 10],
    ]);
    // Row 3 goes to segment 0 together with row 0; id 7 is out of range and is dropped (TensorFlow's rule).
    const ids = tf.tensor1d([0, 2, 2, 0, 7], 'int32');
    const summed = tf.unsortedSegmentSum(x, ids, 4);
    assert.deepEqual(summed.shape, [4, 2]);
    assert.deepEqual(Array.from(summed.dataSync()), [8, 10, 0, 0, 8, 10, 0, 0]);
    tf.dispose([x, ids, summed]);
  });

  it("gives an embedding's gradient through tf.gather equal to the one-hot matmul gradient", () => {
    const random = mulberry32(7);
    const vocab = 11;
    const dim = 5;
    const tokens = [3, 0, 3, 10, 7, 7, 7, 1, 2, 3, 9, 4];
    const table = tf.tensor2d(
      Array.from({ length: vocab * dim }, () => random() * 2 - 1),
      [vocab, dim],
    );
    const ids = tf.tensor1d(tokens, 'int32');
    const weights = tf.tensor2d(
      Array.from({ length: tokens.length * dim }, () => random() * 2 - 1),
      [tokens.length, dim],
    );
    // A loss that is not linear in the embedding, so the gradient depends on each row.
    const lossOf = (embedded: tf.Tensor2D) => tf.sum(tf.square(tf.mul(embedded, weights)));
    const viaGather = tf.grad((t: tf.Tensor) => lossOf(tf.gather(t as tf.Tensor2D, ids)))(table);
    const oneHot = tf.oneHot(ids, vocab).toFloat() as tf.Tensor2D;
    const viaMatmul = tf.grad((t: tf.Tensor) => lossOf(tf.matMul(oneHot, t as tf.Tensor2D)))(table);
    assert.ok(maxAbsDiff(viaGather.dataSync(), viaMatmul.dataSync()) < 1e-5);
    // Rows of tokens never seen get no gradient; token 7 (three times) does.
    const grad = viaGather.arraySync() as number[][];
    assert.ok(grad[5]!.every((v) => v === 0));
    assert.ok(grad[7]!.some((v) => v !== 0));
    tf.dispose([table, ids, weights, viaGather, oneHot, viaMatmul]);
  });
});

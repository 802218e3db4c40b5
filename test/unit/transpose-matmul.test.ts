// The wasm transposed-matmul fix must not change any product: every transpose combination
// and batch layout is compared with the cpu backend's matmul on the same numbers, and
// the gradients of a matmul (which use the transposed forms) with the cpu backend's.
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/engine/backend';
import { transposedCacheSize, transposeMatmulFixInstalled } from '../../src/engine/kernels/transpose-matmul';
import { mulberry32 } from '../../src/engine/random';
import { relativeError } from './helpers/numeric';

function randomValues(size: number, seed: number): Float32Array {
  const random = mulberry32(seed);
  return Float32Array.from({ length: size }, () => random() * 2 - 1);
}

interface Operand {
  shape: number[];
  values: Float32Array;
}

async function onBackend<T>(name: 'cpu' | 'wasm', fn: () => T): Promise<T> {
  await initBackend(name);
  return fn();
}

const M = 7;
const K = 5;
const N = 6;
/** [outer dims of a, outer dims of b]: plain, a batch × shared b, equal batches, broadcast a, rank 4. */
const LAYOUTS: [number[], number[]][] = [
  [[], []],
  [[3], []],
  [[3], [1]],
  [[4], [4]],
  [[1], [4]],
  [
    [2, 3],
    [2, 3],
  ],
  [[2, 3], []],
];

describe('transposed-matmul fix (wasm) equals the cpu backend', () => {
  after(async () => {
    await initBackend('wasm');
  });

  it('is installed by initBackend on wasm', async () => {
    await initBackend('wasm');
    assert.ok(transposeMatmulFixInstalled());
  });

  for (const [outerA, outerB] of LAYOUTS) {
    for (const transposeA of [false, true]) {
      for (const transposeB of [false, true]) {
        it(`a [${[...outerA, transposeA ? 'K' : 'M', transposeA ? 'M' : 'K']}] b [${[...outerB, transposeB ? 'N' : 'K', transposeB ? 'K' : 'N']}] transposeA=${transposeA} transposeB=${transposeB}`, async () => {
          const a: Operand = { shape: [...outerA, ...(transposeA ? [K, M] : [M, K])], values: new Float32Array() };
          const b: Operand = { shape: [...outerB, ...(transposeB ? [N, K] : [K, N])], values: new Float32Array() };
          a.values = randomValues(
            a.shape.reduce((p, d) => p * d, 1),
            1,
          );
          b.values = randomValues(
            b.shape.reduce((p, d) => p * d, 1),
            2,
          );
          const run = () =>
            tf.tidy(() => {
              const product = tf.matMul(tf.tensor(a.values, a.shape), tf.tensor(b.values, b.shape), transposeA, transposeB);
              return { shape: product.shape, values: product.dataSync() };
            });
          const expected = await onBackend('cpu', run);
          const numTensorsBefore = await onBackend('wasm', () => tf.memory().numTensors);
          const actual = await onBackend('wasm', run);
          assert.deepEqual(actual.shape, expected.shape);
          const error = relativeError(actual.values, expected.values);
          assert.ok(error < 1e-6, `relative error ${error.toExponential(2)}`);
          assert.equal(tf.memory().numTensors, numTensorsBefore, 'no tensor leaked');
        });
      }
    }
  }

  it('mismatched inner dimensions throw, as on the cpu backend, instead of reading the wrong memory', async () => {
    const run = () => tf.tidy(() => tf.matMul(tf.ones([3, 16]), tf.ones([10, 16])).dataSync());
    await onBackend('cpu', async () => assert.throws(run, /inner shapes \(16\) and \(10\)/));
    await onBackend('wasm', async () => assert.throws(run, /inner shapes \(16\) and \(10\)/));
  });

  it('the fused matmul with bias and relu, transposed, equals the cpu backend', async () => {
    const a = randomValues(M * K, 3);
    const b = randomValues(N * K, 4);
    const bias = randomValues(N, 5);
    const run = () =>
      tf.tidy(() => tf.fused.matMul({ a: tf.tensor2d(a, [K, M]), b: tf.tensor2d(b, [N, K]), transposeA: true, transposeB: true, bias: tf.tensor1d(bias), activation: 'relu' }).dataSync());
    const expected = await onBackend('cpu', run);
    const actual = await onBackend('wasm', run);
    assert.ok(relativeError(actual, expected) < 1e-6);
  });

  it('matmul gradients (the transposed forms) equal the cpu backend', async () => {
    // Batched on both sides: TF.js's matmul gradient does not reduce a broadcast operand.
    const a = randomValues(3 * M * K, 6);
    const b = randomValues(3 * K * N, 7);
    const run = () =>
      tf.tidy(() => {
        const [da, db] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(tf.matMul(x, y))))([tf.tensor3d(a, [3, M, K]), tf.tensor3d(b, [3, K, N])]);
        return [da!.dataSync(), db!.dataSync()];
      });
    const [daCpu, dbCpu] = await onBackend('cpu', run);
    const [daWasm, dbWasm] = await onBackend('wasm', run);
    assert.ok(relativeError(daWasm!, daCpu!) < 1e-5);
    assert.ok(relativeError(dbWasm!, dbCpu!) < 1e-5);
  });
  it('reuses a transposed weight only while it is the same tensor: new values, reshapes and disposal are all seen', async () => {
    await initBackend('wasm');
    const a = tf.tensor2d(randomValues(4 * 6, 8), [4, 6]);
    const reference = (bValues: Float32Array, rows: number, columns: number) => {
      // a · bᵀ written out: independent of any kernel.
      const out = new Float32Array(4 * rows);
      const aValues = a.dataSync();
      for (let r = 0; r < 4; r++)
        for (let c = 0; c < rows; c++) {
          let sum = 0;
          for (let k = 0; k < columns; k++) sum += aValues[r * 6 + k]! * bValues[c * columns + k]!;
          out[r * rows + c] = sum;
        }
      return out;
    };
    for (let round = 0; round < 3; round++) {
      const values = randomValues(5 * 6, 20 + round);
      const b = tf.tensor2d(values, [5, 6]);
      for (let repeat = 0; repeat < 3; repeat++) {
        const product = tf.matMul(a, b, false, true);
        assert.ok(relativeError(product.dataSync(), reference(values, 5, 6)) < 1e-6, `round ${round}, repeat ${repeat}`);
        product.dispose();
      }
      // The same data seen as [6, 5] is another matrix: its transpose must not come from the cache.
      const reshaped = tf.reshape(b, [6, 5]);
      const other = tf.tensor2d(randomValues(4 * 5, 30), [4, 5]);
      const product = tf.matMul(other, reshaped, false, true);
      const otherValues = other.dataSync();
      const expected = new Float32Array(4 * 6);
      for (let r = 0; r < 4; r++)
        for (let c = 0; c < 6; c++) {
          let sum = 0;
          for (let k = 0; k < 5; k++) sum += otherValues[r * 5 + k]! * values[c * 5 + k]!;
          expected[r * 6 + c] = sum;
        }
      assert.ok(relativeError(product.dataSync(), expected) < 1e-6, 'reshaped view');
      tf.dispose([b, reshaped, other, product]);
    }
    // Many different weights: the cache stays bounded.
    for (let k = 0; k < 40; k++) {
      const w = tf.tensor2d(randomValues(5 * 6, 100 + k), [5, 6]);
      tf.matMul(a, w, false, true).dispose();
      w.dispose();
    }
    assert.ok(transposedCacheSize() <= 16, `cache holds ${transposedCacheSize()} copies`);
    a.dispose();
  });
});

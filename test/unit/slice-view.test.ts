// The wasm Slice/Unpack fix (src/engine/kernels/slice-view.ts) must return exactly what a
// slice is: checked against nested JS arrays sliced by hand, for ranks 1–5, every axis of
// unstack, int32 as well as float32, and through the gradient of unstack (stack of dys).
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/engine/backend';
import { sliceViewFixInstalled } from '../../src/engine/kernels/slice-view';
import { mulberry32 } from '../../src/engine/random';

type Nested = number | Nested[];

function sliceNested(value: Nested, begin: number[], size: number[]): Nested {
  if (begin.length === 0) return value;
  const rows = (value as Nested[]).slice(begin[0]!, begin[0]! + size[0]!);
  return rows.map((row) => sliceNested(row, begin.slice(1), size.slice(1)));
}

function randomTensor(shape: number[], seed: number, dtype: 'float32' | 'int32' = 'float32'): tf.Tensor {
  const random = mulberry32(seed);
  const count = shape.reduce((p, n) => p * n, 1);
  const values = Array.from({ length: count }, () => (dtype === 'int32' ? Math.floor(random() * 1000) - 500 : random() * 2 - 1));
  return tf.tensor(values, shape, dtype);
}

describe('wasm Slice/Unpack read the heap in place (kernels/slice-view.ts)', () => {
  before(async () => {
    assert.equal(await initBackend('wasm'), 'wasm');
  });

  // Without this the cases below would pass on stock TF.js too.
  it('is installed by initBackend on wasm (Slice and Unpack)', () => {
    assert.ok(sliceViewFixInstalled());
  });

  const cases: { shape: number[]; begin: number[]; size: number[] }[] = [
    { shape: [7], begin: [2], size: [4] },
    { shape: [5, 6], begin: [1, 2], size: [3, 3] },
    { shape: [4, 9, 3], begin: [0, 4, 0], size: [4, 1, 3] }, // one time step of a batch-first sequence
    { shape: [4, 9, 3], begin: [1, 2, 1], size: [2, 5, 2] },
    { shape: [2, 3, 4, 5], begin: [1, 0, 2, 1], size: [1, 3, 2, 4] },
    { shape: [2, 2, 3, 2, 4], begin: [0, 1, 1, 0, 2], size: [2, 1, 2, 2, 2] },
  ];
  for (const { shape, begin, size } of cases) {
    it(`slices [${shape}] at [${begin}] size [${size}] like nested arrays (float32 and int32)`, () => {
      for (const dtype of ['float32', 'int32'] as const) {
        const x = randomTensor(shape, shape.length * 31 + begin[0]!, dtype);
        const got = tf.slice(x, begin, size);
        assert.deepEqual(got.arraySync(), sliceNested(x.arraySync() as Nested, begin, size));
        tf.dispose([x, got]);
      }
    });
  }

  it('unstacks along every axis like nested arrays', () => {
    const x = randomTensor([3, 4, 5], 7);
    const nested = x.arraySync() as number[][][];
    for (let axis = 0; axis < 3; axis++) {
      const parts = tf.unstack(x, axis);
      assert.equal(parts.length, x.shape[axis]);
      parts.forEach((part, k) => {
        const begin = [0, 0, 0];
        const size = [...x.shape];
        begin[axis] = k;
        size[axis] = 1;
        const expected = sliceNested(nested, begin, size) as Nested[];
        const squeezed = axis === 0 ? expected[0] : axis === 1 ? (expected as number[][][]).map((row) => row[0]) : (expected as number[][][]).map((row) => row.map((col) => col[0]));
        assert.deepEqual(part.arraySync(), squeezed, `axis ${axis}, part ${k}`);
      });
      tf.dispose(parts);
    }
    x.dispose();
  });

  it('keeps the gradient of unstack: d/dx Σ_t w_t·x_t = w laid back along the axis', () => {
    const x = randomTensor([2, 4, 3], 11);
    const weights = [1, -2, 0.5, 3];
    const grad = tf.grad((input: tf.Tensor) => tf.addN(tf.unstack(input, 1).map((part, t) => tf.mul(part.sum(), weights[t]!))))(x);
    const expected = [0, 1].map(() => weights.map((w) => [w, w, w]));
    assert.deepEqual(grad.arraySync(), expected);
    tf.dispose([x, grad]);
  });

  it('leaks no tensors', () => {
    const x = randomTensor([4, 6, 2], 5);
    const before = tf.memory().numTensors;
    for (let k = 0; k < 5; k++) tf.dispose([...tf.unstack(x, 1), tf.slice(x, [1, 1, 0], [2, 3, 2])]);
    assert.equal(tf.memory().numTensors, before);
    x.dispose();
  });
});

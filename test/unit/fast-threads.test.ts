// Data-parallel fast-lstm (fast/lm-threads.ts, batch-gradients.ts): a batch split over
// worker threads gives the one-thread result up to the order of float sums, and training
// with it follows the same loss trajectory as TF.js's autodiff of the same mathematics
// (fused-lstm, which starts from the same weights).
import { strict as assert } from 'node:assert';
import { initBackend } from '../../src/engine/backend';
import { lmParamCount } from '../../src/engine/fast/lm-kernel';
import { LmKernelPool, sliceCount, sliceRows } from '../../src/engine/fast/lm-threads';
import { mulberry32 } from '../../src/engine/random';
import { train } from '../../src/engine/trainer';
import type { BatchProgress, TrainResult } from '../../src/shared/types';
import { relativeError } from './helpers/numeric';
import { smallTextConfig } from './helpers/small-text';

async function losses(overrides: Parameters<typeof smallTextConfig>[0], threads?: number): Promise<{ losses: number[]; result: TrainResult }> {
  const progress: BatchProgress[] = [];
  const result = await train(smallTextConfig({ hiddenSize: 24, embeddingSize: 12, ...overrides }), {
    ...(threads ? { threads } : {}),
    onEvent: (event) => {
      if (event.type === 'progress') progress.push(event.progress);
    },
  });
  assert.equal(result.status, 'done', result.reason);
  return { losses: progress.map((p) => p.loss), result };
}

describe('fast-lstm over worker threads', () => {
  before(async () => {
    await initBackend('wasm');
  });

  it('cuts a batch into contiguous near-equal slices, never an empty one', () => {
    assert.deepEqual(sliceRows(32, 2), [
      [0, 16],
      [16, 32],
    ]);
    assert.deepEqual(sliceRows(5, 3), [
      [0, 1],
      [1, 3],
      [3, 5],
    ]);
    assert.deepEqual(sliceRows(2, 4), [
      [0, 1],
      [1, 2],
    ]);
    // One slice per thread, never an empty one.
    assert.equal(sliceCount(32, 1), 1);
    assert.equal(sliceCount(32, 2), 2);
    assert.equal(sliceCount(2, 3), 2);
  });

  for (const [threads, batch] of [
    [2, 7],
    [3, 7],
    [2, 33],
  ] as const) {
    it(`${threads} threads give the one-thread loss and gradient up to float summation order (B=${batch}, ${sliceCount(batch, threads)} slices)`, async () => {
      const model = { steps: 23, embedding: 9, hidden: 13, vocab: 17, forgetGate: true };
      const random = mulberry32(threads);
      const params = Float32Array.from({ length: lmParamCount(model) }, () => (random() * 2 - 1) * 0.5);
      const ids = Int32Array.from({ length: batch * model.steps }, () => Math.floor(random() * model.vocab));
      const targets = Int32Array.from({ length: batch * model.steps }, () => Math.floor(random() * model.vocab)); // some are padding (0)
      const one = new LmKernelPool(1);
      const many = new LmKernelPool(threads);
      try {
        const expected = await one.run(model, batch, params, ids, targets, true);
        const got = await many.run(model, batch, params, ids, targets, true);
        assert.equal(got.targets, expected.targets);
        assert.ok(Math.abs(got.loss - expected.loss) < 1e-6 * expected.loss, `loss ${got.loss} vs ${expected.loss}`);
        const error = relativeError(got.grads!, expected.grads!);
        assert.ok(error < 1e-5, `gradient relative error ${error.toExponential(2)}`);
        // A second batch through the same threads (reused instances) gives the same again.
        const again = await many.run(model, batch, params, ids, targets, true);
        assert.deepEqual(again.grads, got.grads);
      } finally {
        await Promise.all([one.dispose(), many.dispose()]);
      }
    });
  }

  it('a worker error reaches the caller as a message, and the pool can be disposed', async () => {
    const pool = new LmKernelPool(2);
    try {
      const model = { steps: 3, embedding: 2, hidden: 2, vocab: 4, forgetGate: true };
      await assert.rejects(pool.run(model, 2, new Float32Array(5), new Int32Array(6), new Int32Array(6), true), /expected \d+ parameters/);
    } finally {
      await pool.dispose();
    }
  });

  it('training on 2 threads follows the one-thread loss trajectory, and TF.js autodiff of the same LSTM (fused-lstm)', async function () {
    this.timeout(300_000);
    const one = await losses({ cell: 'fast-lstm' }, 1);
    const two = await losses({ cell: 'fast-lstm' }, 2);
    const autodiff = await losses({ cell: 'fused-lstm' });
    assert.equal(two.result.compute?.threads, 2);
    assert.match(two.result.compute!.description, /wasm SIMD kernel × 2 threads/);
    assert.equal(autodiff.result.compute?.threads, 1);
    assert.equal(one.losses.length, 20);
    assert.ok(one.losses.at(-1)! < one.losses[0]! - 0.3, `the loss falls: ${one.losses[0]} → ${one.losses.at(-1)}`);
    const diff = (a: number[], b: number[]) => Math.max(...a.map((v, k) => Math.abs(v - b[k]!)));
    assert.ok(diff(two.losses, one.losses) < 1e-5, `2 threads vs 1: ${diff(two.losses, one.losses)}`);
    assert.ok(diff(one.losses, autodiff.losses) < 1e-4, `kernel vs TF.js autodiff: ${diff(one.losses, autodiff.losses)}`);
    assert.ok(Math.abs(two.result.epochs[0]!.valLoss - autodiff.result.epochs[0]!.valLoss) < 1e-4);
  });
});

// The fast probe against the reference probe (src/engine/probe.ts, one tf.grad per step)
// on a small case: the notebook's five series, same weights, same batch.
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/engine/backend';
import { canProbeFast, probeSeriesFast } from '../../src/engine/fast/probe-fast';
import { probeNormsOnKernel } from '../../src/engine/fast/probe-kernel';
import { probe, probeSeries } from '../../src/engine/probe';
import { deriveSeed, mulberry32 } from '../../src/engine/random';
import { DEFAULT_PROBE_SERIES, type ProbeConfig, type ProbeSeriesSpec } from '../../src/shared/types';

const SPECS: ProbeSeriesSpec[] = [
  ...DEFAULT_PROBE_SERIES,
  { name: 'fused, b_f 0.5', cell: 'fused-lstm', forgetGate: true, forgetBias: 0.5 },
  { name: 'fast, no forget', cell: 'fast-lstm', forgetGate: false, forgetBias: 0 },
];

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`fast probe equals the reference probe (${backend})`, () => {
    let x: tf.Tensor3D;
    before(async () => {
      await initBackend(backend);
      const random = mulberry32(3);
      x = tf.tensor3d(
        Float32Array.from({ length: 3 * 9 * 4 }, () => random() * 4 - 2),
        [3, 9, 4],
      );
    });
    after(() => x.dispose());

    for (const spec of SPECS) {
      it(`${spec.name} (${spec.cell}): every ‖∂loss_t/∂h0‖ to 1e-4`, async () => {
        const options = { steps: 8, hiddenSize: 5, seed: 17 };
        const reference = await probeSeries(x, spec, options);
        const streamed: number[] = [];
        const tensorsBefore = tf.memory().numTensors;
        const fast = await probeSeriesFast(x, spec, { ...options, onStep: (t, norm) => streamed.push(t, norm) });
        assert.equal(tf.memory().numTensors, tensorsBefore, 'no tensor leaked');
        assert.equal(fast.norms.length, 8);
        const scale = Math.max(...reference.norms);
        fast.norms.forEach((norm, k) => {
          const expected = reference.norms[k]!;
          assert.ok(Math.abs(norm - expected) <= 1e-4 * Math.max(Math.abs(expected), 1e-3 * scale), `t=${k + 1}: fast ${norm} vs reference ${expected}`);
        });
        assert.deepEqual(
          streamed,
          fast.norms.flatMap((norm, k) => [k + 1, norm]),
        );
        assert.deepEqual({ ...fast, norms: [], seconds: 0 }, { ...spec, norms: [], seconds: 0 });
      });
    }
  });
}

describe("fast probe at the notebook's width", () => {
  // H = 125 and a batch of 30 are padded to 128 and 32 by the kernel; the LSTM's step back is
  // factored per instance ([dc_total | dh] · [M_c; M_o]), which the tiny cases above exercise
  // only at H = 5.
  let x: tf.Tensor3D;
  before(async () => {
    await initBackend('wasm');
    const random = mulberry32(21);
    x = tf.tensor3d(
      Float32Array.from({ length: 30 * 7 * 50 }, () => random() * 4 - 2),
      [30, 7, 50],
    );
  });
  after(() => x.dispose());

  for (const spec of [DEFAULT_PROBE_SERIES[0]!, DEFAULT_PROBE_SERIES[1]!, DEFAULT_PROBE_SERIES[4]!]) {
    it(`${spec.name}: every ‖∂loss_t/∂h0‖ to 1e-4 of the reference`, async function () {
      this.timeout(60_000);
      const options = { steps: 7, hiddenSize: 125, seed: 5 };
      const reference = await probeSeries(x, spec, options);
      const fast = await probeSeriesFast(x, spec, options);
      fast.norms.forEach((norm, k) => {
        const expected = reference.norms[k]!;
        assert.ok(Math.abs(norm - expected) <= 1e-4 * Math.abs(expected), `t=${k + 1}: fast ${norm} vs reference ${expected}`);
      });
    });
  }
});

describe('fast probe: cancellation', () => {
  it('stops with an AbortError when the signal is aborted', async () => {
    await initBackend('wasm');
    const x = tf.ones([2, 20, 3]) as tf.Tensor3D;
    const controller = new AbortController();
    const tensorsBefore = tf.memory().numTensors;
    const running = probeSeriesFast(x, { name: 'lstm', cell: 'naive-lstm', forgetGate: true, forgetBias: 0 }, { steps: 20, hiddenSize: 4, seed: 0, signal: controller.signal });
    controller.abort();
    await assert.rejects(running, (error: Error) => error.name === 'AbortError' && /cancelled in lstm/.test(error.message));
    assert.equal(tf.memory().numTensors, tensorsBefore, 'nothing left behind');
    x.dispose();
  });
});

describe('fast probe: the series of one probe queue on the threads together', () => {
  it('a cancel stops the queued series with an AbortError, and the next probe gives the reference norms', async function () {
    this.timeout(60_000);
    await initBackend('wasm');
    const random = mulberry32(8);
    const x = tf.tensor3d(
      Float32Array.from({ length: 4 * 30 * 6 }, () => random() * 4 - 2),
      [4, 30, 6],
    );
    const config: ProbeConfig = { steps: 30, batchSize: 4, embeddingSize: 6, hiddenSize: 16, seed: 0, corpus: { kind: 'brown' }, series: DEFAULT_PROBE_SERIES };
    const controller = new AbortController();
    const streamed: string[] = [];
    const cancelledRun = probe(config, {
      embeddedBatch: x,
      signal: controller.signal,
      onSeries: (series) => {
        streamed.push(series.name);
        controller.abort();
      },
    });
    await assert.rejects(cancelledRun, (error: Error) => error.name === 'AbortError' && /after 1 of 5 series/.test(error.message));
    assert.deepEqual(streamed, [DEFAULT_PROBE_SERIES[0]!.name]);
    const again = await probe(config, { embeddedBatch: x });
    assert.deepEqual(
      again.series.map((s) => s.name),
      DEFAULT_PROBE_SERIES.map((s) => s.name),
    );
    for (const k of [0, 4]) {
      const reference = await probeSeries(x, DEFAULT_PROBE_SERIES[k]!, { steps: 30, hiddenSize: 16, seed: deriveSeed(0, 'probe-cell') });
      again.series[k]!.norms.forEach((norm, t) => {
        const expected = reference.norms[t]!;
        assert.ok(Math.abs(norm - expected) <= 1e-4 * Math.max(Math.abs(expected), 1e-3 * reference.norms[0]!), `${reference.name}, t=${t + 1}: ${norm} vs reference ${expected}`);
      });
    }
    x.dispose();
  });
});

describe('fast probe: what it does not handle', () => {
  it('declines builtin-lstm (different kernel) with a clear message', async () => {
    assert.equal(canProbeFast('builtin-lstm'), false);
    const x = tf.zeros([1, 2, 3]) as tf.Tensor3D;
    await assert.rejects(probeSeriesFast(x, { name: 'b', cell: 'builtin-lstm', forgetGate: true, forgetBias: 0 }, { steps: 2, hiddenSize: 2, seed: 0 }), /builtin-lstm is not supported/);
    await assert.rejects(probeSeriesFast(x, { name: 'r', cell: 'simple-rnn', forgetGate: false, forgetBias: 0 }, { steps: 3, hiddenSize: 2, seed: 0 }), /has 2 time steps but 3 were asked for/);
    x.dispose();
  });
});

describe('fast probe: threads', () => {
  it('splits the batch over 1, 2, 3 or 5 threads with the same norms (up to the order of the sums)', async () => {
    const random = mulberry32(11);
    const [B, steps, E, H] = [5, 13, 6, 9];
    const uniform = (n: number, scale: number) => Float32Array.from({ length: n }, () => (random() * 2 - 1) * scale);
    const input = {
      family: 'lstm' as const,
      batch: B,
      steps,
      embedding: E,
      hidden: H,
      forgetGate: true,
      x: uniform(B * steps * E, 2),
      weights: { weightIh: uniform(E * 4 * H, 0.5), weightHh: uniform(H * 4 * H, 0.5), bias: uniform(4 * H, 0.5) },
    };
    const one = await probeNormsOnKernel(input, undefined, 'lstm', 1);
    assert.equal(one.length, steps);
    assert.ok(one.every((norm) => norm > 0));
    for (const threads of [2, 3, 5]) {
      const split = await probeNormsOnKernel(input, undefined, 'lstm', threads);
      split.forEach((norm, k) => assert.ok(Math.abs(norm - one[k]!) <= 1e-12 * one[k]!, `${threads} threads, t=${k + 1}: ${norm} vs ${one[k]} on one thread`));
    }
  });
});

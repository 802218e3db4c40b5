// The gradient probe against mathematics (a hand-derived RNN gradient, central
// differences of a float64 LSTM written from the notebook's equations) and against the
// notebook's figure (the ordering of its five series).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadCheckpoint } from '../../src/engine/checkpoint';
import { loadCorpus } from '../../src/engine/corpus';
import { train } from '../../src/engine/trainer';
import { initBackend } from '../../src/engine/backend';
import { initLstmWeights } from '../../src/engine/cells/init';
import type { PerGateWeights } from '../../src/engine/cells/types';
import { embedIds, probe, probeSeries } from '../../src/engine/probe';
import { mulberry32 } from '../../src/engine/random';
import { DEFAULT_PROBE_SERIES, type ProbeConfig, type ProbeSeries } from '../../src/shared/types';
import { referenceLstmStep, type Matrix } from './helpers/reference-lstm';

/** loss_t = Σ_b Σ_j |h_t[b, j]| of the notebook's LSTM step, float64, h_0 shared over the batch, c_0 = 0. */
function referenceLstmLoss(w: PerGateWeights, x: number[][][], h0: number[], steps: number, forgetGate: boolean): number {
  const H = h0.length;
  let total = 0;
  for (const sequence of x) {
    let h = h0.slice();
    let c = new Array<number>(H).fill(0);
    for (let t = 0; t < steps; t++) {
      const xT = sequence[t]!;
      ({ h, c } = referenceLstmStep(w, xT, h, c, forgetGate));
    }
    total += h.reduce((s, v) => s + Math.abs(v), 0);
  }
  return total;
}

function randomMatrix(rows: number, cols: number, random: () => number): Matrix {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => random() * 2 - 1));
}

describe('gradient probe', function () {
  before(async () => {
    await initBackend('wasm');
  });

  it('matches the hand-derived gradient of a one-unit RNN: ∂|h_t|/∂h_0 = Π_k (1 − h_k²) u · sign(h_t)', async () => {
    const [w, u, b] = [0.7, -1.3, 0.2];
    const xs = [0.5, -1.0, 0.25, 2.0];
    const x = tf.tensor3d([xs.map((v) => [v])]);
    const result = await probeSeries(x, { name: 'rnn', cell: 'simple-rnn', forgetGate: false, forgetBias: 0 }, { steps: 4, hiddenSize: 1, seed: 0, weights: { W_ih: [[w]], W_hh: [[u]], b: [b] } });
    x.dispose();
    let h = 0;
    let chain = 1;
    xs.forEach((xT, t) => {
      h = Math.tanh(xT * w + h * u + b);
      chain *= (1 - h * h) * u;
      const expected = Math.abs(chain); // the norm of a 1-vector; sign(h_t) drops out
      assert.ok(Math.abs(result.norms[t]! - expected) <= 1e-5 * Math.max(1, expected), `t=${t + 1}: probe ${result.norms[t]}, hand-derived ${expected}`);
    });
  });

  for (const forgetGate of [true, false]) {
    it(`matches central differences of the notebook's LSTM (float64) at every step, ${forgetGate ? 'forget bias +1' : 'no forget gate'}`, async () => {
      const random = mulberry32(forgetGate ? 4 : 5);
      const [B, T, E, H] = [2, 5, 3, 4];
      const base = initLstmWeights(E, H, 1);
      // Random biases as well, so every term of the gradient is exercised.
      const weights: PerGateWeights = Object.fromEntries(
        Object.entries(base).map(([name, value]) => [
          name,
          Array.isArray(value[0]) ? randomMatrix(value.length, (value[0] as number[]).length, random) : (value as number[]).map(() => random() - 0.5),
        ]),
      );
      const xValues = Array.from({ length: B }, () => randomMatrix(T, E, random));
      const x = tf.tensor3d(xValues);
      const spec = { name: 'lstm', cell: 'naive-lstm' as const, forgetGate, forgetBias: forgetGate ? 1 : 0 };
      const result = await probeSeries(x, spec, { steps: T, hiddenSize: H, seed: 0, weights });
      x.dispose();
      const used = { ...weights, b_f: new Array<number>(H).fill(spec.forgetBias) }; // the probe sets b_f to the series' bias
      const epsilon = 1e-6;
      for (let t = 1; t <= T; t++) {
        const gradient = Array.from({ length: H }, (_, j) => {
          const at = (delta: number) =>
            referenceLstmLoss(
              used,
              xValues,
              Array.from({ length: H }, (_, k) => (k === j ? delta : 0)),
              t,
              forgetGate,
            );
          return (at(epsilon) - at(-epsilon)) / (2 * epsilon);
        });
        const expected = Math.hypot(...gradient);
        assert.ok(Math.abs(result.norms[t - 1]! - expected) <= 1e-4 * Math.max(1e-3, expected), `t=${t}: probe ${result.norms[t - 1]}, finite differences ${expected}`);
      }
    });
  }

  it('reproduces the notebook figure at its size: B=32, E=50, H=125, 100 steps on Brown', async function () {
    // probe() takes the fast path here (one backward sweep for all steps), so the notebook's
    // full 100 steps take seconds; probe-fast.test.ts checks that path against probeSeries.
    this.timeout(240_000);
    const config: ProbeConfig = { steps: 100, batchSize: 32, embeddingSize: 50, hiddenSize: 125, seed: 0, corpus: { kind: 'brown' }, series: DEFAULT_PROBE_SERIES };
    const streamed: string[] = [];
    const result = await probe(config, { onSeries: (series) => streamed.push(series.name) });
    assert.equal(result.backend, 'wasm');
    assert.deepEqual(
      streamed,
      DEFAULT_PROBE_SERIES.map((s) => s.name),
      'each series is streamed as it finishes, in order',
    );
    const last = (name: string) => {
      const series = result.series.find((s: ProbeSeries) => s.name === name)!;
      assert.equal(series.norms.length, 100);
      assert.ok(series.norms.every((v) => Number.isFinite(v) && v >= 0));
      return series.norms[39]!;
    };
    const [rnn, noForget, plusOne, zero, minusOne] = DEFAULT_PROBE_SERIES.map((s) => last(s.name)) as [number, number, number, number, number];
    const figures = `RNN ${rnn}, no forget gate ${noForget}, b_f +1 ${plusOne}, b_f 0 ${zero}, b_f −1 ${minusOne}`;
    assert.ok(noForget > plusOne && plusOne > zero && zero > minusOne, `no forget gate > +1 > 0 > −1 at the last step: ${figures}`);
    assert.ok(plusOne > rnn, `forget bias +1 keeps more gradient than the RNN: ${figures}`);
    // At step 1 every LSTM series is the same cell (b_f does not act on c_0 = 0): same weights except b_f.
    const firstLstm = result.series.slice(1).map((s) => s.norms[0]!);
    assert.ok(
      firstLstm.every((v) => Math.abs(v - firstLstm[0]!) < 1e-4 * firstLstm[0]!),
      `step-1 norms of the LSTM series: ${firstLstm.join(', ')}`,
    );
    // The RNN's gradient dies out: orders of magnitude below where it started.
    assert.ok(rnn < 1e-2 * result.series[0]!.norms[0]!, figures);
  });

  it("probes a checkpoint's embedding and cell (b_f set per series), and refuses a checkpoint of other sizes", async function () {
    this.timeout(60_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-lab-probe-'));
    try {
      const text = 'the quick brown fox jumps over the lazy dog. '.repeat(12);
      const corpusSpec = { kind: 'text' as const, text, name: 'fox' };
      const trained = await train(
        {
          cell: 'naive-lstm',
          forgetGate: true,
          forgetBias: 0,
          hiddenSize: 6,
          embeddingSize: 4,
          batchSize: 2,
          seqLen: 12,
          epochs: 1,
          maxBatches: 2,
          learningRate: 1e-2,
          seed: 3,
          valFraction: 0.1,
          corpus: corpusSpec,
        },
        { checkpointDir: dir },
      );
      assert.equal(trained.status, 'done');
      const checkpoint = loadCheckpoint(dir);
      const spec = DEFAULT_PROBE_SERIES[2]!; // forget bias +1
      const config: ProbeConfig = { steps: 5, batchSize: 2, embeddingSize: 4, hiddenSize: 6, seed: 3, corpus: corpusSpec, series: [spec], checkpoint: dir };
      const viaCheckpoint = await probe(config);
      // The same probe assembled by hand: the corpus' first training batch, the checkpoint's embedding rows, its cell.
      const corpus = await loadCorpus(corpusSpec, { seqLen: 5, valFraction: 0.1, seed: 3 }, { vocab: checkpoint.vocab });
      const batch = corpus.trainBatches(2, 0).next().value!;
      const x = embedIds(batch.inputs, batch.batchSize, 5, Float32Array.from(checkpoint.weights.embedding.flat()), 4);
      const byHand = await probeSeries(x, spec, { steps: 5, hiddenSize: 6, seed: 0, weights: checkpoint.weights.cell });
      x.dispose();
      // probe() takes the fast path (one backward sweep); the reference differs only by float32 rounding.
      viaCheckpoint.series[0]!.norms.forEach((norm, t) =>
        assert.ok(Math.abs(norm - byHand.norms[t]!) <= 1e-5 * Math.max(1, Math.abs(byHand.norms[t]!)), `step ${t + 1}: ${norm} vs ${byHand.norms[t]}`),
      );
      const fresh = await probe({ ...config, checkpoint: undefined });
      assert.notDeepEqual(fresh.series[0]!.norms, byHand.norms, 'without the checkpoint the probe uses fresh weights');
      await assert.rejects(probe({ ...config, hiddenSize: 7 }), /checkpoint's cell is 4→6, but the probe asks for 4→7/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops between steps when cancelled, and refuses bad configurations clearly', async () => {
    const controller = new AbortController();
    const x = tf.zeros([1, 20, 3]) as tf.Tensor3D;
    const seen: number[] = [];
    const pending = probeSeries(x, DEFAULT_PROBE_SERIES[2]!, {
      steps: 20,
      hiddenSize: 4,
      seed: 0,
      signal: controller.signal,
      onStep: (t) => {
        seen.push(t);
        if (t === 3) controller.abort();
      },
    });
    await assert.rejects(pending, /Probe cancelled at step 4/);
    assert.deepEqual(seen, [1, 2, 3]);
    await assert.rejects(probeSeries(x, DEFAULT_PROBE_SERIES[0]!, { steps: 21, hiddenSize: 4, seed: 0 }), /has 20 time steps but 21 were asked for/);
    x.dispose();
    const config: ProbeConfig = { steps: 5, batchSize: 2, embeddingSize: 3, hiddenSize: 4, seed: 0, corpus: { kind: 'text', text: 'abc', name: 't' }, series: [] };
    await assert.rejects(probe(config), /no series to run/);
    await assert.rejects(probe({ ...config, series: [{ name: 'x', cell: 'builtin-lstm', forgetGate: false, forgetBias: 0 }] }), /builtin-lstm always has a forget gate/);
    await assert.rejects(probe({ ...config, series: [{ name: 'x', cell: 'transformer' as never, forgetGate: true, forgetBias: 0 }] }), /Unknown cell kind 'transformer'/);
  });
});

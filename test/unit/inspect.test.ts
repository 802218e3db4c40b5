// The inspection tools against independent references: a float64 implementation of the
// notebook's equations and each cell's own forward (activations), TF.js autodiff of one
// loss_t at a time through the cell's own forward (gradient flow), probe.ts's probeSeries
// (the h0 probe), the sampler itself and a from-scratch softmax (sampling), hand counts
// (top units, saturation).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/engine/backend';
import type { CellKind, PerGateWeights } from '../../src/engine/cells/types';
import { loadCheckpoint, type Checkpoint } from '../../src/engine/checkpoint';
import { PADDING_TOKEN, UNKNOWN_TOKEN } from '../../src/engine/corpus';
import { captureActivations, gateSaturation, gradientFlow, measureSaturation, positionsMatching, probeTrained, sampleWithProbabilities, topUnits, type LoadedModel } from '../../src/engine/inspect';
import type { ActivationCapture, SaturationReport } from '../../src/shared/inspect-types';
import { crossEntropyIgnoringPadding, LanguageModel } from '../../src/engine/model';
import { mulberry32 } from '../../src/engine/random';
import { sample } from '../../src/engine/sampler';
import { train } from '../../src/engine/trainer';
import type { TrainConfig } from '../../src/shared/types';
import { referenceLstmStep, referenceRnnStep, type Matrix } from './helpers/reference-lstm';

const VOCAB = [PADDING_TOKEN, UNKNOWN_TOKEN, ' ', 'e', 't', 'a', 'h', 'o', 'n', 's', 'r', 'i'];
const EMBEDDING = 5;
const HIDDEN = 7;

function randomMatrix(rows: number, cols: number, scale: number, random: () => number): Matrix {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => (random() * 2 - 1) * scale));
}

/** Random weights large enough that some gates saturate, biases non-zero (unlike the notebook's init). */
function randomCellWeights(kind: CellKind, seed: number): PerGateWeights {
  const random = mulberry32(seed);
  if (kind === 'simple-rnn') return { W_ih: randomMatrix(EMBEDDING, HIDDEN, 1.2, random), W_hh: randomMatrix(HIDDEN, HIDDEN, 0.8, random), b: randomMatrix(1, HIDDEN, 0.5, random)[0]! };
  const weights: PerGateWeights = {};
  for (const gate of ['i', 'f', 'g', 'o']) {
    weights[`W_i${gate}`] = randomMatrix(EMBEDDING, HIDDEN, 1.2, random);
    weights[`W_h${gate}`] = randomMatrix(HIDDEN, HIDDEN, 0.8, random);
    weights[`b_${gate}`] = randomMatrix(1, HIDDEN, 0.5, random)[0]!;
  }
  return weights;
}

function smallModel(kind: CellKind, forgetGate = true, seed = 1): LoadedModel {
  const model = new LanguageModel({ vocabSize: VOCAB.length, embeddingSize: EMBEDDING, hiddenSize: HIDDEN, cell: kind, forgetGate, forgetBias: 0, seed });
  const random = mulberry32(seed + 100);
  // Unit-scale embeddings (the LM's xavier init is tiny) so the cell works away from zero.
  model.importWeights({ ...model.exportWeights(), embedding: randomMatrix(VOCAB.length, EMBEDDING, 1.5, random), cell: randomCellWeights(kind, seed) });
  return { model, vocab: VOCAB };
}

/** The notebook's equations in float64 over one sequence of embedded inputs. */
function referenceGates(weights: PerGateWeights, xs: number[][], lstm: boolean, forgetGate: boolean): Record<string, Matrix> {
  const H = HIDDEN;
  let h = new Array<number>(H).fill(0);
  let c = new Array<number>(H).fill(0);
  const out: Record<string, Matrix> = { i: [], f: [], g: [], o: [], c: [], h: [] };
  for (const x of xs) {
    if (!lstm) {
      h = referenceRnnStep(weights, x, h);
      out['h']!.push(h);
      continue;
    }
    const step = referenceLstmStep(weights, x, h, c, forgetGate);
    ({ h, c } = step);
    Object.entries(step).forEach(([name, values]) => out[name]!.push(values));
  }
  return out;
}

function maxAbsDifference(a: Matrix, b: Matrix): number {
  assert.equal(a.length, b.length, 'row counts differ');
  let worst = 0;
  a.forEach((row, t) => {
    assert.equal(row.length, b[t]!.length, `row ${t}: lengths differ`);
    row.forEach((value, j) => (worst = Math.max(worst, Math.abs(value - b[t]![j]!))));
  });
  return worst;
}

const TEXT = 'the other one is near the shore';
const CASES: Array<{ kind: CellKind; forgetGate: boolean }> = [
  { kind: 'naive-lstm', forgetGate: true },
  { kind: 'naive-lstm', forgetGate: false },
  { kind: 'fused-lstm', forgetGate: true },
  { kind: 'fast-lstm', forgetGate: true },
  { kind: 'builtin-lstm', forgetGate: true },
  { kind: 'simple-rnn', forgetGate: false },
];

describe('inspect: gate activation capture', function () {
  before(async () => {
    await initBackend('wasm');
  });

  for (const { kind, forgetGate } of CASES) {
    it(`${kind}${forgetGate || kind === 'simple-rnn' ? '' : ' without forget gate'}: every gate equals the notebook's equations (float64) and h the cell's own forward`, async () => {
      const loaded = smallModel(kind, forgetGate);
      try {
        const capture = await captureActivations(loaded, TEXT);
        assert.equal(capture.chars.join(''), TEXT);
        const lstm = kind !== 'simple-rnn';
        assert.deepEqual(capture.gateNames, lstm ? (forgetGate ? ['i', 'f', 'g', 'o', 'c', 'h'] : ['i', 'g', 'o', 'c', 'h']) : ['h']);
        const ids = tf.tensor2d([capture.ids], [1, capture.ids.length], 'int32');
        const embedded = loaded.model.embed(ids);
        const ownHidden = tf.tidy(() => loaded.model.cell.forward(embedded).hiddenSeq.squeeze([0]).arraySync() as Matrix);
        const xs = embedded.squeeze([0]).arraySync() as Matrix;
        tf.dispose([ids, embedded]);
        assert.ok(maxAbsDifference(capture.gates.h!, ownHidden) < 1e-5, `h differs from ${kind}.forward by ${maxAbsDifference(capture.gates.h!, ownHidden)}`);
        const reference = referenceGates(loaded.model.cell.exportWeights(), xs, lstm, forgetGate);
        for (const name of capture.gateNames) {
          const difference = maxAbsDifference(capture.gates[name]!, reference[name]!);
          assert.ok(difference < 1e-5, `${name} differs from the float64 equations by ${difference}`);
        }
        if (lstm) {
          // The cell-state and hidden-state equations hold on the captured values themselves.
          const { i, g, o, c, h } = capture.gates as Required<ActivationCapture['gates']>;
          const f = capture.gates.f;
          for (let t = 0; t < capture.chars.length; t++) {
            for (let j = 0; j < HIDDEN; j++) {
              const previous = t === 0 ? 0 : c[t - 1]![j]!;
              const expectedC = (f ? f[t]![j]! * previous : previous) + i[t]![j]! * g[t]![j]!;
              assert.ok(Math.abs(c[t]![j]! - expectedC) < 1e-6, `c[${t}][${j}] = ${c[t]![j]} but f⊙c + i⊙g = ${expectedC}`);
              assert.ok(Math.abs(h[t]![j]! - o[t]![j]! * Math.tanh(c[t]![j]!)) < 1e-6, `h[${t}][${j}] ≠ o⊙tanh(c)`);
            }
          }
          const saturation = gateSaturation(capture);
          assert.ok(
            saturation.some((entry) => entry.low > 0 || entry.high > 0),
            'the random weights should saturate some gate values',
          );
        }
      } finally {
        loaded.model.dispose();
      }
    });
  }

  it('reads the text lower-cased, maps unseen characters to unknown, and refuses an empty text', async () => {
    const loaded = smallModel('naive-lstm');
    try {
      const capture = await captureActivations(loaded, 'The Zoo');
      assert.deepEqual(capture.chars, ['T', 'h', 'e', ' ', 'Z', 'o', 'o']);
      assert.deepEqual(capture.ids, [4, 6, 3, 2, 1, 7, 7]);
      await assert.rejects(captureActivations(loaded, ''), /text is empty/);
    } finally {
      loaded.model.dispose();
    }
  });
});

describe('inspect: top units and saturation', function () {
  before(async () => {
    await initBackend('wasm');
  });

  /** A capture where unit 2 is 1 on every "th" and unit 0 is 0.5 everywhere. */
  function syntheticCapture(text: string): ActivationCapture {
    const chars = Array.from(text);
    const on = new Set(positionsMatching(chars, 'th'));
    const h = chars.map((_, t) => [0.5, t / 100, on.has(t) ? 1 : 0]);
    return { cell: 'simple-rnn', forgetGate: false, hiddenSize: 3, chars, ids: chars.map(() => 1), gateNames: ['h'], gates: { h } };
  }

  it('ranks the unit that fires on the pattern first, with mean(on) − mean(off)', () => {
    const capture = syntheticCapture('the path thin');
    const ranked = topUnits(capture, { pattern: /th/ }, 'h', { limit: 3 });
    assert.equal(ranked[0]!.unit, 2);
    assert.equal(ranked[0]!.meanOn, 1);
    assert.equal(ranked[0]!.meanOff, 0);
    assert.equal(ranked[0]!.score, 1);
    const constant = ranked.find((entry) => entry.unit === 0)!;
    assert.ok(Math.abs(constant.score) < 1e-12);
    // Explicit positions give the same as the pattern they spell out.
    assert.deepEqual(topUnits(capture, { positions: [0, 1, 6, 7, 9, 10] }, 'h', { limit: 3 }), ranked);
  });

  it('maps pattern matches to character positions, astral characters included', () => {
    assert.deepEqual(positionsMatching(Array.from('a😀b ab'), 'b'), [2, 5]);
    assert.deepEqual(positionsMatching(Array.from('the then'), /the(?=n)/), [4, 5, 6]);
  });

  it('says what is wrong with a selection', () => {
    const capture = syntheticCapture('the path');
    assert.throws(() => topUnits(capture, { pattern: 'xyz' }, 'h'), /matches no character/);
    assert.throws(() => topUnits(capture, { pattern: '.' }, 'h'), /every character/);
    assert.throws(() => topUnits(capture, { pattern: '(' }, 'h'), /not a valid regular expression/);
    assert.throws(() => topUnits(capture, { positions: [99] }, 'h'), /outside the text/);
    assert.throws(() => topUnits(capture, { positions: [0] }, 'f'), /has no "f"; it has h/);
  });

  it('counts saturation by hand', () => {
    const capture: ActivationCapture = {
      cell: 'naive-lstm',
      forgetGate: true,
      hiddenSize: 2,
      chars: ['a', 'b'],
      ids: [1, 1],
      gateNames: ['i', 'f', 'o'],
      gates: {
        i: [
          [0.05, 0.5],
          [0.95, 0.99],
        ],
        f: [
          [0.5, 0.5],
          [0.5, 0.5],
        ],
        o: [
          [0.01, 0.02],
          [0.03, 0.5],
        ],
      },
    };
    assert.deepEqual(gateSaturation(capture), [
      { gate: 'i', low: 0.25, high: 0.5 },
      { gate: 'f', low: 0, high: 0 },
      { gate: 'o', low: 0.75, high: 0 },
    ]);
  });

  it('measureSaturation over a padded batch equals the captures of its rows, padding left out', async () => {
    const loaded = smallModel('fused-lstm');
    try {
      const rows = ['the other', 'on a sea'];
      const seqLen = 9;
      const ids = new Int32Array(2 * seqLen); // 0 = padding after "on a sea"
      const captures = await Promise.all(rows.map((row) => captureActivations(loaded, row)));
      captures.forEach((capture, row) => capture.ids.forEach((id, t) => (ids[row * seqLen + t] = id)));
      const measured = measureSaturation(loaded.model, ids, 2, seqLen);
      assert.equal(measured.count, (9 + 8) * HIDDEN);
      const perRow = captures.map(gateSaturation);
      for (const [k, gate] of measured.gates.entries()) {
        const counts = [0, 1].map((row) => ({ n: rows[row]!.length * HIDDEN, low: perRow[row]![k]!.low, high: perRow[row]![k]!.high }));
        const low = counts.reduce((s, c) => s + c.low * c.n, 0) / measured.count;
        const high = counts.reduce((s, c) => s + c.high * c.n, 0) / measured.count;
        assert.ok(Math.abs(gate.low - low) < 1e-9 && Math.abs(gate.high - high) < 1e-9, `${gate.gate}: ${JSON.stringify(gate)} vs low ${low}, high ${high}`);
      }
      const rnn = smallModel('simple-rnn');
      assert.deepEqual(measureSaturation(rnn.model, ids, 2, seqLen).gates, []);
      rnn.model.dispose();
    } finally {
      loaded.model.dispose();
    }
  });
});

describe('inspect: per-step gradient flow', function () {
  before(async () => {
    await initBackend('wasm');
  });

  const FLOW_TEXT = 'the sea shone';
  for (const { kind, forgetGate } of CASES) {
    it(`${kind}${forgetGate || kind === 'simple-rnn' ? '' : ' without forget gate'}: equals tf.grad of each loss_t through the cell's own forward, zero above the diagonal`, async () => {
      const loaded = smallModel(kind, forgetGate, 3);
      try {
        const flow = await gradientFlow(loaded, FLOW_TEXT);
        const steps = FLOW_TEXT.length - 1;
        assert.equal(flow.norms.length, steps);
        assert.equal(flow.chars.join(''), FLOW_TEXT.slice(0, -1));
        assert.equal(flow.targets.join(''), FLOW_TEXT.slice(1));
        const idOf = new Map(VOCAB.map((c, id) => [c, id] as const));
        const inputIds = Array.from(FLOW_TEXT.slice(0, -1), (c) => idOf.get(c)!);
        const targetIds = Array.from(FLOW_TEXT.slice(1), (c) => idOf.get(c)!);
        const { model } = loaded;
        const x = tf.tidy(() => model.embed(tf.tensor2d([inputIds], [1, steps], 'int32')));
        try {
          for (let t = 0; t < steps; t++) {
            const lossAt = (input: tf.Tensor): tf.Scalar => {
              const { hiddenSeq } = model.cell.forward(input as tf.Tensor3D);
              const ht = hiddenSeq.slice([0, t, 0], [1, 1, HIDDEN]).reshape([1, HIDDEN]) as tf.Tensor2D;
              return crossEntropyIgnoringPadding(model.project(ht), tf.tensor1d([targetIds[t]!], 'int32'));
            };
            const [gradient, loss] = tf.tidy(() => {
              const { value, grad } = tf.valueAndGrad(lossAt)(x);
              return [tf.sqrt(tf.sum(tf.square(grad.squeeze([0])), 1)).arraySync() as number[], value.dataSync()[0]!] as const;
            });
            assert.ok(Math.abs(flow.losses[t]! - loss) < 1e-5, `loss_${t}: ${flow.losses[t]} vs ${loss}`);
            for (let s = 0; s < steps; s++) {
              const ours = flow.norms[t]![s]!;
              const autodiff = gradient[s]!;
              if (s > t) {
                assert.equal(ours, 0, `norms[${t}][${s}] must be 0 (a prediction cannot see the future)`);
                assert.ok(autodiff < 1e-7, `autodiff sees the future at [${t}][${s}]: ${autodiff}`);
              } else {
                assert.ok(Math.abs(ours - autodiff) <= 1e-5 + 1e-4 * autodiff, `norms[${t}][${s}] = ${ours}, autodiff ${autodiff}`);
              }
            }
          }
        } finally {
          x.dispose();
        }
        // byDistance[d] is the mean of the d-th sub-diagonal.
        const expected = flow.norms.slice(2).reduce((s, row, k) => s + row[k]!, 0) / (steps - 2);
        assert.ok(Math.abs(flow.byDistance[2]! - expected) < 1e-12);
      } finally {
        loaded.model.dispose();
      }
    });
  }

  it('leaves no tensor behind (the worker serves the panel for hours)', async () => {
    for (const kind of ['naive-lstm', 'simple-rnn'] as const) {
      const loaded = smallModel(kind);
      try {
        await gradientFlow(loaded, FLOW_TEXT);
        await captureActivations(loaded, FLOW_TEXT);
        const before = tf.memory().numTensors;
        await gradientFlow(loaded, FLOW_TEXT);
        await captureActivations(loaded, FLOW_TEXT);
        measureSaturation(loaded.model, new Int32Array([2, 3, 4, 0]), 2, 2);
        assert.equal(tf.memory().numTensors, before, `${kind}: tensors leaked`);
      } finally {
        loaded.model.dispose();
      }
    }
  });

  it('needs two characters', async () => {
    const loaded = smallModel('naive-lstm');
    try {
      await assert.rejects(gradientFlow(loaded, 't'), /at least two characters/);
    } finally {
      loaded.model.dispose();
    }
  });
});

describe('inspect: trained checkpoints (probe, sampling, saturation during training)', function () {
  let dir: string;
  let checkpoint: Checkpoint;
  const reports: SaturationReport[] = [];
  const corpusText = 'the sea and the shore are near one another on the east side of the island. '.repeat(12);
  const config: TrainConfig = {
    cell: 'naive-lstm',
    forgetGate: true,
    forgetBias: 1,
    hiddenSize: 6,
    embeddingSize: 4,
    batchSize: 4,
    seqLen: 20,
    epochs: 1,
    maxBatches: 3,
    learningRate: 0.01,
    seed: 5,
    valFraction: 0.2,
    corpus: { kind: 'text', text: corpusText, name: 'shore' },
  };

  before(async () => {
    await initBackend('wasm');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inspect-test-'));
    const result = await train(config, { checkpointDir: dir, onSaturation: (report) => reports.push(report), saturationEvery: 1 });
    assert.equal(result.status, 'done', result.reason);
    checkpoint = loadCheckpoint(dir);
  });

  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the trainer reports saturation every N batches and per epoch', () => {
    assert.deepEqual(
      reports.map((r) => [r.scope, r.batch, r.step]),
      [
        ['batch', 1, 1],
        ['batch', 2, 2],
        ['batch', 3, 3],
        ['epoch', 3, 3],
      ],
    );
    for (const report of reports) {
      assert.equal(report.count, 4 * 20 * 6); // batch × seqLen × hidden, no padding in these instances
      assert.deepEqual(
        report.gates.map((g) => g.gate),
        ['i', 'f', 'o'],
      );
      for (const gate of report.gates) assert.ok(gate.low >= 0 && gate.high >= 0 && gate.low + gate.high <= 1);
    }
  });

  it('probeTrained: the trained series differs from the fresh one; on the initial weights of the run it equals probe.ts probeSeries', async () => {
    const result = await probeTrained(checkpoint, { steps: 6, batchSize: 3 });
    assert.equal(result.trained.norms.length, 6);
    assert.notDeepEqual(result.trained.norms, result.fresh.norms);
    // The fresh cell is the run's initial cell: a checkpoint holding those weights probes the same.
    const initial = new LanguageModel({ vocabSize: checkpoint.vocab.length, embeddingSize: 4, hiddenSize: 6, cell: 'naive-lstm', forgetGate: true, forgetBias: 1, seed: config.seed });
    const untrained: Checkpoint = { ...checkpoint, weights: { ...checkpoint.weights, cell: initial.cell.exportWeights() } };
    initial.dispose();
    const same = await probeTrained(untrained, { steps: 6, batchSize: 3 });
    same.trained.norms.forEach((norm, k) => assert.ok(Math.abs(norm - same.fresh.norms[k]!) <= 1e-6 * Math.max(1, norm), `step ${k + 1}: ${norm} vs ${same.fresh.norms[k]}`));
  });

  it('sampleWithProbabilities: the same text as sample(), and each probability is the softmax of a fresh forward pass', async () => {
    for (const temperature of [0, 0.8]) {
      const sampleConfig = { checkpoint: dir, length: 12, temperature, prime: 'the ', seed: 3 };
      const withProbabilities = await sampleWithProbabilities({ ...sampleConfig, top: 3 }, checkpoint);
      assert.equal(withProbabilities.text, await sample(sampleConfig, checkpoint));
      assert.equal(withProbabilities.steps.length, 12);
      const model = new LanguageModel(
        { vocabSize: checkpoint.vocab.length, embeddingSize: 4, hiddenSize: 6, cell: 'naive-lstm', forgetGate: true, forgetBias: 1, seed: config.seed },
        checkpoint.weights,
      );
      try {
        const idOf = new Map(checkpoint.vocab.map((c, id) => [c, id] as const));
        for (const k of [0, 5, 11]) {
          const seen = withProbabilities.text.slice(0, 4 + k);
          const logits = tf.tidy(() => {
            const all = model.logits(tf.tensor2d([Array.from(seen, (c) => idOf.get(c)!)], [1, seen.length], 'int32'));
            return tf.softmax(all).arraySync() as number[][];
          });
          const last = logits[seen.length - 1]!;
          const step = withProbabilities.steps[k]!;
          assert.ok(Math.abs(step.probability - last[idOf.get(step.char)!]!) < 1e-5, `step ${k}: ${step.probability} vs ${last[idOf.get(step.char)!]}`);
          assert.equal(step.top.length, 3);
          assert.ok(step.top[0]!.p >= step.top[1]!.p && step.top[1]!.p >= step.top[2]!.p);
          assert.ok(Math.abs(step.top[0]!.p - Math.max(...last.slice(2))) < 1e-5);
          if (temperature === 0) {
            assert.equal(step.samplingProbability, 1);
            assert.equal(step.char, step.top[0]!.char);
          } else {
            assert.ok(step.samplingProbability > 0 && step.samplingProbability <= 1);
          }
        }
      } finally {
        model.dispose();
      }
    }
    await assert.rejects(sampleWithProbabilities({ checkpoint: dir, length: 3, temperature: 1, prime: '', top: 0 }), /top must be a positive integer/);
  });

  it('reads a checkpoint folder directly', async () => {
    const capture = await captureActivations(dir, 'the shore');
    assert.equal(capture.gates.h!.length, 9);
    assert.equal(capture.gates.h![0]!.length, 6);
  });
});

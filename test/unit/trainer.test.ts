// The trainer, checkpoints and sampler, on a small text and small sizes (wasm backend).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/engine/backend';
import { train, validateTrainConfig, type TrainEvent } from '../../src/engine/trainer';
import { loadCheckpoint, CHECKPOINT_FILE } from '../../src/engine/checkpoint';
import { loadCorpus } from '../../src/engine/corpus';
import { LanguageModel } from '../../src/engine/model';
import { sample } from '../../src/engine/sampler';
import type { BatchProgress, TrainConfig } from '../../src/shared/types';
import { smallTextConfig } from './helpers/small-text';

// small.txt: 1,7xx characters → at seqLen 20, 88 instances, 79 for training: 20 batches of 4.
function config(overrides: Partial<TrainConfig> = {}): TrainConfig {
  return smallTextConfig({ hiddenSize: 24, embeddingSize: 12, ...overrides });
}

function collect(): { events: TrainEvent[]; progress: BatchProgress[]; onEvent: (e: TrainEvent) => void } {
  const events: TrainEvent[] = [];
  const progress: BatchProgress[] = [];
  return {
    events,
    progress,
    onEvent: (event) => {
      events.push(event);
      if (event.type === 'progress') progress.push(event.progress);
    },
  };
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

describe('trainer', function () {
  let dir: string;
  before(async () => {
    assert.equal(await initBackend('wasm'), 'wasm');
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trainer-test-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const cell of ['naive-lstm', 'simple-rnn'] as const) {
    it(`${cell}: the loss starts at ln(vocabulary size) and falls over 20 batches`, async () => {
      const seen = collect();
      const result = await train(config({ cell }), { onEvent: seen.onEvent });
      assert.equal(result.status, 'done');
      assert.equal(result.backend, 'wasm');
      const vocabSize = result.corpus.vocabSize;
      const losses = seen.progress.map((p) => p.loss);
      assert.equal(losses.length, 20);
      assert.deepEqual(
        seen.progress.map((p) => p.step),
        Array.from({ length: 20 }, (_, k) => k + 1),
      );
      // Small initial logits ⇒ nearly uniform predictions ⇒ cross-entropy ≈ ln V.
      assert.ok(Math.abs(losses[0]! - Math.log(vocabSize)) < 0.3, `first loss ${losses[0]} vs ln ${vocabSize} = ${Math.log(vocabSize)}`);
      assert.ok(mean(losses.slice(-5)) < losses[0]! - 0.4, `losses did not fall: ${losses.map((l) => l.toFixed(2)).join(' ')}`);
      const [epoch] = result.epochs;
      assert.ok(epoch);
      assert.ok(Math.abs(epoch.trainLoss - mean(losses)) < 1e-9, 'train loss is the mean of the batch losses');
      assert.ok(Math.abs(epoch.bitsPerChar - epoch.valLoss / Math.LN2) < 1e-12);
      assert.ok(epoch.valLoss < Math.log(vocabSize), 'validation loss below the uniform guess');
      assert.ok(epoch.peakRssMB > 10 && epoch.charsPerSecond > 0 && epoch.seconds > 0);
      assert.deepEqual(
        seen.events.map((e) => e.type).filter((t) => t !== 'progress' && t !== 'validation'),
        ['corpus', 'epoch'],
      );
      const validation = seen.events.flatMap((e) => (e.type === 'validation' ? [[e.batch, e.batches]] : []));
      assert.deepEqual(
        validation,
        validation.map((_, k) => [k + 1, validation.length]),
        'one validation event per batch, counting to the total',
      );
    });
  }

  it('maxBatches caps an epoch, and validation in proportion (at least one batch)', async () => {
    const seen = collect();
    const result = await train(config({ maxBatches: 3, epochs: 2 }), { onEvent: seen.onEvent });
    assert.equal(result.status, 'done');
    assert.deepEqual(
      seen.progress.map((p) => `${p.epoch}.${p.batch}/${p.batchesPerEpoch}`),
      ['1.1/3', '1.2/3', '1.3/3', '2.1/3', '2.2/3', '2.3/3'],
    );
    assert.equal(result.epochs.length, 2);
  });

  it('saves a checkpoint that loads back to the same predictions (the validation loss it reported)', async () => {
    const cfg = config({ maxBatches: 5 });
    const seen = collect();
    const result = await train(cfg, { checkpointDir: dir, onEvent: seen.onEvent });
    assert.equal(result.checkpoint, dir);
    assert.deepEqual(
      seen.events.filter((e) => e.type === 'checkpoint'),
      [{ type: 'checkpoint', path: dir }],
    );
    const checkpoint = loadCheckpoint(dir);
    assert.deepEqual(checkpoint.cell, { kind: 'naive-lstm', inputSize: 12, hiddenSize: 24, forgetGate: true, forgetBias: 0 });
    assert.deepEqual(Object.keys(checkpoint.weights.cell).sort(), ['W_hf', 'W_hg', 'W_hi', 'W_ho', 'W_if', 'W_ig', 'W_ii', 'W_io', 'b_f', 'b_g', 'b_i', 'b_o'].sort());
    // Recompute the validation loss from the loaded weights, independently of the trainer.
    const corpus = await loadCorpus(cfg.corpus, { seqLen: cfg.seqLen, valFraction: cfg.valFraction, seed: cfg.seed });
    assert.deepEqual(corpus.vocab, checkpoint.vocab);
    const model = new LanguageModel({ vocabSize: corpus.vocab.length, embeddingSize: 12, hiddenSize: 24, cell: 'naive-lstm', forgetGate: true, forgetBias: 0, seed: 999 }, checkpoint.weights);
    try {
      // 5 of 20 training batches ⇒ ceil(3 · 5/20) = 1 validation batch.
      const batch = corpus.valBatches(4).next().value!;
      const loss = tf.tidy(() => model.loss(tf.tensor2d(batch.inputs, [batch.batchSize, 20], 'int32'), tf.tensor2d(batch.targets, [batch.batchSize, 20], 'int32')).dataSync()[0]!);
      assert.ok(Math.abs(loss - result.epochs[0]!.valLoss) < 1e-6, `${loss} vs ${result.epochs[0]!.valLoss}`);
    } finally {
      model.dispose();
    }
  });

  it('cancel stops between batches, keeps the results so far and a checkpoint; resume gives the uninterrupted run', async () => {
    const cfg = config({ maxBatches: 6, epochs: 2 });
    const uninterrupted = await train(cfg);

    const controller = new AbortController();
    const first = collect();
    const cancelled = await train(cfg, {
      signal: controller.signal,
      checkpointDir: dir,
      onEvent: (event) => {
        first.onEvent(event);
        if (event.type === 'progress' && event.progress.epoch === 2 && event.progress.batch === 2) controller.abort();
      },
    });
    assert.equal(cancelled.status, 'cancelled');
    assert.match(cancelled.reason ?? '', /Cancelled at step 8 \(epoch 2, batch 2 of 6\)/);
    assert.equal(cancelled.epochs.length, 1, 'the finished epoch is kept');
    assert.equal(first.progress.length, 8);
    assert.equal(cancelled.checkpoint, dir);
    assert.deepEqual(
      { ...loadCheckpoint(dir).position, partialLossSum: 0, partialChars: 0, partialSeconds: 0 },
      { completedEpochs: 1, batchesIntoEpoch: 2, step: 8, partialLossSum: 0, partialChars: 0, partialSeconds: 0 },
    );

    const second = collect();
    const resumed = await train(cfg, { resumeFrom: dir, checkpointDir: dir, onEvent: second.onEvent });
    assert.equal(resumed.status, 'done');
    assert.deepEqual(
      second.progress.map((p) => `${p.step}:${p.epoch}.${p.batch}`),
      ['9:2.3', '10:2.4', '11:2.5', '12:2.6'],
    );
    // Same data order, same weights and Adam state ⇒ the same losses as the run that was never stopped.
    assert.equal(resumed.epochs.length, 2);
    for (let k = 0; k < 2; k++) {
      assert.ok(Math.abs(resumed.epochs[k]!.trainLoss - uninterrupted.epochs[k]!.trainLoss) < 1e-5, `epoch ${k + 1} train loss`);
      assert.ok(Math.abs(resumed.epochs[k]!.valLoss - uninterrupted.epochs[k]!.valLoss) < 1e-5, `epoch ${k + 1} val loss`);
    }
  });

  it('stops with status failed, the step and advice when the loss is not finite (huge learning rate)', async () => {
    const seen = collect();
    const result = await train(config({ learningRate: 1e38, maxBatches: 10 }), { onEvent: seen.onEvent, checkpointDir: dir });
    assert.equal(result.status, 'failed');
    const failedStep = seen.progress.length + 1;
    assert.match(result.reason ?? '', new RegExp(`loss became (NaN|-?Infinity) at step ${failedStep} .*Lower the learning rate \\(now 1e\\+38; try 1e\\+37\\)`));
    assert.ok(
      seen.progress.every((p) => Number.isFinite(p.loss)),
      'no non-finite loss is reported as progress',
    );
    assert.equal(result.epochs.length, 0);
    assert.equal(result.checkpoint, undefined, 'no checkpoint of diverged weights');
    assert.equal(fs.existsSync(path.join(dir, CHECKPOINT_FILE)), false);
  });

  it('validates the configuration before any work, naming each bad setting and its range', async () => {
    const bad = config({ hiddenSize: 0, embeddingSize: 2.5, batchSize: -1, seqLen: 1, epochs: 0, learningRate: Number.NaN, valFraction: 1, maxBatches: 0, forgetBias: Infinity });
    const problems = validateTrainConfig(bad);
    for (const pattern of [
      /hiddenSize must be a positive integer.*got 0/,
      /embeddingSize .*got 2\.5/,
      /batchSize .*got -1/,
      /seqLen must be an integer ≥ 2.*got 1/,
      /epochs .*got 0/,
      /learningRate must be a finite number > 0.*got NaN/,
      /valFraction must be strictly between 0 and 1.*got 1/,
      /maxBatches .*got 0/,
      /forgetBias must be a finite number/,
    ]) {
      assert.ok(
        problems.some((p) => pattern.test(p)),
        `no message matching ${pattern}: ${problems.join(' | ')}`,
      );
    }
    assert.deepEqual(validateTrainConfig(config()), []);
    const events: TrainEvent[] = [];
    await assert.rejects(train(bad, { onEvent: (e) => events.push(e) }), /Invalid training configuration:\n- /);
    assert.equal(events.length, 0);
    await assert.rejects(train(config({ batchSize: 500 })), /batchSize 500 is larger than the 79 training instances/);
    await assert.rejects(train(config({ cell: 'lstm-9000' as never })), /cell must be one of naive-lstm/);
  });

  it('gives clear errors for a missing, truncated, corrupt or mismatched checkpoint', async () => {
    await assert.rejects(async () => loadCheckpoint(path.join(dir, 'nope')), /no such file or folder/);
    assert.throws(() => loadCheckpoint(dir), /checkpoint\.json is missing/);
    await train(config({ maxBatches: 1 }), { checkpointDir: dir });
    const file = path.join(dir, CHECKPOINT_FILE);
    const good = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, good.slice(0, good.length / 2));
    assert.throws(() => loadCheckpoint(dir), /truncated or corrupt/);
    fs.writeFileSync(file, good.replace('"kind":"naive-lstm"', '"kind":"lstm-9000"'));
    assert.throws(() => loadCheckpoint(dir), /unknown cell kind "lstm-9000"/);
    fs.writeFileSync(file, good);
    await assert.rejects(train(config({ cell: 'simple-rnn' }), { resumeFrom: dir }), /Cannot resume .*cell is naive-lstm there, simple-rnn here/);
  });

  it('samples reproducibly from a checkpoint: same seed same text, temperature 0 the most likely characters', async () => {
    await train(config({ maxBatches: 20, epochs: 2 }), { checkpointDir: dir });
    const base = { checkpoint: dir, length: 40, prime: 'The ' };
    const a = await sample({ ...base, temperature: 1, seed: 1 });
    const b = await sample({ ...base, temperature: 1, seed: 1 });
    const c = await sample({ ...base, temperature: 1, seed: 2 });
    assert.equal(a, b);
    assert.notEqual(a, c);
    assert.ok(a.startsWith('The ') && [...a].length === 44);
    const vocab = new Set(loadCheckpoint(dir).vocab);
    assert.ok(
      [...a.slice(4)].every((ch) => vocab.has(ch)),
      'only vocabulary characters',
    );
    const greedy = await sample({ ...base, temperature: 0, seed: 1 });
    assert.equal(greedy, await sample({ ...base, temperature: 0, seed: 5 }), 'temperature 0 ignores the seed');
    await assert.rejects(sample({ ...base, temperature: -1 }), /temperature must be a finite number ≥ 0/);
    await assert.rejects(sample({ ...base, temperature: 1, length: 0 }), /length must be an integer from 1/);
  });
});

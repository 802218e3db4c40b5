// Issue 7, engine side: every bad input a clear message and nothing lost — hyperparameters,
// text files (missing, folder, unreadable, empty, short, binary, UTF-16, 500 MB, CRLF,
// thousands of distinct characters), checkpoints (missing, truncated, corrupt, another cell
// or vocabulary: the files stay byte for byte as they were) and a diverging loss.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend } from '../../src/engine/backend';
import { CHECKPOINT_FILE, loadCheckpoint } from '../../src/engine/checkpoint';
import { completeUtf8Length, describeCorpusFileError, loadCorpus, MAX_CORPUS_BYTES } from '../../src/engine/corpus';
import { sample } from '../../src/engine/sampler';
import { DIVERGED_LOSS_FACTOR, train, type TrainEvent } from '../../src/engine/trainer';
import type { BatchProgress, TrainConfig } from '../../src/shared/types';
import { smallText, smallTextConfig } from './helpers/small-text';
import { estimateTrainMemoryMB, memoryProblem, validateTrainConfig } from '../../src/engine/validate';
import { buildTrainConfig } from '../../src/host/core/config';

const root = path.resolve(__dirname, '../..');
const corpusOptions = { seqLen: 20, valFraction: 0.1, seed: 0 };

function config(overrides: Partial<TrainConfig> = {}): TrainConfig {
  return smallTextConfig({ maxBatches: 3, ...overrides });
}

/** Every file under `dir` with its SHA-256, to show nothing was written. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of fs.readdirSync(dir))
    out[name] = createHash('sha256')
      .update(fs.readFileSync(path.join(dir, name)))
      .digest('hex');
  return out;
}

/** Text of `count` distinct CJK ideographs, each several times (a vocabulary of thousands). */
function manyCharacters(count: number, repeats: number): string {
  let line = '';
  for (let k = 0; k < count; k++) line += String.fromCodePoint(0x4e00 + ((k * 7919) % 20000));
  return Array.from({ length: repeats }, () => line).join('\n');
}

describe('reliability: hyperparameters are refused before any work, by the same rules everywhere', () => {
  // Each bad value of the issue: what the engine says, what the host says (the setting's name).
  const cases: [Partial<TrainConfig>, RegExp, RegExp][] = [
    [{ hiddenSize: 0 }, /hiddenSize must be a positive integer .*got 0/, /hiddenSize is 0; it must be an integer from 1 to 4096/],
    [{ hiddenSize: -8 }, /hiddenSize must be a positive integer .*got -8/, /hiddenSize is -8/],
    [{ embeddingSize: 2.5 }, /embeddingSize must be a positive integer .*got 2\.5/, /embeddingSize is 2\.5; it must be an integer/],
    [{ learningRate: 0 }, /learningRate must be a finite number > 0 .*got 0/, /learningRate is 0; it must be a number greater than 0/],
    [{ learningRate: -0.5 }, /learningRate must be a finite number > 0 .*got -0\.5/, /learningRate is -0\.5/],
    [{ learningRate: Number.NaN }, /learningRate .*got NaN/, /learningRate is NaN/],
    [{ learningRate: Number.POSITIVE_INFINITY }, /learningRate .*got Infinity/, /learningRate is Infinity/],
    [{ seqLen: 1 }, /seqLen must be an integer ≥ 2 .*got 1/, /seqLen is 1; it must be an integer from 2/],
    [{ epochs: 0 }, /epochs must be a positive integer .*got 0/, /epochs is 0; it must be an integer from 1/],
  ];
  for (const [bad, engineMessage, hostMessage] of cases) {
    it(`${JSON.stringify(bad, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v))}: the engine and the host both refuse it, naming the setting and its range`, async () => {
      const problems = validateTrainConfig(config(bad));
      assert.equal(problems.length, 1, problems.join(' | '));
      assert.match(problems[0]!, engineMessage);
      const host = buildTrainConfig({ cell: 'naive-lstm', preset: 'quick', corpus: { kind: 'brown' }, overrides: bad as never }, {});
      assert.equal(host.config, undefined);
      assert.match(host.errors.join('\n'), hostMessage);
      const events: TrainEvent[] = [];
      await assert.rejects(train(config(bad), { onEvent: (e) => events.push(e) }), /Invalid training configuration/);
      assert.deepEqual(events, [], 'nothing ran');
    });
  }

  it("an absurd size is refused with its memory estimate, in the engine's words and the host's", () => {
    const absurd = config({ hiddenSize: 100_000, batchSize: 32, seqLen: 500 });
    const estimate = estimateTrainMemoryMB(absurd);
    // The parameters alone: 4 gates × H × (H + E + 1) floats, 4 bytes, 8 copies (Adam, gradients).
    assert.ok(estimate > (4 * 100_000 * 100_009 * 4 * 8) / 2 ** 20, `estimate ${estimate}`);
    assert.match(
      memoryProblem(absurd, 4096) ?? '',
      new RegExp(`needs about ${Math.round(estimate).toLocaleString('en-US')} MB for training \\(batch 32 × sequence 500 × hidden 100,000\\), more than the 4,096 MB`),
    );
    const host = buildTrainConfig({ cell: 'naive-lstm', preset: 'custom', corpus: { kind: 'brown' } }, { hiddenSize: 4096, batchSize: 4096, seqLen: 10000 }, 4096);
    assert.match(host.errors.join('\n'), /needs about [\d,]+ MB .*lower lstmLab\.batchSize, lstmLab\.seqLen or lstmLab\.hiddenSize/);
    assert.equal(memoryProblem(config(), 4096), undefined, 'a small run fits');
  });

  it('a batch larger than the number of training instances is refused before the model is built', async () => {
    const events: TrainEvent[] = [];
    await assert.rejects(
      train(config({ batchSize: 1000 }), { onEvent: (e) => events.push(e) }),
      /batchSize 1000 is larger than the 79 training instances of "small\.txt" at seqLen 20\. Use a batch size of at most 79/,
    );
    assert.deepEqual(events, []);
  });

  it('the extension host bundle holds no TF.js, with the rules in it (esbuild, as the build bundles it)', async () => {
    const esbuild = await import('esbuild');
    const result = await esbuild.build({
      entryPoints: [path.join(root, 'src/extension.ts')],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['vscode', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'],
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    assert.ok(
      inputs.some((file) => file.endsWith('src/engine/validate.ts')),
      "the host uses the engine's rules",
    );
    // A TF.js package in node_modules, not a host file whose name says it runs TF.js cells elsewhere.
    assert.deepEqual(
      inputs.filter((file) => file.includes('@tensorflow') || /node_modules\/[^/]*tfjs/.test(file)),
      [],
    );
  });

  it('the rules load without TF.js: the host can import them (checked in a fresh process)', () => {
    const script = "require('./src/engine/validate'); require('./src/host/core/config'); process.stdout.write(String(Object.keys(require.cache).filter((k) => k.includes('@tensorflow')).length));";
    const result = spawnSync(process.execPath, ['-r', 'tsx/cjs', '-e', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, '0', 'modules from @tensorflow were loaded');
  });
});

describe('reliability: text inputs', function () {
  let dir: string;
  before(async () => {
    assert.equal(await initBackend('wasm'), 'wasm');
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reliability-text-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const fails = (file: string, pattern: RegExp) => assert.rejects(loadCorpus({ kind: 'file', path: file }, corpusOptions), pattern);

  it('missing file, a folder, a path through a file: each says which and what to give', async () => {
    await fails(path.join(dir, 'missing.txt'), /Corpus file not found: .*missing\.txt\. Give the path of a UTF-8 text file/);
    await fails(dir, /Corpus path is a folder, not a file/);
    fs.writeFileSync(path.join(dir, 'plain'), 'text');
    await fails(path.join(dir, 'plain', 'inside.txt'), /Corpus file not found: .*plain[\\/]inside\.txt \(a part of that path is a file, not a folder\)/);
  });

  it('permission denied: a real unreadable file when not root, and the mapping of EACCES/EPERM', async function () {
    for (const code of ['EACCES', 'EPERM']) {
      const error = Object.assign(new Error(`${code}: permission denied, open '/x/y.txt'`), { code });
      assert.match(describeCorpusFileError(error, '/x/y.txt').message, /^Permission denied reading the corpus file \/x\/y\.txt\. Make it readable \(e\.g\. chmod a\+r\)/);
    }
    if (process.getuid?.() === 0) {
      // root reads any file whatever its mode, so an unreadable file cannot be made here.
      this.skip();
    }
    const file = path.join(dir, 'secret.txt');
    fs.writeFileSync(file, 'some text '.repeat(20));
    fs.chmodSync(file, 0o000);
    await fails(file, /Permission denied reading the corpus file .*secret\.txt/);
  });

  it('empty, only whitespace, shorter than one instance, one instance only', async () => {
    const write = (name: string, text: string | Buffer) => (fs.writeFileSync(path.join(dir, name), text), path.join(dir, name));
    await fails(write('empty.txt', ''), /Corpus file is empty: .*empty\.txt/);
    await fails(write('blank.txt', ' \r\n\t\n  \n'), /contains no text \(only whitespace\)/);
    await fails(write('short.txt', 'abcdefghij'), /"short\.txt" has 10 characters, shorter than one instance of seqLen \+ 1 = 21\. Use a shorter sequence length \(--seq-len\) or a longer text/);
    await fails(write('one.txt', 'abcdefghijklmnopqrstu'), /gives only 1 instance\(s\) of 21 characters; at least 2 are needed/);
  });

  it('binary files: NUL bytes, random bytes, mostly invalid UTF-8, UTF-16 — refused, never read as text', async () => {
    const random = Buffer.alloc(4096);
    let state = 12345;
    for (let k = 0; k < random.length; k++) random[k] = (state = (state * 1103515245 + 12345) >>> 0) >>> 24;
    fs.writeFileSync(path.join(dir, 'random.bin'), random);
    await fails(path.join(dir, 'random.bin'), /looks binary \(a NUL byte at offset \d+\).*Give a UTF-8 text file/);
    // No NUL byte at all, but mostly bytes ≥ 0x80 that are not UTF-8 sequences.
    const noNul = Buffer.from(random.map((b) => (b === 0 ? 0xff : b | 0x80)));
    fs.writeFileSync(path.join(dir, 'latin.bin'), noNul);
    await fails(path.join(dir, 'latin.bin'), /not valid UTF-8: .*latin\.bin\. Convert it to UTF-8/);
    fs.writeFileSync(path.join(dir, 'utf16.txt'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('hello world, '.repeat(10), 'utf16le')]));
    await fails(path.join(dir, 'utf16.txt'), /is UTF-16 text .*Save it as UTF-8/);
  });

  it('a 500 MB file is read only up to the cap, with a message saying so, without running out of memory', async function () {
    this.timeout(120_000);
    // 64 MB of real text, then a sparse hole up to 500 MB: the file is 500 MB, the disk holds 64.
    const file = path.join(dir, 'huge.txt');
    const line = 'the quick brown fox jumps over the lazy dog, said the naive lstm to the fused one.\n';
    const block = Buffer.from(line.repeat(10_000));
    const fd = fs.openSync(file, 'w');
    try {
      for (let written = 0; written < MAX_CORPUS_BYTES + block.length; written += block.length) fs.writeSync(fd, block);
      fs.ftruncateSync(fd, 500 * 2 ** 20);
    } finally {
      fs.closeSync(fd);
    }
    const rssBefore = process.memoryUsage().rss;
    const corpus = await loadCorpus({ kind: 'file', path: file }, { seqLen: 100, valFraction: 0.1, seed: 0 });
    const rssAfter = process.memoryUsage().rss;
    console.log(`      500 MB file: ${corpus.stats.chars.toLocaleString('en')} characters used, RSS ${(rssBefore / 2 ** 20).toFixed(0)} → ${(rssAfter / 2 ** 20).toFixed(0)} MB`);
    assert.deepEqual(corpus.warnings, [`${file} is 500 MB; only its first 64 MB are used.`]);
    assert.equal(corpus.stats.name, 'huge.txt (first 64 MB)');
    // Cut at the last line break inside the cap; lines joined with one space.
    const linesKept = Math.floor(MAX_CORPUS_BYTES / line.length);
    assert.equal(corpus.stats.chars, linesKept * line.length - 1);
    assert.equal(corpus.stats.vocabSize, 2 + new Set(line.trim()).size);
  });

  it('completeUtf8Length drops only an incomplete last character (1-, 2-, 3- and 4-byte)', () => {
    for (const character of ['a', 'é', '語', '🙂']) {
      const whole = Buffer.from(`ab${character}`);
      assert.equal(completeUtf8Length(whole), whole.length, `${character} complete`);
      for (let cut = 1; cut < Buffer.byteLength(character); cut++) assert.equal(completeUtf8Length(whole.subarray(0, 2 + cut)), 2, `${character} cut after ${cut} byte(s)`);
    }
  });

  it('a capped file with no line break is cut before its last incomplete UTF-8 character, not refused as invalid', async () => {
    const file = path.join(dir, 'one-line.txt');
    fs.writeFileSync(file, '語'.repeat(2000)); // 3 bytes each, no newline
    const corpus = await loadCorpus({ kind: 'file', path: file }, { seqLen: 10, valFraction: 0.1, seed: 0 }, { maxBytes: 1000 });
    assert.equal(corpus.stats.chars, 333, '1000 bytes = 333 whole characters and one byte of the 334th');
    assert.deepEqual(corpus.warnings, [`${file} is 6000 bytes; only its first 1000 bytes are used.`]);
  });

  it('a device or pipe is refused instead of read (it may never end)', async () => {
    if (!fs.existsSync('/dev/null')) return;
    await fails('/dev/null', /Corpus path is not a regular file \(a device, pipe or socket\): \/dev\/null\./);
  });

  it('Windows line endings give exactly the corpus of Unix ones (no \\r in the vocabulary)', async () => {
    const unix = fs.readFileSync(smallText, 'utf8').replace(/\r\n/g, '\n');
    fs.writeFileSync(path.join(dir, 'unix.txt'), unix);
    fs.writeFileSync(path.join(dir, 'windows.txt'), unix.replace(/\n/g, '\r\n'));
    const a = await loadCorpus({ kind: 'file', path: path.join(dir, 'unix.txt') }, corpusOptions);
    const b = await loadCorpus({ kind: 'file', path: path.join(dir, 'windows.txt') }, corpusOptions);
    assert.deepEqual({ ...b.stats, name: '' }, { ...a.stats, name: '' });
    assert.deepEqual(b.vocab, a.vocab);
    assert.ok(!b.vocab.includes('\r'));
    assert.deepEqual(
      [...b.trainBatches(4, 1)].map((x) => Array.from(x.inputs)),
      [...a.trainBatches(4, 1)].map((x) => Array.from(x.inputs)),
    );
  });

  it('a script with thousands of distinct characters trains (loss starts at ln V), or is refused with the memory it needs', async function () {
    this.timeout(60_000);
    const file = path.join(dir, 'cjk.txt');
    fs.writeFileSync(file, manyCharacters(3000, 4));
    const progress: BatchProgress[] = [];
    const result = await train(config({ corpus: { kind: 'file', path: file }, maxBatches: 3 }), { onEvent: (e) => e.type === 'progress' && progress.push(e.progress) });
    assert.equal(result.status, 'done', result.reason);
    assert.equal(result.corpus.vocabSize, 3003, 'padding, unknown, the 3000 characters and the space joining the lines');
    // A fresh model guesses about uniformly over the vocabulary: loss ≈ ln(3003) ≈ 8.0.
    assert.ok(Math.abs(progress[0]!.loss - Math.log(3003)) < 0.5, `first loss ${progress[0]!.loss}`);
    assert.equal(progress.length, 3);
    // The same text with less memory to give: refused after reading it, naming the vocabulary and the estimate.
    const tight = estimateTrainMemoryMB(config()) + 1;
    const needs = Math.round(estimateTrainMemoryMB({ ...config(), vocabSize: 3003 }));
    await assert.rejects(
      train(config({ corpus: { kind: 'file', path: file } }), { memoryLimitMB: tight }),
      new RegExp(
        `"cjk\\.txt" has 3,003 distinct characters, and this configuration needs about ${needs.toLocaleString('en-US')} MB .*× vocabulary 3,003\\), more than the ${Math.round(tight).toLocaleString('en-US')} MB`,
      ),
    );
  });
});

describe('reliability: checkpoints — a clear message and nothing overwritten', function () {
  let dir: string;
  let good: string;
  let goodBytes: string;
  before(async function () {
    this.timeout(60_000);
    assert.equal(await initBackend('wasm'), 'wasm');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reliability-ckpt-'));
    good = path.join(dir, 'good');
    const result = await train(config({ maxBatches: 2 }), { checkpointDir: good });
    assert.equal(result.status, 'done');
    // The version-1 form (every weight in the JSON), so that each field can be corrupted by editing it; it still loads.
    goodBytes = JSON.stringify({ ...loadCheckpoint(good), version: 1 });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A checkpoint folder holding `content`; returns it. */
  function variant(name: string, content: string | Buffer): string {
    const folder = path.join(dir, name);
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, CHECKPOINT_FILE), content);
    return folder;
  }
  /** `edit` applied to the good checkpoint's JSON. */
  function edited(name: string, edit: (checkpoint: Record<string, any>) => void): string {
    const parsed = JSON.parse(goodBytes) as Record<string, any>;
    edit(parsed);
    return variant(name, JSON.stringify(parsed));
  }

  /** Loading, sampling from and resuming from `folder` (into the same folder) all fail with `pattern`; its files are unchanged. */
  async function refusedEverywhere(folder: string, pattern: RegExp): Promise<void> {
    const before = fs.existsSync(folder) ? snapshot(folder) : undefined;
    assert.throws(() => loadCheckpoint(folder), pattern);
    await assert.rejects(sample({ checkpoint: folder, length: 5, temperature: 1, prime: 'the ' }), pattern);
    const events: TrainEvent[] = [];
    await assert.rejects(train(config({ epochs: 2 }), { resumeFrom: folder, checkpointDir: folder, onEvent: (e) => events.push(e) }), pattern);
    assert.deepEqual(events, [], 'no training happened');
    assert.deepEqual(fs.existsSync(folder) ? snapshot(folder) : undefined, before, 'the checkpoint folder is byte for byte unchanged');
  }

  it('missing folder, or a folder without checkpoint.json', async () => {
    await refusedEverywhere(path.join(dir, 'nowhere'), /Cannot load checkpoint .*nowhere: no such file or folder/);
    fs.mkdirSync(path.join(dir, 'empty-folder'));
    await refusedEverywhere(path.join(dir, 'empty-folder'), /checkpoint\.json is missing, so this is not a checkpoint folder/);
    // A comparison's folder: the message names the checkpoints inside it.
    const compareRun = path.join(dir, 'compare-run');
    fs.cpSync(good, path.join(compareRun, 'checkpoints', 'naive-lstm'), { recursive: true });
    assert.throws(() => loadCheckpoint(compareRun), /not a checkpoint folder\. It holds a comparison's checkpoints: give one of .*compare-run\/checkpoints\/naive-lstm\.$/);
  });

  it('truncated, or overwritten with binary garbage: named as such, without quoting the garbage', async () => {
    await refusedEverywhere(
      variant('truncated', goodBytes.slice(0, Math.floor(goodBytes.length * 0.6))),
      /it is truncated or corrupt \(not valid JSON at byte \d+ of \d+\)\. Use another checkpoint or train again\.$/,
    );
    const garbage = Buffer.from(Array.from({ length: 3000 }, (_, k) => (k * 131 + 7) % 256));
    await refusedEverywhere(variant('garbage', garbage), /it holds binary data \(NUL bytes\), not a checkpoint: the file is corrupt/);
  });

  it('corrupted values: a weight with a null, a short row, a projection that does not fit the vocabulary', async () => {
    await refusedEverywhere(
      edited('null', (c) => (c.weights.cell.W_hf[3][5] = null)),
      /its weight cell\.W_hf is not a 16×16 matrix of finite numbers/,
    );
    await refusedEverywhere(
      edited('short-row', (c) => c.weights.cell.W_ii[0].pop()),
      /its weight cell\.W_ii is not a 8×16 matrix/,
    );
    await refusedEverywhere(
      edited('bias', (c) => c.weights.projection.bias.push(0)),
      /its weight projection\.bias is not a list of \d+ finite numbers/,
    );
    await refusedEverywhere(
      edited('rnn-weights', (c) => (c.weights.cell = { W_ih: [], W_hh: [], b: [] })),
      /its naive-lstm cell weights are W_ih, W_hh, b; a naive-lstm cell has W_ii/,
    );
    await refusedEverywhere(
      edited('vocab', (c) => c.vocab.pop()),
      /its embedding has \d+ rows but the vocabulary \d+ entries/,
    );
  });

  it('another cell kind, or another vocabulary: resuming is refused, the checkpoint untouched', async () => {
    const before = snapshot(good);
    await assert.rejects(
      train(config({ cell: 'simple-rnn', epochs: 2 }), { resumeFrom: good, checkpointDir: good }),
      /Cannot resume from .*good: cell is naive-lstm there, simple-rnn here\. Resume with the checkpoint's settings, or start a new run\./,
    );
    await assert.rejects(train(config({ hiddenSize: 32, epochs: 2 }), { resumeFrom: good, checkpointDir: good }), /hiddenSize is 16 there, 32 here/);
    const cjk = path.join(dir, 'cjk.txt');
    fs.writeFileSync(cjk, manyCharacters(200, 3));
    await assert.rejects(
      train(config({ epochs: 2, corpus: { kind: 'file', path: cjk } }), { resumeFrom: good, checkpointDir: good }),
      /Cannot resume from .*good: 9\d\.\d% of the characters of "cjk\.txt" \(\d+ of \d+\) are not in the checkpoint's vocabulary of \d+ \(it was trained on "small\.txt"\)/,
    );
    assert.deepEqual(snapshot(good), before);
    assert.equal(loadCheckpoint(good).position.step, 2, 'still loads');
  });
});

describe('reliability: a diverging loss stops the run, says where and what to try, keeps what was good', function () {
  let dir: string;
  before(async () => {
    assert.equal(await initBackend('wasm'), 'wasm');
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reliability-nan-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('learning rate 10: stopped as diverged at the step where the loss passed 10 × ln V, advice to lower it', async () => {
    const progress: BatchProgress[] = [];
    const result = await train(config({ learningRate: 10, maxBatches: 20 }), { checkpointDir: dir, onEvent: (e) => e.type === 'progress' && progress.push(e.progress) });
    assert.equal(result.status, 'failed');
    const limit = DIVERGED_LOSS_FACTOR * Math.log(result.corpus.vocabSize);
    const step = progress.length + 1;
    assert.match(
      result.reason ?? '',
      new RegExp(
        `^The loss reached [\\d.]+ at step ${step} \\(epoch 1, batch ${step}\\), more than 10 × ln\\(${result.corpus.vocabSize}\\) = ${limit.toFixed(1)} .*training diverged, so it stopped without applying that step\\. Lower the learning rate \\(now 10; try 1\\)\\.$`,
      ),
    );
    assert.ok(
      progress.every((p) => p.loss <= limit),
      'every reported batch was below the limit',
    );
    assert.equal(result.epochs.length, 0);
    assert.equal(fs.existsSync(path.join(dir, CHECKPOINT_FILE)), false, 'no checkpoint of exploded weights');
  });

  it("diverging after a good epoch keeps that epoch's checkpoint byte for byte and its summary", async () => {
    const first = await train(config({ maxBatches: 3 }), { checkpointDir: dir });
    assert.equal(first.status, 'done');
    const before = snapshot(dir);
    // The same run continued with an absurd learning rate: the first update blows the weights up.
    const second = await train(config({ maxBatches: 3, epochs: 2, learningRate: 1e6 }), { resumeFrom: dir, checkpointDir: dir });
    assert.equal(second.status, 'failed');
    assert.match(second.reason ?? '', /at step 5 \(epoch 2, batch 2\).*the last good checkpoint is .*Lower the learning rate \(now 1000000; try 100000\)/);
    assert.equal(second.checkpoint, dir, 'the result points at the last good checkpoint');
    assert.deepEqual(second.epochs, first.epochs, "the good epoch's summary is kept");
    assert.deepEqual(snapshot(dir), before, 'the good checkpoint is unchanged');
  });
});

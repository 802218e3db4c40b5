// The lstm-lab CLI as a user runs it: a child process (the TypeScript entry through tsx, so
// no build is needed), checking exit codes, that --json prints exactly one JSON object on
// stdout, the shapes issue 2 promises, and the files compare and probe --dump write.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/engine/backend';
import { probeSeries } from '../../src/engine/probe';

const root = path.resolve(__dirname, '../..');
const smallText = path.join(root, 'test/fixtures/text/small.txt');
const tiny = ['--corpus', smallText, '--seq-len', '12', '--batch-size', '4', '--hidden', '8', '--embedding', '4', '--lr', '0.01', '--backend', 'wasm'];

function lab(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['-r', 'tsx/cjs', path.join(root, 'src/cli/main.ts'), ...args], { cwd: root, encoding: 'utf8', timeout: 90_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** stdout must be one JSON object and nothing else. */
function onlyJson(stdout: string): Record<string, unknown> {
  const parsed: unknown = JSON.parse(stdout);
  assert.equal(typeof parsed, 'object');
  assert.ok(parsed !== null && !Array.isArray(parsed));
  return parsed as Record<string, unknown>;
}

/** ‖∂(Σ|h_T|)/∂h0‖₂ for a tanh RNN, by hand in float64: the notebook's probe, independently of TF.js. */
function rnnProbeNorm(x: number[][][], weights: { W_ih: number[][]; W_hh: number[][]; b: number[] }, steps: number): number {
  const H = weights.b.length;
  const batch = x.length;
  // Forward, keeping every h_t (h_0 = 0 for every row).
  const hs: number[][][] = [x.map(() => new Array<number>(H).fill(0))];
  for (let t = 0; t < steps; t++) {
    hs.push(
      x.map((row, b) =>
        Array.from({ length: H }, (_, j) => {
          let sum = weights.b[j]!;
          row[t]!.forEach((xv, e) => (sum += xv * weights.W_ih[e]![j]!));
          hs[t]![b]!.forEach((hv, k) => (sum += hv * weights.W_hh[k]![j]!));
          return Math.tanh(sum);
        }),
      ),
    );
  }
  // Backward from loss = Σ|h_steps|.
  let grad = hs[steps]!.map((row) => row.map((h) => Math.sign(h)));
  for (let t = steps; t >= 1; t--) {
    const pre = grad.map((row, b) => row.map((g, j) => g * (1 - hs[t]![b]![j]! ** 2)));
    grad = pre.map((row) => Array.from({ length: H }, (_, k) => row.reduce((sum, g, j) => sum + g * weights.W_hh[k]![j]!, 0)));
  }
  // h0 is shared over the batch: its gradient is the sum over rows.
  const shared = Array.from({ length: H }, (_, k) => grad.reduce((sum, row) => sum + row[k]!, 0));
  return Math.sqrt(shared.reduce((sum, g) => sum + g * g, 0));
  void batch;
}

describe('lstm-lab CLI', function () {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-test-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('unknown verbs and options: one line naming the mistake (with a guess) and a pointer to --help on stderr, exit 2', () => {
    const verb = lab(['trian']);
    assert.equal(verb.code, 2);
    assert.match(verb.stderr, /unknown verb "trian"\. Did you mean train\? The verbs are train, probe, /);
    assert.match(verb.stderr, /run "lstm-lab --help"/);
    assert.doesNotMatch(verb.stderr, /Usage:/, 'not the whole help');
    assert.equal(verb.stdout, '');
    const option = lab(['train', '--seq-lenn', '3']);
    assert.equal(option.code, 2);
    assert.equal(option.stderr, 'lstm-lab train: Unknown option --seq-lenn. Did you mean --seq-len?\nRun "lstm-lab train --help" for its options.\n');
    const value = lab(['train', '--seq-len', 'ten']);
    assert.equal(value.code, 2);
    assert.match(value.stderr, /--seq-len must be a number; got "ten"/);
  });

  it('--version, --help anywhere, and "--prime -h" is a prime, not a help request', () => {
    const version = lab(['--version']);
    assert.equal(version.code, 0);
    assert.equal(version.stdout, `lstm-lab ${(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version}\n`);
    const help = lab(['sample', '--length', '5', '-h']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: lstm-lab sample/);
    const prime = lab(['sample', '--prime', '-h']);
    assert.equal(prime.code, 2, 'a usage error (no --checkpoint), not the help');
    assert.match(prime.stderr, /--checkpoint DIR is required/);
    assert.equal(prime.stdout, '');
  });

  it('forget-gate flags on a cell without a forget gate are refused by name, not ignored (exit 2)', () => {
    const train = lab(['train', '--cell', 'simple-rnn', '--no-forget-gate', '--forget-bias', '3', '--max-batches', '1']);
    assert.equal(train.code, 2);
    assert.match(train.stderr, /--forget-bias and --no-forget-gate apply to LSTM cells; simple-rnn has no forget gate/);
    const probe = lab(['probe', '--cell', 'gru', '--forget-bias', '5']);
    assert.equal(probe.code, 2);
    assert.match(probe.stderr, /--forget-bias applies to LSTM cells; gru has no forget gate/);
  });

  it('bad settings with --json: exit 2, one JSON object naming the option and its range', () => {
    const result = lab(['train', '--json', '--seq-len', '1', '--lr', '0', ...tiny.slice(0, 2)]);
    assert.equal(result.code, 2);
    const json = onlyJson(result.stdout);
    assert.match(String(json['error']), /--seq-len \(seqLen\) must be an integer ≥ 2/);
    assert.match(String(json['error']), /--lr \(learningRate\) must be a finite number > 0/);
  });

  it('train --json prints exactly one object of the documented shape and writes the checkpoint; sample reads it', () => {
    const out = path.join(dir, 'train');
    const result = lab(['train', '--cell', 'fused-lstm', '--json', '--max-batches', '4', '--out', out, ...tiny]);
    assert.equal(result.code, 0, result.stderr);
    const json = onlyJson(result.stdout);
    assert.deepEqual(Object.keys(json).sort(), ['backend', 'cell', 'checkpoint', 'compute', 'config', 'corpus', 'epochs', 'status']);
    assert.equal(json['backend'], 'wasm');
    assert.deepEqual(json['compute'], { description: 'TF.js wasm (autodiff)', threads: 1 });
    assert.equal(json['cell'], 'fused-lstm');
    assert.equal(json['status'], 'done');
    assert.equal(json['checkpoint'], out);
    assert.ok(fs.existsSync(path.join(out, 'checkpoint.json')));
    const corpus = json['corpus'] as Record<string, number>;
    assert.deepEqual(Object.keys(corpus).sort(), ['chars', 'trainInstances', 'valInstances', 'vocabSize']);
    // 1,757 characters at seqLen 12: ceil((1757 − 13)/12) + 1 = 147 instances, ceil(14.7) = 15 for validation.
    assert.deepEqual(corpus, { chars: 1757, trainInstances: 132, valInstances: 15, vocabSize: corpus['vocabSize'] });
    const epochs = json['epochs'] as Record<string, number>[];
    assert.equal(epochs.length, 1);
    assert.deepEqual(Object.keys(epochs[0]!).sort(), ['bitsPerChar', 'charsPerSecond', 'peakRssMB', 'seconds', 'trainLoss', 'valLoss']);
    const config = json['config'] as Record<string, unknown>;
    assert.equal(config['maxBatches'], 4);
    assert.deepEqual(config['corpus'], { kind: 'file', path: smallText });
    assert.match(result.stderr, /fused-lstm epoch 1\/1 4\/4 loss \d\.\d{3} · [\d,]+ chars\/s/, 'progress on stderr');

    const sampled = lab(['sample', '--checkpoint', out, '--prime', 'The ', '--length', '25', '--seed', '3', '--json']);
    assert.equal(sampled.code, 0, sampled.stderr);
    const sampledJson = onlyJson(sampled.stdout);
    const text = String(sampledJson['text']);
    assert.ok(text.startsWith('The ') && [...text].length === 29, text);
    assert.equal(sampledJson['generated'], text.slice('The '.length), 'the generated text apart from the prime');
    assert.deepEqual(sampledJson['notes'], ['the model reads the prime lower-cased, as it was trained']);
    assert.match(sampled.stderr, /fused-lstm from .* on the wasm backend/, 'which model and backend ran');
    assert.match(sampled.stderr, /note: the model reads the prime lower-cased/);
    const plain = lab(['sample', '--checkpoint', out, '--prime', 'The ', '--length', '25', '--seed', '3']);
    assert.equal(plain.stdout, text + '\n', 'same seed, same text');
    const missing = lab(['sample', '--checkpoint', path.join(dir, 'nothing-here')]);
    assert.equal(missing.code, 2, 'a missing checkpoint is an input error');
    assert.match(missing.stderr, /Cannot load checkpoint .*nothing-here: no such file or folder/);
  });

  it("train --resume takes the checkpoint's settings, refuses conflicting ones, and never replaces a checkpoint without --force", () => {
    const first = path.join(dir, 'resume-first');
    const short = ['--corpus', smallText, '--seq-len', '12', '--batch-size', '4', '--hidden', '6', '--embedding', '4', '--backend', 'wasm', '--quiet'];
    assert.equal(lab(['train', '--cell', 'simple-rnn', '--max-batches', '2', '--out', first, ...short]).code, 0);
    const file = path.join(first, 'checkpoint.json');
    const before = fs.readFileSync(file);
    // Without --cell or --seq-len: the checkpoint's (a seq-len-12 simple-rnn), not the defaults (500, naive-lstm).
    const second = path.join(dir, 'resume-second');
    const resumed = lab(['train', '--resume', first, '--epochs', '2', '--out', second, '--json', '--quiet']);
    assert.equal(resumed.code, 0, resumed.stderr);
    const json = onlyJson(resumed.stdout);
    const config = json['config'] as Record<string, unknown>;
    assert.deepEqual([json['cell'], config['seqLen'], config['hiddenSize'], config['maxBatches'], (json['epochs'] as unknown[]).length], ['simple-rnn', 12, 6, 2, 2]);
    // Conflicting settings: refused, each named.
    const conflict = lab(['train', '--resume', first, '--epochs', '2', '--seq-len', '50', '--cell', 'naive-lstm', '--out', path.join(dir, 'never')]);
    assert.equal(conflict.code, 2);
    assert.match(conflict.stderr, /--cell naive-lstm \(the checkpoint has cell simple-rnn\); --seq-len 50 \(the checkpoint has seqLen 12\)/);
    // Nothing more to do: say how many epochs it has.
    assert.match(lab(['train', '--resume', first]).stderr, /already trained 1 epoch; give --epochs 2 or more/);
    // An existing checkpoint is not replaced: not by a new run, not by a resume into its own folder, without --force.
    for (const args of [
      ['train', '--cell', 'simple-rnn', '--max-batches', '1', '--out', first, ...short],
      ['train', '--resume', first, '--epochs', '2', '--out', first],
    ]) {
      const refused = lab(args);
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /--out .*resume-first already holds a checkpoint; choose another folder, or add --force to replace it\./);
    }
    assert.ok(fs.readFileSync(file).equals(before), 'the checkpoint is unchanged');
    assert.equal(lab(['train', '--resume', first, '--epochs', '2', '--out', first, '--force', '--quiet']).code, 0);
    assert.ok(!fs.readFileSync(file).equals(before), 'replaced with --force');
    assert.equal(fs.existsSync(path.join(dir, 'never')), false);
  });

  it('compare writes compare.json, compare.csv and a self-contained report.html; --json is {backend, runs}', () => {
    const out = path.join(dir, 'compare');
    const result = lab(['compare', '--json', '--cells', 'simple-rnn,naive-lstm', '--max-batches', '3', '--out', out, ...tiny]);
    assert.equal(result.code, 0, result.stderr);
    const json = onlyJson(result.stdout);
    assert.equal(json['backend'], 'wasm');
    const runs = json['runs'] as Record<string, unknown>[];
    assert.deepEqual(
      runs.map((r) => r['cell']),
      ['simple-rnn', 'naive-lstm'],
    );
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(out, 'compare.json'), 'utf8')), json);
    const csv = fs.readFileSync(path.join(out, 'compare.csv'), 'utf8').trim().split('\n');
    assert.equal(csv.length, 3);
    assert.match(csv[1]!, /^simple-rnn,SimpleRNN,done,wasm,1,/);
    const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
    assert.match(html, /new Chart\(/);
    assert.ok(html.length > 100_000, 'chart.js is inlined');
    assert.doesNotMatch(html, /<script[^>]+src=/, 'no external scripts');
    assert.ok(fs.existsSync(path.join(out, 'checkpoints/naive-lstm/checkpoint.json')));
  });

  it("compare measures each cell's peak memory on its own: a small cell after a big one is not charged the big one's heap", () => {
    // In one process the wasm heap only grows, so the RNN after the LSTM used to report at least the LSTM's peak.
    const out = path.join(dir, 'compare-rss');
    const result = lab(['compare', '--json', '--quiet', '--cells', 'fused-lstm,simple-rnn', '--max-batches', '1', '--hidden', '256', '--seq-len', '100', '--backend', 'wasm', '--out', out]);
    assert.equal(result.code, 0, result.stderr);
    const [lstm, rnn] = (onlyJson(result.stdout)['runs'] as { cell: string; epochs: { peakRssMB: number }[] }[]).map((r) => r.epochs[0]!.peakRssMB);
    assert.ok(rnn! < 0.8 * lstm!, `simple-rnn ${rnn} MB vs fused-lstm ${lstm} MB`);
  });

  it('probe --checkpoint probes the trained cell as saved (its own b_f) unless --forget-bias asks for one, and says which ran', () => {
    const fixture = path.join(root, 'test/fixtures/checkpoints/v1-naive-lstm');
    const saved = (JSON.parse(fs.readFileSync(path.join(fixture, 'checkpoint.json'), 'utf8')) as { weights: { cell: { b_f: number[] } } }).weights.cell.b_f;
    assert.ok(
      saved.some((b) => b !== saved[0]),
      'trained: b_f differs between units',
    );
    const probeWith = (extra: string[]) => {
      const dump = fs.mkdtempSync(path.join(dir, 'probe-ckpt-'));
      const result = lab(['probe', '--checkpoint', fixture, '--steps', '4', '--batch-size', '2', '--dump', dump, '--backend', 'wasm', ...extra]);
      assert.equal(result.code, 0, result.stderr);
      const inputs = JSON.parse(fs.readFileSync(path.join(dump, 'probe-inputs.json'), 'utf8')) as { series: { name: string; weights: { b_f: number[] } }[] };
      return { result, series: inputs.series };
    };
    const asSaved = probeWith([]);
    assert.equal(asSaved.series.length, 1);
    assert.deepEqual(
      asSaved.series[0]!.weights.b_f.map((b) => Math.fround(b)),
      saved.map((b) => Math.fround(b)),
      'the probed b_f is the trained one',
    );
    assert.match(asSaved.result.stdout, /naive-lstm as trained \(b_f as saved, mean -?[\d.]+\)/);
    assert.match(asSaved.result.stdout, /checkpoint .*v1-naive-lstm; backend wasm\./);
    const biased = probeWith(['--forget-bias', '1', '--json']);
    assert.deepEqual(
      biased.series[0]!.weights.b_f,
      saved.map(() => 1),
    );
    const json = onlyJson(biased.result.stdout);
    assert.deepEqual(
      (json['series'] as { name: string; trainedForgetBias: boolean }[]).map((s) => [s.name, s.trainedForgetBias]),
      [['naive-lstm as trained, b_f set to 1', false]],
    );
    assert.deepEqual(json['config'], { steps: 4, batchSize: 2, embeddingSize: 4, hiddenSize: 6, seed: 0, corpus: { kind: 'file', path: 'test/fixtures/text/small.txt' }, checkpoint: fixture });
  });

  it('exit status 2 for input errors in every verb (a missing checkpoint, a bad pattern, a text too long), with the message on stderr', () => {
    const fixture = path.join(root, 'test/fixtures/checkpoints/v1-simple-rnn');
    const cases: [string[], RegExp][] = [
      [['probe', '--checkpoint', path.join(dir, 'nowhere'), '--backend', 'wasm'], /lstm-lab probe: Cannot load checkpoint .*nowhere: no such file or folder/],
      [['inspect', '--checkpoint', fixture, '--text', 'the cat', '--pattern', '(', '--no-gradient', '--backend', 'wasm'], /lstm-lab inspect: "\(" is not a valid regular expression/],
      [['inspect', '--checkpoint', fixture, '--text', 'x'.repeat(1001), '--backend', 'wasm'], /lstm-lab inspect: The text has 1,001 characters; the gradient flow reads at most 1,000\./],
      [['train', '--corpus', path.join(dir, 'no-such.txt'), '--quiet', '--backend', 'wasm'], /lstm-lab train: Corpus file not found: /],
      [['detect', path.join(dir, 'no-such.py')], /lstm-lab detect: no such file: /],
    ];
    for (const [args, message] of cases) {
      const result = lab(args);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
      assert.equal(result.stdout, '');
    }
  });

  it("keeps TF.js's console banner out of the output (the cpu backend prints one on first use)", () => {
    const result = lab(['sample', '--checkpoint', path.join(root, 'test/fixtures/checkpoints/v1-simple-rnn'), '--length', '5', '--backend', 'cpu']);
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stdout + result.stderr, /looks like you are running TensorFlow\.js in Node\.js/);
    assert.match(result.stderr, /on the cpu backend/);
  });

  it('probe --json gives the series; --dump holds x and weights that reproduce the norms (RNN by hand, LSTMs by the engine)', async () => {
    const dump = path.join(dir, 'dump');
    const steps = 6;
    const result = lab([
      'probe',
      '--json',
      '--steps',
      String(steps),
      '--batch-size',
      '3',
      '--hidden',
      '5',
      '--embedding',
      '4',
      '--corpus',
      smallText,
      '--seed',
      '2',
      '--dump',
      dump,
      '--backend',
      'wasm',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const json = onlyJson(result.stdout);
    assert.equal(json['steps'], steps);
    const series = json['series'] as { name: string; cell: string; forgetGate: boolean; forgetBias: number; norms: number[] }[];
    assert.deepEqual(
      series.map((s) => [s.cell, s.forgetGate, s.forgetBias]),
      [
        ['simple-rnn', false, 0],
        ['naive-lstm', false, 0],
        ['naive-lstm', true, 1],
        ['naive-lstm', true, 0],
        ['naive-lstm', true, -1],
      ],
    );
    assert.ok(series.every((s) => s.norms.length === steps && s.norms.every(Number.isFinite)));

    const inputs = JSON.parse(fs.readFileSync(path.join(dump, 'probe-inputs.json'), 'utf8')) as {
      x: number[][][];
      series: { name: string; cell: string; weights: Record<string, number[][] | number[]> }[];
    };
    assert.equal(inputs.x.length, 3);
    assert.equal(inputs.x[0]!.length, steps);
    assert.equal(inputs.x[0]![0]!.length, 4);
    assert.deepEqual(Object.keys(inputs.series[0]!.weights).sort(), ['W_hh', 'W_ih', 'b']);
    assert.deepEqual(Object.keys(inputs.series[2]!.weights).sort(), ['W_hf', 'W_hg', 'W_hi', 'W_ho', 'W_if', 'W_ig', 'W_ii', 'W_io', 'b_f', 'b_g', 'b_i', 'b_o']);
    assert.deepEqual(inputs.series[2]!.weights['b_f'], [1, 1, 1, 1, 1]);
    assert.deepEqual(inputs.series[4]!.weights['b_f'], [-1, -1, -1, -1, -1]);
    const rnn = inputs.series[0]!.weights as { W_ih: number[][]; W_hh: number[][]; b: number[] };
    for (let t = 1; t <= steps; t++) {
      const expected = rnnProbeNorm(inputs.x, rnn, t);
      const got = series[0]!.norms[t - 1]!;
      assert.ok(Math.abs(got - expected) <= 1e-4 * Math.max(1, expected), `t=${t}: probe ${got}, by hand ${expected}`);
    }
    // The LSTM series: the dumped weights, run through the engine's single-series probe, give the printed norms.
    await initBackend('wasm');
    const x = tf.tensor3d(inputs.x);
    try {
      for (const k of [1, 2, 4]) {
        const spec = series[k]!;
        const again = await probeSeries(
          x,
          { name: spec.name, cell: 'naive-lstm', forgetGate: spec.forgetGate, forgetBias: spec.forgetBias },
          { steps, hiddenSize: 5, seed: 12345, weights: inputs.series[k]!.weights },
        );
        again.norms.forEach((norm, t) => assert.ok(Math.abs(norm - spec.norms[t]!) <= 1e-5 * Math.max(1, norm), `${spec.name} t=${t + 1}: ${norm} vs ${spec.norms[t]}`));
      }
    } finally {
      x.dispose();
    }
  });
});

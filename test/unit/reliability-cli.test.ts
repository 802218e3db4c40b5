// Bad input through the CLI as a user runs it (a child process): bad settings exit 2 before
// TF.js starts, naming the option and its range (an absurd size with its memory estimate);
// bad text and bad checkpoints exit 2 (input errors) with the engine's message and leave
// files as they were; a diverging run exits 1 (a failure) saying at which step and what to try.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../..');
const smallText = path.join(root, 'test/fixtures/text/small.txt');
const tiny = ['--seq-len', '20', '--batch-size', '4', '--hidden', '16', '--embedding', '8', '--backend', 'wasm', '--quiet'];

function lab(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['-r', 'tsx/cjs', path.join(root, 'src/cli/main.ts'), ...args], { cwd: root, encoding: 'utf8', timeout: 90_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const sha = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('reliability: the CLI', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reliability-cli-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('bad hyperparameters: exit 2, every one named with its flag and range, before TF.js starts', () => {
    const result = lab(['train', '--hidden', '0', '--embedding', '-2', '--epochs', '0', '--seq-len', '1', '--lr', '-1', '--corpus', smallText]);
    assert.equal(result.code, 2);
    for (const pattern of [
      /--hidden \(hiddenSize\) must be a positive integer \(notebook: 125\); got 0\./,
      /--embedding \(embeddingSize\) must be a positive integer \(notebook: 50\); got -2\./,
      /--epochs \(epochs\) must be a positive integer \(1 or more\); got 0\./,
      /--seq-len \(seqLen\) must be an integer ≥ 2 .*got 1\./,
      /--lr \(learningRate\) must be a finite number > 0 \(notebook: 0\.001\); got -1\./,
    ])
      assert.match(result.stderr, pattern);
    assert.doesNotMatch(result.stderr, /on the \w+ backend/, 'no backend was started');
    assert.equal(lab(['train', '--embedding', '2.5']).stderr.split('\n')[0], 'lstm-lab train: --embedding must be a whole number; got "2.5".');
    assert.equal(lab(['train', '--lr', 'Infinity']).stderr.split('\n')[0], 'lstm-lab train: --lr must be a finite number; got "Infinity".');
    assert.equal(lab(['train', '--lr', 'NaN']).stderr.split('\n')[0], 'lstm-lab train: --lr must be a number; got "NaN".');
  });

  it('an absurd size: exit 2 with the memory estimate (it used to crash with "Invalid typed array length"), --json too', () => {
    const human = lab(['train', '--hidden', '100000']);
    assert.equal(human.code, 2);
    assert.match(
      human.stderr,
      /this configuration needs about [\d,]+ MB for training \(batch 32 × sequence 500 × hidden 100,000\), more than the [\d,]+ MB a run may use here .*lower --batch-size, --seq-len or --hidden\./,
    );
    // The probe too: 100000 steps of tape (it used to die with "memory access out of bounds").
    const probe = lab(['probe', '--steps', '100000']);
    assert.notEqual(probe.code, 0);
    assert.equal(probe.code, 2);
    assert.match(
      probe.stderr,
      /^lstm-lab probe: this configuration needs about [\d,]+ MB for the probe \(batch 32 × sequence 100,000 × hidden 125\), more than the [\d,]+ MB .*lower --batch-size, --steps or --hidden\./,
    );
    const json = lab(['compare', '--json', '--hidden', '4096', '--batch-size', '4096']);
    assert.equal(json.code, 2);
    const parsed = JSON.parse(json.stdout) as { error: string; exitCode: number };
    assert.equal(parsed.exitCode, 2);
    assert.match(parsed.error, /needs about [\d,]+ MB/);
  });

  it('bad text: exit 2 with what is wrong and what to do (missing, binary, too short, batch larger than the text)', () => {
    const binary = path.join(dir, 'data.bin');
    fs.writeFileSync(binary, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x14]));
    const cases: [string[], RegExp][] = [
      [['--corpus', path.join(dir, 'nope.txt')], /Corpus file not found: .*nope\.txt\. Give the path of a UTF-8 text file, or use the Brown corpus \(--corpus brown\)\./],
      [['--corpus', binary], /Corpus file looks binary \(a NUL byte at offset 4\): .*data\.bin\. Give a UTF-8 text file\./],
      [
        ['--corpus', smallText, '--seq-len', '5000'],
        /"small\.txt" has \d+ characters, shorter than one instance of seqLen \+ 1 = 5001\. Use a shorter sequence length \(--seq-len\) or a longer text\./,
      ],
      [['--corpus', smallText, '--batch-size', '500'], /batchSize 500 is larger than the 79 training instances of "small\.txt" at seqLen 20\./],
    ];
    for (const [args, pattern] of cases) {
      const result = lab(['train', ...tiny, '--out', path.join(dir, 'never'), ...args]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, pattern);
    }
    assert.equal(fs.existsSync(path.join(dir, 'never')), false, 'no output folder for a refused run');
  });

  it('a diverging run (learning rate 10): exit 1, the step and the advice; a resume from a corrupt checkpoint leaves it as it was', () => {
    const out = path.join(dir, 'lr10');
    const diverged = lab(['train', ...tiny, '--corpus', smallText, '--max-batches', '20', '--lr', '10', '--out', out]);
    assert.equal(diverged.code, 1);
    assert.match(diverged.stderr, /failed: The loss reached [\d.]+ at step \d+ \(epoch 1, batch \d+\), more than 10 × ln\(\d+\) = [\d.]+ .*Lower the learning rate \(now 10; try 1\)\./);

    const good = path.join(dir, 'good');
    assert.equal(lab(['train', ...tiny, '--corpus', smallText, '--max-batches', '2', '--out', good]).code, 0);
    const file = path.join(good, 'checkpoint.json');
    const header = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, header.slice(0, 1000));
    const before = sha(file);
    const filesBefore = fs.readdirSync(good);
    for (const args of [
      ['sample', '--checkpoint', good],
      ['train', '--quiet', '--epochs', '2', '--resume', good, '--out', good, '--force'],
    ]) {
      const result = lab(args);
      assert.equal(result.code, 2);
      assert.match(result.stderr, /Cannot load checkpoint .*checkpoint\.json: it is truncated or corrupt \(not valid JSON at byte \d+ of 1000\)\. Use another checkpoint or train again\./);
    }
    assert.equal(sha(file), before, 'the checkpoint file is unchanged');
    assert.deepEqual(fs.readdirSync(good), filesBefore, 'no temporary file beside it');
    assert.match(filesBefore.join(' '), /^checkpoint\.json weights-[\w-]+\.bin$/);
  });
});

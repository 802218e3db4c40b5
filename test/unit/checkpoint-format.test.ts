// Checkpoints on disk: version 2 is a small JSON header plus the tensors as float32 in a
// weights-*.bin file. Old (version 1, all-JSON) checkpoints, written by the previous code
// (test/fixtures/checkpoints), keep loading and give the same model; a resave is bit-exact,
// a fraction of the size, replaces the old weights file, and a damaged weights file is named.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CHECKPOINT_FILE, loadCheckpoint, saveCheckpoint } from '../../src/engine/checkpoint';
import { initBackend } from '../../src/engine/backend';
import { sample } from '../../src/engine/sampler';

const fixtures = path.resolve(__dirname, '../fixtures/checkpoints');

describe('checkpoint format', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'checkpoint-format-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const kind of ['naive-lstm', 'simple-rnn']) {
    it(`a version-1 ${kind} checkpoint loads, and resaved as version 2 it loads back identical, in a fraction of the bytes`, async () => {
      const old = path.join(fixtures, `v1-${kind}`);
      const v1 = loadCheckpoint(old);
      assert.equal(v1.version, 1);
      assert.equal(v1.cell.kind, kind);
      const again = path.join(dir, kind);
      saveCheckpoint(again, v1);
      const v2 = loadCheckpoint(again);
      assert.equal(v2.version, 2);
      // Bit for bit: every weight and optimiser moment (float32 values read back as the same doubles).
      assert.deepEqual(v2.weights, v1.weights);
      assert.deepEqual(v2.optimizer, v1.optimizer);
      assert.deepEqual({ ...v2, version: 1 }, v1);
      const [header, weights] = [fs.statSync(path.join(again, CHECKPOINT_FILE)).size, fs.readdirSync(again).filter((n) => n.endsWith('.bin'))];
      assert.equal(weights.length, 1);
      const values = [v1.weights.embedding.flat(), Object.values(v1.weights.cell).flat(2), v1.weights.projection.weight.flat(), v1.weights.projection.bias].flat().length;
      const moments = (v1.optimizer?.state ?? []).reduce((sum, t) => sum + t.shape.reduce((a, b) => a * b, 1), 0);
      assert.equal(fs.statSync(path.join(again, weights[0]!)).size, 4 * (values + moments), 'four bytes per value');
      assert.ok(header + 4 * (values + moments) < fs.statSync(path.join(old, CHECKPOINT_FILE)).size / 2, 'less than half of the JSON form');
      // The same model: the same seed samples the same text from both.
      await initBackend('wasm');
      const config = { length: 30, temperature: 1, prime: 'the ', seed: 4 };
      assert.equal(await sample({ ...config, checkpoint: again }), await sample({ ...config, checkpoint: old }));
    });
  }

  it('a resave replaces the weights file (one left), and a missing, short or NaN weights file is named, not loaded', () => {
    const folder = path.join(dir, 'resaved');
    const checkpoint = loadCheckpoint(path.join(fixtures, 'v1-naive-lstm'));
    saveCheckpoint(folder, checkpoint);
    saveCheckpoint(folder, { ...checkpoint, savedAt: 'later' });
    const files = fs.readdirSync(folder).sort();
    assert.equal(files.length, 2, files.join(' '));
    const weights = path.join(
      folder,
      files.find((n) => n.endsWith('.bin'))!,
    );
    const bytes = fs.readFileSync(weights);

    fs.writeFileSync(weights, bytes.subarray(0, bytes.length - 8));
    assert.throws(() => loadCheckpoint(folder), /Cannot load checkpoint .*checkpoint\.json: its weights file holds \d+ bytes where its tensors need \d+: the checkpoint is corrupt/);
    const nan = Buffer.from(bytes);
    nan.writeFloatLE(Number.NaN, 4 * 7);
    fs.writeFileSync(weights, nan);
    assert.throws(() => loadCheckpoint(folder), /its weight embedding is not a \d+×4 matrix of finite numbers/);
    fs.rmSync(weights);
    assert.throws(() => loadCheckpoint(folder), /its weights file weights-[\w-]+\.bin is missing\. Use another checkpoint or train again\./);
  });
});

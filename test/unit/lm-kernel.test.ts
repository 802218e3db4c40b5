// The SIMD128 wasm kernel of fast-lstm's language model (kernels/c/lstm_lm.c) against
// independent references:
// - the same model built from TF.js ops (LanguageModel with the fused-lstm cell) and
//   differentiated by TF.js's autodiff: the loss and every parameter's gradient;
// - central finite differences of a float64 model in plain JS (helpers/reference-lstm.ts);
// - the committed binary against its C source.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/engine/backend';
import { PADDING_ID } from '../../src/engine/corpus';
import { instantiateLmKernel, lmKernelModule, lmParamCount, type LmShapes } from '../../src/engine/fast/lm-kernel';
import { LSTM_LM_WASM_BASE64, LSTM_LM_WASM_SOURCE_SHA256 } from '../../src/engine/kernels/lstm-lm-wasm';
import { LanguageModel } from '../../src/engine/model';
import { mulberry32 } from '../../src/engine/random';
import { relativeError } from './helpers/numeric';

interface Case extends LmShapes {
  /** Fraction of targets that are padding (ignored by the loss). */
  padding: number;
}

const CASES: Case[] = [
  { batch: 3, steps: 5, embedding: 4, hidden: 6, vocab: 7, forgetGate: true, padding: 0.2 },
  { batch: 2, steps: 7, embedding: 5, hidden: 3, vocab: 11, forgetGate: false, padding: 0 },
  { batch: 5, steps: 1, embedding: 3, hidden: 9, vocab: 5, forgetGate: true, padding: 0.4 },
  { batch: 8, steps: 13, embedding: 10, hidden: 16, vocab: 19, forgetGate: true, padding: 0.1 },
];

function describeCase(c: Case): string {
  return `B=${c.batch} T=${c.steps} E=${c.embedding} H=${c.hidden} V=${c.vocab}, ${c.forgetGate ? 'forget gate' : 'no forget gate'}, ${Math.round(c.padding * 100)}% padding targets`;
}

function randomIds(c: Case, random: () => number, paddingFraction: number): Int32Array {
  return Int32Array.from({ length: c.batch * c.steps }, () => (random() < paddingFraction ? PADDING_ID : 1 + Math.floor(random() * (c.vocab - 1))));
}

/** A fused-lstm LanguageModel (TF.js ops, TF.js autodiff) with random weights, biases included. */
function referenceModel(c: Case, seed: number): LanguageModel {
  const model = new LanguageModel({ vocabSize: c.vocab, embeddingSize: c.embedding, hiddenSize: c.hidden, cell: 'fused-lstm', forgetGate: c.forgetGate, forgetBias: 0, seed });
  const random = mulberry32(seed + 1);
  for (const variable of model.variables) {
    variable.assign(
      tf.tensor(
        Float32Array.from({ length: variable.size }, () => (random() * 2 - 1) * 0.6),
        variable.shape,
      ),
    );
  }
  return model;
}

function flatParams(model: LanguageModel): Float32Array {
  const parts = model.variables.map((v) => v.dataSync() as Float32Array);
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) out.set(part, (offset += part.length) - part.length);
  return out;
}

function countTargets(targets: Int32Array): number {
  return targets.reduce((n, y) => n + (y === PADDING_ID ? 0 : 1), 0);
}

describe('fast-lstm language-model kernel (wasm SIMD128)', () => {
  before(async () => {
    await initBackend('wasm');
  });

  for (const c of CASES) {
    it(`equals TF.js's autodiff of the same model, loss and every gradient: ${describeCase(c)}`, () => {
      const random = mulberry32(c.batch * 100 + c.steps);
      const model = referenceModel(c, c.hidden);
      const ids = randomIds(c, random, 0.1);
      const targets = randomIds(c, random, c.padding);
      targets[0] = 1; // at least one target counts
      const count = countTargets(targets);
      const expected = tf.tidy(() => {
        const inputs = tf.tensor2d(ids, [c.batch, c.steps], 'int32');
        const ys = tf.tensor2d(targets, [c.batch, c.steps], 'int32');
        const { value, grads } = tf.variableGrads(() => model.loss(inputs, ys), model.variables);
        return { loss: value.dataSync()[0]!, grads: model.variables.map((v) => grads[v.name]!.dataSync() as Float32Array) };
      });
      const kernel = instantiateLmKernel(lmKernelModule());
      kernel.configure(c);
      const params = flatParams(model);
      assert.equal(params.length, lmParamCount(c));
      const result = kernel.run(params, ids, targets, 1 / count, true);
      assert.ok(Math.abs(result.lossSum / count - expected.loss) < 1e-5 * Math.max(1, expected.loss), `loss ${result.lossSum / count} vs ${expected.loss}`);
      let offset = 0;
      model.variables.forEach((variable, k) => {
        const got = result.grads!.subarray(offset, offset + variable.size);
        offset += variable.size;
        const error = relativeError(got, expected.grads[k]!);
        assert.ok(error < 2e-5, `${variable.name} [${variable.shape.join(', ')}]: relative error ${error.toExponential(2)}`);
      });
      // Forward only: the same loss, no gradients.
      const forwardOnly = kernel.run(params, ids, targets, 1 / count, false);
      assert.equal(forwardOnly.grads, undefined);
      assert.ok(Math.abs(forwardOnly.lossSum - result.lossSum) < 1e-9 * Math.max(1, result.lossSum));
      model.dispose();
    });
  }

  it('refuses parameters or ids of the wrong size, naming what it expected', () => {
    const kernel = instantiateLmKernel(lmKernelModule());
    const c = CASES[0]!;
    kernel.configure(c);
    const ids = new Int32Array(c.batch * c.steps);
    assert.throws(() => kernel.run(new Float32Array(3), ids, ids, 1, true), /expected \d+ parameters and 15 ids\/targets, got 3/);
  });
});

describe('the committed fast-lstm kernel binary', () => {
  const root = path.resolve(__dirname, '../..');
  const source = path.join(root, 'src/engine/kernels/c/lstm_lm.c');

  it('was built from the C source as it is now (else: node scripts/build-kernels.mjs)', () => {
    const hash = crypto
      .createHash('sha256')
      .update(fs.readFileSync(source))
      .update(fs.readFileSync(path.join(path.dirname(source), 'simd.h')))
      .digest('hex');
    assert.equal(hash, LSTM_LM_WASM_SOURCE_SHA256, 'lstm_lm.c or simd.h changed since lstm-lm-wasm.ts was generated: run node scripts/build-kernels.mjs');
  });

  it('is byte for byte what clang builds from that source now', function () {
    let clang = true;
    try {
      execFileSync('clang', ['--version'], { stdio: 'ignore' });
    } catch {
      clang = false;
    }
    if (!clang) this.skip(); // clang + lld: scripts/vscode/ensure-deps.sh installs them
    this.timeout(120_000);
    execFileSync(process.execPath, [path.join(root, 'scripts/build-kernels.mjs'), '--check'], { stdio: 'pipe' });
    assert.ok(LSTM_LM_WASM_BASE64.length > 1000);
  });
});

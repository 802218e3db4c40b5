// The GRU against mathematics: a float64 reference written from PyTorch's equations
// (independent of TF.js), PyTorch's own nn.GRU in float64 where /usr/bin/python3 has torch,
// central finite differences of its gradients, the fast probe against the autodiff probe,
// inspection's r, z, n against the reference, and a short training run with a checkpoint.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/engine/backend';
import { getCell } from '../../src/engine/cells/registry';
import { initFamilyWeights } from '../../src/engine/cells/init';
import type { PerGateWeights } from '../../src/engine/cells/types';
import { loadCheckpoint } from '../../src/engine/checkpoint';
import { canProbeFast, probeSeriesFast } from '../../src/engine/fast/probe-fast';
import { captureActivations } from '../../src/engine/inspect';
import { LanguageModel } from '../../src/engine/model';
import { probeSeries } from '../../src/engine/probe';
import { mulberry32 } from '../../src/engine/random';
import { train } from '../../src/engine/trainer';
import { cellEquations } from '../../src/shared/catalog';
import { referenceGruStep } from './helpers/reference-gru';
import type { Matrix } from './helpers/reference-lstm';
import { smallTextConfig } from './helpers/small-text';

function randomMatrix(rows: number, cols: number, random: () => number, scale = 1): Matrix {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => (random() * 2 - 1) * scale));
}
/** Every entry random, biases included, so that a mapping mistake shows. */
function randomWeights(E: number, H: number, seed: number): PerGateWeights {
  const random = mulberry32(seed);
  const out: PerGateWeights = {};
  for (const [name, value] of Object.entries(initFamilyWeights('gru', E, H, seed))) {
    out[name] = Array.isArray(value[0]) ? randomMatrix(value.length, (value[0] as number[]).length, random, 0.8) : (value as number[]).map(() => random() * 2 - 1);
  }
  return out;
}
function referenceSequence(w: PerGateWeights, x: number[][][], h0: Matrix): number[][][] {
  return x.map((sequence, b) => {
    let h = h0[b % h0.length]!.slice();
    return sequence.map((xT) => (h = referenceGruStep(w, xT, h).h));
  });
}
const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);
function maxAbsDiff(a: unknown, b: unknown): number {
  const [fa, fb] = [flat(a), flat(b)];
  assert.equal(fa.length, fb.length, 'compared arrays differ in size');
  return fa.reduce((worst, v, k) => Math.max(worst, Math.abs(v - fb[k]!)), 0);
}

describe('GRU cell', function () {
  before(async () => {
    await initBackend('wasm');
  });

  for (const [B, T, E, H] of [
    [1, 1, 1, 1],
    [2, 5, 3, 4],
    [3, 7, 2, 6],
  ] as const) {
    it(`forward equals the float64 reference, B=${B} T=${T} E=${E} H=${H}, from a given h0 and from zeros`, () => {
      const random = mulberry32(B * 10 + T);
      const weights = randomWeights(E, H, 3 + T);
      const x = Array.from({ length: B }, () => randomMatrix(T, E, random));
      const h0 = randomMatrix(B, H, random, 0.5);
      const cell = getCell('gru').create({ inputSize: E, hiddenSize: H }, weights);
      const [fromH0, fromZero, final] = tf.tidy(() => {
        const withH0 = cell.forward(tf.tensor3d(x), { h: tf.tensor2d(h0) });
        return [withH0.hiddenSeq.arraySync(), cell.forward(tf.tensor3d(x)).hiddenSeq.arraySync(), withH0.final.h.arraySync()];
      });
      cell.dispose();
      const expected = referenceSequence(weights, x, h0);
      assert.ok(maxAbsDiff(fromH0, expected) < 1e-5, `hidden states differ by ${maxAbsDiff(fromH0, expected)}`);
      assert.ok(
        maxAbsDiff(
          final,
          expected.map((seq) => seq[T - 1]),
        ) < 1e-5,
        'final h',
      );
      assert.ok(maxAbsDiff(fromZero, referenceSequence(weights, x, [new Array<number>(H).fill(0)])) < 1e-5, 'from h0 = 0');
    });
  }

  it("equals PyTorch's nn.GRU (float64) with the same weights (b_r = b_ir + b_hr, b_hn apart)", function () {
    const probe = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' });
    if (probe.status !== 0) this.skip(); // needs /usr/bin/python3 with torch (Debian: python3-torch)
    this.timeout(120_000);
    const [B, T, E, H] = [2, 6, 3, 5];
    const random = mulberry32(77);
    const weights = randomWeights(E, H, 77);
    const x = Array.from({ length: B }, () => randomMatrix(T, E, random));
    const h0 = randomMatrix(B, H, random, 0.5);
    const script = `
import json, sys, torch
d = json.load(sys.stdin)
w = d['w']
T = lambda name: torch.tensor(w[name], dtype=torch.float64)
gru = torch.nn.GRU(${E}, ${H}, batch_first=True).double()
with torch.no_grad():
    gru.weight_ih_l0.copy_(torch.cat([T('W_ir'), T('W_iz'), T('W_in')], 1).t())
    gru.weight_hh_l0.copy_(torch.cat([T('W_hr'), T('W_hz'), T('W_hn')], 1).t())
    gru.bias_ih_l0.copy_(torch.cat([T('b_r'), T('b_z'), T('b_in')]))
    gru.bias_hh_l0.copy_(torch.cat([torch.zeros(${2 * H}, dtype=torch.float64), T('b_hn')]))
    out, _ = gru(torch.tensor(d['x'], dtype=torch.float64), torch.tensor([d['h0']], dtype=torch.float64))
print(json.dumps(out.tolist()))
`;
    const run = spawnSync('/usr/bin/python3', ['-c', script], { input: JSON.stringify({ w: weights, x, h0 }), encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const torchOut = JSON.parse(run.stdout) as number[][][];
    const cell = getCell('gru').create({ inputSize: E, hiddenSize: H }, weights);
    const ours = tf.tidy(() => cell.forward(tf.tensor3d(x), { h: tf.tensor2d(h0) }).hiddenSeq.arraySync());
    cell.dispose();
    assert.ok(maxAbsDiff(ours, torchOut) < 1e-5, `differs from nn.GRU by ${maxAbsDiff(ours, torchOut)}`);
    assert.ok(maxAbsDiff(referenceSequence(weights, x, h0), torchOut) < 1e-12, 'the float64 reference is nn.GRU');
  });

  it('∂loss/∂(weights, x, h0) match central differences in 3 random directions', () => {
    const [E, H, B, T] = [3, 4, 2, 4];
    const random = mulberry32(31);
    const cell = getCell('gru').create({ inputSize: E, hiddenSize: H }, randomWeights(E, H, 21));
    const x = tf.tensor3d(Array.from({ length: B }, () => randomMatrix(T, E, random)));
    const h0 = tf.tensor2d(randomMatrix(B, H, random, 0.5));
    const readout = tf.tensor3d(Array.from({ length: B }, () => randomMatrix(T, H, random)));
    const loss = (xIn: tf.Tensor, hIn: tf.Tensor): tf.Scalar => tf.sum(tf.mul(cell.forward(xIn as tf.Tensor3D, { h: hIn as tf.Tensor2D }).hiddenSeq, readout)) as tf.Scalar;
    const analytic = tf.tidy(() => {
      const { grads } = tf.variableGrads(() => loss(x, h0), cell.variables);
      const inputGrads = tf.grads((...args: tf.Tensor[]) => loss(args[0]!, args[1]!))([x, h0]);
      return { variables: cell.variables.map((v) => Array.from(grads[v.name]!.dataSync())), inputs: inputGrads.map((g) => Array.from(g.dataSync())) };
    });
    assert.equal(analytic.variables.length, 10, 'every GRU weight is trainable');
    const originals = cell.variables.map((v) => v.clone());
    const epsilon = 5e-3;
    for (let direction = 0; direction < 3; direction++) {
      const dVariables = cell.variables.map((v) => Array.from({ length: v.size }, () => random() * 2 - 1));
      const dInputs = [x, h0].map((t) => Array.from({ length: t.size }, () => random() * 2 - 1));
      const lossAt = (sign: number): number =>
        tf.tidy(() => {
          cell.variables.forEach((v, k) => v.assign(tf.add(originals[k]!, tf.mul(tf.tensor(dVariables[k]!, v.shape), sign * epsilon))));
          const [xMoved, hMoved] = [x, h0].map((t, k) => tf.add(t, tf.mul(tf.tensor(dInputs[k]!, t.shape), sign * epsilon)));
          return loss(xMoved!, hMoved!).dataSync()[0]!;
        });
      const numeric = (lossAt(+1) - lossAt(-1)) / (2 * epsilon);
      const dot = (a: number[][], b: number[][]) => a.reduce((sum, row, k) => sum + row.reduce((s, v, j) => s + v * b[k]![j]!, 0), 0);
      const exact = dot(analytic.variables, dVariables) + dot(analytic.inputs, dInputs);
      assert.ok(Math.abs(numeric - exact) <= 2e-3 * Math.max(1, Math.abs(exact)), `direction ${direction}: autodiff ${exact}, finite difference ${numeric}`);
    }
    cell.variables.forEach((v, k) => v.assign(originals[k]!));
    tf.dispose([...originals, x, h0, readout]);
    cell.dispose();
  });

  it("the fast probe's hand-written sweep gives the autodiff probe's norms", async () => {
    assert.ok(canProbeFast('gru'));
    const random = mulberry32(5);
    const x = tf.tensor3d(Array.from({ length: 3 }, () => randomMatrix(12, 4, random, 1.5)));
    const spec = { name: 'GRU', cell: 'gru' as const, forgetGate: false, forgetBias: 0 };
    const options = { steps: 12, hiddenSize: 5, seed: 4 };
    const reference = await probeSeries(x, spec, options);
    const fast = await probeSeriesFast(x, spec, options);
    x.dispose();
    for (let t = 0; t < 12; t++) {
      const [a, b] = [reference.norms[t]!, fast.norms[t]!];
      assert.ok(Math.abs(a - b) <= 1e-4 * Math.max(1, a), `t=${t + 1}: autodiff ${a}, fast ${b}`);
    }
  });

  it('inspection captures r, z, n and h, equal to the reference step by step', async () => {
    const vocab = ['<pad>', '<unk>', 'a', 'b', ' '];
    const model = new LanguageModel({ vocabSize: vocab.length, embeddingSize: 3, hiddenSize: 4, cell: 'gru', forgetGate: false, forgetBias: 0, seed: 2 });
    try {
      const capture = await captureActivations({ model, vocab }, 'ab ba');
      assert.deepEqual(capture.gateNames, ['r', 'z', 'n', 'h']);
      assert.deepEqual(
        cellEquations('gru', { forgetGate: true }).map((line) => line.gate),
        capture.gateNames,
      );
      const weights = model.cell.exportWeights();
      const embedding = tf.tidy(() => model.embed(tf.tensor2d([capture.ids], [1, capture.ids.length], 'int32')).arraySync()[0]!);
      let h = new Array<number>(4).fill(0);
      capture.ids.forEach((_id, t) => {
        const values = referenceGruStep(weights, embedding[t]!, h);
        for (const gate of ['r', 'z', 'n', 'h'] as const) assert.ok(maxAbsDiff(capture.gates[gate]![t], values[gate]) < 1e-5, `${gate} at ${t}`);
        h = values.h;
      });
    } finally {
      model.dispose();
    }
  });

  it('trains on a small text (the loss falls) and its checkpoint loads with the GRU weights', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gru-test-'));
    try {
      const losses: number[] = [];
      const result = await train(smallTextConfig({ cell: 'gru', hiddenSize: 16, embeddingSize: 8 }), { checkpointDir: dir, onEvent: (e) => e.type === 'progress' && losses.push(e.progress.loss) });
      assert.equal(result.status, 'done');
      assert.ok(losses[losses.length - 1]! < losses[0]! - 0.3, `losses did not fall: ${losses.map((l) => l.toFixed(2)).join(' ')}`);
      const checkpoint = loadCheckpoint(dir);
      assert.equal(checkpoint.cell.kind, 'gru');
      assert.deepEqual(Object.keys(checkpoint.weights.cell), ['W_ir', 'W_hr', 'b_r', 'W_iz', 'W_hz', 'b_z', 'W_in', 'W_hn', 'b_in', 'b_hn']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

// The notebook's cells against mathematics: a float64 reference written from the
// notebook's equations (independent of TF.js), the three LSTM implementations against
// each other (TF.js's own tf.layers.lstm among them), finite-difference gradients, and
// the weight layout round trips.
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs';
import katex from 'katex';
import { initBackend } from '../../src/engine/backend';
import { getCell, cellKinds } from '../../src/engine/cells/registry';
import { initLstmWeights, initRnnWeights } from '../../src/engine/cells/init';
import { LSTM_WEIGHT_NAMES } from '../../src/engine/cells/per-gate-weights';
import type { CellKind, CellState, PerGateWeights, RecurrentCell } from '../../src/engine/cells/types';
import { mulberry32 } from '../../src/engine/random';
import { referenceLstmStep, referenceRnnStep, type Matrix } from './helpers/reference-lstm';

const LSTM_KINDS: CellKind[] = ['naive-lstm', 'fused-lstm', 'builtin-lstm'];

// ---------- float64 reference, straight from the notebook's equations (helpers/reference-lstm) ----------
interface ReferenceRun {
  hidden: number[][][];
  h: Matrix;
  c?: Matrix;
}
function referenceLstm(w: PerGateWeights, x: number[][][], forgetGate: boolean, h0: Matrix, c0: Matrix): ReferenceRun {
  const hidden: number[][][] = [];
  const hs: Matrix = [];
  const cs: Matrix = [];
  x.forEach((sequence, batchIndex) => {
    let h = h0[batchIndex % h0.length]!.slice();
    let c = c0[batchIndex % c0.length]!.slice();
    const out: number[][] = [];
    for (const xT of sequence) {
      ({ h, c } = referenceLstmStep(w, xT, h, c, forgetGate));
      out.push(h);
    }
    hidden.push(out);
    hs.push(h);
    cs.push(c);
  });
  return { hidden, h: hs, c: cs };
}
function referenceRnn(w: PerGateWeights, x: number[][][], h0: Matrix): ReferenceRun {
  const hidden: number[][][] = [];
  const hs: Matrix = [];
  x.forEach((sequence, batchIndex) => {
    let h = h0[batchIndex % h0.length]!.slice();
    const out: number[][] = [];
    for (const xT of sequence) {
      h = referenceRnnStep(w, xT, h);
      out.push(h);
    }
    hidden.push(out);
    hs.push(h);
  });
  return { hidden, h: hs };
}

// ---------- helpers ----------
function randomMatrix(rows: number, cols: number, random: () => number, scale = 1): Matrix {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => (random() * 2 - 1) * scale));
}
/** Weights with every entry random, biases included, so that a mapping mistake shows. */
function randomWeights(kind: CellKind, inputSize: number, hiddenSize: number, seed: number): PerGateWeights {
  const random = mulberry32(seed);
  const base = kind === 'simple-rnn' ? initRnnWeights(inputSize, hiddenSize, seed) : initLstmWeights(inputSize, hiddenSize, seed);
  const out: PerGateWeights = {};
  for (const [name, value] of Object.entries(base)) {
    out[name] = Array.isArray(value[0]) ? randomMatrix(value.length, (value[0] as number[]).length, random, 0.8) : (value as number[]).map(() => random() * 2 - 1);
  }
  return out;
}
function flatten(value: unknown): number[] {
  if (Array.isArray(value)) return value.flatMap((v) => flatten(v));
  if (typeof value === 'number') return [value];
  // PerGateWeights: every entry, in name order.
  const record = value as Record<string, unknown>;
  return Object.keys(record)
    .sort()
    .flatMap((name) => flatten(record[name]));
}
function maxAbsDiff(a: unknown, b: unknown): number {
  const fa = flatten(a);
  const fb = flatten(b);
  assert.equal(fa.length, fb.length, 'compared arrays differ in size');
  return fa.reduce((worst, v, k) => Math.max(worst, Math.abs(v - fb[k]!)), 0);
}
function makeCell(kind: CellKind, inputSize: number, hiddenSize: number, forgetGate: boolean, weights?: PerGateWeights, seed = 0): RecurrentCell {
  return getCell(kind).create({ inputSize, hiddenSize, forgetGate, seed }, weights);
}

describe('cells', function () {
  before(async () => {
    await initBackend('wasm');
    assert.equal(tf.getBackend(), 'wasm');
  });

  describe('forward pass against the notebook equations (float64 reference)', () => {
    const shapes = [
      { batch: 1, steps: 1, inputSize: 1, hiddenSize: 1 },
      { batch: 2, steps: 3, inputSize: 4, hiddenSize: 5 },
      { batch: 3, steps: 7, inputSize: 2, hiddenSize: 6 },
    ];
    for (const { batch, steps, inputSize, hiddenSize } of shapes) {
      for (const forgetGate of [true, false]) {
        it(`naive ≡ fused${forgetGate ? ' ≡ tf.layers.lstm' : ''} ≡ reference, B=${batch} T=${steps} E=${inputSize} H=${hiddenSize}, ${forgetGate ? 'with' : 'without'} forget gate`, () => {
          const random = mulberry32(batch * 100 + steps);
          const weights = randomWeights('naive-lstm', inputSize, hiddenSize, 11 + steps);
          const x = Array.from({ length: batch }, () => randomMatrix(steps, inputSize, random));
          const h0 = randomMatrix(batch, hiddenSize, random, 0.5);
          const c0 = randomMatrix(batch, hiddenSize, random, 0.5);
          const expected = referenceLstm(weights, x, forgetGate, h0, c0);
          const kinds = forgetGate ? LSTM_KINDS : LSTM_KINDS.filter((k) => k !== 'builtin-lstm');
          const outputs = kinds.map((kind) => {
            const cell = makeCell(kind, inputSize, hiddenSize, forgetGate, weights);
            const result = tf.tidy(() => {
              const { hiddenSeq, final } = cell.forward(tf.tensor3d(x), { h: tf.tensor2d(h0), c: tf.tensor2d(c0) });
              return { hidden: hiddenSeq.arraySync(), h: final.h.arraySync(), c: final.c!.arraySync() };
            });
            cell.dispose();
            return { kind, ...result };
          });
          for (const out of outputs) {
            assert.ok(maxAbsDiff(out.hidden, expected.hidden) < 1e-5, `${out.kind} hidden states differ from the equations by ${maxAbsDiff(out.hidden, expected.hidden)}`);
            assert.ok(maxAbsDiff(out.h, expected.h) < 1e-5, `${out.kind} final h`);
            assert.ok(maxAbsDiff(out.c, expected.c) < 1e-5, `${out.kind} final c`);
          }
          for (const out of outputs.slice(1)) assert.ok(maxAbsDiff(out.hidden, outputs[0]!.hidden) < 1e-5, `${out.kind} vs naive-lstm`);
        });
      }
    }

    it('simple-rnn ≡ reference (h = tanh(x W_ih + h W_hh + b))', () => {
      const random = mulberry32(5);
      const weights = randomWeights('simple-rnn', 3, 4, 5);
      const x = Array.from({ length: 2 }, () => randomMatrix(6, 3, random));
      const h0 = randomMatrix(2, 4, random, 0.5);
      const cell = makeCell('simple-rnn', 3, 4, false, weights);
      const hidden = tf.tidy(() => cell.forward(tf.tensor3d(x), { h: tf.tensor2d(h0) }).hiddenSeq.arraySync());
      cell.dispose();
      assert.ok(maxAbsDiff(hidden, referenceRnn(weights, x, h0).hidden) < 1e-5);
    });

    it('starts from h = c = 0 when no state is given, and broadcasts a [1, H] state over the batch', () => {
      const random = mulberry32(9);
      const weights = randomWeights('naive-lstm', 3, 4, 9);
      const x = Array.from({ length: 3 }, () => randomMatrix(2, 3, random));
      const zeros = [new Array<number>(4).fill(0)];
      const h0 = randomMatrix(1, 4, random);
      for (const kind of LSTM_KINDS) {
        const cell = makeCell(kind, 3, 4, true, weights);
        const [fromZero, fromShared] = tf.tidy(() => [
          cell.forward(tf.tensor3d(x)).hiddenSeq.arraySync(),
          cell.forward(tf.tensor3d(x), { h: tf.tensor2d(h0), c: tf.tensor2d(zeros) }).hiddenSeq.arraySync(),
        ]);
        cell.dispose();
        assert.ok(maxAbsDiff(fromZero, referenceLstm(weights, x, true, zeros, zeros).hidden) < 1e-5, kind);
        assert.ok(maxAbsDiff(fromShared, referenceLstm(weights, x, true, h0, zeros).hidden) < 1e-5, kind);
      }
    });

    it('step() gives the same states as forward()', () => {
      const random = mulberry32(3);
      const x = Array.from({ length: 2 }, () => randomMatrix(3, 2, random));
      for (const kind of cellKinds()) {
        const cell = makeCell(kind, 2, 3, true, undefined, 4);
        const [viaForward, viaStep] = tf.tidy(() => {
          const input = tf.tensor3d(x);
          let state: CellState = { h: tf.zeros([2, 3]), c: tf.zeros([2, 3]) };
          const steps = tf.unstack(input, 1).map((xT) => (state = cell.step(xT as tf.Tensor2D, state)).h);
          return [cell.forward(input).hiddenSeq.arraySync(), tf.stack(steps, 1).arraySync()];
        });
        cell.dispose();
        assert.ok(maxAbsDiff(viaForward, viaStep) < 1e-6, kind);
      }
    });
  });

  describe('gradients (finite differences)', () => {
    const E = 3;
    const H = 4;
    const B = 2;
    const T = 4;
    const cases: Array<{ kind: CellKind; forgetGate: boolean }> = [
      { kind: 'naive-lstm', forgetGate: true },
      { kind: 'naive-lstm', forgetGate: false },
      { kind: 'fused-lstm', forgetGate: true },
      { kind: 'fused-lstm', forgetGate: false },
      { kind: 'builtin-lstm', forgetGate: true },
      { kind: 'simple-rnn', forgetGate: false },
    ];
    for (const { kind, forgetGate } of cases) {
      it(`${kind}${forgetGate ? '' : ' without forget gate'}: ∂loss/∂(weights, x, h0, c0) match central differences in 3 random directions`, () => {
        const random = mulberry32(kind.length * 7 + (forgetGate ? 1 : 0));
        const cell = makeCell(kind, E, H, forgetGate, randomWeights(kind, E, H, 21));
        const lstm = kind !== 'simple-rnn';
        const x = tf.tensor3d(Array.from({ length: B }, () => randomMatrix(T, E, random)));
        const h0 = tf.tensor2d(randomMatrix(B, H, random, 0.5));
        const c0 = tf.tensor2d(randomMatrix(B, H, random, 0.5));
        const readout = tf.tensor3d(Array.from({ length: B }, () => randomMatrix(T, H, random)));
        const inputs = lstm ? [x, h0, c0] : [x, h0];
        // A loss that weighs every hidden state (and the final cell state) differently.
        const loss = (xIn: tf.Tensor, hIn: tf.Tensor, cIn?: tf.Tensor): tf.Scalar => {
          const { hiddenSeq, final } = cell.forward(xIn as tf.Tensor3D, { h: hIn as tf.Tensor2D, c: cIn as tf.Tensor2D | undefined });
          const fromHidden = tf.sum(tf.mul(hiddenSeq, readout));
          return (final.c ? tf.add(fromHidden, tf.sum(tf.mul(final.c, 0.5))) : fromHidden) as tf.Scalar;
        };
        const analytic = tf.tidy(() => {
          const { grads } = tf.variableGrads(() => loss(x, h0, lstm ? c0 : undefined), cell.variables);
          const inputGrads = tf.grads((...args: tf.Tensor[]) => loss(args[0]!, args[1]!, args[2]))(inputs);
          return { variables: cell.variables.map((v) => Array.from(grads[v.name]!.dataSync())), inputs: inputGrads.map((g) => Array.from(g.dataSync())) };
        });
        const originals = cell.variables.map((v) => v.clone());
        const epsilon = 5e-3;
        for (let direction = 0; direction < 3; direction++) {
          const dVariables = cell.variables.map((v) => Array.from({ length: v.size }, () => random() * 2 - 1));
          const dInputs = inputs.map((t) => Array.from({ length: t.size }, () => random() * 2 - 1));
          const lossAt = (sign: number): number =>
            tf.tidy(() => {
              cell.variables.forEach((v, k) => v.assign(tf.add(originals[k]!, tf.mul(tf.tensor(dVariables[k]!, v.shape), sign * epsilon))));
              const moved = inputs.map((t, k) => tf.add(t, tf.mul(tf.tensor(dInputs[k]!, t.shape), sign * epsilon)));
              return loss(moved[0]!, moved[1]!, moved[2]).dataSync()[0]!;
            });
          const numeric = (lossAt(+1) - lossAt(-1)) / (2 * epsilon);
          const dot = (a: number[][], b: number[][]) => a.reduce((sum, row, k) => sum + row.reduce((s, v, j) => s + v * b[k]![j]!, 0), 0);
          const exact = dot(analytic.variables, dVariables) + dot(analytic.inputs, dInputs);
          const error = Math.abs(numeric - exact);
          assert.ok(error <= 2e-3 * Math.max(1, Math.abs(exact)), `direction ${direction}: autodiff ${exact}, finite difference ${numeric} (error ${error})`);
        }
        cell.variables.forEach((v, k) => v.assign(originals[k]!));
        tf.dispose([...originals, x, h0, c0, readout]);
        cell.dispose();
      });
    }

    it('leaves f untrained without a forget gate, and trains every other weight under optimizer.minimize', () => {
      const cell = makeCell('naive-lstm', 2, 3, false, randomWeights('naive-lstm', 2, 3, 2));
      assert.equal(cell.variables.length, 9, 'W_if, W_hf, b_f are not trainable without a forget gate');
      const before = cell.exportWeights();
      const x = tf.randomNormal([2, 3, 2], 0, 1, 'float32', 1) as tf.Tensor3D;
      const optimizer = tf.train.sgd(0.1);
      optimizer.minimize(() => tf.sum(cell.forward(x).hiddenSeq) as tf.Scalar);
      const after = cell.exportWeights();
      for (const name of LSTM_WEIGHT_NAMES) {
        const changed = maxAbsDiff(before[name], after[name]) > 0;
        assert.equal(changed, !name.endsWith('f'), `${name} ${changed ? 'changed' : 'did not change'}`);
      }
      optimizer.dispose();
      x.dispose();
      cell.dispose();
    });

    it('does not leak tensors over repeated forward/backward passes', () => {
      for (const kind of cellKinds()) {
        const cell = makeCell(kind, 3, 4, true, undefined, 1);
        const x = tf.randomNormal([2, 5, 3], 0, 1, 'float32', 2) as tf.Tensor3D;
        const pass = () =>
          tf.tidy(() => {
            const { grads } = tf.variableGrads(() => tf.sum(tf.abs(cell.forward(x).hiddenSeq)) as tf.Scalar, cell.variables);
            return Object.keys(grads).length;
          });
        pass();
        const baseline = tf.memory().numTensors;
        for (let k = 0; k < 3; k++) pass();
        const forwardOnly = cell.forward(x);
        tf.dispose([forwardOnly.hiddenSeq, forwardOnly.final.h, forwardOnly.final.c ?? []]);
        assert.equal(tf.memory().numTensors, baseline, `${kind} leaked ${tf.memory().numTensors - baseline} tensors`);
        x.dispose();
        cell.dispose();
      }
    });
  });

  describe('initialisation and weight layout', () => {
    it('is xavier-uniform for matrices, zero for biases, and the same for the same seed', () => {
      const E = 50;
      const H = 125;
      const weights = initLstmWeights(E, H, 3);
      for (const name of LSTM_WEIGHT_NAMES) {
        const values = flatten(weights[name]);
        if (name.startsWith('b_')) {
          assert.ok(
            values.every((v) => v === 0),
            `${name} is zero`,
          );
          continue;
        }
        const [rows, cols] = name.startsWith('W_i') ? [E, H] : [H, H];
        const limit = Math.sqrt(6 / (rows + cols));
        const largest = Math.max(...values.map(Math.abs));
        assert.ok(largest <= limit && largest > 0.98 * limit, `${name}: max |w| ${largest}, limit ${limit}`);
        // U(−a, a) has variance a²/3.
        const variance = values.reduce((s, v) => s + v * v, 0) / values.length;
        assert.ok(Math.abs(variance / ((limit * limit) / 3) - 1) < 0.05, `${name}: variance ${variance}`);
      }
      assert.deepEqual(initLstmWeights(E, H, 3), weights);
      assert.notDeepEqual(initLstmWeights(E, H, 4)['W_ii'], weights['W_ii']);
      const cellA = getCell('fused-lstm').create({ inputSize: 4, hiddenSize: 3, seed: 8 });
      const cellB = getCell('naive-lstm').create({ inputSize: 4, hiddenSize: 3, seed: 8 });
      assert.ok(maxAbsDiff(cellA.exportWeights(), cellB.exportWeights()) === 0, 'same seed, same weights, whatever the layout');
      cellA.dispose();
      cellB.dispose();
    });

    it('puts forgetBias in b_f only, for every LSTM', () => {
      for (const kind of LSTM_KINDS) {
        const plain = getCell(kind).create({ inputSize: 3, hiddenSize: 4, seed: 6 });
        const biased = getCell(kind).create({ inputSize: 3, hiddenSize: 4, seed: 6, forgetBias: -1 });
        const a = plain.exportWeights();
        const b = biased.exportWeights();
        for (const name of LSTM_WEIGHT_NAMES) {
          if (name === 'b_f') {
            assert.deepEqual(b[name], [-1, -1, -1, -1], kind);
            assert.deepEqual(a[name], [0, 0, 0, 0], kind);
          } else assert.deepEqual(b[name], a[name], `${kind} ${name}`);
        }
        plain.dispose();
        biased.dispose();
      }
    });

    it('round-trips weights through every layout (export → import elsewhere → export)', () => {
      const weights = randomWeights('naive-lstm', 3, 5, 77);
      const asFloat32 = (w: PerGateWeights) => JSON.parse(JSON.stringify(w, (_k, v) => (typeof v === 'number' ? Math.fround(v) : v))) as PerGateWeights;
      let current = weights;
      for (const kind of [...LSTM_KINDS, 'naive-lstm' as CellKind]) {
        const cell = makeCell(kind, 3, 5, true);
        cell.importWeights(current);
        current = cell.exportWeights();
        cell.dispose();
        assert.deepEqual(current, asFloat32(weights), `after ${kind}`);
      }
      const rnn = makeCell('simple-rnn', 3, 5, false);
      const rnnWeights = randomWeights('simple-rnn', 3, 5, 78);
      rnn.importWeights(rnnWeights);
      assert.deepEqual(rnn.exportWeights(), asFloat32(rnnWeights));
      rnn.dispose();
    });
  });

  describe('errors a user can hit', () => {
    it('refuses forgetGate: false on tf.layers.lstm and says what to use', () => {
      assert.throws(() => getCell('builtin-lstm').create({ inputSize: 2, hiddenSize: 2, forgetGate: false }), /always has a forget gate.*Use naive-lstm or fused-lstm/);
    });
    it('names the weight whose shape is wrong, and the missing or extra entries', () => {
      const cell = makeCell('fused-lstm', 3, 4, true);
      const weights = initLstmWeights(3, 4, 0);
      assert.throws(() => cell.importWeights({ ...weights, W_hg: randomMatrix(3, 4, Math.random) }), /fused-lstm: weight W_hg has shape \[3, 4\], expected \[4, 4\]/);
      const { b_o: _dropped, ...missing } = weights;
      assert.throws(() => cell.importWeights(missing), /missing b_o/);
      assert.throws(() => cell.importWeights(initRnnWeights(3, 4)), /missing W_ii.*unexpected W_ih, W_hh, b/);
      assert.throws(() => cell.importWeights({ ...weights, b_i: [0, 0, NaN, 0] }), /b_i holds a non-finite number/);
      cell.dispose();
    });
    it('rejects an input whose feature size is not the cell’s', () => {
      const cell = makeCell('naive-lstm', 3, 4, true);
      assert.throws(() => cell.forward(tf.zeros([2, 5, 7]) as tf.Tensor3D), /input feature size is 7, but the cell was built for inputSize 3/);
      cell.dispose();
    });
    it('lists the valid kinds for an unknown cell', () => {
      assert.throws(() => getCell('transformer'), /Unknown cell kind 'transformer'\. Valid kinds: naive-lstm, fused-lstm, simple-rnn, builtin-lstm/);
    });
  });

  describe('equations', () => {
    it('are valid KaTeX, one line per gate, and follow the forget-gate option', () => {
      for (const kind of cellKinds()) {
        const definition = getCell(kind);
        const variants = definition.family === 'lstm' && kind !== 'builtin-lstm' ? [true, false] : [true];
        for (const forgetGate of variants) {
          const lines = definition.equations({ forgetGate });
          for (const line of lines) assert.doesNotThrow(() => katex.renderToString(line.latex, { throwOnError: true }), `${kind}: ${line.latex}`);
          const gates = lines.map((line) => line.gate);
          if (definition.family === 'rnn') assert.deepEqual(gates, ['h']);
          else if (definition.family === 'gru') assert.deepEqual(gates, ['r', 'z', 'n', 'h']);
          else if (forgetGate) assert.deepEqual(gates, ['i', 'f', 'g', 'o', 'c', 'h']);
          else {
            assert.deepEqual(gates, ['i', 'g', 'o', 'c', 'h']);
            assert.equal(lines.find((line) => line.gate === 'c')!.latex, 'c_t = c_{t-1} + i_t \\odot g_t');
          }
        }
      }
    });
  });
});

// fast-lstm against independent references:
// - an LSTM written step by step with TF.js ops and differentiated by TF.js's own autodiff
//   (the fused LSTM's mathematics) — outputs and every gradient to 1e-5 relative;
// - central finite differences of a float64 LSTM written in plain JS;
// - a training loop that must not leak tensors and must lower the loss.
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/engine/backend';
import { fastLstm } from '../../src/engine/cells/fast-lstm';
import { getCell } from '../../src/engine/cells/registry';
import { initLstmWeights } from '../../src/engine/cells/init';
import type { RecurrentCell } from '../../src/engine/cells/types';
import { mulberry32 } from '../../src/engine/random';
import { relativeError } from './helpers/numeric';

function randomArray(size: number, random: () => number, scale = 1): Float32Array {
  const out = new Float32Array(size);
  for (let k = 0; k < size; k++) out[k] = (random() * 2 - 1) * scale;
  return out;
}

/** The fused LSTM, one step at a time in TF.js ops; TF.js's autodiff gives its gradients. */
function referenceLstm(x: tf.Tensor3D, wIh: tf.Tensor2D, wHh: tf.Tensor2D, bias: tf.Tensor1D, h0: tf.Tensor2D, c0: tf.Tensor2D, forgetGate: boolean) {
  const [B, T] = x.shape;
  const H = wHh.shape[0];
  let h: tf.Tensor2D = tf.broadcastTo(h0, [B, H]);
  let c: tf.Tensor2D = tf.broadcastTo(c0, [B, H]);
  const hs: tf.Tensor2D[] = [];
  for (let t = 0; t < T; t++) {
    const xT = tf.reshape(tf.slice(x, [0, t, 0], [B, 1, x.shape[2]]), [B, x.shape[2]]);
    const gates = tf.add(tf.add(tf.matMul(xT, wIh), tf.matMul(h, wHh)), bias);
    const [gi, gf, gg, go] = tf.split(gates, 4, 1) as tf.Tensor2D[];
    const i = tf.sigmoid(gi!);
    const g = tf.tanh(gg!);
    const o = tf.sigmoid(go!);
    c = forgetGate ? tf.add(tf.mul(tf.sigmoid(gf!), c), tf.mul(i, g)) : tf.add(c, tf.mul(i, g));
    h = tf.mul(o, tf.tanh(c));
    hs.push(h);
  }
  return { hiddenSeq: tf.stack(hs, 1) as tf.Tensor3D, h, c };
}

interface Case {
  batch: number;
  steps: number;
  inputSize: number;
  hiddenSize: number;
  forgetGate: boolean;
  forgetBias: number;
  /** Rows of the initial state: batch, 1 (broadcast) or 0 (none given: zeros). */
  stateRows: number;
}

const CASES: Case[] = [
  { batch: 3, steps: 5, inputSize: 4, hiddenSize: 6, forgetGate: true, forgetBias: 0, stateRows: 3 },
  { batch: 2, steps: 7, inputSize: 5, hiddenSize: 3, forgetGate: false, forgetBias: 0, stateRows: 2 },
  { batch: 4, steps: 1, inputSize: 3, hiddenSize: 5, forgetGate: true, forgetBias: 1, stateRows: 1 },
  { batch: 1, steps: 9, inputSize: 2, hiddenSize: 4, forgetGate: false, forgetBias: -1, stateRows: 1 },
  { batch: 8, steps: 12, inputSize: 10, hiddenSize: 16, forgetGate: true, forgetBias: -1, stateRows: 0 },
];

function describeCase(c: Case): string {
  const state = c.stateRows === 0 ? 'zero state' : c.stateRows === 1 ? 'broadcast [1,H] state' : 'per-row state';
  return `B=${c.batch} T=${c.steps} E=${c.inputSize} H=${c.hiddenSize}, ${c.forgetGate ? `forget gate, b_f=${c.forgetBias}` : 'no forget gate'}, ${state}`;
}

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`fast-lstm (${backend} backend)`, () => {
    before(async () => {
      await initBackend(backend);
    });

    for (const c of CASES) {
      it(`equals the step-by-step fused LSTM, outputs and all gradients: ${describeCase(c)}`, () => {
        const random = mulberry32(c.batch * 1000 + c.steps * 10 + c.hiddenSize);
        const cell = fastLstm.create({ inputSize: c.inputSize, hiddenSize: c.hiddenSize, forgetGate: c.forgetGate, forgetBias: c.forgetBias, seed: 7 });
        const [wIhVar, wHhVar, biasVar] = cell.variables as [tf.Variable, tf.Variable, tf.Variable];
        // Random (non-zero) biases too, so that every bias gradient is exercised.
        biasVar.assign(tf.tensor1d(randomArray(4 * c.hiddenSize, random, 0.5)));
        const B = c.batch;
        const H = c.hiddenSize;
        const x = tf.tensor3d(randomArray(B * c.steps * c.inputSize, random), [B, c.steps, c.inputSize]);
        const h0 = tf.tensor2d(randomArray(Math.max(c.stateRows, 1) * H, random, 0.5), [Math.max(c.stateRows, 1), H]);
        const c0 = tf.tensor2d(randomArray(Math.max(c.stateRows, 1) * H, random, 0.5), [Math.max(c.stateRows, 1), H]);
        const zeros = tf.zeros([1, H]) as tf.Tensor2D;
        const initial = c.stateRows === 0 ? undefined : { h: h0, c: c0 };
        // A loss that reads every output: the sequence and both final states.
        const seqWeight = tf.tensor3d(randomArray(B * c.steps * H, random), [B, c.steps, H]);
        const hWeight = tf.tensor2d(randomArray(B * H, random), [B, H]);
        const cWeight = tf.tensor2d(randomArray(B * H, random), [B, H]);
        const lossOf = (seq: tf.Tensor, h: tf.Tensor, cc: tf.Tensor): tf.Scalar => tf.addN([tf.sum(tf.mul(seq, seqWeight)), tf.sum(tf.mul(h, hWeight)), tf.sum(tf.mul(cc, cWeight))]) as tf.Scalar;

        // Gradients with respect to x and the initial state; the weights' come from variableGrads.
        // (With no initial state given, h0/c0 take no part: only x.)
        const fastGrad = tf.grads((xx: tf.Tensor, hh?: tf.Tensor, ccc?: tf.Tensor) => {
          const out = cell.forward(xx as tf.Tensor3D, hh && ccc ? { h: hh as tf.Tensor2D, c: ccc as tf.Tensor2D } : undefined);
          return lossOf(out.hiddenSeq, out.final.h, out.final.c!);
        });
        const [dxFast, dh0Fast, dc0Fast] = fastGrad(c.stateRows === 0 ? [x] : [x, h0, c0]);
        const fastOut = cell.forward(x, initial);
        const weightGrads = tf.variableGrads(() => {
          const out = cell.forward(x, initial);
          return lossOf(out.hiddenSeq, out.final.h, out.final.c!);
        }, cell.variables);

        const refGrad = tf.grads((xx: tf.Tensor, hh: tf.Tensor, ccc: tf.Tensor, a: tf.Tensor, b: tf.Tensor, bb: tf.Tensor) => {
          const ref = referenceLstm(xx as tf.Tensor3D, a as tf.Tensor2D, b as tf.Tensor2D, bb as tf.Tensor1D, hh as tf.Tensor2D, ccc as tf.Tensor2D, c.forgetGate);
          return lossOf(ref.hiddenSeq, ref.h, ref.c);
        });
        const refOut = referenceLstm(x, wIhVar as tf.Tensor2D, wHhVar as tf.Tensor2D, biasVar as tf.Tensor1D, c.stateRows === 0 ? zeros : h0, c.stateRows === 0 ? zeros : c0, c.forgetGate);
        const [dxRef, dh0Ref, dc0Ref, dWIhRef, dWHhRef, dBiasRef] = refGrad(c.stateRows === 0 ? [x, zeros, zeros, wIhVar, wHhVar, biasVar] : [x, h0, c0, wIhVar, wHhVar, biasVar]);

        const checks: [string, tf.Tensor, tf.Tensor][] = [
          ['hiddenSeq', fastOut.hiddenSeq, refOut.hiddenSeq],
          ['final h', fastOut.final.h, refOut.h],
          ['final c', fastOut.final.c!, refOut.c],
          ['dL/dx', dxFast!, dxRef!],
          ['dL/dweight_ih', weightGrads.grads[wIhVar.name]!, dWIhRef!],
          ['dL/dweight_hh', weightGrads.grads[wHhVar.name]!, dWHhRef!],
          ['dL/dbias', weightGrads.grads[biasVar.name]!, dBiasRef!],
        ];
        if (c.stateRows > 0) checks.push(['dL/dh0', dh0Fast!, dh0Ref!], ['dL/dc0', dc0Fast!, dc0Ref!]);
        for (const [name, actual, expected] of checks) {
          assert.deepEqual(actual.shape, expected.shape, `${name}: shape`);
          const error = relativeError(actual.dataSync(), expected.dataSync());
          assert.ok(error <= 1e-5, `${name}: relative error ${error.toExponential(2)} > 1e-5`);
        }
        if (!c.forgetGate) {
          // Without a forget gate the f columns play no part: their gradient is exactly zero.
          const dW = weightGrads.grads[wHhVar.name]!.arraySync() as number[][];
          assert.ok(
            dW.every((row) => row.slice(H, 2 * H).every((v) => v === 0)),
            'f-column gradient must be 0 without a forget gate',
          );
        }
        tf.dispose([
          x,
          h0,
          c0,
          zeros,
          seqWeight,
          hWeight,
          cWeight,
          dxFast!,
          ...(dh0Fast ? [dh0Fast, dc0Fast!] : []),
          fastOut.hiddenSeq,
          fastOut.final.h,
          fastOut.final.c!,
          refOut.hiddenSeq,
          refOut.h,
          refOut.c,
          dxRef!,
          dh0Ref!,
          dc0Ref!,
          dWIhRef!,
          dWHhRef!,
          dBiasRef!,
        ]);
        tf.dispose(weightGrads.value);
        tf.dispose(Object.values(weightGrads.grads));
        cell.dispose();
      });
    }
  });
}

describe('fast-lstm equals the fused-lstm cell given the same PerGateWeights', () => {
  before(async () => {
    await initBackend('wasm');
  });

  for (const c of CASES) {
    it(describeCase(c), () => {
      const random = mulberry32(c.batch * 7 + c.steps);
      const options = { inputSize: c.inputSize, hiddenSize: c.hiddenSize, forgetGate: c.forgetGate, forgetBias: c.forgetBias, seed: 11 };
      const fast = fastLstm.create(options);
      tf.tidy(() => {
        (fast.variables[2] as tf.Variable).assign(tf.tensor1d(randomArray(4 * c.hiddenSize, random, 0.5)));
      });
      const fused = getCell('fused-lstm').create(options, fast.exportWeights());
      const B = c.batch;
      const H = c.hiddenSize;
      const rows = Math.max(c.stateRows, 1);
      const x = tf.tensor3d(randomArray(B * c.steps * c.inputSize, random), [B, c.steps, c.inputSize]);
      const h0 = tf.tensor2d(randomArray(rows * H, random, 0.5), [rows, H]);
      const c0 = tf.tensor2d(randomArray(rows * H, random, 0.5), [rows, H]);
      const seqWeight = tf.tensor3d(randomArray(B * c.steps * H, random), [B, c.steps, H]);
      const cWeight = tf.tensor2d(randomArray(B * H, random), [B, H]);
      const run = (cell: RecurrentCell) => {
        const lossOf = (xx: tf.Tensor, hh?: tf.Tensor, cc?: tf.Tensor) => {
          const out = cell.forward(xx as tf.Tensor3D, hh && cc ? { h: hh as tf.Tensor2D, c: cc as tf.Tensor2D } : undefined);
          return tf.add(tf.sum(tf.mul(out.hiddenSeq, seqWeight)), tf.sum(tf.mul(out.final.c!, cWeight))) as tf.Scalar;
        };
        const inputs = c.stateRows === 0 ? [x] : [x, h0, c0];
        const inputGrads = tf.grads(lossOf)(inputs);
        const { value, grads } = tf.variableGrads(() => lossOf(x, ...(c.stateRows === 0 ? [] : [h0, c0])), cell.variables);
        const out = cell.forward(x, c.stateRows === 0 ? undefined : { h: h0, c: c0 });
        const result = {
          hiddenSeq: out.hiddenSeq.dataSync(),
          finalH: out.final.h.dataSync(),
          finalC: out.final.c!.dataSync(),
          inputGrads: inputGrads.map((g) => g.dataSync()),
          weightGrads: cell.variables.map((v) => grads[v.name]!.dataSync()),
        };
        tf.dispose([value, ...inputGrads, ...Object.values(grads), out.hiddenSeq, out.final.h, out.final.c!]);
        return result;
      };
      const a = run(fast);
      const b = run(fused);
      const pairs: [string, ArrayLike<number>, ArrayLike<number>][] = [
        ['hiddenSeq', a.hiddenSeq, b.hiddenSeq],
        ['final h', a.finalH, b.finalH],
        ['final c', a.finalC, b.finalC],
        ...a.inputGrads.map((g, k) => [`d/d${['x', 'h0', 'c0'][k]}`, g, b.inputGrads[k]!] as [string, ArrayLike<number>, ArrayLike<number>]),
        ...a.weightGrads.map((g, k) => [`d/d${['weight_ih', 'weight_hh', 'bias'][k]}`, g, b.weightGrads[k]!] as [string, ArrayLike<number>, ArrayLike<number>]),
      ];
      assert.equal(fast.variables.length, fused.variables.length);
      for (const [name, actual, expected] of pairs) {
        const error = relativeError(actual, expected);
        assert.ok(error <= 1e-5, `${name}: relative error ${error.toExponential(2)} > 1e-5 against fused-lstm`);
      }
      tf.dispose([x, h0, c0, seqWeight, cWeight]);
      fast.dispose();
      fused.dispose();
    });
  }

  it('exports exactly the PerGateWeights it was given (the fused-lstm layout)', () => {
    const weights = initLstmWeights(3, 4, 9, 1);
    const fast = fastLstm.create({ inputSize: 3, hiddenSize: 4 }, weights);
    const fused = getCell('fused-lstm').create({ inputSize: 3, hiddenSize: 4 }, weights);
    assert.deepEqual(fast.exportWeights(), fused.exportWeights());
    assert.deepEqual(fast.exportWeights(), JSON.parse(JSON.stringify(weights, (_k, v: unknown) => (typeof v === 'number' ? Math.fround(v) : v))));
    assert.throws(() => fast.importWeights({ ...weights, W_hi: [[1, 2]] }), /W_hi has shape \[1, 2\], expected \[4, 4\]/);
    fast.dispose();
    fused.dispose();
  });
});

// ───────────── finite differences on a float64 LSTM in plain JS ─────────────

/** loss = Σ_t Σ_j w_tj · h_tj for one sequence (batch 1), in float64. */
function lstmLoss64(x: Float64Array, wIh: Float64Array, wHh: Float64Array, bias: Float64Array, T: number, E: number, H: number, lossWeights: Float64Array): number {
  const sig = (v: number) => 1 / (1 + Math.exp(-v));
  let h = new Float64Array(H);
  const c = new Float64Array(H);
  let loss = 0;
  for (let t = 0; t < T; t++) {
    const gates = Float64Array.from(bias);
    for (let k = 0; k < 4 * H; k++) {
      for (let e = 0; e < E; e++) gates[k]! += x[t * E + e]! * wIh[e * 4 * H + k]!;
      for (let j = 0; j < H; j++) gates[k]! += h[j]! * wHh[j * 4 * H + k]!;
    }
    const next = new Float64Array(H);
    for (let j = 0; j < H; j++) {
      const i = sig(gates[j]!);
      const f = sig(gates[H + j]!);
      const g = Math.tanh(gates[2 * H + j]!);
      const o = sig(gates[3 * H + j]!);
      c[j] = f * c[j]! + i * g;
      next[j] = o * Math.tanh(c[j]!);
      loss += lossWeights[t * H + j]! * next[j]!;
    }
    h = next;
  }
  return loss;
}

describe('fast-lstm gradient against finite differences (float64 LSTM in plain JS)', () => {
  before(async () => {
    await initBackend('wasm');
  });

  it('dL/dweight_hh, dL/dweight_ih, dL/dbias and dL/dx match central differences', () => {
    const [T, E, H] = [6, 3, 4];
    const random = mulberry32(42);
    const cell = fastLstm.create({ inputSize: E, hiddenSize: H, seed: 3 });
    const [wIhVar, wHhVar, biasVar] = cell.variables as [tf.Variable, tf.Variable, tf.Variable];
    biasVar.assign(tf.tensor1d(randomArray(4 * H, random, 0.5)));
    const xValues = randomArray(T * E, random);
    const lossWeights = Float64Array.from(randomArray(T * H, random));
    const x = tf.tensor3d(xValues, [1, T, E]);
    const lossWeightTensor = tf.tensor3d(Float32Array.from(lossWeights), [1, T, H]);
    const { grads, value } = tf.variableGrads(() => tf.sum(tf.mul(cell.forward(x).hiddenSeq, lossWeightTensor)) as tf.Scalar, cell.variables);
    const dx = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(cell.forward(xx as tf.Tensor3D).hiddenSeq, lossWeightTensor)))(x);

    const params = {
      x: Float64Array.from(xValues),
      wIh: Float64Array.from(wIhVar.dataSync()),
      wHh: Float64Array.from(wHhVar.dataSync()),
      bias: Float64Array.from(biasVar.dataSync()),
    };
    const loss = () => lstmLoss64(params.x, params.wIh, params.wHh, params.bias, T, E, H, lossWeights);
    assert.ok(Math.abs(loss() - value.dataSync()[0]!) < 1e-4 * Math.max(1, Math.abs(loss())), 'the float64 loss and the cell agree');
    const epsilon = 1e-6;
    const numeric = (values: Float64Array): Float64Array =>
      values.map((_, k) => {
        const held = values[k]!;
        values[k] = held + epsilon;
        const up = loss();
        values[k] = held - epsilon;
        const down = loss();
        values[k] = held;
        return (up - down) / (2 * epsilon);
      });
    const comparisons: [string, ArrayLike<number>, Float64Array][] = [
      ['weight_hh', grads[wHhVar.name]!.dataSync(), numeric(params.wHh)],
      ['weight_ih', grads[wIhVar.name]!.dataSync(), numeric(params.wIh)],
      ['bias', grads[biasVar.name]!.dataSync(), numeric(params.bias)],
      ['x', dx.dataSync(), numeric(params.x)],
    ];
    for (const [name, analytic, fd] of comparisons) {
      const error = relativeError(analytic, fd);
      // float32 analytic vs float64 numeric: agreement to ~1e-6 is the float32 limit.
      assert.ok(error < 1e-4, `${name}: relative error ${error.toExponential(2)} against finite differences`);
    }
    tf.dispose([x, lossWeightTensor, value, dx, ...Object.values(grads)]);
    cell.dispose();
  });
});

// ───────────── training: no leak, loss goes down ─────────────

describe('fast-lstm in a training loop', () => {
  before(async () => {
    await initBackend('wasm');
  });

  it('10 Adam steps of a tiny character model: tensor count stable, loss falls', () => {
    const [B, T, E, H, V] = [4, 20, 8, 16, 6];
    const random = mulberry32(5);
    // A learnable pattern: the next character is (current + 1) mod V.
    const ids = Array.from({ length: B }, () => {
      const start = Math.floor(random() * V);
      return Array.from({ length: T + 1 }, (_, t) => (start + t) % V);
    });
    const inputs = tf
      .oneHot(
        tf.tensor2d(
          ids.map((row) => row.slice(0, T)),
          [B, T],
          'int32',
        ),
        V,
      )
      .toFloat();
    const targets = tf
      .oneHot(
        tf.tensor1d(
          ids.flatMap((row) => row.slice(1)),
          'int32',
        ),
        V,
      )
      .toFloat();
    const cell: RecurrentCell = fastLstm.create({ inputSize: E, hiddenSize: H, seed: 1 }, initLstmWeights(E, H, 1));
    const embedding = tf.variable(tf.randomUniform([V, E], -0.5, 0.5, 'float32', 2));
    const projection = tf.variable(tf.randomUniform([H, V], -0.5, 0.5, 'float32', 3));
    const optimizer = tf.train.adam(0.05);
    const losses: number[] = [];
    const counts: number[] = [];
    for (let stepIndex = 0; stepIndex < 10; stepIndex++) {
      const loss = optimizer.minimize(
        () => {
          const embedded = tf.reshape(tf.matMul(tf.reshape(inputs, [B * T, V]), embedding), [B, T, E]) as tf.Tensor3D;
          const { hiddenSeq } = cell.forward(embedded);
          const logits = tf.matMul(tf.reshape(hiddenSeq, [B * T, H]), projection);
          return tf.losses.softmaxCrossEntropy(targets, logits) as tf.Scalar;
        },
        true,
        [...cell.variables, embedding, projection],
      )!;
      losses.push(loss.dataSync()[0]!);
      loss.dispose();
      counts.push(tf.memory().numTensors);
    }
    // Adam creates its moment variables on the first step; after that nothing may grow.
    assert.ok(
      counts.slice(1).every((n) => n === counts[1]),
      `tensor count grew across steps: ${counts.join(', ')}`,
    );
    assert.ok(losses[9]! < losses[0]! * 0.8, `loss did not fall: ${losses.map((l) => l.toFixed(3)).join(', ')}`);
    tf.dispose([inputs, targets, embedding, projection]);
    optimizer.dispose();
    cell.dispose();
  });
});

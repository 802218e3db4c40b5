// The user's own TF.js cells, run as written: each correct fixture must match the float64
// reference of its kind, each fixture with one wrong line ("BUG on line N") must differ at that
// gate and line, the one-pass tf.grad probe of every reference kind must equal central finite
// differences in float64, and the probe through the user's code must equal the reference's
// from the same weights.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { detectCells } from '../../src/detect';
import { initBackend } from '../../src/engine/backend';
import { checkTfjsCell } from '../../src/tfjs-cell';
import { instrument, parseModule } from '../../src/tfjs-cell/load';
import { probeNorms, referenceTensorStep } from '../../src/tfjs-cell/probe';
import { finiteDifferenceNorms, WEIGHTED_GATES, type GateWeights, type ReferenceKind, type ReferenceWeights } from '../../src/tfjs-cell/reference';

const FIXTURES = path.join(__dirname, '../fixtures/user-cells-tfjs');
const STEPS = 30;

function check(file: string, options = {}) {
  const full = path.join(FIXTURES, file);
  const source = fs.readFileSync(full, 'utf8');
  const cells = detectCells(source, file.endsWith('.js') ? 'javascript' : 'typescript');
  assert.equal(cells.length, 1, `${file}: one cell detected`);
  return { source, result: checkTfjsCell(full, source, cells[0], { steps: STEPS, probeSteps: 12, probeSize: { E: 10, H: 16 }, ...options }) };
}

/** The line a fixture's header names: "// BUG on line N: …" or "// ERROR on line N: …". */
function bugLine(source: string): number {
  const m = /(?:BUG|ERROR) on line (\d+)/.exec(source);
  assert.ok(m, 'fixture names its bug line');
  return Number(m[1]);
}

describe('TF.js cells run as written', function () {
  this.timeout(120_000);
  before(async () => {
    await initBackend('auto');
  });

  for (const [file, reference] of [
    ['lstm_class.js', 'LSTM'],
    ['lstm_fused.ts', 'LSTM'],
    ['rnn_step.ts', 'RNN'],
    ['gru_class.ts', 'GRU'],
    ['gru_fused.js', 'GRU'],
    ['lstm_no_forget.ts', 'LSTM without forget gate'],
  ] as const) {
    it(`${file} matches the reference ${reference}, and its tf.grad probe equals the reference's from the same weights`, () => {
      const { result } = check(file, { referenceNorms: true });
      assert.equal(result.verdict, 'matches', result.message);
      assert.equal(result.reference, reference);
      assert.ok(result.maxRelDiff! < 1e-5, `max relative difference ${result.maxRelDiff}`);
      assert.match(result.message, new RegExp(`matches the reference ${reference} \\(max relative difference .* over ${STEPS} steps\\)`));
      assert.ok(result.probe && 'series' in result.probe, 'probe ran');
      const { norms, reference: fd } = result.probe.series[0];
      assert.equal(norms.length, 12);
      assert.deepEqual(
        result.probe.steps,
        Array.from({ length: 12 }, (_, k) => k + 1),
      );
      assert.ok(fd, 'reference norms computed');
      norms.forEach((n, t) => {
        assert.ok(n !== null && n > 0, `norm at step ${t + 1}`);
        assert.ok(Math.abs(n - fd[t]!) <= 1e-3 * fd[t]! + 1e-7, `step ${t + 1}: your code ${n} vs the reference ${fd[t]}`);
      });
      // The norms decay: it is the cell's gradient, not a constant.
      assert.ok(norms[11]! < norms[0]!);
    });
  }

  for (const [file, gate, variable] of [
    ['bug_forget_from_input.js', 'f', 'f'],
    ['bug_relu_candidate.js', 'g', 'g'],
    ['bug_h_without_tanh.ts', 'h', 'h'],
    ['bug_gru_z_from_reset.ts', 'z', 'z'],
    ['bug_no_forget_sigmoid_candidate.ts', 'g', 'g'],
  ] as const) {
    it(`${file} differs at gate ${gate} on the wrong line, from step 0`, () => {
      const { source, result } = check(file);
      assert.equal(result.verdict, 'differs', result.message);
      assert.ok(result.ran);
      const fd = result.firstDifference!;
      assert.deepEqual({ step: fd.step, gate: fd.gate, line: fd.line, variable: fd.variable }, { step: 0, gate, line: bugLine(source), variable });
      assert.match(result.message, new RegExp(`^${variable} on line ${bugLine(source)} differs from .* from step 0$`));
      // The probe still runs on the user's code, and the reference's own series comes beside it.
      assert.ok(result.probe && 'series' in result.probe && result.probe.series[0].reference?.length === 12);
    });
  }

  it('a cell it cannot call says what it expected and what it found', () => {
    const source = `const tf = require('@tensorflow/tfjs');\nfunction lstmCell(a, b, d, W, U, bias) {\n  const i = tf.sigmoid(a.matMul(W).add(b.matMul(U)).add(bias));\n  const f = tf.sigmoid(a.matMul(W).add(b.matMul(U)));\n  const g = tf.tanh(a.matMul(W));\n  const o = tf.sigmoid(a.matMul(W));\n  const c = f.mul(d).add(i.mul(g));\n  const h = o.mul(tf.tanh(c));\n  return [h, c];\n}\n`;
    const cell = detectCells(source, 'javascript')[0];
    assert.ok(cell, 'detected');
    const result = checkTfjsCell('cell.js', source, cell, { steps: 3 });
    assert.equal(result.verdict, 'unknown');
    assert.match(result.message, /expected its first parameters to be \(x, h, c\).*found \(a, b, d, W, U, bias\)/);
  });

  it('a cell that is not written with TF.js, or requires another module, is not run', () => {
    const plain = `export class ElmanRnn {\n  step(x: number[], h: number[]): number[] {\n    const out = x.map((v, k) => Math.tanh(v + h[k]));\n    return out;\n  }\n}\n`;
    const cells = detectCells(plain, 'typescript');
    if (cells.length) assert.match(checkTfjsCell('rnn.ts', plain, cells[0]).message, /does not use TF.js/);
    const source = fs.readFileSync(path.join(FIXTURES, 'lstm_class.js'), 'utf8').replace("require('@tensorflow/tfjs');", "require('@tensorflow/tfjs'); require('fs');");
    const result = checkTfjsCell('x.js', source, detectCells(source, 'javascript')[0], { steps: 2 });
    assert.equal(result.verdict, 'unknown');
    assert.match(result.error!.message, /may require only @tensorflow\/tfjs; this module requires "fs"/);
  });

  it('instrumentation keeps every line of the user code where it was', () => {
    const source = fs.readFileSync(path.join(FIXTURES, 'lstm_fused.ts'), 'utf8');
    const cell = detectCells(source, 'typescript')[0];
    const out = instrument(parseModule('a.ts', source), cell.gates);
    assert.equal(out.split('\n').length, source.split('\n').length);
    assert.match(out.split('\n')[19], /const f = tf\.sigmoid\(zf\);;__lstmlab_record\("f", 20, "f", f\);/);
  });

  describe("an exception in the user's code names their line (mapped back through the transpiler)", () => {
    for (const [file, pattern] of [
      ['error_throws.ts', /not finished: h from o 3,16 and c 3,16/],
      ['error_shape_mismatch.ts', /matMul|shape|inner dimensions/i],
    ] as const) {
      it(file, () => {
        const { source, result } = check(file);
        assert.equal(result.verdict, 'unknown', result.message);
        assert.ok(result.error, 'error reported');
        assert.match(result.error.message, pattern);
        assert.equal(result.error.line, bugLine(source), `${result.message}\n${result.error.traceback}`);
        assert.match(result.message, new RegExp(`raised on line ${bugLine(source)}: `));
        // The full text: the stack with the user's frame at their line.
        assert.ok(result.error.traceback?.includes(`${file}:${bugLine(source)}`), result.error.traceback);
      });
    }
  });

  describe('the one-pass tf.grad probe equals central finite differences in float64, for every reference kind', () => {
    const E = 4;
    const H = 5;
    const T = 7;
    let seed = 7;
    const rand = (a: number) => {
      seed = (seed * 16807) % 2147483647;
      return (seed / 2147483647 - 0.5) * 2 * a;
    };
    const m = (r: number, c: number, a: number) => Array.from({ length: r }, () => Array.from({ length: c }, () => rand(a)));
    const gate = (): GateWeights => ({ input: m(E, H, 0.6), recurrent: m(H, H, 0.6), bias: m(1, H, 0.3)[0]! });
    const cases: [string, ReferenceWeights][] = (['lstm', 'lstm-no-forget', 'rnn', 'gru'] as ReferenceKind[]).flatMap((kind) => {
      const gates = Object.fromEntries(WEIGHTED_GATES[kind].map((g) => [g, gate()]));
      if (kind !== 'gru') return [[kind, { kind, gates }]];
      return (['keep', 'take'] as const).flatMap((z) =>
        (['after', 'before'] as const).map((reset): [string, ReferenceWeights] => [`gru (z ${z}s, reset ${reset})`, { kind, gates, gru: { z, reset } }]),
      );
    });
    for (const [name, weights] of cases) {
      it(name, () => {
        const xs = m(T, E, 1);
        const h0 = m(1, H, 0.5)[0]!;
        const c0 = m(1, H, 0.5)[0]!;
        const norms = probeNorms(referenceTensorStep(weights), xs, h0, c0);
        const fd = finiteDifferenceNorms(
          weights,
          xs.map((x) => [x]),
          [h0],
          [c0],
        );
        norms.forEach((n, t) => assert.ok(n !== null && Math.abs(n - fd[t]!) <= 2e-3 * fd[t]! + 1e-6, `step ${t + 1}: tf.grad ${n} vs finite differences ${fd[t]}`));
      });
    }
  });
});

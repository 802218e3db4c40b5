// JS/TS styles met in the tune-js set of real code (test/fixtures/detect-real, split 'tune-js'), written
// again as an own fixture in test/fixtures/detect/styles: the expected name, range, kind and gate → lines
// are hand labels read off the fixture.
import assert from 'node:assert/strict';
import { styleCells } from './helpers/detect-styles';

describe('detectCells: JS/TS styles from the tune-js set of real code', () => {
  it('simple RNNs: a list of hidden states read one slot back (`hiddenStates[t - 1]`); products and a tanh through objects whose `forward` is one (`times.forward(W, prev_s)`, `squash.forward(z)`); a static map handed the activation (`Matrix.map(sum, this.actfunc)`) whose value is copied into the previous state; a feed-forward pass mapping the same activation is no cell', () => {
    assert.deepEqual(styleCells('rnn_js_idioms.js'), [
      { name: 'stepThrough', kind: 'rnn', range: { start: 3, end: 8 }, gates: { h: [4, 5, 6] } },
      { name: 'Layer', kind: 'rnn', range: { start: 28, end: 34 }, gates: { h: [30, 31, 32] } },
      { name: 'run', kind: 'rnn', range: { start: 36, end: 45 }, gates: { h: [39, 40, 41] } },
    ]);
  });

  // Met in fresh10 (TypeScript layers over arrays).
  it('layers over number arrays: gates named by a letter with `_a` for the activated value (`zf_a = zf.map(sigmoid)`, `r_a`), `.map(tanhFn)`, and a weight row reduced against a vector (`this.Wh[i].reduce((s, w, j) => s + w * hPrev[j], 0)`) as a product', () => {
    assert.deepEqual(styleCells('array_layers.ts', 'typescript'), [
      { name: 'TinyGru', kind: 'gru', range: { start: 10, end: 26 }, gates: { r: [18], z: [19], n: [21], h: [22] } },
      { name: 'TinyLstm', kind: 'lstm', range: { start: 28, end: 51 }, gates: { i: [38, 42], f: [37, 41], g: [39, 43], o: [40, 44], c: [45], h: [46] } },
      { name: 'TinyRnn', kind: 'rnn', range: { start: 53, end: 67 }, gates: { h: [61, 62] } },
    ]);
  });

  // Met in fresh10 (a scalar TypeScript LSTM written as two state updates).
  it('an LSTM whose gates exist only inside its state updates (`long = long * sig(…) + sig(…) * tanh(…)`, `short = tanh(long) * sig(…)`), and a prediction squashing that update written out in place; a mix of activations that keeps no state is no cell', () => {
    assert.deepEqual(styleCells('inline_gates.ts', 'typescript'), [
      { name: 'Memory', kind: 'lstm', range: { start: 5, end: 21 }, gates: { i: [12, 18], f: [12, 17], g: [12, 18], o: [12, 19], c: [16, 17, 18], h: [12, 19] } },
    ]);
  });

  it("plain-JS idioms: gates from one helper handed each gate's activation last (`layer(W, U, x, h, sigmoid)`, `…, Math.tanh)`), and a new state built by pushing activated sums into a list (`next.push(Math.tanh(sum))`, then `h = next`)", () => {
    assert.deepEqual(styleCells('helpers_and_lists.js'), [
      { name: 'HelperLstm', kind: 'lstm', range: { start: 5, end: 15 }, gates: { i: [7], f: [8], g: [10], o: [9], c: [11], h: [12] } },
      { name: 'listRnn', kind: 'rnn', range: { start: 17, end: 30 }, gates: { h: [23, 24, 25] } },
    ]);
  });

  it('gate values kept in one object literal (`const gates = { i: sigmoid(…), f: …, o: …, g: Math.tanh(…) }`) and read back by member (`gates.f * state.c`): each member is its gate', () => {
    assert.deepEqual(styleCells('object_gates.ts', 'typescript'), [
      { name: 'ObjectGates', kind: 'lstm', range: { start: 4, end: 25 }, gates: { i: [16], f: [17], g: [19], o: [18], c: [21], h: [22] } },
    ]);
  });

  it('a matrix class whose methods chain, the activation applied element by element (`this.Wx.dot(x).add(this.b).apply(Math.tanh)`): the gates are activated on their own lines, and an RNN written as one chain is found', () => {
    assert.deepEqual(styleCells('chained_matrix.ts', 'typescript'), [
      { name: 'ChainLstm', kind: 'lstm', range: { start: 13, end: 35 }, gates: { i: [28], f: [27], g: [29], o: [30], c: [31], h: [32] } },
      { name: 'ChainRnn', kind: 'rnn', range: { start: 37, end: 47 }, gates: { h: [44] } },
    ]);
  });

  it('an ES5 constructor whose prototype is one object literal of functions (`Elman.prototype = { step: function (x) {…} }`) is one cell with its methods, named by the constructor; a layer with no state read back is none', () => {
    assert.deepEqual(styleCells('prototype_literal.js'), [{ name: 'Elman', kind: 'rnn', range: { start: 2, end: 16 }, gates: { h: [11] } }]);
  });

  it('activations written as helpers local to the step (`function unitRange(v)` filling an array with a written-out sigmoid, `const bend = (v) => v.map(Math.tanh)`) are those activations where the step calls them: the update lines are not the gates', () => {
    assert.deepEqual(styleCells('local_activation_helpers.ts', 'typescript'), [
      { name: 'lstmStep', kind: 'lstm', range: { start: 5, end: 24 }, gates: { i: [14], f: [13], g: [15], o: [16], c: [20], h: [21] } },
    ]);
  });

  it('a forget-gate bias made as zeros and then set element by element in a loop (`this.bf = zeros(n); for (…) this.bf[k] = 1.0`) holds the value set last; another bias filled after it leaves it alone', () => {
    assert.deepEqual(styleCells('refilled_bias.js', 'javascript', ['name', 'forgetBias']), [
      { name: 'RefilledLstm', forgetBias: 1 },
      { name: 'ZeroBiasLstm', forgetBias: 0 },
    ]);
  });
});

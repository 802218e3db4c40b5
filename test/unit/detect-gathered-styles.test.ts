// Styles first met in the tuning code gathered in session 7 (test/fixtures/detect-real, splits 'tune-py' and
// 'tune-js', ids tg-* and tj-*), each written again as an own fixture in another style than the real file:
// the expected name, kind and gate → lines are hand labels read off the fixture.
import assert from 'node:assert/strict';
import { styleCells } from './helpers/detect-styles';

describe('detectCells: styles from the tuning code gathered in session 7', () => {
  it('activation objects keeping their result (`self.reset_act.forward(z)` then `r = self.reset_act.output`; the class computes a sigmoid or a tanh and stores it): the call and the read are the gate; a read inside the update reads the candidate computed on the line before; a dense layer object read the same way is no activation', () => {
    assert.deepEqual(styleCells('output_reads.py', 'python'), [{ name: 'KeptGru', kind: 'gru', range: { start: 19, end: 37 }, gates: { r: [27, 28], z: [29, 30], n: [31], h: [32] } }]);
  });
  it('activations under private names (`_tanh(...)`, `__hard_sigmoid(...)`): an RNN and a GRU through them', () => {
    assert.deepEqual(styleCells('underscore_activations.py', 'python'), [
      { name: 'private_helper_rnn', kind: 'rnn', range: { start: 13, end: 17 }, gates: { h: [16] } },
      { name: 'private_helper_gru', kind: 'gru', range: { start: 20, end: 24 }, gates: { r: [21], z: [22], n: [23], h: [24] } },
    ]);
  });
  it("a recurrence with no activation, Keras's documented minimal cell (`output = projected + np.dot(prev_output, self.W_rec)`): an RNN; a running average of the previous output, with no product, is none", () => {
    assert.deepEqual(styleCells('linear_output_rnn.py', 'python'), [{ name: 'LinearRecurrence', kind: 'rnn', range: { start: 4, end: 14 }, gates: { h: [12, 13] } }]);
  });
  it("activations handed in as objects and run through a method of theirs (`gateActivation.compute(...)`, WebNN's `activation0.runOp(...)`): a GRU whose gates are told apart by their names", () => {
    assert.deepEqual(styleCells('activation_run_methods.ts', 'typescript'), [{ name: 'handedInGru', kind: 'gru', range: { start: 10, end: 15 }, gates: { r: [12], z: [11], n: [13], h: [14] } }]);
  });
  it('one array holding the input, a bias unit and the hidden units side by side, its input slots written before one product over it and its hidden slots written with the activation (`self.packed[hid] = np.tanh(W @ self.packed)`): an RNN under any name; the same packing read out once, nothing written back, is none', () => {
    assert.deepEqual(styleCells('packed_state.py', 'python'), [{ name: 'PackedElman', kind: 'rnn', range: { start: 4, end: 17 }, gates: { h: [16] } }]);
  });
  it("a step function whose result its caller hands back in the place of an argument, in a loop (`memory = blend(memory, token, A, B)`; fresh13's `hidden_units = update_rnn(input_item, hidden_units)`): that parameter holds the previous state under any name, so the step is an RNN; a running total carried the same way, with no product, is none", () => {
    assert.deepEqual(styleCells('carried_through_calls.py', 'python'), [{ name: 'blend', kind: 'rnn', range: { start: 4, end: 5 }, gates: { h: [5] } }]);
    assert.deepEqual(styleCells('carried_through_calls.ts', 'typescript'), [{ name: 'advance', kind: 'rnn', range: { start: 4, end: 8 }, gates: { h: [5, 6, 7] } }]);
  });
  it('a step returning only names (`return (H, O)`, the lists it kept each hidden state and output gate in) computes nothing there: the return is not the hidden state', () => {
    assert.deepEqual(styleCells('returns_only_names.py', 'python'), [
      { name: 'unrolled_lstm', kind: 'lstm', range: { start: 8, end: 19 }, gates: { i: [12], f: [11], g: [14], o: [13], c: [15], h: [16] } },
    ]);
  });
  it("a GRU whose update gate and candidate are named but whose reset gate is not (`gamma`, Ng's 'relevance' gate): the other sigmoid the named candidate is computed through is r", () => {
    assert.deepEqual(styleCells('gru_unnamed_reset.py', 'python'), [{ name: 'relevance_gru_step', kind: 'gru', range: { start: 5, end: 11 }, gates: { r: [7], z: [8], n: [9], h: [10] } }]);
  });
});

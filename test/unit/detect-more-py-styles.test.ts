// Python styles met in this round's tuning material (splits tune-py and fresh12), each written again as an own
// fixture in test/fixtures/detect/styles in a style different from the real file: the expected name, kind, range
// and gate → lines are hand labels read off the fixture.
import assert from 'node:assert/strict';
import { styleCells } from './helpers/detect-styles';

describe('detectCells: more Python styles (dataflow rules)', () => {
  it("a state kept by an elementwise multiply call and topped up by an add call (`upper = torch.mul(upper, keep)`, then `torch.add(upper, torch.mul(admit, proposal))`; TF's `tf.math.multiply` is elementwise, not math.js's product): an LSTM under names of no role; two inputs weighted and summed with no state is no cell", () => {
    assert.deepEqual(styleCells('kept_by_multiply_call.py', 'python'), [
      { name: 'TwoTrackCell', kind: 'lstm', range: { start: 6, end: 26 }, gates: { i: [21], f: [19], g: [22], o: [24], c: [20, 23], h: [25] } },
      { name: 'ShelfCell', kind: 'lstm', range: { start: 36, end: 49 }, gates: { i: [44], f: [42], g: [45], o: [47], c: [43, 46], h: [48] } },
    ]);
  });
  it('leaky integration under any name (`self.activity = (1 - leak) * self.activity + leak * tanh(W_in @ u + W_res @ self.activity)`, an ESN step handing back `(1 - alpha) * x + alpha * tanh(... W @ x)`): an RNN; a running average of a squashed input, which the activation does not read, is no cell (nor kept over a loop)', () => {
    assert.deepEqual(styleCells('leaky_states.py', 'python'), [
      { name: 'Reservoir', kind: 'rnn', range: { start: 4, end: 15 }, gates: { h: [14] } },
      { name: 'leaky_step', kind: 'rnn', range: { start: 18, end: 20 }, gates: { h: [20] } },
    ]);
  });
  it("IndRNN written out over a layer's own weights: the state times, elementwise, a weight the layer holds (`weight = self.recurrent_weights[layer]`, `np.multiply(weight, h)`) plus a term computed from the step's input by a module of its own (`drive = self.project(xs)`): an RNN; a skip connection scaled by a held weight is no cell", () => {
    assert.deepEqual(styleCells('independent_recurrence.py', 'python'), [{ name: 'IndependentLayers', kind: 'rnn', range: { start: 4, end: 14 }, gates: { h: [13] } }]);
  });
  it("states given a default when the caller has none (`mem = np.zeros(n) if mem is None else mem`), gates under names of no role (`kg`, `wg`, `sg`) with peepholes, the candidate a tanh under a GRU's name (`u = np.tanh(...)`): a peephole LSTM", () => {
    assert.deepEqual(styleCells('defaulted_state.py', 'python'), [
      { name: 'PeepholeUnit', kind: 'lstm', range: { start: 8, end: 22 }, gates: { i: [15, 18], f: [15, 17], g: [15, 16], o: [15, 20], c: [19], h: [21] } },
    ]);
  });
  it("gates as column ranges of one activated array, sliced where they are used (`c = acts[:, H:2 * H] * c_prev + acts[:, :H] * u`, `h = np.tanh(c) * acts[:, 2 * H:3 * H]`), the candidate a tanh under a GRU's name (`u`), a state given a default when none is handed in (`mem = zeros(n) if mem is None else mem`): LSTMs, the shared activation on each gate's lines; one sigmoid array sliced in two with no state is no cell", () => {
    assert.deepEqual(styleCells('activated_columns.py', 'python'), [
      { name: 'columns_step', kind: 'lstm', range: { start: 5, end: 13 }, gates: { i: [8, 10], f: [8, 10], g: [8, 9], o: [8, 10], c: [11], h: [12] } },
      { name: 'VectorMemory', kind: 'lstm', range: { start: 16, end: 27 }, gates: { i: [22, 24], f: [22, 24], g: [22, 23], o: [22, 24], c: [25], h: [26] } },
    ]);
  });
  it("squashes the vocabulary does not know, imported under names of their own (`proposal = phi(a)` of a pre-activation, written into the state by the input gate; `y = o * psi(c)`), the forget gate coupled (`f = 1.0 - i`): an LSTM, the candidate on its own lines and not the state's", () => {
    assert.deepEqual(styleCells('unknown_squashes.py', 'python'), [
      { name: 'CoupledCell', kind: 'lstm', range: { start: 6, end: 17 }, gates: { i: [12], f: [13], g: [10, 11], o: [15], c: [14], h: [16] } },
    ]);
  });
  it('a GRU whose update gate alone is named (`update`, `u`): the value mixed in by it and its complement is the candidate, the other sigmoid the candidate is computed through is the reset gate (`mask`, `keep_x`; `self.recurrent_act` is sigmoid-like), the previous state taken out of a parameter (`h = memo.hidden`)', () => {
    assert.deepEqual(styleCells('update_named_only.py', 'python'), [
      { name: 'GatedUnit', kind: 'gru', range: { start: 6, end: 22 }, gates: { r: [16, 17, 18], z: [16, 17, 19], n: [16, 17, 20], h: [21] } },
      { name: 'ArrayGatedUnit', kind: 'gru', range: { start: 25, end: 32 }, gates: { r: [29], z: [30], n: [31], h: [32] } },
    ]);
  });
  it('look-alikes from linear algebra (gate names `R`, `z`, `u`, `r` with no activation anywhere they come from) are no GRU; a string continued over a backslash at a line end does not swallow the rest of the file (the RNN after it is found on its own line)', () => {
    assert.deepEqual(styleCells('linear_algebra_lookalikes.py', 'python'), [{ name: 'rnn_step', kind: 'rnn', range: { start: 29, end: 32 }, gates: { h: [31] } }]);
  });
  it("three gates split out of one sigmoid, the candidate squashed on its own (Graves' convention): i, f, o by their names' last words (`a_output, a_input, a_forget`) or else in that order, never a GRU's r, z, n", () => {
    assert.deepEqual(styleCells('sigmoid_three_way.py', 'python'), [
      { name: 'three_sigmoids_step', kind: 'lstm', range: { start: 6, end: 13 }, gates: { i: [8, 9, 10], f: [8, 9, 10], g: [8, 11], o: [8, 9, 10], c: [11], h: [12] } },
      { name: 'NamedLastWordCell', kind: 'lstm', range: { start: 16, end: 26 }, gates: { i: [21, 22, 23], f: [21, 22, 23], g: [21, 22, 24], o: [21, 22, 23], c: [24], h: [25] } },
    ]);
  });
  it("a backward pass in the same function as the forward one: values holding an activation's derivative (`o[t] * (1 - o[t])`, `1 - np.tanh(c[t]) ** 2`) and the state joined with the next input (`hx = np.vstack((h[t - 1], xs[t]))`) are no hidden state", () => {
    assert.deepEqual(styleCells('forward_then_backward.py', 'python'), [
      { name: 'run_and_grade', kind: 'lstm', range: { start: 8, end: 28 }, gates: { i: [14], f: [13], g: [15], o: [17], c: [16], h: [18] } },
    ]);
  });
  it('the Elman sum written as two calls of layers a base class makes (`self.read_in(x_t) + self.loop_back(state)`), the state given a default in an `if state is None:` block: an RNN; two inputs mapped by two layers and summed are no cell', () => {
    assert.deepEqual(styleCells('base_class_layers.py', 'python'), [{ name: 'ReluLoop', kind: 'rnn', range: { start: 6, end: 13 }, gates: { h: [13] } }]);
  });
  it("a gate activated twice under its own name (`shown = expit(W @ x)`, later `shown = expit(shown)`): both lines are the gate's; a sigmoid RNN reading a slice of the states it is handed (`last = hiddens[:, -1, :]`)", () => {
    assert.deepEqual(styleCells('squashed_twice.py', 'python'), [
      { name: 'TwiceSquashed', kind: 'lstm', range: { start: 5, end: 19 }, gates: { i: [11, 13], f: [12, 14], g: [10, 16], o: [9, 15], c: [17], h: [18] } },
      { name: 'squashed_step', kind: 'rnn', range: { start: 22, end: 29 }, gates: { h: [25, 26, 27, 28] } },
    ]);
  });
  it('a function computing one gate for a GRU of the file (`z = affine_squash(Wz, x, h_prev, expit)` of `def affine_squash(...): return act(...)`) is part of that cell, no RNN of its own; a step no gated cell calls is', () => {
    assert.deepEqual(styleCells('gate_helper_function.py', 'python'), [
      { name: 'gru_step', kind: 'gru', range: { start: 10, end: 14 }, gates: { r: [12], z: [11], n: [13], h: [14] } },
      { name: 'elman_step', kind: 'rnn', range: { start: 17, end: 19 }, gates: { h: [19] } },
    ]);
  });
});

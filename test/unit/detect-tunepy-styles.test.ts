// Python styles first met in engineer-gathered real code (test/fixtures/detect-real, split 'tune-py',
// and fresh10's items handed to this engineer), each written again as an own fixture in
// test/fixtures/detect/styles: the expected name, kind and gate → lines are hand labels read off the fixture.
import assert from 'node:assert/strict';
import { styleCells } from './helpers/detect-styles';

const cells = (file: string) => styleCells(file, 'python', ['name', 'kind', 'peephole', 'gates']);

describe('detectCells: Python styles from engineer-gathered real code', () => {
  it('one object per operation (`matmul.forward(W, prev_s)` of a `MatMulOp()`, `tanh.forward(...)`): an Elman step is an RNN; a GRU whose candidate is named `u` (read through the reset gate, so not the update gate) and whose new state is the last sum of the gated parts; a product with no previous state is no cell', () => {
    assert.deepEqual(cells('operation_objects.py'), [
      { name: 'ElmanStep', kind: 'rnn', peephole: undefined, gates: { h: [15, 16, 17, 18] } },
      { name: 'GatedStep', kind: 'gru', peephole: undefined, gates: { r: [28, 30], z: [27, 29], n: [33, 34], h: [35, 36, 37] } },
    ]);
  });
  it('recurrences under names of no role: a scan step whose parameter holds the previous value under the same name (`s_t` from `s_tm1`, `y` from `y_prev`); a plain variable in a loop whose new value is computed from itself through an activation (`carried = tanh(mixed)`, `mixed = dot(carried, w_carry) + values[k] * w_value`: a spelled-out weight on either side of `*` is a product); a read-out of a state is no cell', () => {
    assert.deepEqual(cells('scan_steps.py'), [
      { name: 'echo_step', kind: 'rnn', peephole: undefined, gates: { h: [7] } },
      { name: 'field_step', kind: 'rnn', peephole: undefined, gates: { h: [12] } },
      { name: 'running_state', kind: 'rnn', peephole: undefined, gates: { h: [21, 22] } },
    ]);
  });
  it('an LSTM spread over methods: gate methods with no arguments handing back their activated value by name (`f_t = self.logistic(pre); return f_t`), a candidate named with its time index (`c_t_hat`), and the hidden state in a method of its own calling the output gate inline (`h_t = self.output_gate() * np.tanh(c_t)`): one cell, each call on its gate', () => {
    assert.deepEqual(cells('gate_methods_by_name.py'), [
      { name: 'StepwiseLstm', kind: 'lstm', peephole: undefined, gates: { i: [25, 26, 42], f: [20, 21, 41], g: [30, 31, 40], o: [36, 47], c: [43], h: [47] } },
    ]);
  });
  it("gates as objects of classes imported from another module, the input gate's object handing back the gate and the candidate together (`i_val, proposal = self.input_gate.forward(xh, h_prev)`): the first value is i, the second, written into the cell with i, is the candidate", () => {
    assert.deepEqual(cells('imported_gate_objects.py'), [{ name: 'MemoryBlock', kind: 'lstm', peephole: undefined, gates: { i: [19], f: [18], g: [19], o: [20], c: [21], h: [22] } }]);
  });
  it("layers of the project's own classes (`DenseLayer(units)`, `LinearLayer(...)`) are products like `Dense`: an Elman cell over two of them is an RNN; a read-out through one is no cell", () => {
    assert.deepEqual(cells('own_dense_layers.py'), [{ name: 'ElmanCell', kind: 'rnn', peephole: undefined, gates: { h: [15] } }]);
  });
  it("each gate a dense layer made with its activation, given as a function or by name (`Dense(units, activation=tf.nn.sigmoid)`), the values under names that say little (`keep`, `admit`, `proposal`, `reveal`): an LSTM whose gates are told apart by their layers' activations; one tanh dense layer over the input joined with the previous state is an RNN", () => {
    assert.deepEqual(cells('activated_dense_gates.py'), [
      { name: 'DenseGatedCell', kind: 'lstm', peephole: undefined, gates: { i: [19], f: [17], g: [20], o: [22], c: [18, 21], h: [23] } },
      { name: 'DenseRecurrence', kind: 'rnn', peephole: undefined, gates: { h: [33] } },
    ]);
  });
  it("TF1 cells as closures over the graph's weights: an LSTM whose cell state is `state` with the candidate's tanh written inside its update (`state = forget_gate * state + input_gate * tf.tanh(proposal)`); a GRU under names of no role (`mixed = (1 - blend) * y + blend * fresh`, `fresh` computed through the other sigmoid); an additive attention scoring every slot against one fixed previous state is no cell", () => {
    assert.deepEqual(cells('closures_and_attention.py'), [
      { name: 'memory_cell', kind: 'lstm', peephole: undefined, gates: { i: [14], f: [15], g: [16, 17], o: [18], c: [17], h: [19] } },
      { name: 'gated_cell', kind: 'gru', peephole: undefined, gates: { r: [31], z: [30], n: [33], h: [34] } },
    ]);
  });
  it('an Elman step handing back its new context units by name (`c = logistic(u); return c, y`) computed from a parameter named as the previous one (`prev_context`) is an RNN; an attention energy over a previous query (`e = v @ np.tanh(...)`) is no state', () => {
    assert.deepEqual(cells('context_units.py'), [{ name: 'ContextNet', kind: 'rnn', peephole: undefined, gates: { h: [12, 13] } }]);
  });
  it('simple RNNs through a ReLU written out (`np.maximum(W @ h + U @ x, 0)`, `(h @ W + x @ U).clamp(min=0)`) or over numbers with the weights handed in (`s = math.tanh(w * s + u * x)`: a parameter times the state itself is the recurrent product); a running sum with no activation is no cell', () => {
    assert.deepEqual(cells('relu_and_scalar_forms.py'), [
      { name: 'maximum_rnn', kind: 'rnn', peephole: undefined, gates: { h: [10] } },
      { name: 'clamped_rnn', kind: 'rnn', peephole: undefined, gates: { h: [17] } },
      { name: 'number_rnn', kind: 'rnn', peephole: undefined, gates: { h: [24] } },
    ]);
  });
  it('a loop appending each new state to a list of states and reading the last one back (`h = np.tanh(W @ x + U @ states[-1])`) is an RNN; the last input read back is no state', () => {
    assert.deepEqual(cells('state_history.py'), [{ name: 'history_rnn', kind: 'rnn', peephole: undefined, gates: { h: [8] } }]);
  });
  it("gates taken by index out of one activated array (`update, reset = gates[0], gates[1]` after `gates = 1 / (1 + np.exp(-(...)))`): a GRU, the shared sigmoid on both gates' lines", () => {
    assert.deepEqual(cells('indexed_gates.py'), [{ name: 'gru_rows', kind: 'gru', peephole: undefined, gates: { r: [6, 7], z: [6, 7], n: [8], h: [9] } }]);
  });
});

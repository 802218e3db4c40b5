// Styles first met in the fourth hold-out of real code (test/fixtures/detect-real, split 'fresh3'),
// each written again as an own fixture in test/fixtures/detect/styles: the expected name, range,
// kind and gate → lines are hand labels read off the fixture.
import assert from 'node:assert/strict';
import { fixtureLanguage, styleCells } from './helpers/detect-styles';

const cells = (file: string) => styleCells(file, fixtureLanguage(file), ['name', 'kind', 'range', 'layout', 'gates']);

describe('detectCells: styles from the fourth hold-out', () => {
  it('a cell written as a function nested in another is reported under the inner name and lines; a closure named only `step` stays with the function around it', () => {
    assert.deepEqual(cells('nested.py'), [
      { name: 'lstm_update', kind: 'lstm', range: { start: 2, end: 9 }, layout: 'per-gate', gates: { i: [5], f: [4], g: [3], o: [6], c: [7], h: [8] } },
      { name: 'scan_lstm', kind: 'lstm', range: { start: 20, end: 29 }, layout: 'fused', gates: { i: [23, 24, 25], f: [23, 24, 25], g: [23, 24, 25], o: [23, 24, 26], c: [25], h: [26] } },
    ]);
  });

  it("the activated values' names beat a split's own (`i, ig, fg, og = split(z)` then `input_gate = sigmoid(ig)`: the split's i is the candidate); a cell state and hidden state mixed on by a time gate", () => {
    assert.deepEqual(cells('split_names.py'), [
      { name: 'RenamedSplitCell', kind: 'lstm', range: { start: 4, end: 15 }, layout: 'fused', gates: { i: [7, 8, 10], f: [7, 8, 11], g: [7, 8, 9], o: [7, 8, 12], c: [13], h: [14] } },
      { name: 'TimeGatedCell', kind: 'lstm', range: { start: 18, end: 32 }, layout: 'fused', gates: { i: [22, 23, 25], f: [22, 23, 26], g: [22, 23, 24], o: [22, 23, 27], c: [28, 29], h: [30, 31] } },
    ]);
  });

  it('Theano layers: gates sliced by a local helper, activated by `self.nonlinearity_*`, peepholes added before the activation (`ingate += cell_previous * W`); a GRU state named hid; an RNN applying its weight layers by get_output(self.hidden_to_hidden, h)', () => {
    assert.deepEqual(cells('theano_layers.py'), [
      {
        name: 'PeepholeLayer',
        kind: 'lstm',
        range: { start: 4, end: 26 },
        layout: 'fused',
        gates: { i: [10, 11, 15, 17], f: [10, 12, 16, 18], g: [10, 13, 19], o: [10, 14, 21, 22], c: [20], h: [23] },
      },
      { name: 'GatedLayer', kind: 'gru', range: { start: 29, end: 45 }, layout: 'fused', gates: { r: [35, 36, 38], z: [35, 37, 39], n: [35, 40, 41], h: [42] } },
      { name: 'AppliedLayerRNN', kind: 'rnn', range: { start: 48, end: 55 }, layout: 'per-gate', gates: { h: [51, 52, 53] } },
    ]);
    assert.equal(styleCells('theano_layers.py', 'python', ['peephole'])[0].peephole, true);
  });

  it('layers made with an activation (`Dense(units, activation="sigmoid")`) are activated where called: a Keras GRU of such layers, a Dense-of-Dense RNN; a linear one is not', () => {
    assert.deepEqual(cells('dense_layers.py'), [
      { name: 'DenseGatedGRU', kind: 'gru', range: { start: 4, end: 17 }, layout: 'per-gate', gates: { r: [13], z: [14], n: [15], h: [16] } },
      { name: 'StackedDenseRNN', kind: 'rnn', range: { start: 20, end: 28 }, layout: 'per-gate', gates: { h: [27] } },
    ]);
  });

  it('a function of the file returning a product over a concatenation is two products; an RNN returning np.tanh(...) unassigned; a hidden state named ht_activated from prev_memory', () => {
    assert.deepEqual(cells('helper_rnn.py'), [
      { name: 'advance', kind: 'rnn', range: { start: 10, end: 11 }, layout: 'per-gate', gates: { h: [11] } },
      { name: 'forward_step', kind: 'rnn', range: { start: 23, end: 28 }, layout: 'per-gate', gates: { h: [24, 25, 26, 27] } },
    ]);
  });

  it('a class assigned to module.exports (or exports.X) is a class; beside a bare matmul(...), multiply(...) is elementwise, so a loop that only gates its state is no cell', () => {
    assert.deepEqual(cells('exported_class.js'), [{ name: 'GatedCell', kind: 'lstm', range: { start: 3, end: 13 }, layout: 'per-gate', gates: { i: [5], f: [6], g: [7], o: [8], c: [9], h: [10] } }]);
  });
});

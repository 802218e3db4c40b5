// Styles first met in the seventh set of real code (test/fixtures/detect-real, split 'fresh6'),
// each written again as an own fixture in test/fixtures/detect/styles: the expected name, range,
// kind and gate → lines are hand labels read off the fixture.
import assert from 'node:assert/strict';
import type { DetectLanguage } from '../../src/detect';
import { styleCells } from './helpers/detect-styles';

const cells = (file: string, language: DetectLanguage = 'python') => styleCells(file, language, ['name', 'kind', 'range', 'layout', 'gates']);

describe('detectCells: styles from the seventh set of real code', () => {
  it("activations with no sigmoid/tanh call written: a module made and called at once (`Sigmoid()(z)`), functions held as attributes (`self.sigmoid_fn`), a layer's activate methods (`layer.activate_reset`, `layer.activate`): the state updates are not the gates' lines", () => {
    assert.deepEqual(cells('activation_objects.py'), [
      { name: 'ModuleCallCell', kind: 'lstm', range: { start: 5, end: 13 }, layout: 'per-gate', gates: { i: [7], f: [8], g: [9], o: [10], c: [11], h: [12] } },
      {
        name: 'InjectedActivationsCell',
        kind: 'lstm',
        range: { start: 16, end: 32 },
        layout: 'fused',
        gates: { i: [24, 25, 26], f: [24, 25, 27], g: [24, 25, 28], o: [24, 25, 29], c: [30], h: [31] },
      },
      { name: 'gru_layer_forward', kind: 'gru', range: { start: 35, end: 46 }, layout: 'per-gate', gates: { r: [39, 40], z: [41, 42], n: [43, 44], h: [45] } },
    ]);
  });
  it('a short function of the file returning a written-out sigmoid (`def _squeeze01(v): return 1 / (1 + exp(-v))`) activates where called: a GRU through it keeps its r and z off the update lines, and its sigmoid candidate is n', () => {
    assert.deepEqual(cells('helper_activation.py'), [{ name: 'SquashedGru', kind: 'gru', range: { start: 8, end: 16 }, layout: 'per-gate', gates: { r: [12], z: [13], n: [14], h: [15] } }]);
  });

  it('gates fed the previous cell state (`c_t_prev @ U`) instead of h are peepholes', () => {
    const [cell] = styleCells('cell_fed_gates.py', 'python', ['name', 'kind', 'peephole', 'gates']);
    assert.equal(cell?.name, 'CellFedLstm');
    assert.equal(cell?.kind, 'lstm');
    assert.equal(cell?.peephole, true);
    assert.deepEqual(cell?.gates, { i: [8], f: [7], g: [10], o: [9], c: [11], h: [12] });
  });
  it('a cell written at the top level of a module (`<module>`): TS gates named with a word before the gate (`stepForgetGate`), its products and sums through helpers; a TF1 RNN carrying `curr_state` round a loop', () => {
    assert.deepEqual(cells('module_level.ts', 'typescript'), [
      { name: '<module>', kind: 'lstm', range: { start: 9, end: 16 }, layout: 'per-gate', gates: { i: [11], f: [9], g: [12], o: [15], c: [10, 13, 14], h: [16] } },
    ]);
    assert.deepEqual(cells('module_level_rnn.py'), [{ name: '<module>', kind: 'rnn', range: { start: 11, end: 11 }, layout: 'per-gate', gates: { h: [11] } }]);
  });
  it('a matrix object updated by its own methods (`f.func(sigmoid)`, `this.c.scale(f); this.c.add(Matrix.scale(i, g))`) with `Matrix.product` as the product: each update belongs to its gate or state', () => {
    assert.deepEqual(cells('matrix_objects.js', 'javascript'), [
      { name: 'TinyLstm', kind: 'lstm', range: { start: 2, end: 27 }, layout: 'per-gate', gates: { i: [16, 17], f: [14, 15], g: [18, 19], o: [22, 23], c: [20, 21], h: [24] } },
    ]);
  });
  it('an RNN layer whose new state is collected into a list of hidden states (`hiddenOuts.push(fresh)`), reading a previous state taken by index out of a parameter (`lastStates[k]`)', () => {
    assert.deepEqual(cells('collected_states.ts', 'typescript'), [{ name: 'StackedReluRnn', kind: 'rnn', range: { start: 2, end: 20 }, layout: 'per-gate', gates: { h: [13, 14, 15] } }]);
  });
  it('OCRopus-style JS: vector helpers writing into their first argument (`setmulvec(this.state[t], ci, gi)`, `addmulvec(acc, w, prev)`), weights in capitals read element by element (`this.WIN[j][k] * src[k]`), activations as functions filling an array element by element; peepholes added into the pre-activations', () => {
    const [cell] = styleCells('vector_helpers.js', 'javascript', ['name', 'kind', 'peephole', 'range', 'gates']);
    assert.deepEqual(
      { name: cell?.name, kind: cell?.kind, peephole: cell?.peephole, range: cell?.range, gates: cell?.gates },
      { name: 'PeepCell', kind: 'lstm', peephole: true, range: { start: 14, end: 48 }, gates: { i: [28, 35, 38], f: [29, 36, 39], g: [31, 40], o: [30, 43, 44], c: [41, 42], h: [45] } },
    );
  });
});

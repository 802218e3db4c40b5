// Python styles first met in the eleventh set of real code (test/fixtures/detect-real, split 'fresh11'),
// each written again as an own fixture in test/fixtures/detect/styles: the expected name, kind and
// gate → lines are hand labels read off the fixture.
import assert from 'node:assert/strict';
import { styleCells } from './helpers/detect-styles';

const cells = (file: string) => styleCells(file, 'python', ['name', 'kind', 'peephole', 'gates']);

describe('detectCells: Python styles from the eleventh set of real code', () => {
  it('Python 2 indentation mixing `    def` with tab-indented bodies (a tab moves to the next multiple of 8) keeps the body in its method; a chained assignment (`new_c = new_h = act(concat)`) defines both names, and TF1 `_linear(inputs + [h], ...)` over a state split out of the parameter by keyword (`split(..., value=state)`) is an RNN', () => {
    assert.deepEqual(cells('py2_tabs_and_chains.py'), [
      { name: 'CharRnn', kind: 'rnn', peephole: undefined, gates: { h: [13] } },
      { name: 'GuttedLstmCell', kind: 'rnn', peephole: undefined, gates: { h: [23, 24] } },
    ]);
  });
  it('a bias added after the squash (`ct_hat = K.bias_add(ct_hat, b)`) belongs to the candidate named with a time index (`ct_hat`), not to c; gates squashed by a method of the cell the vocabulary lacks (`self.squash(np.dot(...))`) are activated where written, not in the updates reading them', () => {
    assert.deepEqual(cells('squash_then_bias.py'), [
      { name: 'BiasAfterSquash', kind: 'lstm', peephole: undefined, gates: { i: [9, 14], f: [8, 13], g: [10, 15], o: [11, 16], c: [17], h: [18] } },
      { name: 'OwnSquashCell', kind: 'lstm', peephole: undefined, gates: { i: [31], f: [32], g: [34], o: [33], c: [35], h: [36] } },
    ]);
  });
});

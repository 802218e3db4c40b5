// Python styles first met in the twelfth set of real code (test/fixtures/detect-real, split 'fresh12'),
// each written again as an own fixture in test/fixtures/detect/styles: the expected name, kind and
// gate → lines are hand labels read off the fixture.
import assert from 'node:assert/strict';
import { styleCells } from './helpers/detect-styles';

const cells = (file: string) => styleCells(file, 'python', ['name', 'kind', 'peephole', 'gates']);

describe('detectCells: Python styles from the twelfth set of real code', () => {
  it('a model whose previous state is read only by a recurrent layer it holds (`self.memory = MinimalGRU(...)`) is no cell; the same model computing its state itself is an RNN', () => {
    assert.deepEqual(cells('model_holding_gru.py'), [{ name: 'ElmanController', kind: 'rnn', peephole: undefined, gates: { h: [29] } }]);
  });
  it('an update gate under an LSTM name (`forget`) mixing the previous state with its complement, next to a named reset gate the candidate reads, is the GRU update z', () => {
    assert.deepEqual(cells('update_gate_misnamed.py'), [{ name: 'GatedMemory', kind: 'gru', peephole: undefined, gates: { r: [15], z: [16], n: [17], h: [18] } }]);
  });
  it('states kept in lists that grow by one element a step (`cs.append(np.add(np.multiply(cs[t], f), ...))`, `hs.append(... cs[-1] ...)`) are c and h where appended', () => {
    assert.deepEqual(cells('state_lists_appended.py'), [{ name: 'ListUnroll', kind: 'lstm', peephole: undefined, gates: { i: [14], f: [15], g: [17], o: [16], c: [18], h: [19] } }]);
  });
  it('gates through objects of the cell made with an activation as their last argument (`self.tanh4 = Gate(n, m, tanh)`, then `proposal = self.tanh4(xh)`) are activated by it: an LSTM under names of no role', () => {
    assert.deepEqual(cells('numbered_gate_objects.py'), [{ name: 'NumberedGatesLSTM', kind: 'lstm', peephole: undefined, gates: { i: [20], f: [19], g: [21], o: [22], c: [23], h: [24] } }]);
  });
});

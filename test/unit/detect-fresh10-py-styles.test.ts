// Python styles first met in the tenth set of real code (test/fixtures/detect-real, split 'fresh10'),
// each written again as an own fixture in test/fixtures/detect/styles: the expected name, kind and
// gate → lines are hand labels read off the fixture.
import assert from 'node:assert/strict';
import { styleCells } from './helpers/detect-styles';

const cells = (file: string) => styleCells(file, 'python', ['name', 'kind', 'peephole', 'gates']);

describe('detectCells: Python styles from the tenth set of real code', () => {
  it('an activation held by the object (`self.f = activation` handed in, `self.gate = T.nnet.sigmoid`) activates where called: the Theano GRU candidate is on its own line, not the update; a Theano Elman step through `self.f` is an RNN; `tanh_activation`/`sigmoid_activation` say which squash they are; a candidate through a sigmoid (`cbar`) is still the value the update writes with i', () => {
    assert.deepEqual(cells('held_activations.py'), [
      { name: 'TheanoGru', kind: 'gru', peephole: undefined, gates: { r: [12], z: [13], n: [14], h: [15] } },
      { name: 'TheanoElman', kind: 'rnn', peephole: undefined, gates: { h: [24] } },
      { name: 'step', kind: 'lstm', peephole: undefined, gates: { i: [34], f: [33], g: [36, 37], o: [35], c: [38], h: [39] } },
      { name: 'SquashedCandidate', kind: 'lstm', peephole: undefined, gates: { i: [46], f: [45], g: [48], o: [47], c: [49], h: [50] } },
    ]);
  });
  it('TF1 cells: a GRU step whose caller names what it returns `self.s` (no LSTM for it), z and r sliced out of one sigmoid and the candidate held in `h`; diagonal peepholes on the previous cell state under any name (`c_old`, what the update keeps by f); a message continued on a line starting with `%` inside brackets (no notebook magic, the class goes on); an input resized when sizes differ and inputs set side by side (`inp`) are no gate lines; an elementwise recurrent weight the cell holds (`tf.multiply(state, self._recurrent_kernel)`) makes an RNN', () => {
    assert.deepEqual(cells('tf1_cell_idioms.py'), [
      { name: 'SentimentModel', kind: 'gru', peephole: undefined, gates: { r: [15, 17], z: [15, 16], n: [18], h: [19] } },
      { name: 'DiagonalPeepholeCell', kind: 'lstm', peephole: true, gates: { i: [28], f: [27], g: [29], o: [31], c: [30], h: [32] } },
      { name: 'MixedGruCell', kind: 'gru', peephole: undefined, gates: { r: [51, 52], z: [51, 53], n: [51, 54, 55], h: [56] } },
      { name: 'ElementwiseRecurrenceCell', kind: 'rnn', peephole: undefined, gates: { h: [62, 64, 65] } },
    ]);
  });
});

// Python styles first met in the ninth set of real code (test/fixtures/detect-real, split 'fresh9'),
// each written again as an own fixture in test/fixtures/detect/styles: the expected name, kind and
// gate → lines are hand labels read off the fixture.
import assert from 'node:assert/strict';
import { styleCells } from './helpers/detect-styles';

const cells = (file: string) => styleCells(file, 'python', ['name', 'kind', 'gates']);

describe('detectCells: Python styles from the ninth set of real code', () => {
  it('a step handing its new state back under any name (`return activated, out`, `return s_next, y, cache`) through a ReLU method of its own (`self.ReLU`) or reading a parameter that holds its previous value (`s_prev` for `s_next`) is an RNN; gates handed back as they are make no cell; a list of outputs growing each step (`outputs = hstack([outputs, W @ hidden + c])`) and the input made from it are no lines of h', () => {
    assert.deepEqual(cells('returned_states.py'), [
      { name: 'ReluStep', kind: 'rnn', gates: { h: [15, 16] } },
      { name: 'elman_forward', kind: 'rnn', gates: { h: [22] } },
      { name: 'Autoregressive', kind: 'rnn', gates: { h: [39, 43] } },
    ]);
  });
  it('states unpacked from the carry of a scan step (`hs, cs = tf.unstack(prev)`, read by layer as `cs[k] * fg`) with gates named `ig`, `fg`, `og` and a bias added after the update is an LSTM; a forget gate made by a network the cell holds (`f = self.keep_net(cat((x, h)))`, no sigmoid in sight) is a forget gate', () => {
    assert.deepEqual(cells('unpacked_and_modules.py'), [
      { name: 'build', kind: 'lstm', gates: { i: [12], f: [13], g: [15], o: [14], c: [16], h: [17] } },
      { name: 'LearnedForget', kind: 'lstm', gates: { i: [38], f: [37], g: [39], o: [40], c: [41], h: [42] } },
    ]);
  });
});

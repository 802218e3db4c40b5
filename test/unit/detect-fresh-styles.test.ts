// Styles first met in the fresh hold-out of real code (test/fixtures/detect-real, split 'fresh'),
// each written again as an own fixture in test/fixtures/detect/styles: the expected kind and
// gate → lines are hand labels read off the fixture.
import assert from 'node:assert/strict';
import { detectCells } from '../../src/detect';
import { fixtureLanguage, styleCells } from './helpers/detect-styles';

const cells = (file: string) => styleCells(file, fixtureLanguage(file), ['name', 'kind', 'layout', 'optionalForgetGate', 'peephole', 'gates']);

describe('detectCells: styles from the fresh hold-out', () => {
  it('gates shared by two cells and widened by a call (the 1997 block): the widening lines belong to neither c nor h; a candidate named g beside unnamed gates', () => {
    assert.deepEqual(cells('shared_gates.py'), [
      { name: 'SharedGateBlock', kind: 'lstm-no-forget', layout: 'fused', optionalForgetGate: false, peephole: undefined, gates: { i: [6, 7], g: [6, 9], o: [6, 8], c: [12], h: [13] } },
    ]);
  });

  it("activation objects' methods (self.forget_sigmoid.forward(z), self.tanh.forward(z)); a step method keeping h in self.h", () => {
    assert.deepEqual(cells('objects.py'), [
      { name: 'ObjectLSTM', kind: 'lstm', layout: 'fused', optionalForgetGate: false, peephole: undefined, gates: { i: [3, 6], f: [3, 4], g: [3, 5], o: [3, 7], c: [8], h: [9] } },
      { name: 'ObjectRNN', kind: 'rnn', layout: 'per-gate', optionalForgetGate: false, peephole: undefined, gates: { h: [15] } },
      { name: 'StepRNN', kind: 'rnn', layout: 'per-gate', optionalForgetGate: false, peephole: undefined, gates: { h: [21] } },
    ]);
  });

  it('chainer-style links: split_axis after a reshape, the unnamed fourth output is g, peepholes through a layer of c, zoneout passing c on; layers made in a base class', () => {
    assert.deepEqual(cells('links.py'), [
      { name: 'PeepLink', kind: 'lstm', layout: 'fused', optionalForgetGate: false, peephole: true, gates: { i: [5, 7, 12], f: [5, 8, 13], g: [5, 6, 14], o: [5, 9, 16], c: [14, 15], h: [17] } },
      { name: 'StatefulLink', kind: 'gru', layout: 'per-gate', optionalForgetGate: false, peephole: undefined, gates: { r: [35], z: [33, 36, 38], n: [34, 37, 39], h: [40] } },
    ]);
  });

  it('gates through relu are activated (their uses in the updates are not their lines); a GRU candidate written only inside the update; a new state named hid; a sigmoid named g used as the output gate', () => {
    assert.deepEqual(cells('relu_tf.py'), [
      { name: 'relu_lstm_step', kind: 'lstm', layout: 'per-gate', optionalForgetGate: false, peephole: undefined, gates: { i: [4], f: [6], g: [5], o: [8], c: [7], h: [9] } },
      { name: 'relu_gru_step', kind: 'gru', layout: 'per-gate', optionalForgetGate: false, peephole: undefined, gates: { r: [15], z: [14], n: [16, 17, 18, 19], h: [16, 17, 18, 19] } },
      { name: 'KerasGRU', kind: 'gru', layout: 'per-gate', optionalForgetGate: false, peephole: undefined, gates: { r: [27], z: [26], n: [28], h: [29] } },
      { name: 'ShiftedLSTM', kind: 'lstm', layout: 'per-gate', optionalForgetGate: false, peephole: undefined, gates: { i: [36], f: [37], g: [39], o: [38], c: [40], h: [41] } },
    ]);
  });

  it("no gate named at all: the 1997 cell (s = s_prev + y_in * squash(net_c)) is 'lstm-no-forget'; a sigmoid times the previous state is the forget gate", () => {
    assert.deepEqual(cells('unnamed.py'), [
      { name: 'Cell1997', kind: 'lstm-no-forget', layout: 'per-gate', optionalForgetGate: false, peephole: undefined, gates: { i: [3, 6], g: [5, 8], o: [4, 7], c: [9], h: [10] } },
      { name: 'CellWithKeep', kind: 'lstm', layout: 'per-gate', optionalForgetGate: false, peephole: undefined, gates: { i: [16], f: [17], g: [19], o: [18], c: [20], h: [21] } },
    ]);
  });

  it('scalar JavaScript unrolled over two time steps at the top level: each step finds its own f, i, g, o', () => {
    assert.deepEqual(cells('scalar.js'), [
      { name: '<module>', kind: 'lstm', layout: 'per-gate', optionalForgetGate: false, peephole: undefined, gates: { i: [4, 10], f: [3, 9], g: [5, 11], o: [7, 13], c: [6, 12], h: [8, 14] } },
    ]);
  });

  it('a backward pass holding products of tanh(c) is not a cell update with unnamed gates', () => {
    const source = [
      'def backward(self, dh, dc_next, dW):',
      '    do = dh * np.tanh(self.c)',
      '    dc = dc_next + dh * self.o * (1 - np.tanh(self.c) ** 2)',
      '    dz = np.concatenate([do, dc])',
      '    dW += np.dot(dz, self.xh.T)',
      '    return dW',
    ].join('\n');
    assert.deepEqual(detectCells(source, 'python'), []);
  });

  it('a scalar RNN over numbers (w_x * x + w_hh * hPrev, then Math.tanh): scalar products with weights count; width * height does not', () => {
    assert.deepEqual(cells('scalar_rnn.js'), [{ name: '<module>', kind: 'rnn', layout: 'per-gate', optionalForgetGate: false, peephole: undefined, gates: { h: [5] } }]);
  });

  it('a sigmoid written out (1 / (1 + np.exp(-x))) on unnamed gates; a backward pass below the forward adds no cell-state lines', () => {
    assert.deepEqual(cells('written_sigmoid.py'), [
      { name: 'PlainLSTM', kind: 'lstm', layout: 'per-gate', optionalForgetGate: false, peephole: undefined, gates: { i: [6, 7], f: [4, 5], g: [8], o: [10, 11], c: [9], h: [12] } },
      { name: 'unrolled', kind: 'lstm', layout: 'fused', optionalForgetGate: false, peephole: undefined, gates: { i: [18, 19], f: [18, 20], g: [18, 22], o: [18, 21], c: [23], h: [24] } },
    ]);
  });
});

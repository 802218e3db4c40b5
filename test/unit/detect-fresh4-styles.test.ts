// Styles first met in the fifth set of real code (test/fixtures/detect-real, split 'fresh4'),
// each written again as an own fixture in test/fixtures/detect/styles: the expected name, range,
// kind and gate → lines are hand labels read off the fixture.
import assert from 'node:assert/strict';
import { fixtureLanguage, styleCells } from './helpers/detect-styles';

const cells = (file: string) => styleCells(file, fixtureLanguage(file), ['name', 'kind', 'range', 'layout', 'gates']);

describe('detectCells: styles from the fifth set of real code', () => {
  it('a memory kept by (1 - input gate) and read out unsquashed is a coupled mix (an attention memory), no cell; squashed (`h = o * tanh(c)`) it is an LSTM whose forget gate is 1 - i; the 1997 `c = c + i * g` has no forget gate', () => {
    assert.deepEqual(cells('coupled_memory.py'), [
      { name: 'Lstm1997', kind: 'lstm-no-forget', range: { start: 18, end: 25 }, layout: 'per-gate', gates: { i: [20], g: [21], o: [22], c: [23], h: [24] } },
      { name: 'CoupledGateLstm', kind: 'lstm', range: { start: 28, end: 35 }, layout: 'per-gate', gates: { i: [30], g: [31], o: [32], c: [33], h: [34] } },
    ]);
  });

  it("a GRU returning its new state by name maps the update, not the return; a candidate held in the state's name before the update that mixes it with z is n", () => {
    assert.deepEqual(cells('gru_state_names.py'), [
      { name: 'ScanGru', kind: 'gru', range: { start: 5, end: 11 }, layout: 'per-gate', gates: { r: [8], z: [7], n: [9], h: [10] } },
      { name: 'JaxGru', kind: 'gru', range: { start: 14, end: 21 }, layout: 'per-gate', gates: { r: [17], z: [18], n: [19], h: [20] } },
    ]);
  });

  it('an RNN whose previous state is taken as it is out of a parameter (`(h,) = state`, `h = carry[0]`) is a cell; a hidden layer of a feed-forward net is not', () => {
    assert.deepEqual(cells('state_unpacked.py'), [
      { name: 'UnpackedElman', kind: 'rnn', range: { start: 4, end: 8 }, layout: 'per-gate', gates: { h: [7] } },
      { name: 'IndexedElman', kind: 'rnn', range: { start: 11, end: 15 }, layout: 'per-gate', gates: { h: [14] } },
    ]);
  });

  it('gates kept in numbered slots of one array (`acts[0, t] = sigmoid(...)`, read back as `acts[1, t] * c[t]`) are values of their own: three sigmoids and a tanh feeding c', () => {
    assert.deepEqual(cells('numbered_slots.py'), [
      { name: 'slotted_lstm', kind: 'lstm', range: { start: 4, end: 16 }, layout: 'per-gate', gates: { i: [10], f: [11], g: [12], o: [13], c: [14], h: [15] } },
    ]);
  });
});

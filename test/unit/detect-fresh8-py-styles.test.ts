// Python styles first met in the eighth set of real code (test/fixtures/detect-real, split 'fresh8'),
// each written again as an own fixture in test/fixtures/detect/styles: the expected name, kind and
// gate → lines are hand labels read off the fixture.
import assert from 'node:assert/strict';
import { styleCells } from './helpers/detect-styles';

const cells = (file: string) => styleCells(file, 'python', ['name', 'kind', 'peephole', 'gates']);

describe('detectCells: Python styles from the eighth set of real code', () => {
  it('states spelled out (`next_cell`, `next_hidden`, `outputs`), the cell update in two statements (`next_cell = sigmoid(f) * state.cell; next_cell += ...`: no peephole), `fully_connected` products, activations handed in (`self._activation`, `act_fn`); the MXNet candidate `in_transform` through an activation of no named kind; the hidden state as the first of the values returned (`return o * c.tanh(), c`); an activation object called by its forward method (`self.activation.forward(...)`) activates the candidate on its own line', () => {
    assert.deepEqual(cells('spelled_out_states.py'), [
      { name: 'peephole_free_step', kind: 'lstm', peephole: undefined, gates: { i: [7, 8, 10], f: [7, 8, 9], g: [7, 8, 10], o: [7, 8, 11], c: [9, 10], h: [11] } },
      { name: 'PlainRecurrence', kind: 'rnn', peephole: undefined, gates: { h: [22] } },
      { name: 'ConnectedRecurrence', kind: 'rnn', peephole: undefined, gates: { h: [28, 29, 30] } },
      { name: 'unrolled_steps', kind: 'rnn', peephole: undefined, gates: { h: [37] } },
      { name: 'TransformLstm', kind: 'lstm', peephole: undefined, gates: { i: [45, 46, 47], f: [45, 46, 48], g: [45, 46, 49], o: [45, 46, 50], c: [51], h: [52] } },
      { name: 'ChainedLstm', kind: 'lstm', peephole: undefined, gates: { i: [58, 59, 60], f: [58, 59, 60], g: [58, 59, 60], o: [58, 59, 60], c: [61], h: [62] } },
      { name: 'ObjectActGru', kind: 'gru', peephole: undefined, gates: { r: [68], z: [68], n: [69], h: [70] } },
    ]);
  });
  it('an output array whose slot `Y[t]` is an activation of what reads the slot before it (`Y[t - 1]`) is an RNN under any name; a free step named `..._back` is a backward pass, never a cell', () => {
    assert.deepEqual(cells('slots_and_back_steps.py'), [
      { name: 'SlotRecurrence', kind: 'rnn', peephole: undefined, gates: { h: [10] } },
      { name: 'gru_step', kind: 'gru', peephole: undefined, gates: { r: [15], z: [15], n: [16], h: [17] } },
    ]);
  });
  it('a min-char-rnn style GRU whose gates are arrays named by plurals (`rs[t]`, `zs[t]`) is a GRU with its gates on their own lines; a slot allocated after the loop (`zs[n] = np.zeros_like(zs[0])`) computes no gate', () => {
    assert.deepEqual(cells('plural_gate_arrays.py'), [{ name: 'CharGru', kind: 'gru', peephole: undefined, gates: { r: [12], z: [13], n: [14], h: [15] } }]);
  });
  it('a layer factory holding two named step functions (a sampler and a scorer) reports a cell for each step, not one for the factory', () => {
    assert.deepEqual(cells('factory_steps.py'), [
      { name: 'draw_step', kind: 'gru', peephole: undefined, gates: { r: [14], z: [15], n: [16], h: [17] } },
      { name: 'score_step', kind: 'gru', peephole: undefined, gates: { r: [24], z: [25], n: [26], h: [27] } },
    ]);
  });
  it('products handed back as a pair by a short method of a base class (`return from_x, from_h`, each a `convolution`) feed an RNN that unpacks them', () => {
    assert.deepEqual(cells('base_products.py'), [{ name: 'TinyConvRnn', kind: 'rnn', peephole: undefined, gates: { h: [14, 15] } }]);
  });
  it('activations written in place into slices of one product (`p[:, :n] = tanh(p[:, :n]); p[:, n:] = sigmoid(p[:, n:])`) and read back by slice: the candidate slice comes from the tanh write (with the product), the gates from the sigmoid write; an output array named like the gate (`O[t] = Ca[t] * o[t]`) is h, not o', () => {
    assert.deepEqual(cells('in_place_slices.py'), [
      { name: 'SliceActivatedLstm', kind: 'lstm', peephole: undefined, gates: { i: [15, 18], f: [15, 17], g: [13, 14, 16], o: [15, 19], c: [20], h: [22] } },
    ]);
  });
});

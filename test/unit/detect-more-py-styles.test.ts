// Python styles met in this round's tuning material (splits tune-py and fresh12), each written again as an own
// fixture in test/fixtures/detect/styles in a style different from the real file: the expected name, kind, range
// and gate → lines are hand labels read off the fixture.
import assert from 'node:assert/strict';
import { styleCells } from './detect-style-cells';

describe('detectCells: more Python styles (dataflow rules)', () => {
  it("a state kept by an elementwise multiply call and topped up by an add call (`upper = torch.mul(upper, keep)`, then `torch.add(upper, torch.mul(admit, proposal))`; TF's `tf.math.multiply` is elementwise, not math.js's product): an LSTM under names of no role; two inputs weighted and summed with no state is no cell", () => {
    assert.deepEqual(styleCells('kept_by_multiply_call.py', 'python'), [
      { name: 'TwoTrackCell', kind: 'lstm', range: { start: 6, end: 26 }, gates: { i: [21], f: [19], g: [22], o: [24], c: [20, 23], h: [25] } },
      { name: 'ShelfCell', kind: 'lstm', range: { start: 36, end: 49 }, gates: { i: [44], f: [42], g: [45], o: [47], c: [43, 46], h: [48] } },
    ]);
  });
  it('leaky integration under any name (`self.activity = (1 - leak) * self.activity + leak * tanh(W_in @ u + W_res @ self.activity)`, an ESN step handing back `(1 - alpha) * x + alpha * tanh(... W @ x)`): an RNN; a running average of a squashed input, which the activation does not read, is no cell', () => {
    assert.deepEqual(styleCells('leaky_states.py', 'python'), [
      { name: 'Reservoir', kind: 'rnn', range: { start: 4, end: 15 }, gates: { h: [14] } },
      { name: 'leaky_step', kind: 'rnn', range: { start: 18, end: 20 }, gates: { h: [20] } },
    ]);
  });
});

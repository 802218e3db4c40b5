// JS/TS styles first met in the fresh9 set of real code (test/fixtures/detect-real, split 'fresh9'),
// written again as an own fixture in test/fixtures/detect/styles: the expected name, range, kind and
// gate → lines are hand labels read off the fixture.
import assert from 'node:assert/strict';
import { styleCells } from './helpers/detect-styles';

describe('detectCells: JS/TS styles from the fresh9 set of real code', () => {
  it('a scalar RNN step nested in a factory keeps its state in the factory (`let state` outside, `state = tanh(wx * input + W_rec * state)` inside) and is named by the step; a negated copy of z under another name is a use of z, not z', () => {
    assert.deepEqual(styleCells('closure_state.js'), [
      { name: 'advance', kind: 'rnn', range: { start: 8, end: 11 }, gates: { h: [9] } },
      { name: 'gruStep', kind: 'gru', range: { start: 21, end: 29 }, gates: { r: [22], z: [23], n: [24], h: [27] } },
    ]);
  });
});

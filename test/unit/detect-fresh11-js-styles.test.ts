// JS/TS styles first met in the fresh11 set of real code (test/fixtures/detect-real, split 'fresh11'),
// written again as an own fixture in test/fixtures/detect/styles: the expected name, range, kind and
// gate → lines are hand labels read off the fixture.
import assert from 'node:assert/strict';
import { styleCells } from './helpers/detect-styles';

describe('detectCells: JS/TS styles from the fresh11 set of real code', () => {
  it("a state updated in place by a matrix library (`this.state.dot(W)`, `.map(this.activation.function)`); a one-unit recurrence along a row of a 2-D array whose weights have any names (`out[0][t + 1]` from `k2 * out[0][t]`); a GRU storing z into an array it hands back (that store is no line of h); a scalar GRU over one-row matrices (`z[0][j]` is z; the state is the next slot `out[0][j + 1]` mixing z with the current one); that GRU trained in place between two copies of the step, its sums in `h1`, `h2`: learning steps (`bz = bz - rate * …`) are no part of the state, and the second copy's sigmoid z stays z", () => {
    assert.deepEqual(styleCells('inplace_and_slots.js'), [
      { name: 'Recurrent', kind: 'rnn', range: { start: 4, end: 11 }, gates: { h: [6, 7, 8] } },
      { name: 'unroll', kind: 'rnn', range: { start: 13, end: 21 }, gates: { h: [18] } },
      { name: 'flatGru', kind: 'gru', range: { start: 23, end: 39 }, gates: { r: [28], z: [27], n: [33], h: [35] } },
      { name: 'rowGru', kind: 'gru', range: { start: 42, end: 52 }, gates: { r: [47], z: [45], n: [49], h: [50] } },
      { name: 'trainedRowGru', kind: 'gru', range: { start: 57, end: 79 }, gates: { r: [62, 75], z: [60, 73], n: [63, 76], h: [64, 77] } },
    ]);
  });

  it('a state taken out of the cell it is handed by destructuring (`const { h, wx, wh, b } = cell`) is the previous state', () => {
    assert.deepEqual(styleCells('destructured_state.ts', 'typescript'), [{ name: 'stepCell', kind: 'rnn', range: { start: 9, end: 13 }, gates: { h: [11] } }]);
  });

  it('a new state handed back under the key of the state it was computed from (`return { ...cell, memory: next }`, `state: { memory: fresh }` with `params.state.memory` read) is h under any local name; an update with no activation, or a key read from weights, is no cell', () => {
    assert.deepEqual(styleCells('keyed_return.js'), [
      { name: 'advance', kind: 'rnn', range: { start: 3, end: 8 }, gates: { h: [6] } },
      { name: 'machine.tick', kind: 'rnn', range: { start: 10, end: 16 }, gates: { h: [14] } },
    ]);
  });
});

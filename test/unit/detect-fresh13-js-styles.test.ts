// JS/TS styles first met in the fresh13 set of real code (test/fixtures/detect-real, split 'fresh13'),
// written again as an own fixture in test/fixtures/detect/styles: the expected name, range, kind and
// gate → lines are hand labels read off the fixture.
import assert from 'node:assert/strict';
import { styleCells } from './helpers/detect-styles';

describe('detectCells: JS/TS styles from the fresh13 set of real code', () => {
  it('one step method computing an LSTM, a GRU or an RNN behind an if / else if / else chain is a cell per branch, in source order, each with its own lines', () => {
    assert.deepEqual(styleCells('switched_kinds.ts', 'typescript').slice(0, 3), [
      { name: 'SwitchableCell', kind: 'lstm', range: { start: 17, end: 46 }, gates: { i: [27, 28], f: [27, 29], g: [27, 30], o: [27, 31], c: [32], h: [33] } },
      { name: 'SwitchableCell', kind: 'gru', range: { start: 17, end: 46 }, gates: { r: [37], z: [36], n: [38], h: [39] } },
      { name: 'SwitchableCell', kind: 'rnn', range: { start: 17, end: 46 }, gates: { h: [42] } },
    ]);
  });

  it('an if/else that only picks the previous state (`if (t === 0) hPrev = h0; else hPrev = hs[t - 1]`) leaves one cell', () => {
    assert.deepEqual(styleCells('switched_kinds.ts', 'typescript').slice(3), [
      { name: 'lstmOverTime', kind: 'lstm', range: { start: 48, end: 66 }, gates: { i: [59, 60], f: [59, 61], g: [59, 63], o: [59, 62], c: [63], h: [64] } },
    ]);
  });
});

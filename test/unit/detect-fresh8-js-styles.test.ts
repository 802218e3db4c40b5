// JS/TS styles first met in the fresh8 set of real code (test/fixtures/detect-real, split 'fresh8'),
// written again as an own fixture in test/fixtures/detect/styles: the expected name, range, kind and
// gate → lines are hand labels read off the fixture.
import assert from 'node:assert/strict';
import { styleCells } from './helpers/detect-styles';

const cells = (file: string) => styleCells(file, 'typescript', ['name', 'kind', 'range', 'gates']);

describe('detectCells: JS/TS styles from the fresh8 set of real code', () => {
  it('scalar cells in while loops: an approximated tanh (`approxTanh`) is the candidate; a gate stored into an array and read back (`zKeep[j] = z; z = zKeep[j]`) is no line of h; a weight element held in a local (`w = this.Whh.data[...]; total += w * hv`) is a product with a weight; a mean over plain values is no cell; a step from `prev` to `next` with weight elements written inline (`this.Wh.data[j * n + k] * prev[k]`) is an RNN', () => {
    assert.deepEqual(cells('while_loop_scalars.ts'), [
      { name: 'LoopGru', kind: 'gru', range: { start: 4, end: 44 }, gates: { r: [29], z: [17], n: [30], h: [38] } },
      { name: 'LoopElman', kind: 'rnn', range: { start: 46, end: 70 }, gates: { h: [65] } },
      { name: 'PrevStep', kind: 'rnn', range: { start: 83, end: 94 }, gates: { h: [90] } },
    ]);
  });
});

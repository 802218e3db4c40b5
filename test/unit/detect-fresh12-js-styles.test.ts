// JS/TS styles first met in the fresh12 set of real code (test/fixtures/detect-real, split 'fresh12'),
// written again as an own fixture in test/fixtures/detect/styles: the expected name, range, kind and
// gate → lines are hand labels read off the fixture.
import assert from 'node:assert/strict';
import { styleCells } from './helpers/detect-styles';

describe('detectCells: JS/TS styles from the fresh12 set of real code', () => {
  it('products through a helper named for a matrix-vector product (`this.multiplyMatrixVector(W, h)`) feed a simple RNN; the same helper with no state read back is no cell', () => {
    assert.deepEqual(styleCells('matrix_vector_helpers.ts', 'typescript').slice(0, 1), [{ name: 'ArrayRnn', kind: 'rnn', range: { start: 2, end: 23 }, gates: { h: [11, 12, 13, 14] } }]);
  });

  it('an activation chosen by if/else (`if (useTanh) out = tanh(out); else out = relu(out);`): the else branch reads the sum made before the `if`, so both branches are lines of h', () => {
    assert.deepEqual(styleCells('matrix_vector_helpers.ts', 'typescript').slice(1), [{ name: 'switchedStep', kind: 'rnn', range: { start: 36, end: 45 }, gates: { h: [37, 38, 40, 42] } }]);
  });

  it('a fused pre-activation cut into four by a helper of the file (`const [a, b, u, v] = quarters(z, n)`) is split in PyTorch order, and each part activated under a name of its own keeps its gate', () => {
    assert.deepEqual(styleCells('split_by_helper.ts', 'typescript'), [
      { name: 'stepLstm', kind: 'lstm', range: { start: 9, end: 19 }, gates: { i: [10, 11, 12], f: [10, 11, 13], g: [10, 11, 14], o: [10, 11, 15], c: [16], h: [17] } },
    ]);
  });

  it("a class's own methods mapping an activation over the elements (`v.map((e) => Math.tanh(e))`) are that activation where called as `this.bend(…)`: the candidate is g, not a line of the cell update", () => {
    assert.deepEqual(styleCells('matrix_setters.ts', 'typescript').slice(1), [
      { name: 'MemoryUnit', kind: 'lstm', range: { start: 44, end: 64 }, gates: { i: [56], f: [57], g: [58], o: [59], c: [60], h: [61] } },
    ]);
  });

  it("a new state written element by element through a matrix's setter (`next.set(0, k, keep * state.get(0, k) + (1 - keep) * cand.get(0, k))`) is the GRU's h", () => {
    assert.deepEqual(styleCells('matrix_setters.ts', 'typescript').slice(0, 1), [{ name: 'GatedUnit', kind: 'gru', range: { start: 14, end: 42 }, gates: { r: [33], z: [32], n: [34], h: [38] } }]);
  });

  it('object-literal members holding a function (`elman: function (W, U) {`, `jordan: (W, U) => {`) are named `owner.member`; the step closure they hand back (`return function step(prev, x) {`, anonymous or not) is a function of its own, reading its own parameters', () => {
    assert.deepEqual(styleCells('member_closures.js'), [
      { name: 'units.elman', kind: 'rnn', range: { start: 2, end: 7 }, gates: { h: [5] } },
      { name: 'units.jordan', kind: 'rnn', range: { start: 2, end: 12 }, gates: { h: [10] } },
    ]);
  });

  it('layers made as a sequence of a linear layer and an activation (`G.sequence([G.linear(n, m), G.sigmoid])`) are that activation of a product where called (`zNet.eval(joined)`); graph operations applied by `.eval` are the operations; members holding a function are named `owner.member`', () => {
    assert.deepEqual(styleCells('function_members.js'), [
      { name: 'cells.elman', kind: 'rnn', range: { start: 3, end: 10 }, gates: { h: [8] } },
      { name: 'cells.gated', kind: 'gru', range: { start: 3, end: 23 }, gates: { r: [19], z: [18], n: [20], h: [21] } },
    ]);
  });
});

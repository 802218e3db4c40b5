// JS/TS styles first met in the sixth set of real code (test/fixtures/detect-real, split 'fresh5'),
// each written again as an own fixture in test/fixtures/detect/styles: the expected name, range,
// kind and gate → lines are hand labels read off the fixture.
import assert from 'node:assert/strict';
import { styleCells } from './helpers/detect-styles';

// `peephole` is compared only where it is set.
const cells = (file: string) =>
  styleCells(file, file.endsWith('.ts') ? 'typescript' : 'javascript', ['name', 'kind', 'range', 'layout', 'gates', 'peephole']).map(({ peephole, ...cell }) => ({
    ...cell,
    ...(peephole ? { peephole } : {}),
  }));

describe('detectCells: JS/TS styles from the sixth set of real code', () => {
  it('a forward pass returning an object of its arrays maps no return line; a backProp method reading the gates (err.o, err.c) maps nothing and makes no peephole; `const a = [], c = []` declares two names', () => {
    assert.deepEqual(cells('forward_backward.js'), [
      { name: 'PeepholeFreeLstm', kind: 'lstm', range: { start: 3, end: 42 }, layout: 'per-gate', gates: { i: [15], f: [16], g: [14], o: [17], c: [18], h: [19] } },
      { name: 'scalarGru', kind: 'gru', range: { start: 44, end: 53 }, layout: 'per-gate', gates: { r: [48], z: [47], n: [49], h: [50] } },
    ]);
  });

  it('a step written as an inner function of a factory is reported under its own name; a library call writing into a state passed last (`vec.sum(a, b, cOut)`) computes that state', () => {
    assert.deepEqual(cells('factory_out_buffers.js'), [
      { name: 'cellStep', kind: 'lstm', range: { start: 7, end: 16 }, layout: 'per-gate', gates: { i: [9], f: [10], g: [12], o: [11], c: [13], h: [14] } },
    ]);
  });

  it('RNNs over number arrays with index loops: sums of elements times a weight matrix on either side (`h[m] * this.w.hidHid[m][k]`), and an array whose next slot is computed from its current one (`act[t + 1] = tanh(wa * x[t] + wr * act[t])`); a dense layer and a running squash without weights are no cells', () => {
    assert.deepEqual(cells('loop_rnns.ts'), [
      { name: 'LoopElman', kind: 'rnn', range: { start: 3, end: 29 }, layout: 'per-gate', gates: { h: [19, 22, 24] } },
      { name: 'scalarChain', kind: 'rnn', range: { start: 45, end: 53 }, layout: 'per-gate', gates: { h: [50] } },
    ]);
  });

  it('an ES5 class (a constructor and `Net.prototype.step = function`) is one cell named by its constructor, spanning both; vector activations (`vm.sigmoidVec`, `vm.tanhVec`) are activations', () => {
    assert.deepEqual(cells('es5_prototype.js'), [
      { name: 'TinyLstm', kind: 'lstm', range: { start: 3, end: 28 }, layout: 'fused', gates: { i: [20, 21], f: [20, 22], g: [20, 23], o: [20, 24], c: [25], h: [26] } },
    ]);
  });

  it('an activation passed by name to a composition (`pipe(math.multiply, plus(b), math.tanh)(W, [x, hPrev])`) is applied there: an Elman step; a composition without one is no cell', () => {
    assert.deepEqual(cells('composed.js'), [{ name: 'elmanStep', kind: 'rnn', range: { start: 4, end: 12 }, layout: 'per-gate', gates: { h: [6, 7, 8, 9, 10] } }]);
  });

  it('gates built in a `for (k < 4)` loop into slots of one array (`if (k < 3)` a sigmoid, else a tanh, named by an argument) and read back as `acts[0]`…`acts[3]`: each slot is a gate, told apart by what the state update multiplies it with', () => {
    assert.deepEqual(cells('loop_gates.js'), [
      { name: 'LoopGateLstm', kind: 'lstm', range: { start: 4, end: 32 }, layout: 'fused', gates: { i: [16, 18], f: [16, 18], g: [16, 20], o: [16, 18], c: [23, 24, 25], h: [27] } },
    ]);
  });

  it("a matrix helper class's RNN: `x.multiply(this.U.T)` is a product with a weight, a call told its activation by its last argument (`act(v, 'Tanh')`) applies it, and `st`/`lastSt` are the state and the previous one", () => {
    assert.deepEqual(cells('matrix_helper.ts'), [{ name: 'CharRnn', kind: 'rnn', range: { start: 10, end: 31 }, layout: 'per-gate', gates: { h: [22, 23] } }]);
  });
});

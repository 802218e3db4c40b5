// Cells written the ways real projects write them (own fixtures in test/fixtures/detect/styles,
// each in one style): the expected kind and gate → lines are hand labels read off the fixture.
import assert from 'node:assert/strict';
import { fixtureLanguage, styleCells } from './helpers/detect-styles';

const cells = (file: string) => styleCells(file, fixtureLanguage(file), ['name', 'kind', 'layout', 'peephole', 'gates']);

describe('detectCells: styles from real projects', () => {
  it('in-place activations (i_t.sigmoid_()), the candidate held in c_t before the state update', () => {
    assert.deepEqual(cells('inplace.py'), [{ name: 'lstm_inplace', kind: 'lstm', layout: 'per-gate', peephole: undefined, gates: { i: [2, 6], f: [3, 7], g: [5, 9], o: [4, 8], c: [10], h: [11] } }]);
  });

  it('attribute targets (self.state.g, a state named s) and string keys (state["c"])', () => {
    assert.deepEqual(cells('attrs.py'), [
      { name: 'Node', kind: 'lstm', layout: 'per-gate', peephole: undefined, gates: { i: [5], f: [6], g: [4], o: [7], c: [8], h: [9] } },
      { name: 'dict_step', kind: 'lstm', layout: 'per-gate', peephole: undefined, gates: { i: [13], f: [14], g: [15], o: [16], c: [17], h: [18] } },
    ]);
  });

  it('gates only inline in the updates (TF1 i, j, f, o with peepholes): m is h, the cell is a peephole LSTM', () => {
    assert.deepEqual(cells('inline.py'), [{ name: 'peephole_step', kind: 'lstm', layout: 'fused', peephole: true, gates: { i: [2, 3, 4], f: [2, 3, 4], g: [2, 3, 4], o: [2, 3, 5], c: [4], h: [5] } }]);
  });

  it('gate maths spread over methods: per-gate helper methods; a helper returning c, o after z0..z3 = z; a wrapper looping a cell is no cell', () => {
    assert.deepEqual(cells('methods.py'), [
      { name: 'GatedCell', kind: 'lstm', layout: 'per-gate', peephole: undefined, gates: { i: [3, 16], f: [6, 17], g: [12, 19], o: [9, 18], c: [20], h: [21] } },
      { name: 'FusedCell', kind: 'lstm', layout: 'fused', peephole: undefined, gates: { i: [27, 28], f: [27, 29], g: [27, 30], o: [27, 31], c: [30], h: [39] } },
    ]);
  });

  it('one sigmoid over a slice of three gates, then a slice per gate', () => {
    assert.deepEqual(cells('slices.py'), [{ name: 'fused_step', kind: 'lstm', layout: 'fused', peephole: undefined, gates: { i: [3, 4, 5], f: [3, 4, 6], g: [3, 8], o: [3, 4, 7], c: [9], h: [10] } }]);
  });

  it('Flax: a step function scanned by jax.lax.scan, local Dense layers, a forget gate named only by its split output and key', () => {
    assert.deepEqual(cells('flax.py'), [{ name: 'FlaxLSTM', kind: 'lstm', layout: 'fused', peephole: undefined, gates: { i: [10, 11], f: [10, 12], g: [10, 13], o: [10, 14], c: [15], h: [16] } }]);
  });

  it('recurrentjs graph builder: G.mul products, the cell update through keep/add mixers; a ReLU RNN tick', () => {
    assert.deepEqual(cells('graph.js'), [
      { name: 'lstmTick', kind: 'lstm', layout: 'per-gate', peephole: undefined, gates: { i: [2], f: [3], g: [5], o: [4], c: [6, 7, 8], h: [9] } },
      { name: 'rnnTick', kind: 'rnn', layout: 'per-gate', peephole: undefined, gates: { h: [14, 15, 16] } },
    ]);
  });

  it('brain.js-style equation builders: a ReLU RNN getEquation and a GRU whose candidate is called cell', () => {
    assert.deepEqual(cells('equation.ts'), [
      { name: 'EquationRNN', kind: 'rnn', layout: 'per-gate', peephole: undefined, gates: { h: [6] } },
      { name: 'gruEquation', kind: 'gru', layout: 'per-gate', peephole: undefined, gates: { r: [13], z: [12], n: [14], h: [15] } },
    ]);
  });

  it('numpy: several activations on one line; the backward pass beside the forward is never mapped', () => {
    const found = cells('numpy_bwd.py');
    assert.deepEqual(found, [{ name: 'NumpyLSTM', kind: 'lstm', layout: 'fused', peephole: undefined, gates: { i: [3, 4], f: [3, 4], g: [3, 5], o: [3, 4], c: [6], h: [7] } }]);
    const backward = Object.values(found[0].gates)
      .flat()
      .filter((line) => line >= 11);
    assert.deepEqual(backward, []);
  });

  it("the 1997 LSTM is 'lstm-no-forget'; a forget gate named keep makes an 'lstm'", () => {
    assert.deepEqual(cells('forget.py'), [
      { name: 'lstm97', kind: 'lstm-no-forget', layout: 'per-gate', peephole: undefined, gates: { i: [2], g: [3], o: [4], c: [5], h: [6] } },
      { name: 'lstm_keep', kind: 'lstm', layout: 'per-gate', peephole: undefined, gates: { i: [11], f: [12], g: [13], o: [14], c: [15], h: [16] } },
    ]);
  });

  it('GRUs in both z conventions: (1 - z) * n + z * h and u * h_tilde + (1 - u) * h', () => {
    assert.deepEqual(cells('gru.py'), [
      { name: 'gru_a', kind: 'gru', layout: 'per-gate', peephole: undefined, gates: { r: [3], z: [2], n: [4], h: [5] } },
      { name: 'gru_b', kind: 'gru', layout: 'per-gate', peephole: undefined, gates: { r: [11], z: [10], n: [12], h: [13] } },
    ]);
  });

  it('a tab-indented class with a docstring, gates assigned into slices of attributes (self.f[:, t] = sigmoid(...))', () => {
    assert.deepEqual(cells('tabs.py'), [{ name: 'SliceLSTM', kind: 'lstm', layout: 'per-gate', peephole: undefined, gates: { i: [8], f: [7], g: [9], o: [11], c: [10], h: [12] } }]);
  });

  it('a split written in both branches of an if (a five-way chunk with a highway gate, else four): both belong to each gate', () => {
    assert.deepEqual(cells('branches.py'), [
      { name: 'highway_step', kind: 'lstm', layout: 'fused', peephole: undefined, gates: { i: [2, 4, 7, 8], f: [2, 4, 7, 9], g: [2, 4, 7, 10], o: [2, 4, 7, 11], c: [12], h: [13] } },
    ]);
  });
});

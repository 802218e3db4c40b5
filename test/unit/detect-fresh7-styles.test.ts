// Styles first met in the seventh set of real code (test/fixtures/detect-real, split 'fresh7'),
// each written again as an own fixture in test/fixtures/detect/styles: the expected name, range,
// kind and gate → lines are hand labels read off the fixture.
import assert from 'node:assert/strict';
import { fixtureLanguage, styleCells } from './helpers/detect-styles';

const cells = (file: string) => styleCells(file, fixtureLanguage(file), ['name', 'kind', 'range', 'layout', 'gates']);

describe('detectCells: styles from the seventh set of real code', () => {
  it('gates held as objects of their own classes (`self.input_gate = SigmoidGate(...)`, imported `ResetUnit`) are one cell named after the class holding them; the gate classes are no cells', () => {
    assert.deepEqual(cells('gate_objects.py'), [
      {
        name: 'ComposedLstm',
        kind: 'lstm',
        range: { start: 24, end: 39 },
        layout: 'per-gate',
        // TanhNode serves only the candidate: its return line (21) computes g.
        gates: { i: [34], f: [33], g: [21, 35], o: [36], c: [37], h: [38] },
      },
      { name: 'ComposedGru', kind: 'gru', range: { start: 42, end: 53 }, layout: 'per-gate', gates: { r: [50], z: [51], n: [52], h: [53] } },
    ]);
  });

  it("per-gate pre-activations normalised together (concatenated, normalised, sliced back) belong to their own gate only: `a_z` is not the reset gate's", () => {
    assert.deepEqual(cells('normed_preacts.py'), [
      // The concatenation and its normalisation (15, 16) feed r and z alike: a fused line.
      { name: 'NormedGru', kind: 'gru', range: { start: 9, end: 22 }, layout: 'fused', gates: { r: [13, 15, 16, 18, 20], z: [12, 15, 16, 17, 19], n: [14, 21], h: [22] } },
    ]);
  });

  it('a layer writing its RNN step once per direction and copying h into an output slot is an RNN, not a cell state fed by two gates; a previous state named hidden_tensor; a cell state copied out (`last_memory[0] = running`) is no update of it', () => {
    assert.deepEqual(cells('layer_loops.py'), [
      { name: 'TwoWayTanhLayer', kind: 'rnn', range: { start: 5, end: 17 }, layout: 'per-gate', gates: { h: [11, 15] } },
      { name: 'ElmanStep', kind: 'rnn', range: { start: 20, end: 25 }, layout: 'per-gate', gates: { h: [23, 24] } },
      {
        name: 'CopyingLstmLayer',
        kind: 'lstm',
        range: { start: 28, end: 41 },
        layout: 'fused',
        gates: { i: [33, 34], f: [33, 35], g: [33, 36], o: [33, 37], c: [38], h: [39] },
      },
    ]);
  });

  it('a gated update named as a candidate (`c_hat = f * c_prev + i * tanh(...)`) is the cell state, mixed on by a time gate into c; a gate saved into a container under its own name (`self.trace["i"] = i`) is no line of it', () => {
    assert.deepEqual(cells('time_gated.py'), [
      {
        name: 'OpenWindowLstm',
        kind: 'lstm',
        range: { start: 9, end: 21 },
        layout: 'fused',
        gates: { i: [11, 13], f: [11, 15], g: [11, 17], o: [11, 16], c: [17, 18], h: [19, 20] },
      },
    ]);
  });

  it('a coupled forget gate (`f = 1 - i`, CIFG) is the forget gate, computed on its own line (not in the update); `sigma(...)` is a sigmoid; peepholes make it a peephole LSTM', () => {
    const [cell] = styleCells('coupled_forget.py', 'python', ['name', 'kind', 'peephole', 'gates']);
    assert.deepEqual(
      { name: cell.name, kind: cell.kind, peephole: cell.peephole, gates: cell.gates },
      { name: 'run_coupled', kind: 'lstm', peephole: true, gates: { i: [13, 15], f: [16], g: [13, 14], o: [13, 18], c: [17], h: [19] } },
    );
  });

  it('one method per gate, each returning its values (`it, g = self.write(xh)`), called by a step method: the gates are mapped where each method computes them', () => {
    assert.deepEqual(cells('gate_methods_returning.py'), [
      {
        name: 'MethodLstm',
        kind: 'lstm',
        range: { start: 9, end: 31 },
        layout: 'per-gate',
        // c: the blend's return (19), and the call handing it the gates under other names (29).
        gates: { i: [14], f: [11], g: [15], o: [22], c: [19, 29], h: [23] },
      },
    ]);
  });

  it('gates computed by per-unit block objects handed the previous output (`f = this.keepBlocks[u].compute(x, hPrev)`) are gates on their own lines; `tanh(c) * o` is h, not the output gate', () => {
    assert.deepEqual(cells('unit_blocks.ts'), [{ name: 'BlockLstm', kind: 'lstm', range: { start: 6, end: 25 }, layout: 'per-gate', gates: { i: [18], f: [17], g: [19], o: [20], c: [21], h: [22] } }]);
  });

  it('gates held as library layer stacks ending in their activation (`nn.Sequential(nn.Linear(...), nn.Sigmoid())`) are computed where called', () => {
    assert.deepEqual(cells('sequential_gates.py'), [
      { name: 'StackedGateLstm', kind: 'lstm', range: { start: 6, end: 24 }, layout: 'per-gate', gates: { i: [19], f: [18], g: [20], o: [21], c: [22], h: [23] } },
    ]);
  });
});

// Python styles first met in the sixth set of real code (test/fixtures/detect-real, split 'fresh5')
// and the numpy cells of the fifth it still missed, each written again as an own fixture in
// test/fixtures/detect/styles: the expected name, range, kind and gate → lines are hand labels
// read off the fixture.
import assert from 'node:assert/strict';
import { styleCells } from './helpers/detect-styles';

const cells = (file: string) => styleCells(file, 'python', ['name', 'kind', 'range', 'layout', 'gates']);

describe('detectCells: Python styles from the sixth set of real code', () => {
  it('TF1: r and z split out of one sigmoid are activated there (the sigmoid line is theirs), the tanh reading r is the candidate; a dropout passing the new state on is not the state', () => {
    assert.deepEqual(cells('tf1_shared_sigmoid.py'), [
      { name: 'elman_step', kind: 'rnn', range: { start: 10, end: 15 }, layout: 'per-gate', gates: { h: [13] } },
      { name: 'gated_step', kind: 'gru', range: { start: 18, end: 26 }, layout: 'fused', gates: { r: [21, 22], z: [21, 22], n: [23], h: [24] } },
    ]);
  });

  it('a copy carrying the state round a loop (`h_state = h`) computes nothing; an ELU candidate is activated, so the cell update is not its line', () => {
    assert.deepEqual(cells('carried_copies.py'), [
      { name: 'LoopedLstm', kind: 'lstm', range: { start: 4, end: 26 }, layout: 'fused', gates: { i: [16, 17, 18], f: [16, 17, 19], g: [16, 17, 20], o: [16, 17, 21], c: [20], h: [22] } },
      { name: 'EluCandidateCell', kind: 'lstm-no-forget', range: { start: 29, end: 39 }, layout: 'fused', gates: { i: [32, 33, 34], g: [32, 33, 36], o: [32, 33, 35], c: [37], h: [38] } },
    ]);
  });

  it('Equinox set actions: a hidden state gating the cell state unsquashed (`h = a_read * c`) reads o; an Elman step of one layer on the carry plus an input projected by its caller is an RNN, while an output layer plus a bias is no cell', () => {
    assert.deepEqual(cells('set_actions.py'), [
      { name: 'MagmaLstm', kind: 'lstm', range: { start: 5, end: 15 }, layout: 'per-gate', gates: { i: [10], f: [9], g: [12], o: [11], c: [13], h: [14] } },
      { name: 'ElmanAction', kind: 'rnn', range: { start: 18, end: 24 }, layout: 'per-gate', gates: { h: [24] } },
    ]);
  });

  it('a gate through a library function the vocabulary lacks (`F.hardtanh(chunks[3])`) is activated there: the cell update is not its line', () => {
    assert.deepEqual(cells('unlisted_activation.py'), [
      { name: 'HardLstmCell', kind: 'lstm', range: { start: 6, end: 22 }, layout: 'fused', gates: { i: [14, 15, 16], f: [14, 15, 17], g: [14, 15, 19], o: [14, 15, 18], c: [20], h: [21] } },
    ]);
  });

  it("gates kept as slices of one array whose name spells their order (`FIGOa[t, :, H:2 * H] = sig(...)`, a GRU's `RZN_act`) are one value per gate, read back by slice; the squash of c on a line of its own still makes h; the backward pass's `dFIGOa` is not mapped", () => {
    assert.deepEqual(cells('spelled_arrays.py'), [
      { name: 'SlabLstm', kind: 'lstm', range: { start: 8, end: 40 }, layout: 'fused', gates: { i: [21, 23], f: [21, 22], g: [21, 24], o: [21, 25], c: [26], h: [28] } },
      { name: 'SlabGru', kind: 'gru', range: { start: 43, end: 59 }, layout: 'fused', gates: { r: [53, 54], z: [53, 54], n: [56, 57], h: [58] } },
    ]);
  });

  it('gates made by a class of the file (`self.input_gate = Gate(n_in, n_hid, torch.sigmoid)`) are computed where called; that class is part of the cell, not an RNN of its own', () => {
    assert.deepEqual(cells('gate_modules.py'), [
      { name: 'GatedCell', kind: 'lstm', range: { start: 16, end: 32 }, layout: 'per-gate', gates: { i: [26], f: [27], g: [28], o: [29], c: [30], h: [31] } },
      { name: 'UnitGru', kind: 'gru', range: { start: 44, end: 55 }, layout: 'per-gate', gates: { r: [53], z: [52], n: [54], h: [55] } },
    ]);
  });

  it("gates computed by objects the cell holds: a class of the file returning one activation (under a name that says nothing, `self.cell_input`, a tanh beside named gates is the candidate; its return line is the gate's too), or an object imported from elsewhere under a gate's name called by `.forward`; a gate's name with a word after it (`forget_gate_out`); the gate classes are no cells, an RNN step a wrapper loops still is", () => {
    assert.deepEqual(cells('held_gates.py'), [
      { name: 'PartsLstm', kind: 'lstm', range: { start: 29, end: 44 }, layout: 'per-gate', gates: { i: [39], f: [38], g: [16, 40], o: [41], c: [42], h: [43] } },
      { name: 'ImportedGatesLstm', kind: 'lstm', range: { start: 47, end: 61 }, layout: 'per-gate', gates: { i: [56], f: [55], g: [57], o: [58], c: [59], h: [60] } },
      { name: 'ElmanUnit', kind: 'rnn', range: { start: 64, end: 71 }, layout: 'per-gate', gates: { h: [71] } },
    ]);
  });

  it('copies hand a state on and compute none: `out[:, t] = h_t` written in two loops is no 1997 cell state, `last_c[0] = running_cell` no second cell update; a previous state named `hidden_vec` is read by the new one', () => {
    assert.deepEqual(cells('copied_states.py'), [
      { name: 'ConcatCell', kind: 'rnn', range: { start: 4, end: 15 }, layout: 'per-gate', gates: { h: [13, 14] } },
      { name: 'LayeredRnn', kind: 'rnn', range: { start: 18, end: 30 }, layout: 'per-gate', gates: { h: [24, 28] } },
      { name: 'LayeredLstm', kind: 'lstm', range: { start: 33, end: 48 }, layout: 'fused', gates: { i: [41, 42, 43], f: [41, 42, 43], g: [41, 42, 43], o: [41, 42, 43], c: [44], h: [45] } },
    ]);
  });

  it("activations under the file's own names (`def logi(v): return 1.0 / (1.0 + np.exp(-v))`), gates named gi/gf/go, a peephole through the state the cell update writes (`gix[t] += pi * state[t - 1]`, not a second cell state); a state carried round a loop by a copy of the new one (`running = next_state`) under any name", () => {
    assert.deepEqual(cells('own_activations.py'), [
      { name: 'SlotLstm', kind: 'lstm', range: { start: 12, end: 32 }, layout: 'per-gate', gates: { i: [17, 22, 24], f: [18, 23, 25], g: [20, 26], o: [19, 30], c: [27, 29], h: [31] } },
      { name: '<module>', kind: 'rnn', range: { start: 40, end: 40 }, layout: 'per-gate', gates: { h: [40] } },
    ]);
    assert.equal(styleCells('own_activations.py', 'python', ['peephole'])[0].peephole, true);
  });
});

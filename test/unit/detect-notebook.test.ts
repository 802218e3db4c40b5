// The detector on notebooks: the seed notebook's own cells (skipped when ../shared/seed beside
// the repository is not there) and a small committed .ipynb fixture. Lines are within each code cell, 1-based, as
// VS Code numbers a notebook cell's document; cellIndex counts markdown cells too.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { detectNotebook, detectNotebookForgetBiases, gateAtLine } from '../../src/detect';

// Beside the repository, as in CI; LSTM_LAB_SEED_NOTEBOOK names another path (as in lens-plan.test.ts).
const SEED = path.resolve(process.env.LSTM_LAB_SEED_NOTEBOOK ?? path.join(__dirname, '../../../shared/seed/lstm_from_scratch.ipynb'));
const MINI = path.join(__dirname, '../fixtures/detect/mini_notebook.ipynb');

/** The text of line `line` of code cell `cellIndex`. */
function cellLine(ipynb: string, cellIndex: number, line: number): string {
  const cell = JSON.parse(ipynb).cells[cellIndex];
  const source = Array.isArray(cell.source) ? cell.source.join('') : cell.source;
  return source.split('\n')[line - 1] ?? '';
}

describe('detectNotebook on the seed notebook', function () {
  let ipynb = '';
  before(function () {
    if (!fs.existsSync(SEED)) this.skip();
    ipynb = fs.readFileSync(SEED, 'utf8');
  });

  it('finds exactly NaiveLSTM, SimpleRNN, rnn_step, lstm_step and OptimizedLSTM, with every gate line', () => {
    assert.deepEqual(detectNotebook(ipynb), [
      { cellIndex: 25, name: 'NaiveLSTM', kind: 'lstm', layout: 'per-gate', optionalForgetGate: false, range: { start: 1, end: 54 }, gates: { i: [44], f: [45], g: [46], o: [47], c: [48], h: [49] } },
      { cellIndex: 47, name: 'SimpleRNN', kind: 'rnn', layout: 'per-gate', optionalForgetGate: false, range: { start: 1, end: 32 }, gates: { h: [27] } },
      { cellIndex: 57, name: 'rnn_step', kind: 'rnn', layout: 'per-gate', optionalForgetGate: false, range: { start: 1, end: 2 }, gates: { h: [2] } },
      { cellIndex: 64, name: 'lstm_step', kind: 'lstm', layout: 'per-gate', optionalForgetGate: true, range: { start: 1, end: 13 }, gates: { i: [3], f: [5], g: [6], o: [7], c: [9, 11], h: [12] } },
      {
        cellIndex: 87,
        name: 'OptimizedLSTM',
        kind: 'lstm',
        layout: 'fused',
        optionalForgetGate: false,
        range: { start: 1, end: 47 },
        // Line 34 is the one fused product; 35 and 40 (the tuple's brackets) compute nothing.
        gates: { i: [34, 36], f: [34, 37], g: [34, 38], o: [34, 39], c: [41], h: [42] },
      },
    ]);
  });

  it('the gate lines are the lines that assign those variables in the notebook', () => {
    assert.match(cellLine(ipynb, 25, 44), /^\s*i_t = torch\.sigmoid/);
    assert.match(cellLine(ipynb, 25, 48), /^\s*c_t = f_t \* c_t \+ i_t \* g_t/);
    assert.match(cellLine(ipynb, 47, 27), /^\s*h_t = torch\.tanh/);
    assert.match(cellLine(ipynb, 57, 2), /return torch\.tanh/);
    assert.match(cellLine(ipynb, 64, 5), /^\s{8}f_t = torch\.sigmoid/); // under `if use_forget_gate:`
    assert.match(cellLine(ipynb, 64, 11), /^\s*c_t = c_t \+ i_t \* g_t/);
    assert.match(cellLine(ipynb, 87, 34), /^\s*gates = x_t @ self\.weight_ih/);
    assert.match(cellLine(ipynb, 87, 37), /torch\.sigmoid\(gates\[:, HS:HS\*2\]\)/);
    assert.match(cellLine(ipynb, 87, 38), /torch\.tanh\(gates\[:, HS\*2:HS\*3\]\)/);
  });

  it('the forget-bias cells (+1, 0, −1) are reported separately, attached to no cell', () => {
    assert.deepEqual(
      detectNotebookForgetBiases(ipynb).map(({ cellIndex, line, value }) => ({ cellIndex, line, value })),
      [
        { cellIndex: 70, line: 1, value: 1 },
        { cellIndex: 74, line: 1, value: 0 },
        { cellIndex: 78, line: 1, value: -1 },
      ],
    );
    assert.ok(detectNotebook(ipynb).every((c) => c.forgetBias === undefined));
  });

  it('gateAtLine on the OptimizedLSTM cell: the forget slice is f, the fused product is all four', () => {
    const optimized = detectNotebook(ipynb).filter((c) => c.cellIndex === 87);
    assert.deepEqual(gateAtLine(optimized, 37)?.gates, ['f']);
    assert.deepEqual(gateAtLine(optimized, 34)?.gates, ['i', 'f', 'g', 'o']);
    assert.equal(gateAtLine(optimized, 35), undefined);
  });
});

describe('detectNotebook on the committed fixture notebook', () => {
  const ipynb = fs.readFileSync(MINI, 'utf8');

  it('finds the NaiveLSTM-style and OptimizedLSTM-style cells, ignoring markdown, magics and usage cells', () => {
    assert.deepEqual(detectNotebook(ipynb), [
      {
        cellIndex: 2,
        name: 'ScratchLSTM',
        kind: 'lstm',
        layout: 'per-gate',
        optionalForgetGate: false,
        forgetBias: 1,
        range: { start: 1, end: 31 },
        gates: { i: [24], f: [25], g: [26], o: [27], c: [28], h: [29] },
      },
      {
        cellIndex: 4,
        name: 'FusedLSTM',
        kind: 'lstm',
        layout: 'fused',
        optionalForgetGate: false,
        range: { start: 1, end: 27 },
        gates: { i: [16, 17, 19], f: [16, 17, 20], g: [16, 17, 21], o: [16, 17, 22], c: [24], h: [25] },
      },
    ]);
    assert.match(cellLine(ipynb, 2, 25), /f_t = torch\.sigmoid/);
    assert.match(cellLine(ipynb, 4, 16), /gates = \(x\[:, t, :\] @ self\.weight_ih$/);
    assert.match(cellLine(ipynb, 4, 22), /torch\.sigmoid\(gates\[:, HS \* 3:\]\)/);
  });

  it('lists the forget bias inside ScratchLSTM (ones → +1) and the separate fill_(-1.0) cell', () => {
    assert.deepEqual(
      detectNotebookForgetBiases(ipynb).map(({ cellIndex, line, value }) => ({ cellIndex, line, value })),
      [
        { cellIndex: 2, line: 10, value: 1 },
        { cellIndex: 5, line: 2, value: -1 },
      ],
    );
  });

  it('rejects what is not a notebook with a message saying so', () => {
    assert.throws(() => detectNotebook('{"cells": '), /invalid notebook: not JSON/);
    assert.throws(() => detectNotebook('{"nbformat": 4}'), /no 'cells' array/);
  });
});

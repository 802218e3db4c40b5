// The detector on fixture files written in each style people use for recurrent cells. Every
// expected line below was read off the fixture by eye; `lineText` re-checks that each gate's
// own line really assigns that gate's variable, so a shifted fixture fails loudly.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { detectCells, detectForgetBiases, gateAtLine, linesForGate, type DetectedCell, type DetectLanguage } from '../../src/detect';

const FIXTURES = path.join(__dirname, '../fixtures/detect');

function load(file: string): { source: string; language: DetectLanguage } {
  const language: DetectLanguage = file.endsWith('.py') ? 'python' : file.endsWith('.ts') ? 'typescript' : 'javascript';
  return { source: fs.readFileSync(path.join(FIXTURES, file), 'utf8'), language };
}

function lineText(source: string, line: number): string {
  return source.split('\n')[line - 1] ?? '';
}

/** The last line of each gate (the activation or update) assigns the variable named in `vars`. */
function assertGateVariables(source: string, cell: DetectedCell, vars: Partial<Record<string, RegExp>>): void {
  for (const [gate, pattern] of Object.entries(vars)) {
    const lines = cell.gates[gate as keyof DetectedCell['gates']];
    assert.ok(lines && lines.length, `${cell.name}: no lines for ${gate}`);
    const last = lineText(source, lines[lines.length - 1]);
    assert.match(last, pattern!, `${cell.name}: gate ${gate} line ${lines[lines.length - 1]} is "${last.trim()}"`);
  }
}

describe('detectCells on fixtures', () => {
  it('PyTorch chunk-style LSTMCell: the fused product and the chunk line belong to all four gates, each sigmoid/tanh line to its own', () => {
    const { source, language } = load('pytorch_chunk_lstmcell.py');
    const cells = detectCells(source, language);
    assert.deepEqual(cells, [
      {
        name: 'LSTMCell',
        kind: 'lstm',
        layout: 'fused',
        optionalForgetGate: false,
        forgetBias: 1,
        range: { start: 8, end: 42 },
        gates: { i: [30, 31, 32, 34], f: [30, 31, 32, 35], g: [30, 31, 32, 36], o: [30, 31, 32, 37], c: [39], h: [40] },
      },
    ]);
    assert.match(lineText(source, 32), /gates\.chunk\(4, 1\)/);
    assertGateVariables(source, cells[0], { i: /ingate =/, f: /forgetgate =/, g: /cellgate =/, o: /outgate =/, c: /cy =/, h: /hy =/ });
  });

  it('per-gate nn.Linear LSTM: a multi-line statement gives all its lines; the shared torch.cat is no gate line; forget_bias default read', () => {
    const { source, language } = load('pytorch_linear_lstm.py');
    const cells = detectCells(source, language);
    assert.deepEqual(cells, [
      {
        name: 'GatedLSTMCell',
        kind: 'lstm',
        layout: 'per-gate',
        optionalForgetGate: false,
        forgetBias: 1,
        range: { start: 5, end: 28 },
        gates: { i: [20], f: [21], g: [22, 23, 24], o: [25], c: [26], h: [27] },
      },
    ]);
    assertGateVariables(source, cells[0], { i: /input_gate =/, f: /forget_gate =/, o: /output_gate =/, c: /c_next =/, h: /h_next =/ });
    assert.match(lineText(source, 22), /cell_gate = torch\.tanh\($/);
  });

  it('numpy LSTMs: cs231n slices of one affine map (fused) and a per-gate dict with c_tilde', () => {
    const { source, language } = load('numpy_lstm.py');
    const cells = detectCells(source, language);
    assert.deepEqual(cells, [
      {
        name: 'lstm_step_forward',
        kind: 'lstm',
        layout: 'fused',
        optionalForgetGate: false,
        range: { start: 16, end: 27 },
        gates: { i: [19, 20], f: [19, 21], g: [19, 23], o: [19, 22], c: [24], h: [25] },
      },
      {
        name: 'lstm_cell',
        kind: 'lstm',
        layout: 'per-gate',
        optionalForgetGate: false,
        range: { start: 30, end: 39 },
        gates: { i: [34], f: [33], g: [35], o: [36], c: [37], h: [38] },
      },
    ]);
    assertGateVariables(source, cells[0], { i: /\bi = sigmoid/, f: /\bf = sigmoid/, g: /\bg = np\.tanh/, o: /\bo = sigmoid/, c: /next_c =/, h: /next_h =/ });
    assertGateVariables(source, cells[1], { g: /c_tilde =/, c: /\bc = f \* c/, h: /\bh = o/ });
    // The forget bias set in init_lstm is outside both cells: listed for the file, attached to neither.
    assert.deepEqual(
      detectForgetBiases(source, language).map((b) => [b.line, b.value]),
      [[12, 1]],
    );
  });

  it('TF.js/TypeScript step with tf.split inside tf.tidy: camelCase cTilde is the candidate', () => {
    const { source, language } = load('tfjs_lstm.ts');
    const cells = detectCells(source, language);
    assert.deepEqual(cells, [
      {
        name: 'lstmStep',
        kind: 'lstm',
        layout: 'fused',
        optionalForgetGate: false,
        range: { start: 10, end: 27 },
        gates: { i: [17, 18, 19], f: [17, 18, 20], g: [17, 18, 21], o: [17, 18, 22], c: [23], h: [24] },
      },
    ]);
    assert.match(lineText(source, 18), /tf\.split\(z, 4, 1\)/);
    assertGateVariables(source, cells[0], { g: /const cTilde =/, c: /const c =/, h: /const h =/ });
  });

  it('JavaScript class: per-gate weights, forget gate behind a flag (ternary), tf.fill bias literal', () => {
    const { source, language } = load('js_lstm.js');
    const cells = detectCells(source, language);
    assert.deepEqual(cells, [
      {
        name: 'LSTM',
        kind: 'lstm',
        layout: 'per-gate',
        optionalForgetGate: true,
        forgetBias: 1,
        range: { start: 4, end: 33 },
        gates: { i: [23], f: [24], g: [25], o: [26], c: [27, 28, 29], h: [30] },
      },
    ]);
    assertGateVariables(source, cells[0], { i: /const i =/, f: /const f =/, g: /const g =/, o: /const o =/, h: /const hNext =/ });
  });

  it('PyTorch GRUCell is a GRU (r, z, n, h), not an LSTM, and its "inputgate" is z', () => {
    const { source, language } = load('pytorch_gru.py');
    const cells = detectCells(source, language);
    assert.deepEqual(cells, [
      {
        name: 'GRUCell',
        kind: 'gru',
        layout: 'fused',
        optionalForgetGate: false,
        range: { start: 6, end: 26 },
        gates: { r: [17, 18, 19, 20, 22], z: [17, 18, 19, 20, 23], n: [17, 18, 19, 20, 24], h: [25] },
      },
    ]);
    assertGateVariables(source, cells[0], { r: /resetgate =/, z: /inputgate =/, n: /newgate =/, h: /hy =/ });
  });

  it('numpy GRU step with h_tilde: per-gate GRU; the driver loop is no cell', () => {
    const { source, language } = load('numpy_gru.py');
    assert.deepEqual(detectCells(source, language), [
      {
        name: 'gru_step',
        kind: 'gru',
        layout: 'per-gate',
        optionalForgetGate: false,
        range: { start: 8, end: 16 },
        gates: { r: [13], z: [12], n: [14], h: [15] },
      },
    ]);
  });

  it('TypeScript Elman RNN on arrays: the two products feeding tanh are h lines', () => {
    const { source, language } = load('ts_rnn.ts');
    assert.deepEqual(detectCells(source, language), [{ name: 'ElmanRnn', kind: 'rnn', layout: 'per-gate', optionalForgetGate: false, range: { start: 9, end: 32 }, gates: { h: [17, 18, 19] } }]);
  });

  it('ordinary Python (MLP, CNN, a class with h and c, a dataclass, a deep tanh net) yields nothing', () => {
    const { source, language } = load('negatives.py');
    assert.deepEqual(detectCells(source, language), []);
  });

  it('ordinary TypeScript (a Rect with h and c, an MLP in tf.tidy, a counting loop) yields nothing', () => {
    const { source, language } = load('negatives.ts');
    assert.deepEqual(detectCells(source, language), []);
  });
});

describe('gateAtLine and linesForGate', () => {
  const { source, language } = load('pytorch_chunk_lstmcell.py');
  const cells = detectCells(source, language);

  it('a gate line gives its gate; a line shared by the fused gates lists them all', () => {
    assert.equal(gateAtLine(cells, 35)?.gate, 'f');
    assert.deepEqual(gateAtLine(cells, 35)?.gates, ['f']);
    assert.equal(gateAtLine(cells, 39)?.gate, 'c');
    assert.equal(gateAtLine(cells, 40)?.gate, 'h');
    assert.deepEqual(gateAtLine(cells, 32)?.gates, ['i', 'f', 'g', 'o']);
    assert.equal(gateAtLine(cells, 32)?.cell.name, 'LSTMCell');
  });

  it('lines that compute nothing, and lines outside any cell, give undefined', () => {
    assert.equal(gateAtLine(cells, 29), undefined); // hx, cx = state
    assert.equal(gateAtLine(cells, 3), undefined); // import
    assert.equal(gateAtLine(cells, 1000), undefined);
  });

  it('linesForGate returns the gate lines, empty for a gate the cell lacks', () => {
    assert.deepEqual(linesForGate(cells[0], 'o'), [30, 31, 32, 37]);
    assert.deepEqual(linesForGate(cells[0], 'r'), []);
  });
});

describe('detectCells: line endings and indentation', () => {
  const files = fs.readdirSync(FIXTURES).filter((f) => /\.(py|ts|js)$/.test(f));

  it('Windows line endings (CRLF) give the same cells and lines as LF', () => {
    for (const file of files) {
      const { source, language } = load(file);
      assert.deepEqual(detectCells(source.replace(/\n/g, '\r\n'), language), detectCells(source, language), file);
    }
  });

  it('Python indented with tabs gives the same cells and lines as with spaces', () => {
    for (const file of files.filter((f) => f.endsWith('.py'))) {
      const { source, language } = load(file);
      const tabbed = source.replace(/^(?: {4})+/gm, (spaces) => '\t'.repeat(spaces.length / 4));
      assert.notEqual(tabbed, source);
      assert.deepEqual(detectCells(tabbed, language), detectCells(source, language), file);
    }
  });
});

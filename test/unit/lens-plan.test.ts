// What the CodeLens runs for detected code (real fixtures through the real detector), the
// one-line summaries of results, the Unicode equations of hovers, and two guarantees the
// host relies on: the equations it shows are the engine cells' own, and its bundle holds no TF.js.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { detectCells, detectNotebook, type DetectedCell } from '../../src/detect';
import { CELL_CATALOG, cellEquations, tutorialCellsNote } from '../../src/shared/catalog';
import { getCell } from '../../src/engine/cells/registry';
import type { CellKind, ProbeSeries } from '../../src/shared/types';
import { CELL_KINDS } from '../../src/shared/protocol';
import {
  formatDuration,
  formatNumber,
  gateLineText,
  latexToUnicode,
  lensTitles,
  planForCell,
  probeSeriesFor,
  probeSummary,
  trainSummary,
  builtInName,
  standInName,
  trainedAsName,
  trainedAsTitle,
  builtInExplained,
  forgetBiasPrompt,
  forgetBiasTitle,
  trainPresetPrompt,
  QUICK_INPUT_TITLE_CHARS,
  QUICK_INPUT_VISIBLE_CHARS,
  INLINE_SUMMARY_CHARS,
  inlineSummaryBudget,
  STAND_IN_PREFIX,
  VISIBLE_LINE_CHARS,
} from '../../src/host/core/lens-plan';

const root = path.resolve(__dirname, '../..');
const fixture = (name: string) => fs.readFileSync(path.join(root, 'test/fixtures/detect', name), 'utf8');
const cellNamed = (cells: DetectedCell[], name: string) => {
  const cell = cells.find((c) => c.name === name);
  assert.ok(cell, `no cell ${name} among ${cells.map((c) => c.name).join(', ')}`);
  return cell;
};

/** Our own notebook fixture, and the seed notebook beside the repo when it is there (CI);
 *  LSTM_LAB_SEED_NOTEBOOK names another path (a missing one runs as a user's checkout would). */
const PER_GATE = '$(pulse) Probe gradient (built-in NaiveLSTM stand-in) — LSTM, per-gate weights';
const RNN = '$(pulse) Probe gradient (built-in SimpleRNN stand-in) — simple RNN';
const OPTIONAL = '$(pulse) Probe gradient (built-in NaiveLSTM stand-in) — LSTM, per-gate weights, optional forget gate';
const FUSED = '$(pulse) Probe gradient (built-in OptimizedLSTM stand-in) — LSTM, fused weights';
const NOTEBOOKS = [
  {
    label: 'the fixture notebook',
    file: path.join(root, 'test/fixtures/workspace/lstm_notebook.ipynb'),
    lstm: 'GateByGateLSTM',
    rnn: 'ElmanRNN',
    fused: 'FusedLSTM',
    lenses: [
      ['ElmanRNN', RNN],
      ['GateByGateLSTM', PER_GATE],
      ['rnn_step', RNN],
      ['lstm_step', OPTIONAL],
      ['FusedLSTM', FUSED],
    ],
  },
  {
    label: 'the seed notebook',
    file: path.resolve(process.env.LSTM_LAB_SEED_NOTEBOOK ?? path.resolve(root, '..', 'shared', 'seed', 'lstm_from_scratch.ipynb')),
    lstm: 'NaiveLSTM',
    rnn: 'SimpleRNN',
    fused: 'OptimizedLSTM',
    lenses: [
      ['NaiveLSTM', PER_GATE],
      ['SimpleRNN', RNN],
      ['rnn_step', RNN],
      ['lstm_step', OPTIONAL],
      ['OptimizedLSTM', FUSED],
    ],
  },
];

for (const { label, file, lstm, rnn, fused, lenses } of NOTEBOOKS) {
  describe(`planForCell on ${label}`, function () {
    let notebook: DetectedCell[] = [];
    before(function () {
      if (!fs.existsSync(file)) {
        console.log(`      (skipped: no seed notebook at ${file}; it sits beside the repo in CI only)`);
        this.skip();
      }
      notebook = detectNotebook(fs.readFileSync(file, 'utf8'));
    });

    it('gets a lens on its five recurrent cells and on nothing else (no Dim(IntEnum), no usage cells)', () => {
      assert.deepEqual(
        notebook.map((c) => [c.name, lensTitles(c).probe]),
        lenses,
      );
    });

    it(`runs ${lstm} as the engine's naive (per-gate) LSTM with its LSTM equations`, () => {
      const plan = planForCell(cellNamed(notebook, lstm));
      assert.equal(plan.engineCell, 'naive-lstm');
      assert.equal(plan.forgetGate, 'on');
      assert.equal(plan.equations?.cell, 'naive-lstm');
      assert.deepEqual(
        plan.equations?.lines.map((l) => l.gate),
        ['i', 'f', 'g', 'o', 'c', 'h'],
      );
    });

    it(`runs ${rnn} as simple-rnn with the one RNN line, and ${fused} as the fused LSTM`, () => {
      const plan = planForCell(cellNamed(notebook, rnn));
      assert.equal(plan.engineCell, 'simple-rnn');
      assert.deepEqual(
        plan.equations?.lines.map((l) => l.gate),
        ['h'],
      );
      assert.equal(planForCell(cellNamed(notebook, fused)).engineCell, 'fused-lstm');
    });

    it('knows lstm_step switches its forget gate (use_forget_gate) and probes with and without it', () => {
      const plan = planForCell(cellNamed(notebook, 'lstm_step'));
      assert.equal(plan.forgetGate, 'optional');
      assert.match(plan.description, /optional forget gate/);
      const series = probeSeriesFor(plan, [1], 'both');
      assert.deepEqual(
        series.map((s) => [s.cell, s.forgetGate, s.forgetBias]),
        [
          ['naive-lstm', true, 1],
          ['naive-lstm', false, 0],
        ],
      );
    });

    it('probeSeriesFor: one series per bias, a single series for an RNN, an error without biases', () => {
      const plan = planForCell(cellNamed(notebook, lstm));
      assert.deepEqual(
        probeSeriesFor(plan, [1, 0, -1], 'on').map((s) => s.name),
        ['b_f +1', 'b_f 0', 'b_f −1'],
      );
      assert.deepEqual(
        probeSeriesFor(plan, [], 'off').map((s) => s.forgetGate),
        [false],
      );
      assert.throws(() => probeSeriesFor(plan, [], 'on'), /at least one forget-bias value/);
      assert.equal(probeSeriesFor(planForCell(cellNamed(notebook, rnn)), [1, 0], 'both').length, 1);
    });
  });
}

describe('planForCell on detected code', () => {
  it('runs a chunked PyTorch LSTMCell as the fused LSTM, and its forget_bias literal is on the cell', () => {
    const cell = cellNamed(detectCells(fixture('pytorch_chunk_lstmcell.py'), 'python'), 'LSTMCell');
    const plan = planForCell(cell);
    assert.equal(plan.engineCell, 'fused-lstm');
    assert.equal(cell.forgetBias, 1);
    assert.deepEqual(probeSeriesFor(plan, [cell.forgetBias!], 'on'), [{ name: 'b_f +1', cell: 'fused-lstm', forgetGate: true, forgetBias: 1 }]);
    assert.match(plan.equations!.lines[0].latex, /W_\{ih\}/, "the fused cell's own notation");
  });

  it("runs a detected GRU on the engine's GRU, with its r, z, n, h equations", () => {
    const plan = planForCell(cellNamed(detectCells(fixture('pytorch_gru.py'), 'python'), 'GRUCell'));
    assert.equal(plan.engineCell, 'gru');
    assert.equal(plan.forgetGate, 'off');
    assert.deepEqual(
      plan.equations.lines.map((l) => l.gate),
      ['r', 'z', 'n', 'h'],
    );
    assert.deepEqual(
      probeSeriesFor(plan, [1, 0], 'both').map((s) => [s.cell, s.forgetGate]),
      [['gru', false]],
    );
    const title = lensTitles(cellNamed(detectCells(fixture('numpy_gru.py'), 'python'), 'gru_step')).probe;
    assert.match(title, /Probe gradient \(built-in GRU stand-in\) — GRU/);
    assert.doesNotMatch(title, /LSTM/);
    // The lens on the user's own Python code runs it in Python.
    assert.equal(lensTitles(cellNamed(detectCells(fixture('numpy_gru.py'), 'python'), 'gru_step'), true).probe, '$(pulse) Probe & check your code — GRU, per-gate weights');
  });

  it('runs a peephole LSTM as the LSTM of its layout and says the peepholes are left out', () => {
    const cell = cellNamed(detectCells(fixture('styles/inline.py'), 'python'), 'peephole_step');
    assert.equal(cell.peephole, true);
    const plan = planForCell(cell);
    assert.equal(plan.engineCell, 'fused-lstm');
    assert.match(lensTitles(cell).probe, /LSTM with peepholes \(run without them\), fused weights/);
  });

  it('plans a TypeScript RNN class as simple-rnn', () => {
    assert.equal(planForCell(cellNamed(detectCells(fixture('ts_rnn.ts'), 'typescript'), 'ElmanRnn')).engineCell, 'simple-rnn');
  });
});

describe('the forget-bias prompt agrees with the code', () => {
  it("reads the tutorial GateByGateLSTM's tuple assignment `self.W_xf, self.W_hf, self.b_f = xavier(E, H), xavier(H, H), zeros(H)` as b_f = 0", () => {
    const cells = detectNotebook(fs.readFileSync(path.join(root, 'media/tutorial/lstm-lab-tutorial.ipynb'), 'utf8'));
    assert.equal(cellNamed(cells, 'GateByGateLSTM').forgetBias, 0);
    assert.equal(cellNamed(cells, 'SwitchableForgetLSTM').forgetBias, 1, 'its forget_bias=1.0 default');
    assert.equal(
      detectCells(
        'class C:\n    def __init__(self, E, H):\n        self.W_f, self.b_f = xavier(E, H), ones(H)\n    def forward(self, x, h, c):\n        f = torch.sigmoid(x @ self.W_f + self.b_f)\n        i = torch.sigmoid(x @ self.W_i)\n        g = torch.tanh(x @ self.W_g)\n        o = torch.sigmoid(x @ self.W_o)\n        c = f * c + i * g\n        return o * torch.tanh(c), c\n',
        'python',
      )[0]?.forgetBias,
      1,
    );
  });

  it("says the code's value, where it is, and prefills it (training and probe)", () => {
    const code = { value: 0, line: 21, text: 'self.W_xf, self.W_hf, self.b_f = xavier(E, H), xavier(H, H), zeros(H)' };
    const train = forgetBiasPrompt({ many: false, code, elsewhere: [1, -1] });
    assert.equal(train.value, '0', 'the code says 0, not the 1 set elsewhere in the notebook');
    assert.match(train.prompt, /^The code sets b_f to 0 \(line 21: self\.W_xf, self\.W_hf, self\.b_f = .*zeros\(H\)\); the run uses that unless you change it\./);
    assert.doesNotMatch(train.prompt, /sets no forget bias/);
    assert.equal(forgetBiasPrompt({ many: true, code: { value: 1 }, elsewhere: [] }).value, '1');
    assert.match(forgetBiasPrompt({ many: true, code: { value: 1 }, elsewhere: [] }).prompt, /^The code sets b_f to 1; /, 'a parameter default has no line');
  });

  it('without a literal in the code, says where the prefilled value comes from', () => {
    const elsewhere = forgetBiasPrompt({ many: false, elsewhere: [1, -1] });
    assert.deepEqual([elsewhere.value, /this file sets elsewhere \(1, -1\)/.test(elsewhere.prompt)], ['1', true]);
    assert.equal(forgetBiasPrompt({ many: true, elsewhere: [1, -1] }).value, '1, -1');
    const none = forgetBiasPrompt({ many: false, elsewhere: [] });
    assert.deepEqual([none.value, /prefilled with 0, where the notebook starts/.test(none.prompt)], ['0', true]);
    assert.equal(forgetBiasPrompt({ many: true, elsewhere: [] }).value, '1, 0, -1');
  });
});

describe('one-line summaries', () => {
  const series = (name: string, norms: number[]): ProbeSeries => ({ name, cell: 'naive-lstm', forgetGate: true, forgetBias: 0, norms, seconds: 1 });

  it('formats numbers to three significant digits or a short exponent', () => {
    assert.deepEqual([28.94, 2.9e-6, 123456, 0.125, 0, NaN, Infinity].map(formatNumber), ['28.9', '2.9e-6', '1.2e5', '0.125', '0', 'NaN', '∞']);
    assert.deepEqual([4.04, 42, 252, 3725].map(formatDuration), ['4.0s', '42s', '4m12s', '1h02m']);
  });

  it("summarises a probe in words as first → last norm over the steps (the issue's example)", () => {
    const norms = Array.from({ length: 100 }, (_, t) => 28.9 * Math.pow(2.9e-6 / 28.9, t / 99));
    assert.equal(probeSummary([series('b_f 0', norms)], 100), 'gradient to h0: 28.9 → 2.9e-6 over 100 steps');
    assert.equal(probeSummary([series('b_f +1', [3, 2]), series('no forget gate', [3, 40])], 2), 'gradient to h0: 3 → 2 (b_f +1) · 40 (no forget gate)', 'a shared start is said once');
    assert.equal(probeSummary([series('b_f +1', [3, 2]), series('RNN', [5, 1e-9])], 2), 'gradient to h0: b_f +1 3 → 2 · RNN 5 → 1e-9');
    assert.equal(probeSummary([series('x', [1, 2])], 5), 'gradient to h0: 1 → 2 over 2 of 5 steps', 'a cancelled probe says how far it got');
    assert.equal(probeSummary([series('a', [1, 2]), series('b', [1, 3])], 5), 'gradient to h0: 1 → 2 (a) · 3 (b) (2 of 5 steps)');
  });

  it("keeps a stand-in probe's line short: says it is the built-in stand-in, and leaves the series that do not fit to the hover", () => {
    // The newcomer's plain-JS lstmStep: three forget biases, 100 steps (their norms).
    const three = [series('b_f +1', [35.8, 3.2e-5]), series('b_f 0', [35.8, 9.1e-16]), series('b_f −1', [35.8, 4.2e-32])];
    const text = probeSummary(three, 2, STAND_IN_PREFIX);
    assert.equal(text, 'stand-in · gradient to h0: 35.8 → 3.2e-5 (b_f +1) · +2 more');
    assert.ok(text.length <= INLINE_SUMMARY_CHARS);
    // After its header line, it ends within the columns a 1400 px window shows beside a 300 px side bar.
    const header = 'export function lstmStep(x, h, c, W) {';
    const fitted = probeSummary(three, 2, STAND_IN_PREFIX, inlineSummaryBudget(header));
    assert.equal(fitted, 'stand-in · gradient to h0: 35.8 → 3.2e-5 (b_f +1) · +2 more');
    assert.ok(header.length + 3 + fitted.length <= VISIBLE_LINE_CHARS, `${header.length + 3 + fitted.length} columns`);
    // However long the header, the first series is said.
    assert.equal(probeSummary(three, 2, STAND_IN_PREFIX, inlineSummaryBudget('x'.repeat(120))), fitted);
    assert.doesNotMatch(text, /‖|∇/, 'words, not ‖·‖');
    // Short series names all fit.
    assert.equal(probeSummary([series('a', [1, 2]), series('b', [1, 3]), series('c', [1, 4])], 2), 'gradient to h0: 1 → 2 (a) · 3 (b) · 4 (c)');
  });

  it("names the built-in cell wherever a lens runs it in place of the user's code, and explains it once", () => {
    const plan = planForCell(cellNamed(detectNotebook(fs.readFileSync(path.join(root, 'media/tutorial/lstm-lab-tutorial.ipynb'), 'utf8')), 'GateByGateLSTM'));
    assert.equal(builtInName(plan), 'NaiveLSTM');
    assert.equal(standInName('lstmStep'), 'built-in stand-in for lstmStep');
    assert.equal(trainedAsName('GateByGateLSTM', plan), 'GateByGateLSTM, trained as NaiveLSTM');
    assert.equal(trainedAsTitle('GateByGateLSTM', plan.engineCell), "GateByGateLSTM — trained as LSTM Lab's NaiveLSTM (same equations, PyTorch-free)");
    assert.equal(builtInExplained(plan), "NaiveLSTM is LSTM Lab's naive LSTM: four gates, own weights, run in TF.js");
  });

  it("the Train lens's preset pick: a one-line title that says a preset is chosen, a placeholder naming the built-in that fits the input box", () => {
    const tutorial = detectNotebook(fs.readFileSync(path.join(root, 'media/tutorial/lstm-lab-tutorial.ipynb'), 'utf8'));
    for (const cell of tutorial) {
      const plan = planForCell(cell);
      const { title, placeHolder } = trainPresetPrompt(cell.name, plan);
      assert.equal(title, `LSTM Lab: train ${cell.name} on the Brown corpus — which preset?`);
      assert.ok(title.length <= QUICK_INPUT_TITLE_CHARS, `${title.length} characters: ${title}`);
      assert.ok(placeHolder.startsWith(`Runs as ${builtInName(plan)} (`), placeHolder);
      assert.ok(placeHolder.length <= QUICK_INPUT_VISIBLE_CHARS, `${placeHolder.length} characters: ${placeHolder}`);
    }
    const gateByGate = planForCell(cellNamed(tutorial, 'GateByGateLSTM'));
    assert.equal(trainPresetPrompt('GateByGateLSTM', gateByGate).placeHolder, 'Runs as NaiveLSTM (naive LSTM: four gates, own weights) in TF.js');
    // A long class name keeps the question on one line: the corpus goes first.
    const long = 'BidirectionalPeepholeLSTMWithLayerNorm';
    assert.equal(trainPresetPrompt(long, gateByGate).title, `LSTM Lab: train ${long} — which preset?`);
  });

  it('the forget-bias box says on one line what it asks and that the preset comes next; the run starts from b_f', () => {
    assert.equal(forgetBiasTitle('GateByGateLSTM', false), 'LSTM Lab: train GateByGateLSTM — forget bias b_f first, then the preset');
    assert.equal(forgetBiasTitle('SwitchableForgetLSTM', true), 'LSTM Lab: probe SwitchableForgetLSTM — which forget-gate biases b_f?');
    assert.match(forgetBiasPrompt({ many: true, elsewhere: [] }).prompt, /One probe series per value/);
    for (const many of [false, true]) assert.ok(forgetBiasTitle('SwitchableForgetLSTM', many).length <= QUICK_INPUT_TITLE_CHARS, 'one line at the default width');
    assert.match(forgetBiasPrompt({ many: false, code: { value: 0 }, elsewhere: [] }).prompt, /starts there: \+1 makes the cell start out remembering, −1 forgetting/);
  });

  it("the catalog names the tutorial's classes each built-in trains, as the Train lens maps them (the Train Model picker's descriptions)", () => {
    const tutorial = detectNotebook(fs.readFileSync(path.join(root, 'media/tutorial/lstm-lab-tutorial.ipynb'), 'utf8'));
    const byLens = new Map<CellKind, string[]>();
    for (const cell of tutorial) {
      const kind = planForCell(cell).engineCell;
      byLens.set(kind, [...(byLens.get(kind) ?? []), cell.name]);
    }
    for (const kind of CELL_KINDS) assert.deepEqual([...CELL_CATALOG[kind].tutorialCells], byLens.get(kind) ?? [], kind);
    assert.equal(tutorialCellsNote('naive-lstm'), 'in the tutorial: GateByGateLSTM and SwitchableForgetLSTM');
    assert.equal(tutorialCellsNote('simple-rnn'), 'in the tutorial: TanhRNN');
    assert.equal(tutorialCellsNote('gru'), undefined, 'no tutorial class, no second line');
  });

  it('summarises training by its last validation loss, epochs and time, or how it ended', () => {
    const epoch = { epoch: 1, trainLoss: 2.7, valLoss: 2.3141, bitsPerChar: 3.3, seconds: 252, charsPerSecond: 1, peakRssMB: 1 };
    assert.equal(trainSummary({ status: 'done', epochs: [epoch], batches: [] }), 'val loss 2.31 · 1 epoch · 4m12s');
    const batch = { epoch: 1, batch: 3, batchesPerEpoch: 50, step: 3, loss: 3.912, charsPerSecond: 1, elapsedMs: 1 };
    assert.equal(trainSummary({ status: 'cancelled', epochs: [], batches: [batch, batch, batch], startedAt: 0, finishedAt: 12_000 }), 'train loss 3.91 · 3 batches · 12s · cancelled');
    assert.equal(trainSummary({ status: 'failed', reason: 'the worker died', epochs: [], batches: [] }), 'training failed: the worker died');
  });

  it('names gate lines, and a line shared by several gates names them all', () => {
    assert.equal(gateLineText(['f']), 'forget gate f_t');
    assert.equal(gateLineText(['i', 'f', 'g', 'o']), 'gates i_t f_t g_t o_t');
  });
});

describe('equations in the host', () => {
  it("are the engine cells' own lines for every kind, with and without the forget gate", () => {
    for (const kind of CELL_KINDS as readonly CellKind[]) {
      for (const forgetGate of [true, false]) {
        const fromCell = (() => {
          try {
            return getCell(kind).equations({ forgetGate });
          } catch (e) {
            return (e as Error).message;
          }
        })();
        const fromModule = (() => {
          try {
            return cellEquations(kind, { forgetGate });
          } catch (e) {
            return (e as Error).message;
          }
        })();
        assert.deepEqual(fromModule, fromCell, `${kind}, forget gate ${forgetGate}`);
      }
    }
  });

  it('read as plain Unicode in hovers: no TeX commands or braces left', () => {
    for (const kind of CELL_KINDS as readonly CellKind[]) {
      for (const line of cellEquations(kind, { forgetGate: kind !== 'builtin-lstm' ? false : true }).concat(cellEquations(kind, { forgetGate: true }))) {
        const text = latexToUnicode(line.latex);
        assert.doesNotMatch(text, /[\\{}]/, `${kind} ${line.gate}: ${text}`);
      }
    }
    assert.equal(latexToUnicode(cellEquations('naive-lstm', { forgetGate: true })[1].latex), 'fₜ = σ(xₜ W_if + hₜ₋₁ W_hf + b_f)');
    assert.equal(latexToUnicode(cellEquations('naive-lstm', { forgetGate: false })[3].latex), 'cₜ = cₜ₋₁ + iₜ ⊙ gₜ');
  });

  it('the extension-host bundle pulls in no TF.js (it stays small and loads fast)', async () => {
    const result = await esbuild.build({
      entryPoints: [path.join(root, 'src/extension.ts')],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: 'cjs',
      external: ['vscode'],
      logLevel: 'silent',
      absWorkingDir: root,
    });
    const inputs = Object.keys(result.metafile.inputs);
    assert.ok(
      inputs.some((i) => i.endsWith('src/host/core/lens-plan.ts') || i.includes('src/host/')),
      'the bundle holds the host modules',
    );
    const tfjs = inputs.filter((i) => i.includes('@tensorflow'));
    assert.deepEqual(tfjs, [], 'TF.js modules in the host bundle');
  });
});

// The tutorial notebook shipped in the VSIX (media/tutorial/): every recurrent cell it defines
// is found by the detector (so it gets the lenses) with the gate lines its text says, and its
// PyTorch code runs and shows what its prose claims — checked against PyTorch's own nn.LSTM and
// the ordering of the gradient probe. The Python part needs torch (LSTM_LAB_TORCH_PYTHON, else
// /usr/bin/python3) and is skipped, saying why, without it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { detectNotebook, notebookCodeCells } from '../../src/detect';

const TUTORIAL = path.join(__dirname, '../../media/tutorial/lstm-lab-tutorial.ipynb');
const PYTHON = process.env.LSTM_LAB_TORCH_PYTHON ?? '/usr/bin/python3';

function cellSource(ipynb: string, cellIndex: number): string[] {
  const cell = JSON.parse(ipynb).cells[cellIndex];
  return (Array.isArray(cell.source) ? cell.source.join('') : cell.source).split('\n');
}

describe('the tutorial notebook', () => {
  const ipynb = fs.readFileSync(TUTORIAL, 'utf8');

  it('is a Python notebook whose cells have ids and no outputs (nothing stale ships)', () => {
    const nb = JSON.parse(ipynb);
    assert.equal(nb.nbformat, 4);
    assert.equal(notebookCodeCells(ipynb).language, 'python');
    for (const cell of nb.cells) {
      assert.match(cell.id, /^[A-Za-z0-9_-]+$/);
      if (cell.cell_type === 'code') assert.deepEqual(cell.outputs, []);
    }
  });

  it('defines four recurrent cells in the order per-gate LSTM, fused LSTM, RNN, switchable forget gate, all detected', () => {
    const found = detectNotebook(ipynb).map((c) => ({ name: c.name, kind: c.kind, layout: c.layout, optionalForgetGate: c.optionalForgetGate, forgetBias: c.forgetBias }));
    assert.deepEqual(found, [
      { name: 'GateByGateLSTM', kind: 'lstm', layout: 'per-gate', optionalForgetGate: false, forgetBias: 0 },
      { name: 'SideBySideLSTM', kind: 'lstm', layout: 'fused', optionalForgetGate: false, forgetBias: undefined },
      { name: 'TanhRNN', kind: 'rnn', layout: 'per-gate', optionalForgetGate: false, forgetBias: undefined },
      { name: 'SwitchableForgetLSTM', kind: 'lstm', layout: 'per-gate', optionalForgetGate: true, forgetBias: 1 },
    ]);
  });

  it('every gate line the detector reports is the line that computes that gate', () => {
    const assignment: Record<string, RegExp> = { i: /\bi_t\b/, f: /\bf_t\b/, g: /\bg_t\b/, o: /\bo_t\b/, c: /^\s*c = /, h: /^\s*h = / };
    for (const cell of detectNotebook(ipynb)) {
      const lines = cellSource(ipynb, cell.cellIndex);
      for (const [gate, numbers] of Object.entries(cell.gates)) {
        assert.ok(numbers && numbers.length > 0, `${cell.name}: gate ${gate} has no line`);
        // A fused cell's pre-activation line feeds every gate; the others name their gate.
        for (const n of numbers) assert.match(lines[n - 1]!, cell.layout === 'fused' && 'ifgo'.includes(gate) ? /gates|i_t|f_t|g_t|o_t/ : assignment[gate]!, `${cell.name} line ${n}`);
      }
    }
  });

  describe('its PyTorch code', function () {
    let facts: { vsTorch: number; fusedVsPerGate: number; reach: Record<string, number[]> };

    before(function () {
      const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
      if (probe.status !== 0) {
        console.log(`      (skipped: ${PYTHON} cannot import torch; set LSTM_LAB_TORCH_PYTHON to a Python with torch)`);
        this.skip();
      }
      // Run every code cell in order, as Jupyter would, then report what the prose talks about.
      const script = `
import json, sys, io, contextlib
nb = json.load(open(sys.argv[1]))
scope = {}
with contextlib.redirect_stdout(io.StringIO()):
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            exec("".join(cell["source"]), scope)
reach = {name: scope["gradient_reach"](cell, scope["text_like"], steps=50) for name, cell in scope["cells"].items()}
print(json.dumps({
    "vsTorch": (scope["mine"] - scope["ref"]).abs().max().item(),
    "fusedVsPerGate": (scope["fused"](scope["x"])[0] - scope["mine"]).abs().max().item(),
    "reach": reach,
}))
`;
      const run = spawnSync(PYTHON, ['-c', script, TUTORIAL], { encoding: 'utf8', timeout: 110_000 });
      assert.equal(run.status, 0, `the notebook's code failed:\n${run.stderr}`);
      facts = JSON.parse(run.stdout);
    });

    it('the gate-by-gate LSTM computes what nn.LSTM computes, and the fused one the same', () => {
      assert.ok(facts.vsTorch < 1e-6, `differs from nn.LSTM by ${facts.vsTorch}`);
      assert.ok(facts.fusedVsPerGate < 1e-6, `fused differs from per-gate by ${facts.fusedVsPerGate}`);
    });

    it("LSTM Lab's own check runs each of the four cells as written and finds it matches its reference", () => {
      const root = path.join(__dirname, '../..');
      const run = spawnSync(process.execPath, ['-r', 'tsx/cjs', path.join(root, 'src/cli/main.ts'), 'check', TUTORIAL, '--json', '--python', PYTHON], {
        cwd: root,
        encoding: 'utf8',
        timeout: 110_000,
      });
      assert.equal(run.status, 0, run.stderr);
      const report = JSON.parse(run.stdout) as { cells: { name: string; verdict: string; error: unknown }[] };
      assert.deepEqual(
        report.cells.map((c) => [c.name, c.verdict]),
        [
          ['GateByGateLSTM', 'matches'],
          ['SideBySideLSTM', 'matches'],
          ['TanhRNN', 'matches'],
          ['SwitchableForgetLSTM', 'matches'],
        ],
        JSON.stringify(report.cells.map((c) => c.error)),
      );
    });

    it('the gradient reaches back as the prose says: no forget gate > bias +1 > 0 > −1 at step 50, and the RNN below bias +1', () => {
      const at = (name: string, step: number) => facts.reach[name]![step - 1]!;
      assert.ok(at('no forget gate', 50) > at('no forget gate', 1) * 0.5, 'without a forget gate the gradient should stay high');
      assert.ok(at('no forget gate', 50) > at('forget bias +1', 50));
      assert.ok(at('forget bias +1', 50) > at('forget bias 0', 50));
      assert.ok(at('forget bias 0', 50) > at('forget bias -1', 50));
      assert.ok(at('tanh RNN', 50) < at('forget bias +1', 50) * 1e-3, 'the RNN loses its start where the +1 LSTM keeps it');
    });
  });
});

// What the editor and panel show for a check of the user's own cell: which cell and which
// notebook cells the child is given, where a traceback lands, and what a real check of a
// buggy fixture (run in /usr/bin/python3 with torch) turns into: the diagnostic on the line
// that computes the wrong gate (found here by reading the fixture's text), the inline verdict
// and the probe run whose series the gradient chart draws.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PythonClient } from '../../src/python/client';
import { isRunRecord } from '../../src/shared/protocol';
import { departingGate, diagnosticsOf, planForFileCell, planForNotebookCell, userFrame, userProbeRun, verdictDetails, verdictSummary } from '../../src/host/core/user-code-report';

const root = path.resolve(__dirname, '../..');
const workspace = path.join(root, 'test/fixtures/workspace');
const TORCH_PYTHON = '/usr/bin/python3';

function hasTorch(python: string): boolean {
  try {
    execFileSync(python, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

/** 1-based line of the first line of `text` that contains `needle`. */
function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((l) => l.includes(needle));
  assert.ok(index >= 0, `no line contains ${needle}`);
  return index + 1;
}

describe('user code: plans', () => {
  it('gives a notebook cell its own and the earlier code cells (markdown skipped), named <cell N> as in tracebacks', () => {
    const nb = JSON.parse(fs.readFileSync(path.join(workspace, 'lstm_notebook.ipynb'), 'utf8')) as { cells: { cell_type: string; source: string | string[] }[] };
    const cells = nb.cells.map((c) => ({ code: c.cell_type === 'code', text: Array.isArray(c.source) ? c.source.join('') : c.source }));
    const index = cells.findIndex((c) => /class GateByGateLSTM/.test(c.text));
    const plan = planForNotebookCell(cells, index, 'GateByGateLSTM', 1);
    assert.ok(plan, 'found the cell');
    assert.equal(plan.cellIndex, index);
    const codeBefore = cells.slice(0, index + 1).flatMap((c, i) => (c.code ? [i] : []));
    assert.deepEqual(
      plan.input.units.map((u) => u.filename),
      codeBefore.map((i) => `<cell ${i}>`),
    );
    assert.equal(plan.input.units[plan.input.target.unit].code, cells[index].text);
    assert.equal(planForNotebookCell(cells, index, 'NoSuchCell', 1), undefined);
  });

  it('picks, of two cells with the same name in a file, the one nearest the lens line', () => {
    const one = 'import torch\n\ndef rnn_step(x, h, W_ih, W_hh, b):\n    return torch.tanh(x @ W_ih + h @ W_hh + b)\n';
    const text = `${one}\n\n${one.replace('import torch\n', '')}`;
    const second = text.split('\n').lastIndexOf('def rnn_step(x, h, W_ih, W_hh, b):') + 1;
    assert.equal(planForFileCell('/tmp/x.py', text, 'rnn_step', second)?.cell.range.start, second);
    assert.equal(planForFileCell('/tmp/x.py', text, 'rnn_step', 1)?.cell.range.start, 3);
  });
});

describe('user code: where a traceback lands', () => {
  it('is the deepest frame in one of the user units, from a real Python traceback across two notebook cells', function () {
    if (!fs.existsSync(TORCH_PYTHON)) this.skip();
    // Cell 2 defines a helper that raises; cell 5 calls it: the error belongs on cell 2, line 3.
    const script = [
      'import traceback',
      'ns = {}',
      'exec(compile("def helper(v):\\n    w = v + 1\\n    return w / 0\\n", "<cell 2>", "exec"), ns)',
      'exec(compile("def step(x):\\n    return helper(x)\\n", "<cell 5>", "exec"), ns)',
      'try:\n    ns["step"](1)\nexcept Exception:\n    print(traceback.format_exc())',
    ].join('\n');
    const traceback = execFileSync(TORCH_PYTHON, ['-c', script], { encoding: 'utf8' });
    const units = [
      { code: '', filename: '<cell 0>', cellIndex: 0 },
      { code: '', filename: '<cell 2>', cellIndex: 2 },
      { code: '', filename: '<cell 5>', cellIndex: 5 },
    ];
    assert.deepEqual(userFrame(traceback, units), { unit: 1, line: 3 });
    assert.equal(userFrame(traceback, [{ code: '', filename: '/elsewhere.py', cellIndex: null }]), undefined);
  });
});

describe('user code: a real check of a buggy cell, as the editor and the panel show it', function () {
  this.timeout(180_000);
  const file = path.join(workspace, 'user_code/buggy_lstm.py');
  const text = fs.readFileSync(file, 'utf8');
  let client: PythonClient | undefined;

  before(function () {
    if (!fs.existsSync(TORCH_PYTHON) || !hasTorch(TORCH_PYTHON)) {
      console.log(`      (skipped: ${TORCH_PYTHON} cannot import torch)`);
      this.skip();
    }
    client = new PythonClient({ python: TORCH_PYTHON, harnessPath: path.join(root, 'src/python/harness/lstmlab_harness.py') });
  });
  after(() => client?.dispose());

  it('puts the error on the forget gate line, says so inline, marks f in the panel and charts their series beside the reference', async () => {
    const plan = planForFileCell(file, text, 'BuggyLSTM', lineOf(text, 'class BuggyLSTM'), { steps: 10 });
    assert.ok(plan);
    const result = await client!.check(plan.input);
    const forgetLine = lineOf(text, 'f_t = torch.sigmoid');
    assert.equal(result.verdict, 'differs', result.message);

    const diagnostics = diagnosticsOf(plan, result);
    assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
    assert.deepEqual([diagnostics[0].unit, diagnostics[0].line, diagnostics[0].severity], [0, forgetLine, 'error']);
    assert.match(diagnostics[0].message, new RegExp(`^f_t on line ${forgetLine} differs from σ\\(x W_if \\+ h W_hf \\+ b_f\\) from step 0`));
    assert.equal(departingGate(result), 'f');
    // Inline: the gate and its line, short enough for a class line in a narrow editor; the rest is in the hover.
    assert.equal(verdictSummary(result), `✗ differs at f_t (line ${forgetLine}) — hover for details`);
    const details = verdictDetails(result);
    assert.ok(details.startsWith(result.message), details);
    const norms = result.probe && 'norms' in result.probe ? result.probe.norms : [];
    assert.equal(norms.length, 10);
    assert.ok(details.endsWith(` · ‖∂loss/∂h0‖ ${norms[0]!.toExponential(1)} → ${norms[9]!.toExponential(1)} over 10 steps`), details);

    const run = userProbeRun(plan, result, 'buggy_lstm.py:6', 1_700_000_000_000);
    assert.ok(run && isRunRecord(run), 'a run record the panel accepts');
    const mine = run.probeSeries.filter((s) => s.origin === 'your-code');
    const reference = run.probeSeries.filter((s) => s.origin === 'reference');
    assert.ok(mine.length >= 1 && mine.length === reference.length);
    assert.match(mine[0].name, /^your code: BuggyLSTM/);
    assert.match(reference[0].name, /^reference LSTM/);
    for (const s of run.probeSeries) assert.equal(s.norms.length, 10);
    // Their forget gate is another gate's: the gradient flow is not the reference's.
    assert.notDeepEqual(mine[0].norms, reference[0].norms);
  });
});

// The user's own cells, run as written in the Python child: each correct fixture must match the
// reference of its kind, each fixture with one wrong line ("# BUG: <gate>") must differ at that
// gate and line; the seed notebook's cells run as written. Needs a Python with torch and numpy
// (CI installs Debian's python3-torch); without one these tests are skipped, saying why.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { planNotebook, planPythonFile, runPlans, toReport, type CellPlan } from '../../src/python/check';
import { PythonClient, PythonRunError } from '../../src/python/client';
import { findPython, type PythonInfo } from '../../src/python/interpreter';
import type { CellResult } from '../../src/python/protocol';

const FIXTURES = path.join(__dirname, '../fixtures/user-cells');
const SEED = path.resolve(__dirname, '../../../shared/seed/lstm_from_scratch.ipynb');
const STEPS = 12;

let python: PythonInfo | undefined;
let whyNoPython = '';

async function torchPython(): Promise<PythonInfo | undefined> {
  if (python || whyNoPython) return python;
  try {
    const info = await findPython({ explicit: fs.existsSync('/usr/bin/python3') ? { path: '/usr/bin/python3', source: 'cli' } : undefined });
    if (info.torch && info.numpy) python = info;
    else whyNoPython = `${info.path} lacks ${info.torch ? 'numpy' : 'torch'}`;
  } catch (e) {
    whyNoPython = (e as Error).message;
  }
  return python;
}

/** A process that exists and is not a zombie (a killed orphan stays one until PID 1 reaps it). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Each "# BUG: <gate>" marker inside the cell's range: the gate and line the verdict must name. */
function expectedBug(source: string, plan: CellPlan): { gate: string; line: number } | undefined {
  const lines = source.split('\n');
  for (let l = plan.cell.range.start; l <= plan.cell.range.end; l++) {
    const m = /# BUG: (\w)/.exec(lines[l - 1] ?? '');
    if (m) return { gate: m[1], line: l };
  }
  return undefined;
}

describe('checking the user’s own Python cells', function () {
  this.timeout(600_000);
  let client: PythonClient;
  const printed: string[] = [];

  before(async function () {
    if (!(await torchPython())) {
      console.log(`      (skipped: no Python with torch and numpy: ${whyNoPython}; install python3-torch python3-numpy)`);
      this.skip();
    }
    client = new PythonClient({ python: python!.path, timeoutMs: 300_000, onOutput: (t) => printed.push(t) });
  });
  after(() => client?.dispose());

  for (const file of fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.py'))) {
    it(`${file}: every correct cell matches, every cell with one wrong line differs at that gate and line`, async () => {
      const source = fs.readFileSync(path.join(FIXTURES, file), 'utf8');
      const plans = planPythonFile(path.join(FIXTURES, file), source, { steps: STEPS, probe: false });
      assert.ok(plans.length >= 2, `${file}: the detector found ${plans.length} cells`);
      const failures: string[] = [];
      for (const plan of plans) {
        const result = await client.check(plan.input);
        const bug = expectedBug(source, plan);
        const got = `${result.verdict} ${result.firstDifference ? `${result.firstDifference.gate}@${result.firstDifference.line}` : ''} (${result.message})`;
        if (bug) {
          if (result.verdict !== 'differs' || result.firstDifference?.gate !== bug.gate || result.firstDifference?.line !== bug.line)
            failures.push(`${plan.cell.name}: expected differs ${bug.gate}@${bug.line}, got ${got}`);
          else assert.match(result.message, new RegExp(`(line ${bug.line} differs from .+ from step 0)|(differs from the reference's from step 0: look on line ${bug.line})`));
        } else {
          // A cell that computes in float32 itself agrees to float32's rounding only.
          const tolerance = /float32/.test(plan.cell.name) ? 1e-4 : 1e-9;
          if (result.verdict !== 'matches' || !(result.maxRelDiff! < tolerance)) failures.push(`${plan.cell.name}: expected matches, got ${got}`);
        }
      }
      assert.deepEqual(failures, []);
    });
  }

  it('the seed notebook: NaiveLSTM, OptimizedLSTM, SimpleRNN, rnn_step and lstm_step run as written and match; lstm_step’s global lstm is named on its lines', async function () {
    if (!fs.existsSync(SEED)) this.skip();
    const source = fs.readFileSync(SEED, 'utf8');
    const plans = planNotebook(source, { steps: STEPS, probe: false });
    const reports = await runPlans(client, plans);
    const byName = new Map(reports.map((r) => [r.name, r]));
    for (const name of ['NaiveLSTM', 'OptimizedLSTM', 'SimpleRNN', 'rnn_step', 'lstm_step']) {
      const r = byName.get(name);
      assert.ok(r, `${name} was not planned`);
      assert.equal(r.ran, true, `${name}: ${r.message}`);
      assert.equal(r.verdict, 'matches', `${name}: ${r.message}`);
    }
    const step = byName.get('lstm_step')!;
    const cellSource = JSON.parse(source).cells[step.cellIndex!].source.join('').split('\n') as string[];
    const globalLines = cellSource.map((text, k) => (/\blstm\.b_/.test(text) ? k + 1 : 0)).filter(Boolean);
    assert.deepEqual(
      step.warnings.map((w) => w.line),
      globalLines,
    );
    assert.ok(step.warnings.every((w) => /global `lstm\.b_\w`.*instead of its parameter/.test(w.message)));
  });

  it('probes lstm_step as the notebook does: no forget gate keeps the gradient, b_f = +1 keeps more than 0, and 0 more than −1', async () => {
    const source = fs.readFileSync(path.join(FIXTURES, 'torch_functions.py'), 'utf8');
    const plan = planPythonFile(path.join(FIXTURES, 'torch_functions.py'), source, { steps: 60, probe: true, probeSize: { E: 20, H: 32, B: 4 } }).find((p) => p.cell.name === 'lstm_step')!;
    const result = await client.check(plan.input);
    assert.ok(result.probe && 'series' in result.probe, result.message);
    const last = (name: string) => {
      const s = (result.probe as { series: { name: string; norms: (number | null)[] }[] }).series.find((x) => x.name.includes(name))!;
      return s.norms[s.norms.length - 1]!;
    };
    assert.ok(last('no forget gate') > last('b_f = +1'), 'no forget gate keeps more gradient than b_f = +1');
    assert.ok(last('b_f = +1') > last('b_f = 0') && last('b_f = 0') > last('b_f = -1'), 'the forget bias orders the decay');
  });

  it('switches off a forget gate the constructor stores (use_forget_gate=False): the tutorial’s SwitchableForgetLSTM probes without it too, and a wrong no-forget branch is caught', async () => {
    const tutorial = fs.readFileSync(path.resolve(__dirname, '../../media/tutorial/lstm-lab-tutorial.ipynb'), 'utf8');
    const planOf = (source: string) => planNotebook(source, { steps: 60, probe: true, probeSize: { E: 20, H: 32, B: 4 } }).find((p) => p.cell.name === 'SwitchableForgetLSTM')!;
    const result = await client.check(planOf(tutorial).input);
    assert.equal(result.verdict, 'matches', result.message);
    assert.match(result.message, /use_forget_gate=False/);
    assert.ok(result.probe && 'series' in result.probe, result.message);
    const series = result.probe.series;
    assert.deepEqual(
      series.map((s) => s.name),
      ['your code, no forget gate', 'your code, b_f = +1', 'your code, b_f = 0', 'your code, b_f = -1'],
    );
    const last = (k: number) => series[k]!.norms[series[k]!.norms.length - 1]!;
    assert.ok(last(0) > last(1) && last(1) > last(2) && last(2) > last(3), `no forget gate keeps the most gradient, then b_f = +1, 0, −1: ${[0, 1, 2, 3].map(last).join(', ')}`);
    const broken = tutorial.replace('c = c + i_t * g_t', 'c = c + g_t');
    assert.notEqual(broken, tutorial);
    const wrong = await client.check(planOf(broken).input);
    assert.equal(wrong.verdict, 'differs', wrong.message);
  });

  it('the probe of a numpy cell (central differences) equals the reference cell’s from the same weights', async () => {
    const source = fs.readFileSync(path.join(FIXTURES, 'numpy_cells.py'), 'utf8');
    const plan = planPythonFile(path.join(FIXTURES, 'numpy_cells.py'), source, { steps: 20 }).find((p) => p.cell.name === 'NumpyLSTM')!;
    const result = await client.check(plan.input);
    assert.equal(result.verdict, 'matches', result.message);
    assert.ok(result.probe && 'series' in result.probe);
    const first = result.probe.series[0];
    assert.equal(first.reference?.length, 20);
    first.norms.forEach((n, t) => assert.ok(Math.abs(n! - first.reference![t]!) <= 1e-5 * Math.max(1, Math.abs(first.reference![t]!)), `step ${t + 1}: ${n} vs ${first.reference![t]}`));
  });

  describe('the child process', () => {
    let tmp: string;
    before(() => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-lab-pycheck-'));
    });
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    function planOf(code: string, name = 'rnn_step'): CellPlan {
      const file = path.join(tmp, `cell-${Math.random().toString(36).slice(2)}.py`);
      fs.writeFileSync(file, code);
      const plan = planPythonFile(file, code, { steps: 4, probe: false }).find((p) => p.cell.name === name);
      assert.ok(plan, `no ${name} detected in:\n${code}`);
      return plan;
    }

    const STEP = (body: string, imports = 'import torch') =>
      `${imports}\n\ndef rnn_step(x_t, h_t, weight_ih, weight_hh, bias_hh):\n${body}    return torch.tanh(x_t @ weight_ih + h_t @ weight_hh + bias_hh)\n`;

    it('sends the cell’s print output as messages, keeps the JSON stream intact, and stays warm while the imports are the same', async () => {
      const plan = planOf(STEP('    print("hello from the cell")\n    __import__("os").write(1, b"raw bytes on descriptor 1\\n")\n'));
      const before = printed.length;
      const result = await client.check(plan.input);
      assert.equal(result.verdict, 'matches', result.message);
      assert.ok(printed.slice(before).join('').includes('hello from the cell'));
      assert.ok(printed.slice(before).join('').includes('raw bytes on descriptor 1'));
      const pid = client.pid;
      await client.check(planOf(STEP('')).input);
      assert.equal(client.pid, pid, 'same imports: same process');
      await client.check(planOf(STEP('', 'import torch\nimport math')).input);
      assert.notEqual(client.pid, pid, 'imports changed: a fresh process');
    });

    it('a module of the user’s beside the file is imported afresh on each check (edits show), while the child stays warm', async () => {
      const helper = path.join(tmp, 'cellhelp.py');
      fs.writeFileSync(helper, 'def offset():\n    return 0.0\n');
      const code =
        'import torch\nfrom cellhelp import offset\n\ndef rnn_step(x_t, h_t, weight_ih, weight_hh, bias_hh):\n    h_t = torch.tanh(x_t @ weight_ih + h_t @ weight_hh + bias_hh + offset())\n    return h_t\n';
      const plan = planOf(code);
      assert.equal((await client.check(plan.input)).verdict, 'matches');
      const pid = client.pid;
      fs.writeFileSync(helper, 'def offset():\n    return 0.5\n');
      const edited = await client.check(plan.input);
      assert.equal(client.pid, pid);
      assert.equal(edited.verdict, 'differs', edited.message);
      assert.equal(edited.firstDifference?.line, 5);
    });

    it('an exception in the user’s code is reported on its line, with the traceback', async () => {
      const code = STEP('    scale = 1.0\n    raise ValueError("bad cell")\n');
      const result: CellResult = await client.check(planOf(code).input);
      assert.equal(result.verdict, 'unknown');
      assert.equal(result.ran, false);
      assert.equal(result.error?.line, code.split('\n').findIndex((l) => l.includes('raise')) + 1);
      assert.match(result.error?.message ?? '', /ValueError: bad cell/);
    });

    it('a cell that never returns is stopped by the timeout: its process group (with a subprocess it started) is killed', async () => {
      const pidFile = path.join(tmp, 'sleeper.pid');
      const code = STEP(`    import subprocess, time\n    p = subprocess.Popen(["sleep", "600"])\n    open(${JSON.stringify(pidFile)}, "w").write(str(p.pid))\n    time.sleep(600)\n`);
      const plan = planOf(code);
      await assert.rejects(client.check(plan.input, { timeoutMs: 8000 }), (e: unknown) => e instanceof PythonRunError && e.reason === 'timeout');
      const sleeper = Number(fs.readFileSync(pidFile, 'utf8'));
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(running(sleeper), false, 'the subprocess of the cell is gone');
      // The next check starts a fresh child.
      const again = await client.check(planOf(STEP('')).input);
      assert.equal(again.verdict, 'matches');
    });

    it('a cell it cannot call is unknown, saying what it expected and what it found', async () => {
      const code =
        'import torch\n\nclass Weird(torch.nn.Module):\n    def __init__(self, vocab, layers, dropout):\n        super().__init__()\n        self.w = torch.nn.Parameter(torch.zeros(3, 3))\n        self.u = torch.nn.Parameter(torch.zeros(3, 3))\n\n    def forward(self, x, h):\n        return torch.tanh(x @ self.w + h @ self.u)\n';
      const result = await client.check(planOf(code, 'Weird').input);
      assert.equal(result.verdict, 'unknown');
      assert.match(result.message, /expected Weird\(input_size, hidden_size\); found Weird\(vocab, layers, dropout\)/);
    });

    it('a subclass it cannot call through an inherited forward is named itself, not its base class', async () => {
      const base =
        'class Base(torch.nn.Module):\n    def __init__(self, input_size, hidden_size):\n        super().__init__()\n        self.W_xh = torch.nn.Parameter(torch.zeros(input_size, hidden_size))\n        self.W_hh = torch.nn.Parameter(torch.zeros(hidden_size, hidden_size))\n\n    def forward(self, x, h, mode):\n        return self.step(x, h)\n\n';
      const sub = 'class Child(Base):\n    def step(self, x_t, h):\n        h = torch.tanh(x_t @ self.W_xh + h @ self.W_hh)\n        return h\n';
      const result = await client.check(planOf(`import torch\n\n${base}${sub}`, 'Child').input);
      assert.equal(result.verdict, 'unknown');
      assert.match(result.message, /cannot tell what to pass for mode in Child\.forward\(x, h, mode\)/);
    });
  });

  it('reports keep the CLI shape', () => {
    const plan = planPythonFile('x.py', 'import torch\ndef rnn_step(x_t, h_t, W, U, b):\n    return torch.tanh(x_t @ W + h_t @ U + b)\n')[0];
    const report = toReport(plan, {
      name: 'rnn_step',
      kind: 'rnn',
      ran: true,
      error: null,
      verdict: 'matches',
      reference: 'RNN',
      maxRelDiff: 1e-16,
      firstDifference: null,
      probe: null,
      message: 'm',
      reason: null,
      warnings: [],
      library: 'torch',
      timings: {},
    });
    assert.deepEqual(Object.keys(report), ['name', 'line', 'kind', 'ran', 'error', 'verdict', 'reference', 'maxRelDiff', 'firstDifference', 'probe', 'message', 'warnings']);
    assert.equal(report.line, 2);
  });
});

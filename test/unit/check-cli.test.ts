// `lstm-lab check` as a user runs it: a child process through tsx (no build needed).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../..');
const fixtures = path.join(root, 'test/fixtures/user-cells');
const SYSTEM_PYTHON = '/usr/bin/python3';

function labVerb(verb: string, args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['-r', 'tsx/cjs', path.join(root, 'src/cli/main.ts'), verb, ...args], { cwd: root, encoding: 'utf8', timeout: 300_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function lab(args: string[]): { code: number | null; stdout: string; stderr: string } {
  return labVerb('check', args);
}

function hasTorch(): boolean {
  return fs.existsSync(SYSTEM_PYTHON) && spawnSync(SYSTEM_PYTHON, ['-c', 'import torch, numpy']).status === 0;
}

describe('lstm-lab check', function () {
  this.timeout(600_000);

  it('usage and input errors exit 2 with a message saying what to do', () => {
    const missing = lab([path.join(fixtures, 'no-such.py'), '--json']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no such file/);
    assert.deepEqual(Object.keys(JSON.parse(missing.stdout)), ['error', 'exitCode']);
    const ts = lab([path.join(root, 'README.md')]);
    assert.equal(ts.code, 2);
    assert.match(ts.stderr, /must end in \.py, \.ipynb, \.ts/);
    const cell = lab([path.join(fixtures, 'torch_gru.py'), '--cell', 'Nope']);
    assert.equal(cell.code, 2);
    assert.match(cell.stderr, /no cell named "Nope".*found: GRUCell, ChoGRUCell, NoResetBugGRUCell/);
    const python = lab([path.join(fixtures, 'torch_gru.py'), '--python', path.join(os.tmpdir(), 'no-python-here')]);
    assert.equal(python.code, 2);
    assert.match(python.stderr, /--python/);
    assert.equal(lab([path.join(fixtures, 'torch_gru.py'), '--steps', '0']).code, 2);
  });

  it('--json prints one object in the documented shape; a wrong line exits 1 and names gate and line', function () {
    if (!hasTorch()) {
      console.log('      (skipped: /usr/bin/python3 cannot import torch and numpy; install python3-torch python3-numpy)');
      this.skip();
    }
    const { code, stdout } = lab([path.join(fixtures, 'torch_modules.py'), '--python', SYSTEM_PYTHON, '--steps', '8', '--cell', 'NoTanhOutputBugLSTM', '--json']);
    assert.equal(code, 1);
    const out = JSON.parse(stdout) as { file: string; cells: Record<string, unknown>[] };
    assert.equal(out.file, path.join(fixtures, 'torch_modules.py'));
    assert.equal(out.cells.length, 1);
    const cell = out.cells[0];
    assert.deepEqual(Object.keys(cell).slice(0, 10), ['name', 'line', 'kind', 'ran', 'error', 'verdict', 'reference', 'maxRelDiff', 'firstDifference', 'probe']);
    const bugLine =
      fs
        .readFileSync(path.join(fixtures, 'torch_modules.py'), 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('h_t = o_t * c_t  # BUG')) + 1;
    assert.deepEqual([cell['name'], cell['ran'], cell['verdict'], cell['reference'], cell['firstDifference']], ['NoTanhOutputBugLSTM', true, 'differs', 'LSTM', { step: 0, gate: 'h', line: bugLine }]);
    const probe = cell['probe'] as { steps: number[]; norms: number[] };
    assert.deepEqual(probe.steps, [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.equal(probe.norms.length, 8);
    assert.ok(probe.norms.every((n) => n > 0));

    const good = lab([path.join(fixtures, 'torch_modules.py'), '--python', SYSTEM_PYTHON, '--steps', '8', '--cell', 'FusedLSTM']);
    assert.equal(good.code, 0);
    assert.match(good.stdout, /FusedLSTM matches the reference LSTM \(max relative difference .* over 8 steps\)/);
  });

  for (const verb of ['check', 'detect']) {
    it(`${verb} --help: its example names a file in the repository, and the usage line every option`, () => {
      const help = labVerb(verb, ['--help']).stdout;
      const example = /Example: lstm-lab \w+ (\S+)/.exec(help);
      assert.ok(example, help);
      assert.ok(fs.existsSync(path.join(root, example[1])), `the example's ${example[1]} does not exist`);
      const usageLine = help.split('\n').find((l) => l.startsWith('Usage:')) ?? '';
      const options = [...help.split('Options:')[1]!.matchAll(/^\s+--([a-z-]+)/gm)].map((m) => m[1]);
      assert.ok(options.length > 0, help);
      for (const option of options) if (option !== 'help') assert.ok(usageLine.includes(`--${option}`), `${usageLine} lacks --${option}`);
    });
  }

  it('identical runs print identical numbers (a fixed seed, shown, also for the cell’s own initialisation) and say which Python ran', function () {
    if (!hasTorch()) {
      console.log('      (skipped: /usr/bin/python3 cannot import torch and numpy; install python3-torch python3-numpy)');
      this.skip();
    }
    // StepLoopRNN draws its own weights (xavier) in __init__: the probe runs with them.
    const args = [path.join(fixtures, 'torch_step_methods.py'), '--python', SYSTEM_PYTHON, '--steps', '6', '--cell', 'StepLoopRNN', '--json'];
    type Out = { python: { path: string; version: string; torch: string | null }; seed: number; cells: { probe: { norms: number[] } }[] };
    const [first, second, reseeded] = [lab(args), lab(args), lab([...args, '--seed', '7'])].map((r) => JSON.parse(r.stdout) as Out);
    assert.deepEqual(first.cells[0]!.probe.norms, second.cells[0]!.probe.norms);
    assert.notDeepEqual(first.cells[0]!.probe.norms, reseeded.cells[0]!.probe.norms);
    assert.deepEqual([first.seed, reseeded.seed], [0, 7]);
    const torchVersion = spawnSync(SYSTEM_PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' }).stdout.trim();
    assert.deepEqual([first.python.path, first.python.torch], [SYSTEM_PYTHON, torchVersion]);
    const text = lab(args.filter((a) => a !== '--json')).stdout.split('\n')[0];
    assert.equal(text, `Python ${first.python.version} at ${SYSTEM_PYTHON} (torch ${torchVersion}), seed 0`);
  });
});

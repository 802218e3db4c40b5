// The user's TF.js cells run by the extension in a worker process of their own (the real worker
// entry, run by tsx): a check comes back with the same verdict as in-process, the cell's
// console output arrives as it is written, and a cell that never returns is ended by the
// timeout or by Stop (its process killed, a training worker beside it untouched); the next
// check starts a fresh worker and works.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { planTfjsFile } from '../../src/python/check';
import { CellRunError, TfjsCellRunner } from '../../src/host/core/tfjs-cell-runner';
import { WorkerClient, type WorkerClientOptions } from '../../src/host/core/worker-client';

const root = path.resolve(__dirname, '../..');
const FIXTURES = path.join(root, 'test/fixtures/user-cells-tfjs');

function inputOf(file: string) {
  const full = path.join(FIXTURES, file);
  const plans = planTfjsFile(full, fs.readFileSync(full, 'utf8'), file.endsWith('.js') ? 'javascript' : 'typescript', { steps: 20, probeSteps: 10 });
  assert.equal(plans.length, 1);
  return { ...plans[0]!.input, probeSize: { E: 10, H: 16 } };
}

const alive = (pid: number | undefined) => {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(check: () => boolean, what: string): Promise<void> {
  for (let k = 0; k < 200 && !check(); k++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(check(), what);
}

describe('TF.js cells checked in a worker of their own (real worker process)', function () {
  this.timeout(180_000);
  let dir: string;
  let options: WorkerClientOptions;
  const disposables: { dispose(): void }[] = [];

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfjs-cell-runner-'));
    const shim = path.join(dir, 'worker-shim.cjs');
    fs.writeFileSync(shim, `require(${JSON.stringify(require.resolve('tsx/cjs'))});\nrequire(${JSON.stringify(path.join(root, 'src/worker/main.ts'))});\n`);
    options = {
      workerPath: shim,
      wasmDir: path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist'),
      corpusDir: path.join(root, 'dist', 'corpus'),
      backend: () => 'wasm',
    };
  });
  afterEach(() => disposables.splice(0).forEach((d) => d.dispose()));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a correct cell matches and a buggy one differs at its line, as in-process; the worker stays warm between checks', async () => {
    const runner = new TfjsCellRunner(options);
    disposables.push(runner);
    const good = await runner.check(inputOf('lstm_class.js'));
    assert.equal(good.verdict, 'matches', good.message);
    assert.ok(good.probe && 'series' in good.probe && good.probe.series[0]!.norms.length === 10);
    const pid = runner.pid;
    const bad = await runner.check(inputOf('bug_forget_from_input.js'));
    assert.equal(bad.verdict, 'differs');
    assert.equal(bad.firstDifference?.gate, 'f');
    assert.equal(runner.pid, pid, 'the same worker ran both');
  });

  it('a cell that never returns: the timeout kills its worker (not the training worker beside it), the console output came first, the next check works', async () => {
    const training = new WorkerClient(options);
    disposables.push(training);
    const trainingPid = (await training.start()).pid;
    const runner = new TfjsCellRunner(options);
    disposables.push(runner);
    const printed: string[] = [];
    const started = Date.now();
    await assert.rejects(runner.check(inputOf('never_returns.js'), { timeoutMs: 4000, onOutput: (t) => printed.push(t) }), (error: unknown) => {
      assert.ok(error instanceof CellRunError, String(error));
      assert.equal(error.reason, 'timeout');
      assert.match(error.message, /did not return within 4 s; the worker running it was stopped/);
      return true;
    });
    assert.ok(Date.now() - started < 60_000);
    assert.match(printed.join(''), /rnnStep called with x \[ 3, 10 \]/);
    assert.ok(alive(trainingPid), 'the training worker is untouched');
    const after = await runner.check(inputOf('rnn_step.ts'));
    assert.equal(after.verdict, 'matches', after.message);
  });

  it('Stop (the abort signal) ends a cell that never returns: its process is gone', async () => {
    const runner = new TfjsCellRunner(options);
    disposables.push(runner);
    const abort = new AbortController();
    let pid: number | undefined;
    const check = runner.check(inputOf('never_returns.js'), {
      signal: abort.signal,
      onOutput: () => {
        pid = runner.pid;
        abort.abort();
      },
    });
    await assert.rejects(check, (error: unknown) => error instanceof CellRunError && error.reason === 'stopped');
    assert.ok(pid !== undefined);
    await until(() => !alive(pid), `worker ${pid} ended`);
  });
});

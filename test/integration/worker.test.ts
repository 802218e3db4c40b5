// The worker process from inside a real VS Code extension host: it survives malformed
// messages, its out-of-memory death and crash are reported with their reason, and the
// extension host's event loop stays responsive while it trains.
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { WorkerClient, WorkerDiedError } from '../../src/host/core/worker-client';
import { isWorkerToHost, type WorkerToHost } from '../../src/shared/protocol';
import type { RunRecord } from '../../src/shared/protocol';

const EXTENSION_ID = 'lstm-lab.lstm-lab';
const trainJob = (id: string, checkpointDir: string) =>
  ({
    type: 'train',
    id,
    checkpointDir,
    config: {
      cell: 'simple-rnn',
      forgetGate: true,
      forgetBias: 0,
      hiddenSize: 16,
      embeddingSize: 8,
      batchSize: 4,
      seqLen: 20,
      epochs: 1,
      maxBatches: 3,
      learningRate: 0.01,
      seed: 0,
      valFraction: 0.1,
      corpus: { kind: 'text', text: 'the quick brown fox jumps over the lazy dog. '.repeat(40), name: 'fox' },
    },
  }) as const;

describe('worker process (real VS Code extension host)', function () {
  this.timeout(180_000);
  let dist: string;
  let scratch: string;

  before(async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    await extension.activate();
    dist = path.join(extension.extensionPath, 'dist');
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-lab-worker-'));
  });
  after(() => fs.rmSync(scratch, { recursive: true, force: true }));

  const client = (env?: NodeJS.ProcessEnv, maxOldSpaceMB?: number, readyTimeoutMs?: number) =>
    new WorkerClient({ workerPath: path.join(dist, 'worker.js'), wasmDir: path.join(dist, 'wasm'), corpusDir: path.join(dist, 'corpus'), backend: () => 'auto', env, maxOldSpaceMB, readyTimeoutMs });

  it('a worker that became ready is not killed later by the start-up timeout', async () => {
    const c = client(undefined, undefined, 3000);
    try {
      const { pid } = await c.start();
      await new Promise((r) => setTimeout(r, 4000));
      assert.equal(c.pid, pid, 'the same worker is still alive after the start-up timeout');
      const done = await c.run(trainJob('late', path.join(scratch, 'late')), () => undefined);
      assert.equal(done.type, 'trainDone');
    } finally {
      c.dispose();
    }
  });

  it('answers malformed messages with an error and keeps working', async () => {
    const child = fork(path.join(dist, 'worker.js'), [], { execArgv: [], stdio: ['ignore', 'ignore', 'ignore', 'ipc'], serialization: 'advanced' });
    const received: WorkerToHost[] = [];
    child.on('message', (m: unknown) => {
      assert.ok(isWorkerToHost(m), `the worker sent a malformed message: ${JSON.stringify(m)}`);
      received.push(m);
    });
    try {
      for (const bad of [42, 'train', null, { type: 'train' }, { type: 'train', id: 'x', config: { cell: 'gru' } }, { type: 'explode' }]) child.send(bad as never);
      child.send({ type: 'init', backend: 'auto', wasmDir: path.join(dist, 'wasm'), corpusDir: path.join(dist, 'corpus') });
      const until = Date.now() + 60_000;
      while (!received.some((m) => m.type === 'ready') && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      const errors = received.filter((m) => m.type === 'error');
      assert.equal(errors.length, 6, JSON.stringify(received));
      assert.match((errors[4] as { message: string }).message, /malformed 'train' message/);
      assert.ok(
        received.some((m) => m.type === 'ready'),
        'still became ready',
      );
      assert.equal(child.exitCode, null, 'still alive');
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('reports an out-of-memory death as such and fails the job with it', async () => {
    const c = client({ LSTM_LAB_WORKER_FAULT: 'oom' }, 64);
    try {
      await c.start();
      await assert.rejects(
        c.run(trainJob('oom', path.join(scratch, 'oom')), () => undefined),
        (error: Error) => {
          assert.ok(error instanceof WorkerDiedError, error.message);
          assert.match(error.message, /ran out of memory \(JavaScript heap limit 64 MB\)/);
          return true;
        },
      );
      assert.equal(c.pid, undefined, 'the dead worker is forgotten; the next request starts a new one');
    } finally {
      c.dispose();
    }
  });

  it('reports a crash with its exit code and message', async () => {
    const c = client({ LSTM_LAB_WORKER_FAULT: 'crash' });
    try {
      await c.start();
      await assert.rejects(
        c.run(trainJob('crash', path.join(scratch, 'crash')), () => undefined),
        /exited with code \d+ \(worker crashed: deliberate crash/,
      );
    } finally {
      c.dispose();
    }
  });

  it('the extension host stays responsive while the worker trains (prints the event-loop delay)', async () => {
    const histogram = monitorEventLoopDelay({ resolution: 10 });
    histogram.enable();
    const run = await vscode.commands.executeCommand<RunRecord>('lstmLab.train', {
      cell: 'fused-lstm',
      preset: 'quick',
      corpus: { kind: 'brown' },
      maxBatches: 6,
      seqLen: 30,
      hiddenSize: 32,
      embeddingSize: 16,
      batchSize: 8,
    });
    histogram.disable();
    assert.equal(run.status, 'done', run.reason);
    const ms = (ns: number) => (ns / 1e6).toFixed(1);
    // A figure, not a timed assertion: the machine is shared.
    console.log(`extension host event-loop delay during a training run: mean ${ms(histogram.mean)} ms, p99 ${ms(histogram.percentile(99))} ms, max ${ms(histogram.max)} ms`);
    await vscode.commands.executeCommand('lstmLab.clearRuns', { confirm: true });
  });
});

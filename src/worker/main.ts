// The worker process entry (bundled to dist/worker.js, forked by the host's WorkerClient).
// All tensors live here. It reads HostToWorker messages from IPC and answers with
// WorkerToHost; the loop itself is in worker.ts.
import { initBackend } from '../engine/backend';
import { probe } from '../engine/probe';
import { sample } from '../engine/sampler';
import { train } from '../engine/trainer';
import type { WorkerToHost } from '../shared/protocol';
import { checkTfjsInput } from '../tfjs-cell';
import { runInspectJob } from './inspect-jobs';
import { errorMessage, WorkerLoop, type WorkerEngine } from './worker';

if (!process.send) {
  console.error('dist/worker.js is the LSTM Lab worker: the extension forks it with an IPC channel; it cannot run on its own. Use the CLI (dist/cli.js) on a terminal.');
  process.exit(2);
}

const send = (message: WorkerToHost): void => {
  if (!process.connected) return;
  try {
    process.send!(message);
  } catch (error) {
    console.error(`worker: could not send ${message.type}: ${(error as Error).message}`);
  }
};

const engine: WorkerEngine = {
  initBackend: (preference, options) => initBackend(preference, options),
  train: (config, options) => train(config, options),
  probe: (config, options) => probe(config, options),
  sample: ({ corpusDir: _corpusDir, ...config }) => sample(config),
  inspect: (job, options) => runInspectJob(job, options),
  checkCell: (input, options) => checkTfjsInput(input, options),
};

// Test-only faults (integration tests of the host's recovery): LSTM_LAB_WORKER_FAULT=oom
// fills the JavaScript heap until V8 aborts; =crash throws an uncaught error. Both on the
// first job, after `ready`, like a real failure mid-run. (With wasm loaded, emscripten's own
// uncaughtException handler rethrows after ours has reported, so the exit code is 7, not 70.)
const fault = process.env.LSTM_LAB_WORKER_FAULT;
function injectFault(): void {
  if (fault === 'oom') {
    const hoard: number[][] = [];
    for (;;) hoard.push(new Array(1_000_000).fill(Math.random()));
  }
  if (fault === 'crash')
    setImmediate(() => {
      throw new Error('deliberate crash (LSTM_LAB_WORKER_FAULT=crash)');
    });
}

const loop = new WorkerLoop(engine, send, (code) => {
  // Let the last messages flush before leaving.
  setImmediate(() => process.exit(code));
});

process.on('message', (message: unknown) => {
  if (fault && typeof message === 'object' && message !== null && ['train', 'probe', 'sample', 'checkCell'].includes(String((message as { type?: unknown }).type))) injectFault();
  loop.handle(message);
});
// The host is gone (window closed, extension host crashed): nothing left to work for.
process.on('disconnect', () => process.exit(0));
process.on('unhandledRejection', (reason) => send({ type: 'error', message: `worker: unhandled rejection: ${errorMessage(reason)}` }));
process.on('uncaughtException', (error) => {
  send({ type: 'error', message: `worker crashed: ${errorMessage(error)}` });
  console.error(error);
  setImmediate(() => process.exit(70));
});

// A worker thread that runs one of LSTM Lab's wasm kernels: its program is a self-contained
// function's source text (which instantiates the kernel from the compiled module in workerData)
// and a message loop. The same pattern serves fast-lstm's training slices (lm-threads.ts) and
// the probe's target shares (probe-threads.ts).
import { Worker } from 'node:worker_threads';

/**
 * The worker's program: `handle` is the source of `(workerData) => (request) => result`, a
 * self-contained function (it references nothing outside its own body). Typed arrays in the
 * result are transferred, not copied.
 */
function workerSource(handle: string): string {
  return `
const { parentPort, workerData } = require('node:worker_threads');
const handle = (${handle})(workerData);
parentPort.on('message', ({ id, request }) => {
  try {
    const result = handle(request);
    const transfer = Object.values(result).filter((v) => ArrayBuffer.isView(v)).map((v) => v.buffer);
    parentPort.postMessage({ id, result }, transfer);
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.message) || error) });
  }
});`;
}

type Reply<Result> = { id: number; result: Result } | { id: number; error: string };

export class KernelWorker<Request, Result> {
  private readonly worker: Worker;
  private pending = new Map<number, { resolve: (r: Result) => void; reject: (e: Error) => void }>();
  private failure: Error | undefined;
  private nextId = 0;

  /** `what` names the work in error messages ("fast-lstm", "the probe"). */
  constructor(handle: string, workerData: unknown, what: string) {
    this.worker = new Worker(workerSource(handle), { eval: true, workerData });
    this.worker.unref(); // referenced only while a request is in flight
    this.worker.on('message', (reply: Reply<Result>) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) this.worker.unref();
      if ('error' in reply) waiting.reject(new Error(reply.error));
      else waiting.resolve(reply.result);
    });
    const fail = (error: Error) => {
      this.failure ??= error;
      for (const waiting of this.pending.values()) waiting.reject(this.failure);
      this.pending.clear();
    };
    this.worker.on('error', (error) => fail(new Error(`${what} worker thread failed: ${error.message}`)));
    this.worker.on('exit', (code) => fail(new Error(`${what} worker thread exited (code ${code}); run again, or with one thread (--threads 1).`)));
  }

  run(request: Request): Promise<Result> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ id, request });
    });
  }

  async terminate(): Promise<void> {
    this.failure ??= new Error('the kernel threads were disposed.');
    await this.worker.terminate();
  }
}

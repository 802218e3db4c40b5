// Runs the user's own TF.js cells (.ts/.js files) for the editor's lens, in a worker process of
// their own (dist/worker.js, as for training, but never the one training runs in): the check
// is synchronous in the user's code, so a cell that never returns can only be stopped by
// killing its process, and killing this one loses no run. Stop and the timeout kill it; the
// next check starts a fresh one. No vscode import (unit-tested with the real worker).
import type { CellResult, CheckInput } from '../../shared/cell-check';
import { WorkerClient, WorkerDiedError, type WorkerClientOptions } from './worker-client';

/** Why a check of the user's TF.js cell ended without a result. */
export class CellRunError extends Error {
  constructor(
    message: string,
    readonly reason: 'stopped' | 'timeout' | 'exited',
  ) {
    super(message);
    this.name = 'CellRunError';
  }
}

export interface TfjsCheckCall {
  /** 0 or absent: no limit. Counted from when the worker is ready (its start is not the cell's time). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** The cell's console output, as it comes. */
  onOutput?: (text: string) => void;
}

export class TfjsCellRunner {
  private worker: WorkerClient | undefined;
  private nextId = 0;

  constructor(private readonly options: WorkerClientOptions) {}

  /** The worker's process id while it is up (tests check that Stop ended it). */
  get pid(): number | undefined {
    return this.worker?.pid;
  }

  async check(input: CheckInput, call: TfjsCheckCall = {}): Promise<CellResult> {
    const worker = (this.worker ??= new WorkerClient(this.options));
    let ended: CellRunError | undefined;
    const end = (error: CellRunError) => {
      if (ended) return;
      ended = error;
      worker.kill(error.message);
      // Its exit arrives later: the next check must not be sent to the dying process.
      if (this.worker === worker) this.worker = undefined;
    };
    const onAbort = () => end(new CellRunError('Stopped: the worker running the cell was killed.', 'stopped'));
    if (call.signal?.aborted) throw new CellRunError('Stopped before it started.', 'stopped');
    call.signal?.addEventListener('abort', onAbort);
    let timer: NodeJS.Timeout | undefined;
    try {
      await worker.start();
      const timeoutMs = call.timeoutMs ?? 0;
      if (timeoutMs > 0) timer = setTimeout(() => end(new CellRunError(`The cell did not return within ${Math.round(timeoutMs / 1000)} s; the worker running it was stopped.`, 'timeout')), timeoutMs);
      const done = await worker.run({ type: 'checkCell', id: `cell-${++this.nextId}`, input }, (event) => {
        if (event.type === 'cellOutput') call.onOutput?.(event.text);
      });
      if (done.type !== 'checkCellDone') throw new CellRunError(`the worker answered a cell check with '${done.type}'.`, 'exited');
      return done.result;
    } catch (error) {
      if (ended) throw ended;
      if (error instanceof WorkerDiedError) {
        if (this.worker === worker) this.worker = undefined;
        throw new CellRunError(`The worker running the cell died: ${error.reason}`, 'exited');
      }
      throw error;
    } finally {
      clearTimeout(timer);
      call.signal?.removeEventListener('abort', onAbort);
    }
  }

  dispose(): void {
    this.worker?.dispose();
    this.worker = undefined;
  }
}

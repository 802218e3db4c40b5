// Data-parallel fast-lstm: a batch's rows are cut into contiguous slices, one per thread;
// every thread runs its own instance of the wasm kernel (lm-kernel.ts) on its slice. The
// slices' gradients are summed here in slice order (so a run is deterministic,
// and equals the one-thread run up to the order of float sums). This thread computes the last
// slice while threads − 1 workers compute the others: `threads` threads in all.
import * as os from 'node:os';
import { PADDING_ID } from '../corpus';
import { KernelWorker } from './kernel-worker';
import { instantiateLmKernel, lmKernelModule, type LmKernel, type LmShapes } from './lm-kernel';

export type LmModelShapes = Omit<LmShapes, 'batch'>;

export interface LmBatchResult {
  /** Mean −log p(target) over the batch's non-padding targets (0 when there are none). */
  loss: number;
  /** Σ −log p(target) and the number of non-padding targets it sums over. */
  lossSum: number;
  targets: number;
  /** The gradient of `loss`, flat in the parameter order (lm-kernel.ts); absent when forward only. */
  grads?: Float32Array;
}

/** The cores this process may use (at least 1). */
export function availableCores(): number {
  return Math.max(1, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);
}

/**
 * Slices for a batch: one per thread. (Two per thread, each taken as a thread finishes one, was
 * measured too: on a quiet machine this thread sometimes took a slice a worker was about to ask
 * for, and 2 threads ran no faster than one.)
 */
export function sliceCount(rows: number, threads: number): number {
  return Math.min(rows, threads);
}

/** [start, end) rows of each non-empty slice: `rows` cut into at most `parts` near-equal runs. */
export function sliceRows(rows: number, parts: number): Array<[number, number]> {
  const count = Math.max(1, Math.min(parts, rows));
  const out: Array<[number, number]> = [];
  for (let k = 0; k < count; k++) out.push([Math.floor((k * rows) / count), Math.floor(((k + 1) * rows) / count)]);
  return out;
}

interface SliceRequest {
  shapes: LmShapes;
  params: Float32Array;
  ids: Int32Array;
  targets: Int32Array;
  scale: number;
  backward: boolean;
}
interface SliceResult {
  lossSum: number;
  grads?: Float32Array;
}

/** A worker's handler (self-contained: kernel-worker.ts runs its source text in the thread). */
function sliceHandler(instantiate: string): string {
  return `(workerData) => {
    const kernel = (${instantiate})(workerData.module);
    return (request) => {
      kernel.configure(request.shapes);
      return kernel.run(request.params, request.ids, request.targets, request.scale, request.backward);
    };
  }`;
}

/** `threads` kernel instances (this thread's and threads − 1 workers'), reused batch after batch. */
export class LmKernelPool {
  readonly threads: number;
  private readonly local: LmKernel;
  private readonly workers: Array<KernelWorker<SliceRequest, SliceResult>>;

  constructor(threads: number) {
    if (!Number.isInteger(threads) || threads < 1) throw new Error(`fast-lstm threads must be a positive integer, got ${threads}.`);
    this.threads = threads;
    const module = lmKernelModule();
    this.local = instantiateLmKernel(module);
    this.workers = Array.from({ length: threads - 1 }, () => new KernelWorker<SliceRequest, SliceResult>(sliceHandler(instantiateLmKernel.toString()), { module }, 'fast-lstm'));
  }

  /**
   * The batch's mean loss and, when `backward`, its gradient. ids and targets are
   * [batch, steps] row-major; params flat in the kernel's order.
   */
  async run(model: LmModelShapes, batch: number, params: Float32Array, ids: Int32Array, targets: Int32Array, backward: boolean): Promise<LmBatchResult> {
    const { steps } = model;
    if (ids.length !== batch * steps || targets.length !== batch * steps)
      throw new Error(`fast-lstm: a batch of ${batch} × ${steps} needs ${batch * steps} ids and targets, got ${ids.length} and ${targets.length}.`);
    let count = 0;
    for (let k = 0; k < targets.length; k++) if (targets[k] !== PADDING_ID) count++;
    const scale = 1 / Math.max(count, 1);
    const slices = sliceRows(batch, sliceCount(batch, this.threads)).map(([start, end]) => ({
      shapes: { ...model, batch: end - start },
      ids: ids.subarray(start * steps, end * steps),
      targets: targets.subarray(start * steps, end * steps),
    }));
    const results = await this.runSlices(slices, params, scale, backward);
    let lossSum = 0;
    for (const result of results) lossSum += result.lossSum;
    let grads: Float32Array | undefined;
    if (backward) {
      grads = results[0]!.grads!;
      for (const result of results.slice(1)) {
        const add = result.grads!;
        for (let k = 0; k < grads.length; k++) grads[k]! += add[k]!;
      }
    }
    return { loss: lossSum / Math.max(count, 1), lossSum, targets: count, ...(grads ? { grads } : {}) };
  }

  /**
   * Every slice's result, in slice order. Idle workers take slices first, this thread the rest;
   * a worker that finishes while slices remain takes the next.
   */
  private async runSlices(slices: Array<Pick<SliceRequest, 'shapes' | 'ids' | 'targets'>>, params: Float32Array, scale: number, backward: boolean): Promise<SliceResult[]> {
    const results: SliceResult[] = new Array(slices.length);
    const idle = [...this.workers];
    const inFlight = new Set<Promise<void>>();
    let next = 0;
    let failure: unknown;
    const dispatch = (): void => {
      while (failure === undefined && idle.length > 0 && next < slices.length) {
        const worker = idle.pop()!;
        const index = next++;
        const done: Promise<void> = worker.run({ ...slices[index]!, params, scale, backward }).then(
          (result) => {
            results[index] = result;
            idle.push(worker);
            dispatch();
          },
          (error: unknown) => {
            failure ??= error;
          },
        );
        inFlight.add(done);
        void done.finally(() => inFlight.delete(done));
      }
    };
    dispatch();
    while (failure === undefined && next < slices.length) {
      const index = next++;
      try {
        this.local.configure(slices[index]!.shapes);
        results[index] = this.local.run(params, slices[index]!.ids, slices[index]!.targets, scale, backward);
      } catch (error) {
        failure ??= error;
      }
      await new Promise<void>((resolve) => setImmediate(resolve)); // lets finished workers take the next slice
    }
    while (inFlight.size > 0) await Promise.all([...inFlight]);
    if (failure !== undefined) throw failure;
    return results;
  }

  async dispose(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}

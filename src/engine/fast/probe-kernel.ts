// The gradient probe's sweep for the LSTM and the tanh RNN on LSTM Lab's own SIMD128 wasm
// kernel (kernels/c/probe_sweep.c), over every core: the targets t = 1..steps are independent,
// so each thread sweeps an interleaved share of them (t ≡ part + 1 mod parts), this thread one
// share and `threads − 1` worker threads the others. The method is probe-fast.ts's.
import { PROBE_SWEEP_WASM_BASE64 } from '../kernels/probe-sweep-wasm';
import { KernelWorker } from './kernel-worker';
import { availableCores } from './lm-threads';
import { cancelled } from './probe-sweep';
import type { FusedWeights } from '../families/types';

export interface ProbeKernelInput {
  family: 'lstm' | 'rnn';
  batch: number;
  steps: number;
  embedding: number;
  hidden: number;
  forgetGate: boolean;
  /** The embedded batch's first `steps` steps, [batch, steps, embedding] row-major. */
  x: Float32Array;
  weights: FusedWeights;
}

interface ProbeKernel {
  /** Sizes the instance, runs the forward pass and seeds this share's sweep. */
  start(input: ProbeKernelInput, part: number, parts: number): void;
  /** Sweeps back up to `count` steps; returns the steps still to go. */
  continue(count: number): number;
  /** norm_t at [t − 1] for this share's targets, −1 for the others'. */
  norms(): Float64Array;
}

let compiled: WebAssembly.Module | undefined;

function probeKernelModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(Buffer.from(PROBE_SWEEP_WASM_BASE64, 'base64'));
  return compiled;
}

/** An instance of the kernel. Self-contained on purpose: its source text runs in the worker threads. */
function instantiateProbeKernel(module: WebAssembly.Module): ProbeKernel {
  interface Exports {
    memory: WebAssembly.Memory;
    probe_configure(family: number, batch: number, steps: number, embedding: number, hidden: number, forgetGate: number): number;
    probe_x(): number;
    probe_weight_ih(): number;
    probe_weight_hh(): number;
    probe_bias(): number;
    probe_norms(): number;
    probe_start(part: number, parts: number): void;
    probe_continue(count: number): number;
  }
  const exports = new WebAssembly.Instance(module, {}).exports as unknown as Exports;
  let steps = 0;
  return {
    start(input, part, parts) {
      const { batch: B, embedding: E, hidden: H, x, weights } = input;
      const G = (input.family === 'lstm' ? 4 : 1) * H;
      steps = input.steps;
      if (x.length !== B * steps * E || weights.weightIh.length !== E * G || weights.weightHh.length !== H * G || weights.bias.length !== G) {
        throw new Error(`probe kernel: inputs do not match batch ${B}, ${steps} steps, embedding ${E}, hidden ${H}.`);
      }
      if (exports.probe_configure(input.family === 'lstm' ? 0 : 1, B, steps, E, H, input.forgetGate ? 1 : 0) !== 0) {
        throw new Error(`probe kernel: out of memory for a batch of ${B} × ${steps} steps (hidden ${H}); probe fewer steps or a smaller batch.`);
      }
      const buffer = exports.memory.buffer; // configure may have grown it: views are made fresh
      new Float32Array(buffer, exports.probe_x(), x.length).set(x);
      new Float32Array(buffer, exports.probe_weight_ih(), E * G).set(weights.weightIh);
      new Float32Array(buffer, exports.probe_weight_hh(), H * G).set(weights.weightHh);
      new Float32Array(buffer, exports.probe_bias(), G).set(weights.bias);
      exports.probe_start(part, parts);
    },
    // Methods, not arrow functions: a bundler's name helpers (__name) would not exist in a worker.
    continue(count) {
      return exports.probe_continue(count);
    },
    norms() {
      return new Float64Array(exports.memory.buffer, exports.probe_norms(), steps).slice();
    },
  };
}

interface ShareRequest {
  input: ProbeKernelInput;
  part: number;
  parts: number;
}

/** A worker's handler (self-contained: kernel-worker.ts runs its source text). */
function shareHandler(instantiate: string): string {
  return `(workerData) => {
    const kernel = (${instantiate})(workerData.module);
    return ({ input, part, parts }) => {
      kernel.start(input, part, parts);
      while (kernel.continue(workerData.stepsPerCall) > 0); // short calls: V8 moves to optimised code between them
      return { norms: kernel.norms() };
    };
  }`;
}

/**
 * Steps swept per call into the kernel (a few ms each): this thread checks for a cancel between
 * calls, and V8, which starts a module on its baseline compiler, runs a function's optimised code
 * from the next call on; one long call would stay on the baseline code (measured ~3× slower).
 */
const STEPS_PER_CALL = 4;

let local: ProbeKernel | undefined;
const workers: Array<KernelWorker<ShareRequest, { norms: Float64Array }>> = [];

/** This thread's instance and `threads − 1` workers, kept for the next probe (they do not hold the process open). */
function probeThreads(threads: number): { local: ProbeKernel; workers: typeof workers } {
  local ??= instantiateProbeKernel(probeKernelModule());
  while (workers.length < threads - 1) workers.push(new KernelWorker(shareHandler(instantiateProbeKernel.toString()), { module: probeKernelModule(), stepsPerCall: STEPS_PER_CALL }, 'the probe'));
  return { local, workers: workers.slice(0, threads - 1) };
}

/**
 * norm_t for t = 1..steps (see probe-fast.ts), on `threads` threads (default: every core).
 * `signal` is checked every few steps of this thread's share; `name` names the series in a
 * cancel message.
 */
export async function probeNormsOnKernel(input: ProbeKernelInput, signal: AbortSignal | undefined, name: string, threads = availableCores()): Promise<number[]> {
  if (signal?.aborted) throw cancelled(`in ${name}`);
  const parts = Math.max(1, Math.min(threads, input.steps));
  const pool = probeThreads(parts);
  const others = pool.workers.map((worker, k) => worker.run({ input, part: k + 1, parts }));
  others.forEach((share) => share.catch(() => undefined)); // awaited below; never unhandled meanwhile
  pool.local.start(input, 0, parts);
  while (pool.local.continue(STEPS_PER_CALL) > 0) {
    await new Promise<void>((resolve) => setImmediate(resolve)); // lets a cancel message arrive
    if (signal?.aborted) {
      await Promise.allSettled(others);
      throw cancelled(`in ${name}`);
    }
  }
  const shares = [pool.local.norms(), ...(await Promise.all(others)).map((r) => r.norms)];
  return Array.from({ length: input.steps }, (_, k) => shares[k % parts]![k]!);
}

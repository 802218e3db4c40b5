// The gradient probe's sweep for the LSTM and the tanh RNN on LSTM Lab's own SIMD128 wasm
// kernel (kernels/c/probe_sweep.c), over every core: the instances of the batch are independent
// until ∂loss_t/∂h_0 sums them, so each of `threads` worker threads sweeps a slice of the batch
// (forward pass included: nothing is computed twice) and returns its sums; this thread adds
// them and takes the norms. It only hands out the work: a series' slices queue behind the
// previous series' in each worker, so a caller may start the next series before this one is
// done and the cores never wait for it. The method is probe-fast.ts's.
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
  /** Sizes the instance and runs the forward pass. */
  start(input: ProbeKernelInput): void;
  /** Sweeps back up to `count` steps; returns the steps still to go. */
  continue(count: number): number;
  /** Σ over this batch of ∂loss_t/∂h_0[j] at [(t − 1)·hidden + j]. */
  sums(): Float64Array;
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
    probe_sums(): number;
    probe_start(): void;
    probe_continue(count: number): number;
  }
  const exports = new WebAssembly.Instance(module, {}).exports as unknown as Exports;
  let length = 0;
  return {
    start(input) {
      const { batch: B, steps, embedding: E, hidden: H, x, weights } = input;
      const G = (input.family === 'lstm' ? 4 : 1) * H;
      length = steps * H;
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
      exports.probe_start();
    },
    // Methods, not arrow functions: a bundler's name helpers (__name) would not exist in a worker.
    continue(count) {
      return exports.probe_continue(count);
    },
    sums() {
      return new Float64Array(exports.memory.buffer, exports.probe_sums(), length).slice();
    },
  };
}

interface ShareRequest {
  /** A slice of the batch. */
  input: ProbeKernelInput;
  /** [0] becomes 1 when the caller cancels (an Int32Array over a SharedArrayBuffer: seen by the worker mid-sweep). */
  cancel: Int32Array;
}

/** This slice's sums (ProbeKernel.sums); empty when the share was cancelled. */
interface ShareResult {
  sums: Float64Array;
}

/** A worker's handler (self-contained: kernel-worker.ts runs its source text). */
function shareHandler(instantiate: string): string {
  return `(workerData) => {
    const kernel = (${instantiate})(workerData.module);
    return ({ input, cancel }) => {
      if (Atomics.load(cancel, 0) !== 0) return { sums: new Float64Array(0) };
      kernel.start(input);
      // Short calls: V8 moves to optimised code between them, and a cancel is seen within a few steps.
      while (kernel.continue(workerData.stepsPerCall) > 0) if (Atomics.load(cancel, 0) !== 0) return { sums: new Float64Array(0) };
      return { sums: kernel.sums() };
    };
  }`;
}

/**
 * Steps swept per call into the kernel (a few ms each): the worker checks for a cancel between
 * calls, and V8, which starts a module on its baseline compiler, runs a function's optimised code
 * from the next call on; one long call would stay on the baseline code (measured ~3× slower).
 */
const STEPS_PER_CALL = 4;

const workers: Array<KernelWorker<ShareRequest, ShareResult>> = [];

/**
 * `threads` worker threads with the kernel, kept for the next probe (they do not hold the
 * process open). Starting them early (see warmProbeThreads) hides their start-up.
 */
function probeWorkers(threads: number): Array<KernelWorker<ShareRequest, ShareResult>> {
  while (workers.length < threads) workers.push(new KernelWorker(shareHandler(instantiateProbeKernel.toString()), { module: probeKernelModule(), stepsPerCall: STEPS_PER_CALL }, 'the probe'));
  return workers.slice(0, threads);
}

/** Starts the probe's worker threads (and compiles the kernel) now, so that the first series need not wait for them. */
export function warmProbeThreads(threads = availableCores()): void {
  probeWorkers(threads);
}

/** The batch's rows split into `parts` nearly equal slices, each a ProbeKernelInput of its own. */
function batchSlices(input: ProbeKernelInput, parts: number): ProbeKernelInput[] {
  const rowLength = input.steps * input.embedding;
  return Array.from({ length: parts }, (_, k) => {
    const [first, end] = [Math.floor((k * input.batch) / parts), Math.floor(((k + 1) * input.batch) / parts)];
    return { ...input, batch: end - first, x: input.x.slice(first * rowLength, end * rowLength) }; // a copy: a view would post the whole buffer
  });
}

/**
 * norm_t for t = 1..steps (see probe-fast.ts), on `threads` worker threads (default: every
 * core), each a slice of the batch. A cancel through `signal` reaches the workers within a few
 * steps; `name` names the series in the cancel message.
 */
export async function probeNormsOnKernel(input: ProbeKernelInput, signal: AbortSignal | undefined, name: string, threads = availableCores()): Promise<number[]> {
  if (signal?.aborted) throw cancelled(`in ${name}`);
  const parts = Math.max(1, Math.min(threads, input.batch));
  const cancel = new Int32Array(new SharedArrayBuffer(4));
  const onAbort = () => Atomics.store(cancel, 0, 1);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const workers = probeWorkers(parts);
    const shares = await Promise.all(batchSlices(input, parts).map((slice, k) => workers[k]!.run({ input: slice, cancel })));
    if (signal?.aborted) throw cancelled(`in ${name}`);
    const H = input.hidden;
    return Array.from({ length: input.steps }, (_, t) => {
      let squares = 0;
      for (let j = 0; j < H; j++) {
        const sum = shares.reduce((total, share) => total + share.sums[t * H + j]!, 0);
        squares += sum * sum;
      }
      return Math.sqrt(squares);
    });
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

// fast-lstm's whole language model (embedding → LSTM → linear → cross-entropy, forward and
// backward) in LSTM Lab's own SIMD128 wasm kernel (kernels/c/lstm_lm.c). One kernel
// instance computes one slice of a batch; lm-threads.ts runs one per thread.
//
// The parameters travel as one flat Float32Array in the order of LanguageModel.variables
// for a fast-lstm cell: embedding [V, E], weight_ih [E, 4H], weight_hh [H, 4H], bias [4H],
// projection weight [H, V], projection bias [V]. The gradients come back the same way.
import { LSTM_LM_WASM_BASE64 } from '../kernels/lstm-lm-wasm';

export interface LmShapes {
  /** Instances in this slice. */
  batch: number;
  steps: number;
  embedding: number;
  hidden: number;
  vocab: number;
  forgetGate: boolean;
}

export interface LmSliceResult {
  /** Σ −log p(target) over the slice's non-padding targets (float64). */
  lossSum: number;
  /** `scale` × the gradient of lossSum, flat in the parameter order; absent for a forward-only run. */
  grads?: Float32Array;
}

export interface LmKernel {
  /** Sizes the instance; cheap when the shapes are unchanged. */
  configure(shapes: LmShapes): void;
  /** ids and targets [batch, steps] (row-major, padding 0). */
  run(params: Float32Array, ids: Int32Array, targets: Int32Array, scale: number, backward: boolean): LmSliceResult;
}

/** Floats in the flat parameter vector. */
export function lmParamCount(s: Pick<LmShapes, 'embedding' | 'hidden' | 'vocab'>): number {
  const { embedding: E, hidden: H, vocab: V } = s;
  return V * E + E * 4 * H + H * 4 * H + 4 * H + H * V + V;
}

let compiled: WebAssembly.Module | undefined;

/** The compiled kernel module (compiled once per thread; a Module can be posted to workers). */
export function lmKernelModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(Buffer.from(LSTM_LM_WASM_BASE64, 'base64'));
  return compiled;
}

/**
 * An instance of the kernel. Self-contained on purpose (it references nothing outside its
 * own body): lm-threads.ts sends its source text to every worker thread.
 */
export function instantiateLmKernel(module: WebAssembly.Module): LmKernel {
  interface Exports {
    memory: WebAssembly.Memory;
    lm_configure(batch: number, steps: number, embedding: number, hidden: number, vocab: number, forgetGate: number): number;
    lm_params(): number;
    lm_grads(): number;
    lm_ids(): number;
    lm_targets(): number;
    lm_run(scale: number, backward: number): number;
  }
  const exports = new WebAssembly.Instance(module, { env: { log: Math.log } }).exports as unknown as Exports;
  let key = '';
  let paramCount = 0;
  let slots = 0;
  return {
    configure(s) {
      const next = `${s.batch},${s.steps},${s.embedding},${s.hidden},${s.vocab},${s.forgetGate}`;
      if (next === key) return;
      if (exports.lm_configure(s.batch, s.steps, s.embedding, s.hidden, s.vocab, s.forgetGate ? 1 : 0) !== 0) {
        key = '';
        throw new Error(`fast-lstm kernel: out of memory for a slice of ${s.batch} × ${s.steps} characters (hidden ${s.hidden}); use a smaller batch, sequence or hidden size.`);
      }
      key = next;
      const { embedding: E, hidden: H, vocab: V } = s;
      paramCount = V * E + E * 4 * H + H * 4 * H + 4 * H + H * V + V;
      slots = s.batch * s.steps;
    },
    run(params, ids, targets, scale, backward) {
      if (key === '') throw new Error('fast-lstm kernel: configure() first.');
      if (params.length !== paramCount || ids.length !== slots || targets.length !== slots) {
        throw new Error(`fast-lstm kernel: expected ${paramCount} parameters and ${slots} ids/targets, got ${params.length}, ${ids.length} and ${targets.length}.`);
      }
      const buffer = exports.memory.buffer; // configure() may have grown it: views are made fresh
      new Float32Array(buffer, exports.lm_params(), paramCount).set(params);
      new Int32Array(buffer, exports.lm_ids(), slots).set(ids);
      new Int32Array(buffer, exports.lm_targets(), slots).set(targets);
      const lossSum = exports.lm_run(scale, backward ? 1 : 0);
      if (!backward) return { lossSum };
      return { lossSum, grads: new Float32Array(exports.memory.buffer, exports.lm_grads(), paramCount).slice() };
    },
  };
}

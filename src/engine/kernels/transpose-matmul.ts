// The transposed-matmul fix for the wasm backend (tfjs-backend-wasm 4.22).
//
// The wasm BatchMatMul kernel uses XNNPACK only when neither operand is transposed and
// both batch sizes are 1; every other call runs a naive blocked triple loop that is about
// 10× slower (1–1.7 GFLOP/s against 9–17). Autodiff's matmul gradients are exactly the
// transposed forms (dA = dC·Bᵀ, dB = Aᵀ·dC), and a matmul on [B, T, H] inputs carries a
// batch dimension, so stock training spends most of its time in the slow loop.
//
// The fix wraps the registered kernels (BatchMatMul and _FusedMatMul) without changing any
// op's meaning: a transposed operand is physically transposed first (the backend's own
// Transpose kernel, a fast C++ copy over the heap), a batch of rows times one shared
// matrix is folded into a single [batch·M, K] product, and a true batch of matrices runs
// as one XNNPACK product per batch entry. Everything else (non-float32, odd broadcasts)
// goes to the original kernel unchanged.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

const BATCH_MAT_MUL = 'BatchMatMul';
const FUSED_MAT_MUL = '_FusedMatMul';
const TRANSPOSE = 'Transpose';
const WASM = 'wasm';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };
type TensorKernel = (args: KernelArgs) => tf.TensorInfo;

/** Marks our wrapper so registering twice (or after a backend re-init) is a no-op. */
const WRAPPED = Symbol('lstm-lab transpose-matmul fix');
type MarkedKernelFunc = tf.KernelFunc & { [WRAPPED]?: true };

function product(dims: readonly number[]): number {
  let size = 1;
  for (const d of dims) size *= d;
  return size;
}

/** Physically transposes the last two axes of `x` on the wasm heap; the caller disposes the result. */
function transposeLastTwo(x: tf.TensorInfo, backend: BackendWasm, transposeKernel: TensorKernel): tf.TensorInfo {
  const rank = x.shape.length;
  const perm = x.shape.map((_, axis) => axis);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return transposeKernel({ inputs: { x }, backend, attrs: { perm } });
}

/** A view of `x` with another shape (same data), reference-counted like the backend's own Reshape. */
function reshapedView(x: tf.TensorInfo, shape: number[], backend: BackendWasm): tf.TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape, dtype: x.dtype };
}

/** A fresh heap tensor holding `count` floats of `source` from `offset`. */
function copySlice(source: tf.TensorInfo, offset: number, shape: number[], backend: BackendWasm): tf.TensorInfo {
  const out = backend.makeOutput(shape, 'float32');
  // makeOutput may grow the heap (detaching old views): take both views after it.
  const sourceValues = backend.typedArrayFromHeap(source) as Float32Array;
  const outValues = backend.typedArrayFromHeap(out) as Float32Array;
  outValues.set(sourceValues.subarray(offset, offset + product(shape)));
  return out;
}

interface MatMulOperands {
  a: tf.TensorInfo;
  b: tf.TensorInfo;
  /** Tensors this call created and must dispose. */
  temporaries: tf.TensorInfo[];
}

// A transposed B is almost always a weight (dx = dy·Wᵀ in every step of a backward
// pass), the same tensor many times: its transposed copy is kept, so the copy is made
// once and XNNPACK packs it once (its operator cache is keyed by the copy's id). Tensor
// data never changes under a dataId (a Variable's assign swaps in a new one), so a copy
// stays valid while its source lives; copies of disposed sources are freed on the next
// call. Bounded: a few entries, small matrices only.
const TRANSPOSED_CACHE_ENTRIES = 16;
const TRANSPOSED_CACHE_MAX_ELEMENTS = 1 << 20;
interface CachedTranspose {
  shape: number[];
  copy: tf.TensorInfo;
}
let cacheBackend: BackendWasm | undefined;
const transposedCache = new Map<object, CachedTranspose>(); // insertion order = least recently used first

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, k) => d === b[k]);
}

function dropCached(backend: BackendWasm, source: object): void {
  const entry = transposedCache.get(source);
  if (!entry) return;
  transposedCache.delete(source);
  backend.disposeData(entry.copy.dataId);
}

/** Bᵀ for a weight-like B: from the cache, or made and cached. The caller must not dispose it. */
function cachedTranspose(b: tf.TensorInfo, backend: BackendWasm, transposeKernel: TensorKernel): tf.TensorInfo {
  if (cacheBackend !== backend) {
    transposedCache.clear(); // copies of another (re-initialised) backend are gone with it
    cacheBackend = backend;
  }
  for (const source of [...transposedCache.keys()]) {
    if (!backend.dataIdMap.has(source)) dropCached(backend, source);
  }
  const hit = transposedCache.get(b.dataId);
  if (hit && sameShape(hit.shape, b.shape)) {
    transposedCache.delete(b.dataId); // refresh its place in the LRU order
    transposedCache.set(b.dataId, hit);
    return hit.copy;
  }
  dropCached(backend, b.dataId);
  const copy = transposeLastTwo(b, backend, transposeKernel);
  transposedCache.set(b.dataId, { shape: [...b.shape], copy });
  if (transposedCache.size > TRANSPOSED_CACHE_ENTRIES) dropCached(backend, transposedCache.keys().next().value!);
  return copy;
}

/** How many transposed copies are cached (for tests). */
export function transposedCacheSize(): number {
  return transposedCache.size;
}

function untransposed(a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean, transposeB: boolean, backend: BackendWasm, transposeKernel: TensorKernel): MatMulOperands {
  const temporaries: tf.TensorInfo[] = [];
  let plainA = a;
  let plainB = b;
  if (transposeA) {
    plainA = transposeLastTwo(a, backend, transposeKernel);
    temporaries.push(plainA);
  }
  if (transposeB) {
    if (product(b.shape) <= TRANSPOSED_CACHE_MAX_ELEMENTS) plainB = cachedTranspose(b, backend, transposeKernel);
    else {
      plainB = transposeLastTwo(b, backend, transposeKernel);
      temporaries.push(plainB);
    }
  }
  return { a: plainA, b: plainB, temporaries };
}

/**
 * Runs `kernel` (the original, attrs untransposed) on plain operands, reaching XNNPACK:
 * - b has batch 1: fold a's batch into rows, one product;
 * - batches equal (or a's is 1): one product per batch entry, copied in and out;
 * - anything else: the original kernel as is.
 */
function plainProduct(a: tf.TensorInfo, b: tf.TensorInfo, extraInputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap, backend: BackendWasm, kernel: TensorKernel): tf.TensorInfo {
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const batchA = product(outerA);
  const batchB = product(outerB);
  const rows = a.shape[a.shape.length - 2]!;
  const inner = a.shape[a.shape.length - 1]!;
  const columns = b.shape[b.shape.length - 1]!;
  // The folds below read b as [inner, columns]: a mismatch would read the wrong memory instead of failing, as the stock kernel does.
  const innerB = b.shape[b.shape.length - 2]!;
  if (inner !== innerB) throw new Error(`Error in matMul: inner shapes (${inner}) and (${innerB}) of Tensors with shapes ${JSON.stringify(a.shape)} and ${JSON.stringify(b.shape)} must match.`);
  const outShape = [...tf.broadcast_util.assertAndGetBroadcastShape(outerA, outerB), rows, columns];
  const run = (left: tf.TensorInfo, right: tf.TensorInfo): tf.TensorInfo =>
    kernel({ inputs: { ...extraInputs, a: left, b: right }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });

  if (batchB === 1) {
    const foldedA = reshapedView(a, [1, batchA * rows, inner], backend);
    const foldedB = reshapedView(b, [1, inner, columns], backend);
    try {
      const out = run(foldedA, foldedB);
      out.shape = outShape;
      return out;
    } finally {
      backend.disposeData(foldedA.dataId);
      backend.disposeData(foldedB.dataId);
    }
  }
  if ((batchA === batchB || batchA === 1) && product(outShape) === batchB * rows * columns) {
    const out = backend.makeOutput(outShape, 'float32');
    for (let entry = 0; entry < batchB; entry++) {
      const aEntry = copySlice(a, (batchA === 1 ? 0 : entry) * rows * inner, [1, rows, inner], backend);
      const bEntry = copySlice(b, entry * inner * columns, [1, inner, columns], backend);
      const product2d = run(aEntry, bEntry);
      const outValues = backend.typedArrayFromHeap(out) as Float32Array;
      outValues.set(backend.typedArrayFromHeap(product2d) as Float32Array, entry * rows * columns);
      backend.disposeData(aEntry.dataId);
      backend.disposeData(bEntry.dataId); // also frees XNNPACK's packed copy of this operand
      backend.disposeData(product2d.dataId);
    }
    return out;
  }
  return run(a, b);
}

function wrapMatMul(original: TensorKernel, transposeKernel: TensorKernel): MarkedKernelFunc {
  const wrapped: MarkedKernelFunc = ((args: KernelArgs) => {
    const backend = args.backend as BackendWasm;
    const { a, b, ...extraInputs } = args.inputs;
    const attrs = args.attrs ?? {};
    if (!a || !b || a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return original(args);
    const transposeA = attrs['transposeA'] === true;
    const transposeB = attrs['transposeB'] === true;
    const operands = untransposed(a, b, transposeA, transposeB, backend, transposeKernel);
    try {
      return plainProduct(operands.a, operands.b, extraInputs, attrs, backend, original);
    } finally {
      for (const t of operands.temporaries) backend.disposeData(t.dataId);
    }
  }) as MarkedKernelFunc;
  wrapped[WRAPPED] = true;
  return wrapped;
}

function replaceKernel(kernelName: string, transposeKernel: TensorKernel): boolean {
  const config = tf.getKernel(kernelName, WASM);
  if (!config) return false;
  if ((config.kernelFunc as MarkedKernelFunc)[WRAPPED]) return true;
  const original = config.kernelFunc as unknown as TensorKernel;
  tf.unregisterKernel(kernelName, WASM);
  // Keep the original setupFunc: it binds the C++ function the original kernelFunc calls,
  // and runs again if the wasm backend is ever re-initialised.
  tf.registerKernel({ ...config, kernelFunc: wrapMatMul(original, transposeKernel) });
  return true;
}

/**
 * Installs the fix on the wasm backend's BatchMatMul and _FusedMatMul kernels. Call after
 * `tf.setBackend('wasm')` succeeded; safe to call again. Returns false when the wasm
 * kernels are not registered (wasm backend not loaded), in which case nothing changes.
 */
export function registerTransposeMatmulFixWasm(): boolean {
  const transpose = tf.getKernel(TRANSPOSE, WASM);
  if (!transpose) return false;
  const transposeKernel = transpose.kernelFunc as unknown as TensorKernel;
  const batch = replaceKernel(BATCH_MAT_MUL, transposeKernel);
  const fused = replaceKernel(FUSED_MAT_MUL, transposeKernel);
  return batch && fused;
}

/** True when the fix is installed on the wasm BatchMatMul kernel. */
export function transposeMatmulFixInstalled(): boolean {
  const config = tf.getKernel(BATCH_MAT_MUL, WASM);
  return Boolean(config && (config.kernelFunc as MarkedKernelFunc)[WRAPPED]);
}

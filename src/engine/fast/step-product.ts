// What a recurrent loop needs every step, without creating a tensor or dispatching an op:
// - StepProduct: rows × inner (written by the caller into a Float32Array) times a fixed
//   weight matrix inner × columns, read back as a Float32Array;
// - StepSigmoid: σ over a Float32Array (tanh is 2σ(2x) − 1).
// On wasm both call the backend's own C++/XNNPACK routines directly over the heap: the
// caller writes operands straight into the heap and reads results from it, nothing is
// copied. On any other backend (cpu, tfjs-node) StepProduct falls back to tf.matMul on
// small tensors and StepSigmoid to a JS loop: correct everywhere, fastest on wasm.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export interface StepProduct {
  readonly rows: number;
  readonly inner: number;
  readonly columns: number;
  /** Where to write the left operand (rows × inner, row-major). Fetch it again after every run(). */
  input(): Float32Array;
  /**
   * input() · weight → rows × columns. The view is valid until the next run() or dispose().
   * `activeRows` (≤ rows) multiplies only the first rows of the input (a shrinking stack).
   */
  run(activeRows?: number): Float32Array;
  dispose(): void;
}

/** The C++ BatchMatMul entry point of tfjs-backend-wasm (a_id, a_shape, a_rank, b_id, b_shape, b_rank, transpose_a, transpose_b, out_id). */
type WasmBatchMatMul = (aId: number, aShape: Uint8Array, aRank: number, bId: number, bShape: Uint8Array, bRank: number, transposeA: number, transposeB: number, outId: number) => void;
/** The C++ Sigmoid entry point (x_id, out_id). */
type WasmSigmoid = (xId: number, outId: number) => void;
interface EmscriptenCwrap {
  cwrap(name: string, returnType: null, argTypes: string[]): unknown;
}

const wasmFunctionsByBackend = new WeakMap<BackendWasm, { matMul: WasmBatchMatMul; sigmoid: WasmSigmoid }>();

function wasmFunctions(backend: BackendWasm): { matMul: WasmBatchMatMul; sigmoid: WasmSigmoid } {
  let fns = wasmFunctionsByBackend.get(backend);
  if (!fns) {
    const module = backend.wasm as unknown as EmscriptenCwrap;
    fns = {
      matMul: module.cwrap('BatchMatMul', null, ['number', 'array', 'number', 'number', 'array', 'number', 'number', 'number', 'number']) as WasmBatchMatMul,
      sigmoid: module.cwrap('Sigmoid', null, ['number', 'number']) as WasmSigmoid,
    };
    wasmFunctionsByBackend.set(backend, fns);
  }
  return fns;
}

function wasmMatMul(backend: BackendWasm): WasmBatchMatMul {
  return wasmFunctions(backend).matMul;
}

export interface StepSigmoid {
  readonly size: number;
  /** Where to write x. Fetch it again after every run(). */
  input(): Float32Array;
  /** σ(input()), valid until the next run() or dispose(). */
  run(): Float32Array;
  dispose(): void;
}

class WasmStepSigmoid implements StepSigmoid {
  private readonly backend: BackendWasm;
  private readonly sigmoid: WasmSigmoid;
  private readonly x: tf.TensorInfo;
  private readonly out: tf.TensorInfo;
  private readonly xId: number;
  private readonly outId: number;
  private xView: Float32Array;
  private outView: Float32Array;
  private disposed = false;

  constructor(readonly size: number) {
    this.backend = tf.backend() as BackendWasm;
    this.sigmoid = wasmFunctions(this.backend).sigmoid;
    this.x = this.backend.makeOutput([size], 'float32');
    this.out = this.backend.makeOutput([size], 'float32');
    this.xId = this.backend.dataIdMap.get(this.x.dataId)!.id;
    this.outId = this.backend.dataIdMap.get(this.out.dataId)!.id;
    this.xView = this.backend.typedArrayFromHeap(this.x) as Float32Array;
    this.outView = this.backend.typedArrayFromHeap(this.out) as Float32Array;
  }

  input(): Float32Array {
    if (this.xView.length === 0) this.xView = this.backend.typedArrayFromHeap(this.x) as Float32Array;
    return this.xView;
  }

  run(): Float32Array {
    if (this.disposed) throw new Error('StepSigmoid used after dispose().');
    this.sigmoid(this.xId, this.outId);
    if (this.outView.length === 0) this.outView = this.backend.typedArrayFromHeap(this.out) as Float32Array;
    return this.outView;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.backend.disposeData(this.x.dataId);
    this.backend.disposeData(this.out.dataId);
  }
}

class JsStepSigmoid implements StepSigmoid {
  private readonly x: Float32Array;
  private readonly out: Float32Array;
  constructor(readonly size: number) {
    this.x = new Float32Array(size);
    this.out = new Float32Array(size);
  }
  input(): Float32Array {
    return this.x;
  }
  run(): Float32Array {
    for (let k = 0; k < this.size; k++) this.out[k] = 1 / (1 + Math.exp(-this.x[k]!));
    return this.out;
  }
  dispose(): void {}
}

/** A reusable σ over `size` floats for a recurrent loop. */
export function createStepSigmoid(size: number): StepSigmoid {
  if (!Number.isInteger(size) || size < 1) throw new Error(`createStepSigmoid: size must be a positive integer, got ${size}.`);
  return tf.getBackend() === 'wasm' ? new WasmStepSigmoid(size) : new JsStepSigmoid(size);
}

function checkRows(activeRows: number, rows: number): number {
  if (!Number.isInteger(activeRows) || activeRows < 1 || activeRows > rows) throw new Error(`StepProduct.run: activeRows must be an integer in 1..${rows}, got ${activeRows}.`);
  return activeRows;
}

function shapeBytes(shape: number[]): Uint8Array {
  return new Uint8Array(new Int32Array(shape).buffer);
}

class WasmStepProduct implements StepProduct {
  private readonly backend: BackendWasm;
  private readonly matMul: WasmBatchMatMul;
  private readonly left: tf.TensorInfo;
  private readonly out: tf.TensorInfo;
  private readonly leftId: number;
  private readonly weightId: number;
  private readonly outId: number;
  private readonly leftShape: Uint8Array;
  private readonly weightShape: Uint8Array;
  private leftView: Float32Array;
  private outView: Float32Array;
  private disposed = false;

  constructor(
    readonly weight: tf.Tensor2D,
    readonly rows: number,
  ) {
    this.backend = tf.backend() as BackendWasm;
    this.matMul = wasmMatMul(this.backend);
    const [inner, columns] = weight.shape;
    this.inner = inner;
    this.columns = columns;
    this.left = this.backend.makeOutput([1, rows, inner], 'float32');
    this.out = this.backend.makeOutput([1, rows, columns], 'float32');
    this.leftId = this.backend.dataIdMap.get(this.left.dataId)!.id;
    this.outId = this.backend.dataIdMap.get(this.out.dataId)!.id;
    // XNNPACK caches the packed weight by this id for as long as the weight tensor lives.
    this.weightId = this.backend.dataIdMap.get(weight.dataId)!.id;
    this.leftShape = shapeBytes([1, rows, inner]);
    this.weightShape = shapeBytes([1, inner, columns]);
    this.leftView = this.backend.typedArrayFromHeap(this.left) as Float32Array;
    this.outView = this.backend.typedArrayFromHeap(this.out) as Float32Array;
  }

  readonly inner: number;
  readonly columns: number;

  input(): Float32Array {
    // A heap growth (any allocation elsewhere) detaches old views: their length drops to 0.
    if (this.leftView.length === 0) this.leftView = this.backend.typedArrayFromHeap(this.left) as Float32Array;
    return this.leftView;
  }

  run(activeRows = this.rows): Float32Array {
    if (this.disposed) throw new Error('StepProduct used after dispose().');
    const leftShape = activeRows === this.rows ? this.leftShape : shapeBytes([1, checkRows(activeRows, this.rows), this.inner]);
    this.matMul(this.leftId, leftShape, 3, this.weightId, this.weightShape, 3, 0, 0, this.outId);
    if (this.outView.length === 0) this.outView = this.backend.typedArrayFromHeap(this.out) as Float32Array;
    return this.outView;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.backend.disposeData(this.left.dataId);
    this.backend.disposeData(this.out.dataId);
  }
}

class TensorStepProduct implements StepProduct {
  readonly inner: number;
  readonly columns: number;
  private readonly left: Float32Array;

  constructor(
    readonly weight: tf.Tensor2D,
    readonly rows: number,
  ) {
    [this.inner, this.columns] = weight.shape;
    this.left = new Float32Array(rows * this.inner);
  }

  input(): Float32Array {
    return this.left;
  }

  run(activeRows = this.rows): Float32Array {
    const rows = checkRows(activeRows, this.rows);
    const product = tf.tidy(() => tf.matMul(tf.tensor2d(this.left.subarray(0, rows * this.inner), [rows, this.inner]), this.weight));
    const values = product.dataSync() as Float32Array;
    product.dispose();
    return values;
  }

  dispose(): void {}
}

/**
 * A reusable `rows × inner · weight` product for a recurrent loop. `weight` must stay
 * alive (and unchanged) until dispose(). Float32 only.
 */
export function createStepProduct(weight: tf.Tensor2D, rows: number): StepProduct {
  if (weight.rank !== 2 || weight.dtype !== 'float32') throw new Error(`createStepProduct: weight must be a float32 matrix, got ${weight.dtype} [${weight.shape.join(', ')}].`);
  if (!Number.isInteger(rows) || rows < 1) throw new Error(`createStepProduct: rows must be a positive integer, got ${rows}.`);
  return tf.getBackend() === 'wasm' ? new WasmStepProduct(weight, rows) : new TensorStepProduct(weight, rows);
}

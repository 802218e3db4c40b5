// Slice and Unpack for the wasm backend, reading their input through a view of the wasm
// heap. TF.js 4.22's wasm Slice starts with backend.readSync(x), which copies the WHOLE
// input out of the heap, and its Unpack (tf.unstack) calls that slice once per output:
// unstacking x [32, 500, 50] into 500 time steps copied 500 × 3.2 MB and took ≈1.3 s, more
// than a whole fast-lstm training batch. The teaching cells (naive, fused, RNN) unstack
// their input every forward pass, so this fix keeps their per-step structure and removes
// the quadratic copy. Same results, element for element (a copy is a copy).
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: unknown };
type NumericArray = Float32Array | Int32Array | Uint8Array;

function strides(shape: number[]): number[] {
  const result = new Array<number>(shape.length).fill(1);
  for (let axis = shape.length - 2; axis >= 0; axis--) result[axis] = result[axis + 1]! * shape[axis + 1]!;
  return result;
}

/** Copies the box [begin, begin + size) of x (row-major, shape xShape) into out, innermost runs at a time. */
function copyBox(x: NumericArray, xShape: number[], begin: number[], size: number[], out: NumericArray): void {
  const rank = xShape.length;
  if (rank === 0) {
    out[0] = x[0]!;
    return;
  }
  const xStrides = strides(xShape);
  const run = size[rank - 1]!;
  const outer = size.slice(0, rank - 1);
  const count = outer.reduce((product, n) => product * n, 1);
  const index = new Array<number>(Math.max(rank - 1, 0)).fill(0);
  for (let k = 0, outOffset = 0; k < count; k++, outOffset += run) {
    let xOffset = begin[rank - 1]!;
    for (let axis = 0; axis < rank - 1; axis++) xOffset += (begin[axis]! + index[axis]!) * xStrides[axis]!;
    out.set(x.subarray(xOffset, xOffset + run), outOffset);
    for (let axis = rank - 2; axis >= 0; axis--) {
      if (++index[axis]! < outer[axis]!) break;
      index[axis] = 0;
    }
  }
}

function sliceInto(backend: BackendWasm, x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo {
  // makeOutput may grow the heap and detach older views: take the views after it.
  const out = backend.makeOutput(size, x.dtype);
  copyBox(backend.typedArrayFromHeap(x), x.shape, begin, size, backend.typedArrayFromHeap(out));
  return out;
}

export function registerSliceViewFixWasm(): void {
  const originalSlice = tf.getKernel('Slice', 'wasm');
  const originalUnpack = tf.getKernel('Unpack', 'wasm');
  if (!originalSlice || !originalUnpack || (originalSlice as { lstmLabFix?: boolean }).lstmLabFix) return;

  const slice = (args: KernelArgs): tf.TensorInfo => {
    const x = args.inputs['x']!;
    if (x.dtype === 'string') return originalSlice.kernelFunc(args as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
    const [begin, size] = tf.slice_util.parseSliceParams(x as tf.Tensor, args.attrs?.['begin'] as number[], args.attrs?.['size'] as number[]);
    return sliceInto(args.backend as BackendWasm, x, begin, size);
  };
  const unpack = (args: KernelArgs): tf.TensorInfo[] => {
    const value = args.inputs['value']!;
    if (value.dtype === 'string') return originalUnpack.kernelFunc(args as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo[];
    const rank = value.shape.length;
    let axis = Number(args.attrs?.['axis'] ?? 0);
    if (axis < 0) axis += rank;
    const outShape = value.shape.filter((_, k) => k !== axis);
    const begin = new Array<number>(rank).fill(0);
    const size = value.shape.slice();
    size[axis] = 1;
    const outs: tf.TensorInfo[] = [];
    for (let k = 0; k < value.shape[axis]!; k++) {
      begin[axis] = k;
      const out = sliceInto(args.backend as BackendWasm, value, begin, size);
      outs.push({ dataId: out.dataId, dtype: out.dtype, shape: outShape });
    }
    return outs;
  };

  tf.unregisterKernel('Slice', 'wasm');
  tf.registerKernel({ ...originalSlice, kernelFunc: slice as unknown as tf.KernelFunc, lstmLabFix: true } as tf.KernelConfig);
  tf.unregisterKernel('Unpack', 'wasm');
  tf.registerKernel({ ...originalUnpack, kernelFunc: unpack as unknown as tf.KernelFunc, lstmLabFix: true } as tf.KernelConfig);
}

/** Whether the wasm backend's Slice and Unpack are the in-place ones registered above. */
export function sliceViewFixInstalled(): boolean {
  const marked = (name: string) => Boolean((tf.getKernel(name, 'wasm') as { lstmLabFix?: boolean } | undefined)?.lstmLabFix);
  return marked('Slice') && marked('Unpack');
}

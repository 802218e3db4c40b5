// UnsortedSegmentSum for the wasm backend, which ships without it (tfjs 4.22). TF.js's
// gradient of tf.gather — the gradient of an embedding lookup — is
//   dParams = unsortedSegmentSum(dy, indices, vocabSize),
// so without this kernel an embedding cannot train on wasm.
//
// Semantics (as TensorFlow's): out[s, ...] = Σ_{n : ids[n] = s} x[n, ...] for
// s in [0, numSegments); segmentIds' shape is a prefix of x's shape; ids outside
// [0, numSegments) are dropped. A plain loop over the wasm heap: it runs once per
// training batch on a [B·T, E] tensor, which is small next to the recurrent work.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export const UNSORTED_SEGMENT_SUM = 'UnsortedSegmentSum';

function unsortedSegmentSumWasm(args: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: unknown }): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const x = args.inputs['x'];
  const segmentIds = args.inputs['segmentIds'];
  const numSegments = Number(args.attrs?.['numSegments']);
  if (!x || !segmentIds) throw new Error('UnsortedSegmentSum (wasm): inputs x and segmentIds are required.');
  if (!Number.isInteger(numSegments) || numSegments < 0) {
    throw new Error(`UnsortedSegmentSum (wasm): numSegments must be a non-negative integer, got ${String(args.attrs?.['numSegments'])}.`);
  }
  const idsShape = segmentIds.shape;
  if (idsShape.length > x.shape.length || idsShape.some((size, axis) => size !== x.shape[axis])) {
    throw new Error(`UnsortedSegmentSum (wasm): segmentIds shape [${idsShape.join(', ')}] must be a prefix of x shape [${x.shape.join(', ')}].`);
  }
  if (x.dtype !== 'float32' && x.dtype !== 'int32') {
    throw new Error(`UnsortedSegmentSum (wasm): x must be float32 or int32, got ${x.dtype}.`);
  }
  const rowCount = idsShape.reduce((product, size) => product * size, 1);
  const innerShape = x.shape.slice(idsShape.length);
  const rowSize = innerShape.reduce((product, size) => product * size, 1);

  // makeOutput may grow the wasm heap, which detaches earlier views: take views after it.
  const out = backend.makeOutput([numSegments, ...innerShape], x.dtype);
  const outValues = backend.typedArrayFromHeap(out);
  const xValues = backend.typedArrayFromHeap(x);
  const idValues = backend.typedArrayFromHeap(segmentIds);
  outValues.fill(0); // the heap is not zeroed on allocation
  for (let row = 0; row < rowCount; row++) {
    const segment = idValues[row]!;
    if (segment < 0 || segment >= numSegments) continue;
    const source = row * rowSize;
    const target = segment * rowSize;
    for (let k = 0; k < rowSize; k++) outValues[target + k] += xValues[source + k]!;
  }
  return out;
}

let registered = false;

/** Registers the kernel with the wasm backend (once; safe to call again). */
export function registerUnsortedSegmentSumWasm(): void {
  if (registered || tf.getKernel(UNSORTED_SEGMENT_SUM, 'wasm')) {
    registered = true;
    return;
  }
  tf.registerKernel({ kernelName: UNSORTED_SEGMENT_SUM, backendName: 'wasm', kernelFunc: unsortedSegmentSumWasm as unknown as tf.KernelFunc });
  registered = true;
}

// The binary half of a version-2 checkpoint: every weight and optimiser tensor as float32
// little-endian, one after another, in a weights-*.bin file; the JSON header lists each
// tensor's name and shape in the same order (offsets follow from the shapes). Exact (the
// engine's weights are float32) and read in one go, where version 1 wrote JSON number arrays.
import type { PerGateWeights } from './cells/types';
import type { LanguageModelWeights } from './model';

export interface TensorEntry {
  name: string;
  shape: number[];
}

/** A tensor's values as one flat array, with its shape. */
interface NamedValues extends TensorEntry {
  values: ArrayLike<number>;
}

const sizeOf = (shape: readonly number[]) => shape.reduce((product, n) => product * n, 1);

function nested(name: string, value: number[] | number[][]): NamedValues {
  if (value.length > 0 && Array.isArray(value[0])) {
    const rows = value as number[][];
    return { name, shape: [rows.length, rows[0]!.length], values: rows.flat() };
  }
  return { name, shape: [value.length], values: value as number[] };
}

/** The model's weights, named as the header lists them: embedding, cell.<name>, projection.weight, projection.bias. */
export function weightTensors(weights: LanguageModelWeights): NamedValues[] {
  return [
    nested('embedding', weights.embedding),
    ...Object.entries(weights.cell).map(([name, value]) => nested(`cell.${name}`, value as number[] | number[][])),
    nested('projection.weight', weights.projection.weight),
    nested('projection.bias', weights.projection.bias),
  ];
}

/** Packs tensors into one float32 little-endian buffer and the header's list. */
export function packTensors(tensors: readonly NamedValues[]): { entries: TensorEntry[]; bytes: Buffer } {
  const total = tensors.reduce((sum, t) => sum + sizeOf(t.shape), 0);
  const bytes = Buffer.alloc(total * 4);
  let offset = 0;
  for (const tensor of tensors) {
    const count = sizeOf(tensor.shape);
    if (tensor.values.length !== count) throw new Error(`Checkpoint tensor ${tensor.name} has ${tensor.values.length} values for shape [${tensor.shape.join(', ')}].`);
    for (let k = 0; k < count; k++) bytes.writeFloatLE(tensor.values[k]!, (offset + k) * 4);
    offset += count;
  }
  return { entries: tensors.map(({ name, shape }) => ({ name, shape: [...shape] })), bytes };
}

/** Splits the buffer back into named float32 arrays; a problem is described for the caller's message. */
export function unpackTensors(entries: readonly TensorEntry[], bytes: Buffer): Map<string, { shape: number[]; values: Float32Array }> | string {
  if (!Array.isArray(entries) || entries.some((e) => typeof e?.name !== 'string' || !Array.isArray(e.shape) || (e.shape as unknown[]).some((n) => !Number.isInteger(n) || (n as number) < 0)))
    return 'its tensor list is malformed';
  const total = entries.reduce((sum, e) => sum + sizeOf(e.shape), 0);
  if (bytes.byteLength !== total * 4) return `its weights file holds ${bytes.byteLength} bytes where its tensors need ${total * 4}`;
  const out = new Map<string, { shape: number[]; values: Float32Array }>();
  let offset = 0;
  for (const entry of entries) {
    const count = sizeOf(entry.shape);
    const values = new Float32Array(count);
    for (let k = 0; k < count; k++) values[k] = bytes.readFloatLE((offset + k) * 4);
    out.set(entry.name, { shape: entry.shape, values });
    offset += count;
  }
  return out;
}

/** A [rows, columns] matrix (or a list for a 1-D shape) as the nested arrays the model takes. */
export function toNestedValues(tensor: { shape: number[]; values: Float32Array }): number[] | number[][] {
  if (tensor.shape.length === 1) return Array.from(tensor.values);
  const [rows, columns] = tensor.shape as [number, number];
  return Array.from({ length: rows }, (_, r) => Array.from(tensor.values.subarray(r * columns, (r + 1) * columns)));
}

/** The model's weights from unpacked tensors (shapes are checked afterwards, with the v1 rules). */
export function weightsFromTensors(tensors: Map<string, { shape: number[]; values: Float32Array }>): LanguageModelWeights {
  const get = (name: string) => {
    const tensor = tensors.get(name);
    return tensor ? toNestedValues(tensor) : undefined;
  };
  const cell: Record<string, number[] | number[][]> = {};
  for (const [name, tensor] of tensors) if (name.startsWith('cell.')) cell[name.slice('cell.'.length)] = toNestedValues(tensor);
  return {
    embedding: get('embedding') as number[][],
    cell: cell as unknown as PerGateWeights,
    projection: { weight: get('projection.weight') as number[][], bias: get('projection.bias') as number[] },
  };
}

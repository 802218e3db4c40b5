// Which of the user's weights is which: the role (input [E,·], recurrent [H,·], bias [·]) from
// its shape, the gate from its name's last letter (Wi, U_f, b_o, W_hc: c is the LSTM's
// candidate g; for a GRU W_hr, Uz, Wn, with h or c also naming its candidate n) for per-gate
// cells; a fused kernel ([E,k·H]) leaves the gate order open, so every order is a candidate
// (for a GRU, in every convention) and the check keeps the one that agrees longest.
import { WEIGHTED_GATES, type GateWeights, type GruConvention, type Matrix, type ReferenceKind, type ReferenceWeights, type WeightedGate } from './reference';
import type { Sizes } from './call';

export type Role = 'input' | 'recurrent' | 'bias';
export interface WeightValues {
  name: string;
  shape: number[];
  /** Row-major values, as set into the user's tensor. */
  data: ArrayLike<number>;
}

const ROLE_NAMES: Record<Role, string> = { input: 'input weight', recurrent: 'recurrent weight', bias: 'bias' };
const GRU_CONVENTIONS: GruConvention[] = [
  { z: 'keep', reset: 'after' },
  { z: 'take', reset: 'after' },
  { z: 'keep', reset: 'before' },
  { z: 'take', reset: 'before' },
];

/** For a function whose weights we create: the shape its name implies (`gates` gate blocks wide when fused). */
export function shapeOfName(name: string, sizes: Sizes, gates: number): number[] | undefined {
  const width = gates * sizes.H;
  if (/^(b|bias)/i.test(name)) return [width];
  if (/recurrent|^u|^w_?h|hh|hidden/i.test(name)) return [sizes.H, width];
  if (/^(w|kernel|weight)/i.test(name)) return [sizes.E, width];
  return undefined;
}

function gateOfName(name: string, kind: ReferenceKind): WeightedGate | undefined {
  const letter = /([a-z])[_\d]*$/i.exec(name)?.[1]?.toLowerCase();
  if (kind === 'gru') return letter === 'h' || letter === 'c' || letter === 'g' ? 'n' : (['r', 'z', 'n'] as const).find((g) => g === letter);
  const gate = letter === 'c' ? 'g' : letter;
  return (WEIGHTED_GATES[kind] as readonly string[]).includes(gate ?? '') ? (gate as WeightedGate) : undefined;
}

function roleOf(shape: number[], sizes: Sizes): { role: Role; width: number } | undefined {
  if (shape.length === 1 || (shape.length === 2 && shape[0] === 1 && sizes.E !== 1)) return { role: 'bias', width: shape[shape.length - 1]! };
  if (shape.length !== 2) return undefined;
  if (shape[0] === sizes.E) return { role: 'input', width: shape[1]! };
  if (shape[0] === sizes.H) return { role: 'recurrent', width: shape[1]! };
  return undefined;
}

/** Columns [from, to) of a row-major [rows, width] weight. */
function asMatrix(w: WeightValues, width: number, from: number, to: number): Matrix {
  const rows = w.data.length / width;
  return Array.from({ length: rows }, (_, r) => Array.from({ length: to - from }, (_, j) => w.data[r * width + from + j]!));
}

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((first, k) => permutations(items.filter((_, j) => j !== k)).map((rest) => [first, ...rest]));
}

export type Mapping = { candidates: ReferenceWeights[] } | { unmapped: string };

/**
 * The reference weights the user's weights stand for, as candidates in a fixed order (the same
 * cell's weights at another size give the same order, so the probe reuses the check's choice);
 * `unmapped` says why they cannot be read.
 */
export function mapWeights(weights: WeightValues[], kind: ReferenceKind, sizes: Sizes): Mapping {
  const found = weights.map((w) => `${w.name} [${w.shape.join(',')}]`).join(', ') || 'no weights';
  const gates = WEIGHTED_GATES[kind];
  const fusedColumns = gates.length * sizes.H;
  const slots = new Map<string, { w: WeightValues; width: number }>();
  let fused = false;
  for (const w of weights) {
    const r = roleOf(w.shape, sizes);
    const isFused = gates.length > 1 && r?.width === fusedColumns;
    if (!r || (r.width !== sizes.H && !isFused)) {
      return {
        unmapped: `weight ${w.name} has shape [${w.shape.join(',')}]: expected [${sizes.E},${sizes.H}] input, [${sizes.H},${sizes.H}] recurrent or [${sizes.H}] bias weights (x @ W, rows${gates.length > 1 ? `; ×${gates.length} columns when fused` : ''}), at input size ${sizes.E} and hidden size ${sizes.H}`,
      };
    }
    fused ||= isFused;
    const gate = gates.length > 1 && !isFused ? gateOfName(w.name, kind) : '';
    if (gate === undefined)
      return { unmapped: `cannot tell which gate ${w.name} belongs to: expected a name ending in ${kind === 'gru' ? 'r, z or n (h or c for n)' : `${gates.join(', ')} (c for g)`}; found ${found}` };
    const key = `${r.role}:${gate}`;
    const other = slots.get(key);
    if (other) return { unmapped: `both ${other.w.name} and ${w.name} look like the ${ROLE_NAMES[r.role]}${gate ? ` of gate ${gate}` : ''}; found ${found}` };
    slots.set(key, { w, width: r.width });
  }
  /** The weights of one gate: its own slot (per-gate), or column block `block` of the fused slot. */
  const gateWeights = (slot: string, block?: number): GateWeights | string => {
    const pick = (role: Role): Matrix | undefined => {
      const s = slots.get(`${role}:${slot}`);
      if (!s) return undefined;
      return block === undefined ? asMatrix(s.w, s.width, 0, s.width) : asMatrix(s.w, s.width, block * sizes.H, (block + 1) * sizes.H);
    };
    const input = pick('input');
    const recurrent = pick('recurrent');
    if (!input || !recurrent) return `no ${input ? 'recurrent' : 'input'} weight found${slot ? ` for gate ${slot}` : ''}; found ${found}`;
    return { input, recurrent, bias: pick('bias')?.[0] ?? new Array<number>(sizes.H).fill(0) };
  };
  const orders: (readonly WeightedGate[])[] = fused ? permutations<WeightedGate>(gates) : [gates];
  const conventions: (GruConvention | undefined)[] = kind === 'gru' ? GRU_CONVENTIONS : [undefined];
  const candidates: ReferenceWeights[] = [];
  for (const order of orders) {
    const mapped: Partial<Record<WeightedGate, GateWeights>> = {};
    for (const [k, g] of order.entries()) {
      const gw = fused ? gateWeights('', k) : gateWeights(gates.length > 1 ? g : '');
      if (typeof gw === 'string') return { unmapped: gw };
      mapped[g] = gw;
    }
    for (const gru of conventions) candidates.push({ kind, gates: mapped, ...(gru ? { gru } : {}) });
  }
  return { candidates };
}

// Which of the user's weights is which: the role (input [E,·], recurrent [H,·], bias [·]) from
// its shape, the gate from its name's last letter (Wi, U_f, b_o, W_hc: c is the candidate g)
// for per-gate LSTMs; a fused kernel ([E,4H]) leaves the gate order open, so every order is a
// candidate and the check keeps the one that agrees longest.
import { LSTM_GATES, type GateWeights, type LstmGate, type Matrix, type ReferenceWeights } from './reference';
import type { Sizes } from './call';

export type Role = 'input' | 'recurrent' | 'bias';
export interface WeightValues {
  name: string;
  shape: number[];
  /** Row-major values, as set into the user's tensor. */
  data: number[];
}

const ROLE_NAMES: Record<Role, string> = { input: 'input weight', recurrent: 'recurrent weight', bias: 'bias' };

/** For a function whose weights we create: the shape its name implies. */
export function shapeOfName(name: string, sizes: Sizes, fused: boolean): number[] | undefined {
  const width = fused ? 4 * sizes.H : sizes.H;
  if (/^(b|bias)/i.test(name)) return [width];
  if (/recurrent|^u|^w_?h|hh|hidden/i.test(name)) return [sizes.H, width];
  if (/^(w|kernel|weight)/i.test(name)) return [sizes.E, width];
  return undefined;
}

function gateOfName(name: string): LstmGate | undefined {
  const letter = /([ifgoc])[_\d]*$/i.exec(name)?.[1].toLowerCase();
  return letter === 'c' ? 'g' : (letter as LstmGate | undefined);
}

function roleOf(shape: number[], sizes: Sizes): { role: Role; width: number } | undefined {
  if (shape.length === 1 || (shape.length === 2 && shape[0] === 1 && sizes.E !== 1)) return { role: 'bias', width: shape[shape.length - 1] };
  if (shape.length !== 2) return undefined;
  if (shape[0] === sizes.E) return { role: 'input', width: shape[1] };
  if (shape[0] === sizes.H) return { role: 'recurrent', width: shape[1] };
  return undefined;
}

function asMatrix(w: WeightValues, width: number): Matrix {
  const rows = w.data.length / width;
  return Array.from({ length: rows }, (_, r) => w.data.slice(r * width, (r + 1) * width));
}

function columns(m: Matrix, from: number, to: number): Matrix {
  return m.map((row) => row.slice(from, to));
}

function permutations(items: readonly LstmGate[]): LstmGate[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((first, k) => permutations(items.filter((_, j) => j !== k)).map((rest) => [first, ...rest]));
}

export type Mapping = { candidates: ReferenceWeights[]; fusedOrders?: string[] } | { unmapped: string };

/** The reference weights the user's weights stand for; `unmapped` says why they cannot be read. */
export function mapWeights(weights: WeightValues[], kind: 'lstm' | 'rnn', sizes: Sizes): Mapping {
  const found = weights.map((w) => `${w.name} [${w.shape.join(',')}]`).join(', ') || 'no weights';
  const slots = new Map<string, { w: WeightValues; width: number }>();
  let fused = false;
  for (const w of weights) {
    const r = roleOf(w.shape, sizes);
    const fusedWidth = kind === 'lstm' && r?.width === 4 * sizes.H;
    if (!r || (r.width !== sizes.H && !fusedWidth)) {
      return { unmapped: `weight ${w.name} has shape [${w.shape.join(',')}]: expected [${sizes.E},${sizes.H}] input, [${sizes.H},${sizes.H}] recurrent or [${sizes.H}] bias weights (x @ W, rows; ×4 columns when fused), at input size ${sizes.E} and hidden size ${sizes.H}` };
    }
    fused ||= fusedWidth;
    const gate = kind === 'lstm' && !fusedWidth ? gateOfName(w.name) : '';
    if (gate === undefined) return { unmapped: `cannot tell which gate ${w.name} belongs to: expected a name ending in i, f, g (or c) or o; found ${found}` };
    const key = `${r.role}:${gate}`;
    const other = slots.get(key);
    if (other) return { unmapped: `both ${other.w.name} and ${w.name} look like the ${ROLE_NAMES[r.role]}${gate ? ` of gate ${gate}` : ''}; found ${found}` };
    slots.set(key, { w, width: r.width });
  }
  const gateWeights = (gate: string, slice?: [number, number]): GateWeights | string => {
    const pick = (role: Role): Matrix | undefined => {
      const s = slots.get(`${role}:${gate}`);
      if (!s) return undefined;
      const m = asMatrix(s.w, s.width);
      return slice ? columns(m, ...slice) : m;
    };
    const input = pick('input');
    const recurrent = pick('recurrent');
    if (!input || !recurrent) return `no ${input ? 'recurrent' : 'input'} weight found${gate ? ` for gate ${gate}` : ''}; found ${found}`;
    return { input, recurrent, bias: pick('bias')?.[0] ?? new Array<number>(sizes.H).fill(0) };
  };
  if (kind === 'rnn') {
    const h = gateWeights('');
    return typeof h === 'string' ? { unmapped: h } : { candidates: [{ kind: 'rnn', h }] };
  }
  if (!fused) {
    const gates = {} as Record<LstmGate, GateWeights>;
    for (const g of LSTM_GATES) {
      const gw = gateWeights(g);
      if (typeof gw === 'string') return { unmapped: gw };
      gates[g] = gw;
    }
    return { candidates: [{ kind: 'lstm', gates }] };
  }
  const orders = permutations(LSTM_GATES);
  const candidates: ReferenceWeights[] = [];
  for (const order of orders) {
    const gates = {} as Record<LstmGate, GateWeights>;
    for (const [k, g] of order.entries()) {
      const gw = gateWeights('', [k * sizes.H, (k + 1) * sizes.H]);
      if (typeof gw === 'string') return { unmapped: gw };
      gates[g] = gw;
    }
    candidates.push({ kind: 'lstm', gates });
  }
  return { candidates, fusedOrders: orders.map((o) => o.join('')) };
}

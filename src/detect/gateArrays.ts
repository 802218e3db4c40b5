// Gates kept as slices of one array named after them (Karpathy's numpy LSTM: `IFOGf[t,:,:3*d] =
// sigmoid(...)`, `IFOGf[t,:,3*d:] = tanh(...)`, read back as `IFOGf[t,:,d:2*d]`; a GRU's `ZRC_n`).
// The name spells the gates' order, each slice a whole number of units of one size: an activated
// slice write becomes one value per gate it covers (`IFOGf[i]`, `IFOGf[f]`, `IFOGf[o]`), and a read
// of a slice reads the gates it covers, so the rest of the analysis sees named gates.
import { type Def } from './defs';
import { splitTopLevel } from './text';
import type { GateName } from './types';
import { hasActivation } from './vocab';

const LSTM_LETTERS: Record<string, GateName> = { i: 'i', f: 'f', o: 'o', g: 'g', c: 'g' };
const GRU_LETTERS: Record<string, GateName> = { z: 'z', u: 'z', r: 'r', n: 'n', c: 'n', h: 'n' };

/** The gates an array's name spells in order (`IFOG`, `IFOGf`, `ZRC_n`, `ifog`), if it spells a whole set. */
export function gatesSpelled(name: string): GateName[] | undefined {
  const letters = (/^([A-Z]{3,4})(?![A-Z])/.exec(name)?.[1] ?? /^([a-z]{3,4})(?:_|$)/.exec(name)?.[1])?.toLowerCase();
  if (!letters || new Set(letters).size !== letters.length) return undefined;
  for (const table of [LSTM_LETTERS, GRU_LETTERS]) {
    const gates = [...letters].map((l) => table[l]);
    const need = table === LSTM_LETTERS ? ['i', 'f', 'o', 'g'] : ['z', 'r', 'n'];
    if (gates.every((g) => g !== undefined) && new Set(gates).size === need.length && need.every((g) => gates.includes(g as GateName))) return gates;
  }
  return undefined;
}

/** `3*d` → {k: 3, unit: 'd'}, `d` → {k: 1, unit: 'd'}, `` or `0` → {k: 0}. */
export function bound(text: string): { k: number; unit?: string } | undefined {
  const t = text.replace(/\s+/g, '');
  if (t === '' || t === '0') return { k: 0 };
  const before = /^(\d+)\*([A-Za-z_][\w.]*)$/.exec(t);
  if (before) return { k: Number(before[1]), unit: before[2] };
  const after = /^([A-Za-z_][\w.]*)\*(\d+)$/.exec(t);
  if (after) return { k: Number(after[2]), unit: after[1] };
  return /^[A-Za-z_][\w.]*$/.test(t) ? { k: 1, unit: t } : undefined;
}

/** The gates a subscript's last index covers (`[t,:,d:2*d]` → the second), all of them for a whole row (`[t]`). */
function gatesCovered(subscript: string, gates: GateName[]): GateName[] | undefined {
  const parts = splitTopLevel(subscript);
  const last = parts[parts.length - 1].text;
  if (!last.includes(':')) return parts.length === 1 ? gates : undefined;
  const [from, to, step] = last.split(':');
  if (step !== undefined) return undefined;
  const lo = bound(from);
  const hi = to.trim() === '' ? { k: gates.length } : bound(to);
  if (!lo || !hi || (lo.unit && hi.unit && lo.unit !== hi.unit) || (!lo.unit && !hi.unit && to.trim() !== '')) return undefined;
  if (lo.k >= hi.k || hi.k > gates.length) return undefined;
  return gates.slice(lo.k, hi.k);
}

/** `NAME[...] =` at the start of a statement: the array and its subscript. */
function slicedTarget(d: Def): { array: string; subscript: string } | undefined {
  if (!d.targetSubscripted || d.targetCount !== 1) return undefined;
  const m = /^\s*([A-Za-z_]\w*)\s*\[([^\]]*)\]\s*=\s*$/.exec(d.stmt.text.slice(0, d.rhsOffset));
  return m ? { array: m[1], subscript: m[2] } : undefined;
}

export function expandGateArrays(defs: Def[]): Def[] {
  const arrays = new Map<string, GateName[]>();
  const expanded = defs.flatMap((d) => {
    const target = slicedTarget(d);
    const gates = target && gatesSpelled(target.array);
    const covered = gates && gatesCovered(target.subscript, gates);
    if (!target || !gates || !covered) return [d];
    // A slice write keeps the rest of the array, but the other gates' slices are not read by it.
    const refs = d.refs.filter((r) => r !== target.array);
    if (!hasActivation(d.rhs)) return [{ ...d, refs }];
    arrays.set(target.array, gates);
    return covered.map((g): Def => ({ ...d, key: `${target.array}[${g}]`, name: g, targetSubscripted: false, refs }));
  });
  if (!arrays.size) return defs;
  const read = new RegExp(`(?<![\\w$.])(${[...arrays.keys()].join('|')})\\s*\\[([^\\]]*)\\]`, 'g');
  return expanded.map((d) => {
    const extra = [...d.rhs.matchAll(read)].flatMap((m) => (gatesCovered(m[2], arrays.get(m[1])!) ?? []).map((g) => `${m[1]}[${g}]`));
    return extra.length ? { ...d, refs: [...d.refs, ...extra] } : d;
  });
}

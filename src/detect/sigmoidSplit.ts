// Three gates split out of one sigmoid (Graves' convention: `b_input, b_forget, b_output =
// split(sigmoid(a_gates), (n,) * 3)`, the candidate squashed on its own): an LSTM's i, f and o.
// A GRU's candidate is no sigmoid, so such a split is never its r, z, n.
import type { Def } from './defs';
import type { Flow, Roles } from './flow';
import type { GateName } from './types';
import { SIGMOID_LIKE, SPLIT, TANH_LIKE } from './vocab';

/** The gate a name's last word says (`b_input`, `gate_forget`, `out`). */
const LAST_WORD: Record<string, GateName> = { input: 'i', in: 'i', i: 'i', forget: 'f', f: 'f', output: 'o', out: 'o', o: 'o' };

/** Gives i, f, o to the outputs of a three-way split of one sigmoid that nothing has named yet: by their names' last words, else in that order. */
export function assignSigmoidSplit(flow: Flow, roles: Roles): void {
  const byStmt = new Map<number, Def[]>();
  for (const d of flow.defs) if (d.targetCount === 3 && !d.elementwise && SPLIT.test(d.rhs)) byStmt.set(d.order, [...(byStmt.get(d.order) ?? []), d]);
  for (const group of byStmt.values()) {
    if (group.length !== 3 || group.some((d) => roles.has(d))) continue;
    const rhs = group[0].rhs;
    // The sigmoid inside the split (`split(sigmoid(a), ...)`) or the value split is one (`gates = sigmoid(a)`).
    const source = group[0].refs.map((r) => flow.reaching(r, group[0].order)).find((s) => s !== undefined && SIGMOID_LIKE.test(s.rhs) && !TANH_LIKE.test(s.rhs));
    if (!(SIGMOID_LIKE.test(rhs) && !TANH_LIKE.test(rhs)) && !source) continue;
    const named = group.map((d) => LAST_WORD[d.name.split('_').pop() ?? '']);
    const byName = named.every((g) => g !== undefined) && new Set(named).size === 3;
    group.forEach((d, k) => roles.set(d, byName ? named[k]! : (['i', 'f', 'o'] as GateName[])[k]));
  }
}

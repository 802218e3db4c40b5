// GRU roles that names get wrong, settled by what the values are computed from.
import { dependsOnRole, isMixer, type Flow, type Roles } from './flow';
import type { Def } from './defs';
import { SIGMOID_LIKE } from './vocab';

/**
 * The update gate z reads only the input and the previous state; the candidate is the one value
 * computed through the reset gate. So a value named as z (`u`, `update`) that depends on r is the
 * candidate (`self.u = tanh.forward(self.add_u)` after `had_r_s = hadGate.forward(self.r, prev_s)`).
 */
export function candidatesNamedAsUpdate(flow: Flow, roles: Roles): void {
  const zDefs = [...roles].filter(([, r]) => r === 'z').map(([d]) => d);
  if (zDefs.length < 2 || [...roles.values()].includes('n')) return;
  // A sigmoid stays z: a second copy of the step reads r through the state the first one made.
  const throughReset = zDefs.filter((d) => dependsOnRole(flow, roles, d, 'r') && !SIGMOID_LIKE.test(d.rhs));
  if (throughReset.length && throughReset.length < zDefs.length) for (const d of throughReset) roles.set(d, 'n');
}

/**
 * The new state is the last value mixing the gated terms: from `prev_update = had(z, prev_s)`, on through
 * the mixers that read it with another value (`s = add(prev_update, new_update)`), as long as exactly one reads it.
 */
export function lastMixerOf(flow: Flow, roles: Roles, d: Def): Def {
  let at = d;
  for (;;) {
    const readers = flow.defs.filter((o) => o.order > at.order && o.targetCount === 1 && o.refs.includes(at.key) && flow.reaching(at.key, o.order) === at);
    const next = readers.length === 1 ? readers[0] : undefined;
    // A mixer combines: a copy (`cache['h'] = h`) or a value handed on alone computes nothing new.
    const combines = next !== undefined && next.refs.some((r) => r !== at.key && flow.reaching(r, next.order) !== undefined);
    if (!next || !combines || !isMixer(flow, roles, next) || next.key === '<return>') return at;
    at = next;
  }
}

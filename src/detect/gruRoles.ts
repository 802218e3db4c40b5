// GRU roles that names get wrong, settled by what the values are computed from.
import { upstream, type Flow, type Roles } from './flow';
import { dependsOnRole, isMixer } from './mixers';
import type { Def } from './defs';
import { escapeRegExp } from './text';
import { hasActivation, RNN_ACTIVATION, SIGMOID_LIKE } from './vocab';

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

/**
 * A GRU under names of no role (`upd`, `rem`, `htt`): a new state mixing the previous one with a candidate by a
 * sigmoid and its complement (`ht = (1 - upd) * o + upd * htt`) is the GRU's update; the sigmoid is z, the tanh-like
 * value it mixes in is the candidate n, and the other sigmoid the candidate is computed through is r.
 * Also with r named but z not (TF1's `state_out = (1.0 - forget_gate) * state_in + forget_gate * state_increment`,
 * an update gate under an LSTM's name): the mixing sigmoid is z when the candidate is computed through the named r.
 */
export function inferUnnamedGru(flow: Flow, roles: Roles): void {
  const namedZ = [...roles].filter(([, role]) => role === 'z').map(([d]) => d);
  const named = [...roles].filter(([, role]) => role === 'r').map(([d]) => d);
  // With z named, only r is left to find (serket's `e = recurrent_act(xe + he)`, read by the candidate `o = act(xo + e * ho)`).
  if (namedZ.length && named.length) return;
  const sole = (d: Def | undefined, pattern: RegExp) => d !== undefined && !roles.has(d) && d.targetCount === 1 && pattern.test(d.rhs);
  const mixing = (s: Def | undefined) => (namedZ.length ? s !== undefined && namedZ.includes(s) : sole(s, SIGMOID_LIKE));
  for (const d of flow.defs) {
    // The new state may be named as one (`h = update_gate * candidate + (1 - update_gate) * h`).
    if (d.targetCount !== 1 || (roles.has(d) && roles.get(d) !== 'h') || hasActivation(d.rhs)) continue;
    const sources = d.refs.map((r) => flow.reaching(r, d.order));
    const z = sources.find((s) => mixing(s) && new RegExp(`\\b1(?:\\.0*)?\\s*-\\s*${escapeRegExp(s!.key)}(?![\\w$])`).test(d.rhs));
    // With z named, the candidate may be named too (`candidate_hidden`): then only r is missing (`relevance_gate`).
    const namedN = (s: Def | undefined) => namedZ.length > 0 && s !== undefined && roles.get(s) === 'n';
    const n = sources.find((s) => s !== z && (namedN(s) || (sole(s, RNN_ACTIVATION) && !SIGMOID_LIKE.test(s!.rhs))));
    // The previous state as a parameter, or taken out of one (`h = state.hidden_state`).
    const previous = d.refs.some((r) => flow.handedIn(r, d.order));
    if (!z || !n || !previous) continue;
    const r = [...upstream(flow, n)].find((s) => s !== z && (named.length ? named.includes(s) : sole(s, SIGMOID_LIKE)));
    if (!r) continue;
    if (!namedZ.length) roles.set(z, 'z');
    roles.set(n, 'n');
    if (!named.length) roles.set(r, 'r');
    return;
  }
}

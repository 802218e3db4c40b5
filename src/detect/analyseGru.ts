// A GRU in one unit: the new state mixing the previous one and a candidate by the update gate z,
// the candidate computed through the reset gate r, and the gates' lines.
import type { UnitAnalysis } from './analyse';
import { RETURNS_NAMES, RETURNS_OBJECT } from './analyseLstm';
import { assignGates } from './assignGates';
import { extractRefs, type Def } from './defs';
import { upstream, type Flow } from './flow';
import { gatesOf } from './gateLines';
import { candidatesNamedAsUpdate, inferUnnamedGru, lastMixerOf } from './gruRoles';
import { helperCalled } from './helpers';
import { activationLines } from './infer';
import { dependsOnRole, isMixer, movesOneValue, reachesRole, readsThroughMixers, refsRole } from './mixers';
import { nextSlotOf } from './rnn';
import { EXPLICITLY_PREVIOUS, GRU_NAMES, GRU_SUFFIXES, hasActivation, PREVIOUS_HIDDEN, RNN_ACTIVATION, RNN_OUTPUT, roleName, stateRole } from './vocab';

export function analyseGru(flow: Flow): UnitAnalysis | undefined {
  const roles = assignGates(flow, GRU_NAMES, ['r', 'z', 'n'], ['r', 'z', 'n'], GRU_SUFFIXES);
  candidatesNamedAsUpdate(flow, roles);
  inferUnnamedGru(flow, roles);
  const hDefs: Def[] = [];
  for (const d of flow.defs) {
    // Or an array's next slot from its current one (`out[0][j + 1] = (1 - z) * out[0][j] + …`), whatever its name.
    const isH = stateRole(d.name, d.targetSubscripted) === 'h' || RNN_OUTPUT.test(d.name) || d.key === '<return>' || nextSlotOf(d)?.test(d.rhs) === true;
    if (!isH || !reachesRole(flow, d, roles, ['z'])) continue;
    // `return current_hidden_state`: a return of names computes nothing; the value it returns is the new state.
    const returned =
      d.key === '<return>' && (RETURNS_NAMES.test(d.rhs) || RETURNS_OBJECT.test(d.rhs))
        ? readsThroughMixers(flow, roles, d).mixers.filter((m) => m.refs.some((r) => roles.get(flow.reaching(r, m.order)!) === 'z'))
        : [];
    for (const h of returned.length || RETURNS_OBJECT.test(d.rhs) ? returned : [d]) {
      roles.set(h, 'h');
      hDefs.push(h);
    }
  }
  // `gateValues[k] = z` in an object handed back stores z, no line of h (taken as h above, later returns don't reach z through it).
  for (const h of hDefs) if (movesOneValue(h) && refsRole(flow, h, roles, ['z'])) roles.delete(h);
  // `h_new = act(W @ x + U @ (r * h)); h_new = (1 - z) * h + z * h_new`: an activated value under the state's
  // name, read by the update that mixes it with z, is the candidate held in the state's name.
  for (const d of hDefs) {
    const update = hDefs.find((u) => u.order > d.order && u.key === d.key && flow.reaching(d.key, u.order) === d && !hasActivation(u.rhs) && refsRole(flow, u, roles, ['z']));
    if (update && hasActivation(d.rhs) && ![...roles.values()].includes('n')) roles.set(d, 'n');
  }
  hDefs.splice(0, hDefs.length, ...hDefs.filter((d) => roles.get(d) === 'h'));
  // The new state under another name (`hid_state = (1 - z) * h_ + z * state`): what mixes z with the previous state.
  if (!hDefs.length) {
    const readsPrevious = (d: Def) =>
      d.refs.some((r) => {
        const name = roleName(r);
        const src = flow.reaching(r, d.order);
        return (PREVIOUS_HIDDEN.test(name) || EXPLICITLY_PREVIOUS.test(name)) && !(src && roles.has(src));
      });
    for (const d of flow.defs) {
      if (!roles.has(d) && d.targetCount === 1 && d.key !== '<return>' && refsRole(flow, d, roles, ['z']) && readsPrevious(d)) {
        const h = lastMixerOf(flow, roles, d);
        roles.set(h, 'h');
        hDefs.push(h);
      }
    }
  }
  // The candidate under another name (`a`, `cell`, trax's `c`): what h reads that depends on r.
  if (![...roles.values()].includes('n')) {
    for (const d of hDefs) {
      for (const src of readsThroughMixers(flow, roles, d).sources) {
        if (!roles.has(src) && src.targetCount === 1 && !isMixer(flow, roles, src) && dependsOnRole(flow, roles, src, 'r')) roles.set(src, 'n');
      }
    }
  }
  const present = new Set(roles.values());
  if (!(present.has('r') && present.has('z') && (present.has('n') || present.has('h')))) return undefined;
  // Gates are squashed: with no activation (nor a helper or object of the cell) anywhere its values come from, names
  // alone (`R = UBU - eye(...)`, `p, l, u = lu_unpack(...)` in linear algebra) make no GRU.
  const squashes = (d: Def) => flow.activates(d.rhs) || RNN_ACTIVATION.test(d.rhs) || helperCalled(d.rhs, flow.helpers) !== undefined || flow.callsHeld(d.rhs);
  if (![...roles.keys()].some((d) => squashes(d) || [...upstream(flow, d)].some(squashes))) return undefined;
  const gates = gatesOf(flow, roles, ['r', 'z', 'n', 'h'], { gates: ['r', 'z', 'n'], into: ['n', 'h'] });
  // A candidate with no variable (fundl's `h = z * h + (1 - z) * relu(x @ W + (r * h) @ U)`): the activation in h that reads r.
  if (!gates.has('n')) {
    const rKeys = [...roles].filter(([, r]) => r === 'r').map(([d]) => d.key);
    const lines = activationLines(flow, hDefs, RNN_ACTIVATION, (argument) => extractRefs(argument).some((ref) => rKeys.includes(ref)));
    if (lines.size) gates.set('n', lines);
  }
  return { kind: 'gru', gates, optionalForgetGate: false };
}

// An LSTM in one unit: the cell-state update (c = f*c + i*g, the 1997 c = c + i*g, or a value of
// another name combining the gates), the hidden state o*tanh(c), and the gates' lines.
import type { UnitAnalysis } from './analyse';
import { assignGates } from './assignGates';
import type { Def } from './defs';
import type { Flow, Roles } from './flow';
import { gatesOf } from './gateLines';
import { helperCalled, inlineHelperLines } from './helpers';
import { activationLines, callsOnCell, gatesCombined, hasPeephole, inferGatesFeeding, inferOutputGate, renameShiftedCandidate, unnamedCellUpdates } from './infer';
import { reachesRole, readsThroughMixers, refsRole, rolesReached } from './mixers';
import { assignSigmoidSplit } from './sigmoidSplit';
import { matchBracket } from './text';
import type { GateName } from './types';
import { ACTIVATION_DERIVATIVE, hasActivation, LSTM_NAMES, LSTM_SUFFIXES, RNN_ACTIVATION, SIGMOID_LIKE, stateRole, TANH_LIKE } from './vocab';

/** `(1 - i) * m`, `1. - z`: the update scales a value by one minus a gate of that role. */
function keepsByComplementOf(flow: Flow, d: Def, roles: Roles, role: GateName): boolean {
  for (const m of d.rhs.matchAll(/(?<![\w$.])1(?:\.0*)?\s*-\s*([A-Za-z_$][\w$.]*)/g)) {
    const src = flow.reaching(m[1], d.order);
    if (src && roles.get(src) === role) return true;
  }
  return false;
}

/** `np.concatenate((h, x))`, `torch.cat([x, h], 1)`: a join of values as the whole right-hand side. */
function joinsOnly(rhs: string): boolean {
  const text = rhs.trim().replace(/;$/, '');
  const head = /^(?:[\w$]+\s*\.\s*)*(?:cat|concat|concatenate|hstack|vstack|stack)\s*\(/.exec(text);
  return head !== null && matchBracket(text, head[0].length - 1) === text.length - 1;
}

/** `h_state = h`, `final_c[k] = c_now`: a copy of one value. */
const COPY = /^\s*[A-Za-z_$][\w$.]*\s*;?\s*$/;
/** `return { xs, z, r, h: h[t], ys }`: an object of names (JS) hands values back and computes none. */
export const RETURNS_OBJECT = /^\s*\{\s*(?:[A-Za-z_$][\w$]*(?:\s*:\s*[A-Za-z_$][\w$.]*(?:\s*\[[^\]]*\])?)?\s*(?:,\s*|(?=\})))*\}\s*;?\s*$/;
/** `return h` / `return (h,), h`: only names, nothing computed. */
export const RETURNS_NAMES = /^[\s(),[\]]*[A-Za-z_$][\w$.]*(?:[\s(),[\]]+[A-Za-z_$][\w$.]*)*[\s(),[\]]*$/;

const mentionsForgetFlag = (text: string): boolean => /forget/i.test(text);

export function analyseLstm(flow: Flow): UnitAnalysis | null | undefined {
  const roles = assignGates(flow, LSTM_NAMES, ['i', 'f', 'g', 'o'], ['i', 'f', 'g', 'o'], LSTM_SUFFIXES);
  assignSigmoidSplit(flow, roles);
  const cDefs: Def[] = [];
  const passedOnDefs = new Set<Def>();
  for (const d of flow.defs) {
    // Phased LSTM's `c_hat = f * c_tm1 + i * act(z2)`: named as a candidate, yet it keeps the state by f and writes by i.
    const keptAndWritten = roles.get(d) === 'g' && refsRole(flow, d, roles, ['f']) && refsRole(flow, d, roles, ['i']);
    if (stateRole(d.name, d.targetSubscripted) !== 'c' && !keptAndWritten) continue;
    // A cell update combines two of i, f, g (c = f*c + i*g; the 1997 c = c + i*g): `c = tanh(candidate)` in a GRU is not one.
    // `self.c = zoneout(self.c, c_tmp, ratio)`, `c = clip(c_new, ...)`: a call passing the new cell state on is part of it.
    const passedOn = !hasActivation(d.rhs) && /[\w$]\s*\(/.test(d.rhs) && refsRole(flow, d, roles, ['c']);
    // `c = k * c_hat + (1 - k) * c_prev` after it: the state mixed on by a time gate.
    const mixedOn = !keptAndWritten && stateRole(d.name, d.targetSubscripted) === 'c' && /\(\s*1(?:\.0*)?\s*-/.test(d.rhs) && refsRole(flow, d, roles, ['c']);
    if (gatesCombined(flow, d, roles) >= 2 || helperCalled(d.rhs, flow.helpers) || passedOn || mixedOn) {
      roles.set(d, 'c');
      cDefs.push(d);
      if (passedOn || mixedOn) passedOnDefs.add(d);
      // Sonnet's `next_cell = sigmoid(f) * prev_state.cell; next_cell += sigmoid(i) * tanh(g)`: the kept part is the update's first half.
      const kept = /\+=\s*$/.test(d.stmt.text.slice(0, d.rhsOffset)) ? flow.reaching(d.key, d.order) : undefined;
      if (kept && kept !== d && (!roles.has(kept) || roles.get(kept) === 'f') && stateRole(kept.name, kept.targetSubscripted) === 'c') {
        roles.set(kept, 'c');
        cDefs.push(kept);
      }
    }
  }
  // A cell state under another name (`self.state.s`): what reads i with g or f, and is read by no other such value.
  if (!cDefs.length) {
    const updates = flow.defs.filter(
      (d) =>
        !roles.has(d) &&
        d.targetCount === 1 &&
        d.key !== '<return>' &&
        // Activated only inside, around the candidate (`state = f * state + i * tanh(update)`): it reads f and i.
        (!hasActivation(d.rhs) || (refsRole(flow, d, roles, ['f']) && refsRole(flow, d, roles, ['i']))) &&
        // A copy (`final_cell_state[k] = c_now`) hands a state on; it computes none.
        !COPY.test(d.rhs) &&
        stateRole(d.name, d.targetSubscripted) !== 'h' &&
        !refsRole(flow, d, roles, ['o']) &&
        reachesRole(flow, d, roles, ['i']) &&
        reachesRole(flow, d, roles, ['g', 'f']),
    );
    // A gate's pre-activation (`gox += p * state` before `go = sig(gox)`, a peephole) is no cell state either.
    const feedsGate = (d: Def) => flow.defs.some((a) => a.order > d.order && ['i', 'f', 'g', 'o'].includes(roles.get(a) ?? '') && a.refs.includes(d.key) && flow.reaching(d.key, a.order) === d);
    const states = updates.filter((d) => !feedsGate(d));
    for (const d of states) {
      const readByAnother = states.some((u) => u !== d && readsThroughMixers(flow, roles, u).sources.includes(d));
      if (!readByAnother) {
        roles.set(d, 'c');
        cDefs.push(d);
      }
    }
  }
  // No gate named but perhaps the candidate (`g = squash(net[:, 4:8])` beside unnamed `y_in`).
  if (!cDefs.length && ![...roles.values()].some((r) => r === 'i' || r === 'f')) {
    for (const d of unnamedCellUpdates(flow, roles)) {
      roles.set(d, 'c');
      cDefs.push(d);
    }
  }
  // Phased LSTM's `c_tilde = f * c_prev + i * g; c = k * c_tilde + (1 - k) * c_prev`: the value mixed
  // into the cell state that itself combines the gates is a cell state too (`h_tilde = o * tanh(c_tilde)`).
  for (const d of cDefs) for (const m of readsThroughMixers(flow, roles, d).mixers) if (rolesReached(flow, m, roles, ['i', 'f', 'g']) >= 2) roles.set(m, 'c');
  renameShiftedCandidate(flow, roles, cDefs);
  inferGatesFeeding(flow, roles, cDefs, [
    [TANH_LIKE, 'g'],
    [SIGMOID_LIKE, 'f'],
    [SIGMOID_LIKE, 'i'],
    // With f and i known, the other activated value the update writes is the candidate, whatever squashes it (`cbar = sigmoid(...)`).
    [RNN_ACTIVATION, 'g'],
  ]);
  for (const d of flow.defs) {
    // A backward pass beside the forward one (`d_ct = d_ht * o_t[t] * (1 - tanh(c_t[t]) ** 2)`), or the state joined
    // with the next input (`h_x = concatenate((h_t[t - 1], x[t]))`): no new hidden state.
    if (ACTIVATION_DERIVATIVE.test(d.rhs) || joinsOnly(d.rhs)) continue;
    const isH = stateRole(d.name, d.targetSubscripted) === 'h';
    // `out = o * tanh(c)` under any name is the hidden state.
    // Also with the squash on a line of its own (`Ct[t] = tanh(C[t]); Hout[t] = o * Ct[t]`).
    const squashedCell = (s: Def) => !roles.has(s) && s.targetCount === 1 && hasActivation(s.rhs) && refsRole(flow, s, roles, ['c']);
    // `O[t] = Ca[t] * o[t]`: a value named as the output gate that reads another o and the squashed cell is what o gates.
    const gatesByO =
      roles.get(d) === 'o' &&
      !hasActivation(d.rhs) &&
      d.refs.some((r) => {
        const src = flow.reaching(r, d.order);
        return src !== undefined && src.key !== d.key && roles.get(src) === 'o';
      });
    const gatedCell =
      d.targetCount === 1 &&
      (!roles.has(d) || gatesByO) &&
      refsRole(flow, d, roles, ['o']) &&
      (hasActivation(d.rhs) ? reachesRole(flow, d, roles, ['c']) : readsThroughMixers(flow, roles, d).sources.some(squashedCell) || callsOnCell(flow, roles, d));
    // `h = k * h_tilde + (1 - k) * h_prev`: a new hidden state mixed on under the state's own name
    // (a copy, `h_state = h` to carry it round a loop, computes nothing).
    const mixedOn = isH && !COPY.test(d.rhs) && d.refs.some((r) => r !== d.key && roles.get(flow.reaching(r, d.order)!) === 'h');
    // `c_filter = tanh(c); h = self_sigmoid(x) * c_filter`: the state's name, an output gate inline, the squashed cell on a line of its own.
    const squashedOnItsOwn =
      isH &&
      SIGMOID_LIKE.test(d.rhs) &&
      d.refs.some((r) => {
        const src = r !== d.key ? flow.reaching(r, d.order) : undefined;
        return src !== undefined && squashedCell(src);
      });
    if (
      (isH && reachesRole(flow, d, roles, ['o', 'c'])) ||
      squashedOnItsOwn ||
      mixedOn ||
      gatedCell ||
      (d.key === '<return>' && !RETURNS_OBJECT.test(d.rhs) && !RETURNS_NAMES.test(d.rhs) && reachesRole(flow, d, roles, ['o']))
    )
      roles.set(d, 'h');
  }
  if (cDefs.length && ![...roles.values()].includes('o')) inferOutputGate(flow, roles);
  const present = new Set(roles.values());
  // A method that takes c (and o) from a class helper completes the cell the helper computes.
  const fromHelper = cDefs.some((d) => helperCalled(d.rhs, flow.helpers));
  if (!cDefs.length || !(present.has('i') || present.has('g') || fromHelper)) return undefined;
  const cWithForget = cDefs.filter((d) => refsRole(flow, d, roles, ['f']));
  const cUpdates = cDefs.filter((d) => !passedOnDefs.has(d));
  // `c = forgetGate ? sigmoid(gate('f')) * c + i*g : c + i*g`: a forget gate computed inline, behind a flag.
  const forgetFlag = (d: Def) => d.stmt.conditions.some(mentionsForgetFlag) || /forget\w*\s*\?|\bif\s+[\w.]*forget/i.test(d.rhs);
  const hasForget = present.has('f') || cWithForget.length > 0 || cDefs.some(forgetFlag);
  // The 1997 LSTM adds the previous state as it is (`c = c + i * g`). A state kept by `(1 - i)` is
  // a coupled mix: an LSTM whose forget gate is 1 - i when its output squashes it (`h = o * tanh(c)`),
  // else no cell at all (an attention memory's `new_M = (1 - i) * m + i * g; new_H = o * new_M`).
  const coupled = !hasForget && cUpdates.some((d) => keepsByComplementOf(flow, d, roles, 'i'));
  // Null: decided, no cell (not even an unclassified one).
  if (coupled && ![...roles].some(([d, r]) => r === 'h' && hasActivation(d.rhs))) return null;
  const forgetDefs = [...roles].filter(([, r]) => r === 'f').map(([d]) => d);
  const optionalForgetGate = hasForget && ((cWithForget.length > 0 && cWithForget.length < cUpdates.length) || [...forgetDefs, ...cDefs].some(forgetFlag));
  const gates = gatesOf(flow, roles, ['i', 'f', 'g', 'o', 'c', 'h'], { gates: ['i', 'f', 'g', 'o'], into: ['c', 'h'] });
  // Gates with no variable of their own, computed inside an update: the forget gate
  // (`c = flag ? sigmoid(gate('f')) * c + i*g : ...`) and the candidate (Keras'
  // `c = f * c + i * activation(...)`) inside c, the output gate inside h. Their lines are
  // the update's lines where a sigmoid-like (f, o) or tanh-like (g) activation is applied.
  const hDefs = [...roles].filter(([, r]) => r === 'h').map(([d]) => d);
  const fill = (gate: GateName, defs: Def[], pattern: RegExp) => {
    const lines = gates.has(gate) ? undefined : activationLines(flow, defs, pattern, undefined, gate);
    const fromHelper = gates.has(gate) || lines?.size ? undefined : inlineHelperLines(defs, gate, flow.helpers);
    if (lines?.size || fromHelper?.size) gates.set(gate, lines?.size ? lines : fromHelper!);
  };
  if (hasForget) fill('f', cDefs, SIGMOID_LIKE);
  fill('g', cDefs, TANH_LIKE);
  fill('o', hDefs, SIGMOID_LIKE);
  return { kind: hasForget || coupled ? 'lstm' : 'lstm-no-forget', gates, optionalForgetGate, peephole: hasPeephole(flow, roles, [...cDefs, ...hDefs]) };
}

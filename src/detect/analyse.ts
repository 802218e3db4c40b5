// Assignment analysis over one function's statements: which variable is which gate, and
// which lines compute it. Roles come from names (i_t, forgetgate, c_tilde, hy, …) and are
// only accepted when the right-hand side looks like the computation (an activation, a
// product with the weights, a split of a fused product, a state update from the gates).
import { extractRefs, parseDefs, type Def } from './defs';
import { splitByCall } from './callSplits';
import { expandGateArrays } from './gateArrays';
import { analyseRnn, collectedStates, nextSlotOf } from './rnn';
import { analyseInlineLstm } from './inlineLstm';
import { candidatesNamedAsUpdate, inferUnnamedGru, lastMixerOf } from './gruRoles';
import { helperCalled, inlineHelperLines, type ClassHelpers } from './helpers';
import { activationLines, gatesCombined, hasPeephole, inferGatesFeeding, inferOutputGate, renameShiftedCandidate, unnamedCellUpdates } from './infer';
import { Flow, type Roles } from './flow';
import { gateLike } from './gateLike';
import { gatesOf, onlyInsideActivations } from './gateLines';
import { dependsOnRole, isMixer, movesOneValue, reachesRole, readsThroughMixers, refsRole, rolesReached } from './mixers';
import type { Param, Stmt } from './scan';
import {
  classify,
  CONCAT,
  EXPLICITLY_PREVIOUS,
  MATMUL,
  GRU_NAMES,
  GRU_SUFFIXES,
  hasActivation,
  LSTM_NAMES,
  LSTM_SUFFIXES,
  PREVIOUS_HIDDEN,
  PRODUCT_OBJECT,
  RNN_ACTIVATION,
  RNN_OUTPUT,
  roleName,
  stateRole,
  SIGMOID_LIKE,
  SPLIT,
  TANH_LIKE,
} from './vocab';
import type { DetectedKind, GateName } from './types';

export interface UnitAnalysis {
  kind: DetectedKind;
  gates: Map<GateName, Set<number>>;
  optionalForgetGate: boolean;
  /** An LSTM whose gates read the cell state (peephole connections). */
  peephole?: boolean;
}

// ───────────────────────── analysis ─────────────────────────

/** The gate a split output's name points at by its last letter: zi, x_z, i_r, recurrentZ. */
function suffixRole<K extends GateName>(name: string, suffixes: Record<string, K>): K | undefined {
  const tokens = name.split('_').filter(Boolean);
  const last = tokens[tokens.length - 1] ?? '';
  if (tokens.length > 1 && last.length === 1) return suffixes[last];
  if (tokens.length === 1 && last.length === 2) return suffixes[last[1]];
  return undefined;
}

/**
 * The names of the activated values beat the split's own names: after `i, ig, fg, og = split(z)`,
 * `input_activation = tanh(i)` and `input_gate = sigmoid(ig)` (ODE-LSTM), ig is the input gate and
 * the split's `i` loses that role (it is left over, and so the candidate).
 */
function renameByActivatedNames<K extends GateName>(flow: Flow, vocab: Record<string, string[]>, gateRoles: K[], roles: Roles, group: Def[]): void {
  const activatedAs = (d: Def): K | undefined => {
    const named = flow.defs
      .filter((a) => a.order > d.order && a.targetCount === 1 && hasActivation(a.rhs) && flow.reaching(d.key, a.order) === d && a.refs.includes(d.key))
      .filter((a) => group.every((other) => other === d || !a.refs.includes(other.key)))
      .map((a) => classify(a.name, vocab, a.targetSubscripted) as K | undefined)
      .filter((r): r is K => r !== undefined && gateRoles.includes(r));
    return named.length === 1 ? named[0] : undefined;
  };
  const renamed = group.map(activatedAs);
  if (new Set(renamed.filter(Boolean)).size !== renamed.filter(Boolean).length) return;
  group.forEach((d, k) => {
    const role = renamed[k];
    if (role) roles.set(d, role);
    else if (roles.has(d) && renamed.includes(roles.get(d) as K)) roles.delete(d);
  });
}

function assignGates<K extends GateName>(flow: Flow, vocab: Record<string, string[]>, gateRoles: K[], positional: K[], suffixes: Record<string, K>): Roles {
  const roles: Roles = new Map();
  for (const d of flow.defs) {
    const role = classify(d.name, vocab, d.targetSubscripted) as K | undefined;
    if (role && gateRoles.includes(role) && gateLike(flow, d, roles, role)) roles.set(d, role);
  }
  // `forget_gate_output = self.forget_gate(x, h)`: a per-gate helper or gate object names the value it returns.
  for (const d of flow.defs) {
    // Also the first of the values it hands back (`i_out, s_out = self.input_gate.forward(xc, h_prev)`).
    const helper = (d.targetCount === 1 || d.targetIndex === 0) && !roles.has(d) && !classify(d.name, vocab, d.targetSubscripted) ? helperCalled(d.rhs, flow.helpers) : undefined;
    const role = helper && flow.helpers!.gates.get(helper)?.gates.find((g): g is K => (gateRoles as GateName[]).includes(g));
    if (role) roles.set(d, role);
  }
  // `a, b, c, d = gates.chunk(4, 1)` with names that say nothing: the framework's order.
  const byStmt = new Map<number, Def[]>();
  // Also `z0, z1, z2, z3 = z`: a list split before (Keras hands it to a helper).
  const unpacking = (d: Def) => /^\s*[A-Za-z_$][\w$]*\s*$/.test(d.rhs);
  // Also a call handed the fused pre-activation first (`[i, f, g, o] = chunkGates(gates, hidden)`).
  for (const d of flow.defs)
    if (d.targetCount === positional.length && !d.elementwise && (SPLIT.test(d.rhs) || unpacking(d) || splitByCall(flow, d))) byStmt.set(d.order, [...(byStmt.get(d.order) ?? []), d]);
  for (const group of byStmt.values()) {
    if (group.length !== positional.length) continue;
    const source = group[0].refs.map((r) => flow.reaching(r, group[0].order)).find((s) => s && flow.preact(s));
    // A parameter unpacked by position is a split pre-activation only when its name says so (`z`, `gates`), not `x` or `h_tm1`.
    const splitParam = unpacking(group[0]) && group[0].refs.some((r) => flow.isParam(r) && /^(?:z|gates?|pre_?acts?|preactivations?|ifgo|lin|affine)$/i.test(r));
    const splitsProduct = Boolean(source) || splitParam || flow.matmulCount(group[0].rhs) > 0;
    if (splitsProduct) renameByActivatedNames(flow, vocab, gateRoles, roles, group);
    const unnamed = group.filter((d) => !roles.has(d));
    const missing = positional.filter((r) => !group.some((d) => roles.get(d) === r));
    if (unnamed.length === 1 && missing.length === 1) {
      // `a, i, f, o = split_axis(...)`: the one output not named as a gate is the gate left over.
      roles.set(unnamed[0], missing[0]);
    } else {
      if (unnamed.length < group.length || !splitsProduct) continue;
      // Names ending in a gate letter say the order (Keras' GRU is z, r, h); otherwise the framework's order.
      const hinted = group.map((d) => suffixRole(d.name, suffixes));
      const byHint = hinted.every((r) => r !== undefined) && new Set(hinted).size === group.length;
      group.forEach((d, k) => roles.set(d, byHint ? hinted[k]! : positional[k]));
    }
    // Later `a = sigmoid(a)` lines keep the role, and so does an activation of one of them under another name (`keep = sigmoid(zf + ...)`).
    for (const d of flow.defs) {
      if (roles.has(d) || d.order <= group[0].order) continue;
      const read = [...new Set(d.refs.map((r) => flow.reaching(r, d.order)).filter((s): s is Def => s !== undefined && group.includes(s)))];
      if (read.length === 1 && (group.some((g) => g.key === d.key) || (hasActivation(d.rhs) && d.targetCount === 1 && !classify(d.name, vocab, d.targetSubscripted))))
        roles.set(d, roles.get(read[0])!);
    }
  }
  // `c = self._activation(candidate)`: an activation of one gate's pre-activation, under a name of no role, is that gate.
  for (const d of flow.defs) {
    if (roles.has(d) || d.targetCount > 1 || !hasActivation(d.rhs) || classify(d.name, vocab, d.targetSubscripted)) continue;
    const read = [...new Set(d.refs.map((r) => flow.reaching(r, d.order)).filter((s): s is Def => s !== undefined && roles.has(s)))];
    // Not when that gate is already activated, split out of one sigmoid (TF1's `r, z = split(sigmoid(...))`): then `c = tanh(... r * h ...)` is the candidate.
    const activatedBefore = (g: Def) => g.refs.some((r) => flow.activates(flow.reaching(r, g.order)?.rhs ?? ''));
    if (
      read.length === 1 &&
      gateRoles.includes(roles.get(read[0]) as K) &&
      !hasActivation(read[0].rhs) &&
      !activatedBefore(read[0]) &&
      !helperCalled(read[0].rhs, flow.helpers) &&
      onlyInsideActivations(d.rhs, read[0].key)
    )
      roles.set(d, roles.get(read[0])!);
  }
  return roles;
}

/** `(1 - i) * m`, `1. - z`: the update scales a value by one minus a gate of that role. */
function keepsByComplementOf(flow: Flow, d: Def, roles: Roles, role: GateName): boolean {
  for (const m of d.rhs.matchAll(/(?<![\w$.])1(?:\.0*)?\s*-\s*([A-Za-z_$][\w$.]*)/g)) {
    const src = flow.reaching(m[1], d.order);
    if (src && roles.get(src) === role) return true;
  }
  return false;
}

/** `return h` / `return (h,), h`: only names, nothing computed. */
const RETURNS_NAMES = /^[\s(),[\]]*[A-Za-z_$][\w$.]*(?:[\s(),[\]]+[A-Za-z_$][\w$.]*)*[\s(),[\]]*$/;
/** `h_state = h`, `final_c[k] = c_now`: a copy of one value. */
const COPY = /^\s*[A-Za-z_$][\w$.]*\s*;?\s*$/;
/** `return { xs, z, r, h: h[t], ys }`: an object of names (JS) hands values back and computes none. */
const RETURNS_OBJECT = /^\s*\{\s*(?:[A-Za-z_$][\w$]*(?:\s*:\s*[A-Za-z_$][\w$.]*(?:\s*\[[^\]]*\])?)?\s*(?:,\s*|(?=\})))*\}\s*;?\s*$/;

const mentionsForgetFlag = (text: string): boolean => /forget/i.test(text);

function analyseLstm(flow: Flow): UnitAnalysis | null | undefined {
  const roles = assignGates(flow, LSTM_NAMES, ['i', 'f', 'g', 'o'], ['i', 'f', 'g', 'o'], LSTM_SUFFIXES);
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
      (hasActivation(d.rhs) ? reachesRole(flow, d, roles, ['c']) : readsThroughMixers(flow, roles, d).sources.some(squashedCell));
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
    if ((isH && reachesRole(flow, d, roles, ['o', 'c'])) || squashedOnItsOwn || mixedOn || gatedCell || (d.key === '<return>' && !RETURNS_OBJECT.test(d.rhs) && reachesRole(flow, d, roles, ['o'])))
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

function analyseGru(flow: Flow): UnitAnalysis | undefined {
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
  const gates = gatesOf(flow, roles, ['r', 'z', 'n', 'h'], { gates: ['r', 'z', 'n'], into: ['n', 'h'] });
  // A candidate with no variable (fundl's `h = z * h + (1 - z) * relu(x @ W + (r * h) @ U)`): the activation in h that reads r.
  if (!gates.has('n')) {
    const rKeys = [...roles].filter(([, r]) => r === 'r').map(([d]) => d.key);
    const lines = activationLines(flow, hDefs, RNN_ACTIVATION, (argument) => extractRefs(argument).some((ref) => rKeys.includes(ref)));
    if (lines.size) gates.set('n', lines);
  }
  return { kind: 'gru', gates, optionalForgetGate: false };
}

/** Gate-named activations without a recognisable state update: something recurrent, not classified. */
function analyseUnknown(flow: Flow): UnitAnalysis | undefined {
  const roles = assignGates(flow, LSTM_NAMES, ['i', 'f', 'g', 'o'], ['i', 'f', 'g', 'o'], LSTM_SUFFIXES);
  const activated = new Set([...roles].filter(([d]) => hasActivation(d.rhs)).map(([, r]) => r));
  if (activated.size < 3) return undefined;
  return { kind: 'unknown', gates: gatesOf(flow, roles, ['i', 'f', 'g', 'o']), optionalForgetGate: false };
}

/** What calling a name defined elsewhere in the file computes. */
export interface FileLayers {
  /** A product with weights: `self.fc = nn.Linear(...)`, a function returning `np.dot(...)`. */
  products: string[];
  /** Of those, the ones concatenating their inputs first (`[x, h] @ W` is two products in one). */
  concatenating: string[];
  /** Layers made with an activation (`Dense(units, activation="tanh")`): their output is activated. */
  activated: string[];
  /** Objects the cell holds, made by a class (`self.forget_mlp = MLP(...)`, `self.gate = nn.Sequential(...)`): not its methods. */
  held: string[];
  /** Of those, recurrent layers themselves (`self.rnn_layer = GRU(...)`): the state they are handed is theirs. */
  recurrent: string[];
}

/** A call of one of `names`: bare, or as `self.X(`, `this.X.apply(`. */
function callOf(names: string[]): RegExp | undefined {
  if (!names.length) return undefined;
  return new RegExp(`(?:\\b(?:self|this)\\s*\\.\\s*|(?<![\\w$.]))(?:${names.map((m) => m.replace(/[$]/g, '\\$')).join('|')})\\s*(?:\\.\\s*(?:apply|call|forward)\\s*)?\\(`, 'g');
}

export function analyseStatements(stmts: Stmt[], params: Param[], lineOf: (o: number) => number, layers: FileLayers, helpers?: ClassHelpers): UnitAnalysis | undefined {
  const calls = { products: callOf(layers.products), concatenating: callOf(layers.concatenating), activated: callOf(layers.activated), held: callOf(layers.held) };
  const flow = new Flow(expandGateArrays(parseDefs(stmts, lineOf)), params, calls, lineOf, helpers);
  const lstm = analyseLstm(flow);
  // A coupled mix that is no LSTM (`s = (1 - a) * s + a * g`) may still be a GRU's update (its candidate read through r).
  if (lstm === null) return analyseGru(flow);
  return lstm ?? analyseGru(flow) ?? analyseInlineLstm(flow) ?? analyseRnn(flow, collectedStates(stmts), callOf(layers.recurrent)) ?? analyseUnknown(flow);
}

const LAYER =
  /^\s*(?:(?:const|let|var)\s+)?((?:(?:self|this)\s*\.\s*)?)([A-Za-z_$][\w$]*)\s*=\s*(?:new\s+)?(?:(?:functools\.)?partial\s*\(\s*)?(?:[\w.]*\.)?(?:Linear|dense|Dense|LazyLinear|ConvND|Conv[123]?[dD]?)(?:Layer)?\s*[(,]/;
/** `= GRU(`, `= nn.LSTMCell(`, `= MyRNN(`: an object made by a recurrent layer's class. */
const RECURRENT_CLASS = /=\s*(?:new\s+)?(?:[\w$]+\s*\.\s*)*[A-Z]?\w*(?:GRU|LSTM|RNN)\w*\s*\(/;
const HELD_OBJECT = /^\s*(?:self|this)\s*\.\s*([A-Za-z_$][\w$]*)\s*=\s*(?:new\s+)?(?:[\w$]+\s*\.\s*)*[A-Z][\w$]*\s*\(/;
/** `activation="tanh"` (the blanking keeps an activation's name): not `"linear"` or `None`. */
// Also a function passed (`activation=tf.nn.tanh`).
const LAYER_ACTIVATION = /\bactivation\s*[=:]\s*(?:["'](?!linear["'])\w+["']|(?:[\w$]+\s*\.\s*)*(?:sigmoid|tanh|relu|elu|selu|gelu|swish|silu|softsign|hard_sigmoid)\b)/;

/** `i2h = conv(x, ...); h2h = conv(h, ...); return i2h, h2h`: values handed back that are each a product. */
function returnsProducts(stmts: Stmt[], returned: string): boolean {
  const names = /^\s*return\s+\(?\s*([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)+)\s*\)?\s*$/.exec(returned)?.[1].split(/\s*,\s*/);
  return names !== undefined && names.every((n) => stmts.some((s) => new RegExp(`^\\s*${n}\\s*=(?!=)`).test(s.text) && !hasActivation(s.text) && (s.text.match(MATMUL) ?? []).length > 0));
}

/**
 * `self.X = nn.Linear(...)`, `this.X = tf.layers.dense(...)`, and local layers (`dense_i =
 * partial(Dense, ...)`, `input_to_hidden = hk.Linear(...)`, `conv = hk.ConvND(...)`): calling
 * X is a product with weights. So is calling a function of the file that returns a product
 * (`def concat_and_multiply(weights, *args): ...; return np.dot(cat_state, weights)`).
 */
export function findLayers(units: { type: string; name: string; stmts: Stmt[] }[]): FileLayers {
  const layers: FileLayers = { products: [], concatenating: [], activated: [], held: [], recurrent: [] };
  for (const u of units) {
    for (const s of u.stmts) {
      const made = HELD_OBJECT.exec(s.text);
      if (made) layers.held.push(made[1]);
      if (made && RECURRENT_CLASS.test(s.text)) layers.recurrent.push(made[1]);
      const m = LAYER.exec(s.text) ?? PRODUCT_OBJECT.exec(s.text);
      if (!m) continue;
      layers.products.push(m[2]);
      if (LAYER_ACTIVATION.test(s.text)) layers.activated.push(m[2]);
    }
    if (u.type !== 'function' || u.stmts.length > 4) continue;
    const returned = u.stmts.find((s) => /^\s*return\b/.test(s.text));
    if (!returned || hasActivation(returned.text) || !((returned.text.match(MATMUL) ?? []).length || returnsProducts(u.stmts, returned.text))) continue;
    layers.products.push(u.name);
    if (u.stmts.some((s) => CONCAT.test(s.text))) layers.concatenating.push(u.name);
  }
  return layers;
}

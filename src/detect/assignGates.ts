// Which variable is which gate, by name: a name in the vocabulary (i_t, forgetgate, c_tilde, …)
// whose right-hand side computes something gate-like, the outputs of a split fused product in the
// order their names or the framework give, and activations of those under names of no role.
import { splitByCall } from './callSplits';
import type { Def } from './defs';
import type { Flow, Roles } from './flow';
import { gateLike } from './gateLike';
import { onlyInsideActivations } from './gateLines';
import { helperCalled } from './helpers';
import type { GateName } from './types';
import { classify, hasActivation, SPLIT } from './vocab';
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

export function assignGates<K extends GateName>(flow: Flow, vocab: Record<string, string[]>, gateRoles: K[], positional: K[], suffixes: Record<string, K>): Roles {
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

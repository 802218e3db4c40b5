// The data flow of one unit: which definition of a name reaches a use, which values are
// pre-activations (products with weights not yet through an activation), and the lines that
// compute a gate once roles are known.
import type { Def } from './defs';
import type { Param } from './scan';
import type { GateName } from './types';
import { hasActivation, MATMUL, SHAPE_QUERY, SPLIT } from './vocab';

export class Flow {
  private byKey = new Map<string, Def[]>();
  private preactMemo = new Map<Def, boolean>();
  constructor(
    readonly defs: Def[],
    readonly params: Param[],
    private readonly linearModules: RegExp | undefined,
    readonly lineOf: (offset: number) => number,
  ) {
    for (const d of defs) {
      const list = this.byKey.get(d.key) ?? [];
      list.push(d);
      this.byKey.set(d.key, list);
    }
  }
  /** The last definition of `key` in a statement before `order` (textual order: loops carry the previous one). */
  reaching(key: string, order: number): Def | undefined {
    const list = this.byKey.get(key);
    if (!list) return undefined;
    let found: Def | undefined;
    for (const d of list) if (d.order < order) found = d;
    return found;
  }
  definitionsOf(key: string): Def[] {
    return this.byKey.get(key) ?? [];
  }
  matmulCount(text: string): number {
    let n = (text.match(MATMUL) ?? []).length;
    if (this.linearModules) n += (text.match(this.linearModules) ?? []).length;
    return n;
  }
  /** A pre-activation: a product with weights (or a split/sum of such) not yet through an activation. */
  preact(d: Def, visiting = new Set<Def>()): boolean {
    const memo = this.preactMemo.get(d);
    if (memo !== undefined) return memo;
    if (visiting.has(d)) return false;
    visiting.add(d);
    let result = false;
    if (!hasActivation(d.rhs)) {
      const products = this.matmulCount(d.rhs);
      // `B = res.shape[0]`, `H = len(h)`: sizes read off a product are not part of it.
      const sizeOnly = SHAPE_QUERY.test(d.rhs) && !SPLIT.test(d.rhs);
      result = products > 0 || (!sizeOnly && d.refs.some((r) => {
        const src = this.reaching(r, d.order);
        return src !== undefined && src !== d && this.preact(src, visiting);
      }));
    }
    this.preactMemo.set(d, result);
    return result;
  }
  isParam(key: string): boolean {
    return this.params.some((p) => p.name === key);
  }
}

export type Roles = Map<Def, GateName>;

/** A gate definition is believed when its right-hand side computes something gate-like. */
export function gateLike(flow: Flow, d: Def, roles: Roles, role: GateName): boolean {
  if (hasActivation(d.rhs) || flow.matmulCount(d.rhs) > 0) return true;
  if (SPLIT.test(d.rhs) && d.refs.some((r) => flow.reaching(r, d.order))) return true;
  if (SPLIT.test(d.rhs) && d.targetCount >= 3) return true;
  return d.refs.some((r) => {
    const src = flow.reaching(r, d.order);
    return src !== undefined && (flow.preact(src) || roles.get(src) === role);
  });
}

export function refsRole(flow: Flow, d: Def, roles: Roles, wanted: GateName[]): boolean {
  return d.refs.some((r) => {
    const src = flow.reaching(r, d.order);
    const role = src && roles.get(src);
    return role !== undefined && wanted.includes(role);
  });
}

function collectLines(flow: Flow, roles: Roles, gate: GateName): Set<number> {
  const lines = new Set<number>();
  const seen = new Set<Def>();
  const visit = (d: Def) => {
    if (seen.has(d)) return;
    seen.add(d);
    d.lines.forEach((l) => lines.add(l));
    for (const r of d.refs) {
      const src = flow.reaching(r, d.order);
      if (!src || src === d) continue;
      const role = roles.get(src);
      if (role === gate) visit(src);
      else if (role === undefined && flow.preact(src)) visit(src);
    }
  };
  for (const [d, role] of roles) if (role === gate) visit(d);
  return lines;
}

export function gatesOf(flow: Flow, roles: Roles, names: GateName[], inline: { gates: GateName[]; into: GateName[] } = { gates: [], into: [] }): Map<GateName, Set<number>> {
  const gates = new Map<GateName, Set<number>>();
  for (const g of names) {
    const lines = collectLines(flow, roles, g);
    // A gate whose activation is written inside the state update (`c = sigmoid(f) * c + ...`,
    // `c = f * c + i * tanh(z2)`): the update line computes that gate too.
    const own = [...roles].filter(([, r]) => r === g).map(([d]) => d);
    if (inline.gates.includes(g) && own.length && !own.some((d) => hasActivation(d.rhs))) {
      for (const [d, r] of roles) if (inline.into.includes(r) && d.refs.some((ref) => own.includes(flow.reaching(ref, d.order)!))) d.lines.forEach((l) => lines.add(l));
    }
    if (lines.size) gates.set(g, lines);
  }
  return gates;
}


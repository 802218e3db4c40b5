// The data flow of one unit: which definition of a name reaches a use, which values are
// pre-activations (products with weights not yet through an activation), which values are
// handed in, and the walk up the definitions a value is computed from. What the roles make of it: gateLike.ts, mixers.ts, gateLines.ts.
import { extractRefs, type Def } from './defs';
import type { ClassHelpers } from './helpers';
import type { Param } from './scan';
import { escapeRegExp } from './text';
import type { GateName } from './types';
import { CONCAT, ELEMENT_PRODUCT, hasActivation, MATMUL, RESHAPE, SHAPE_QUERY, SPLIT } from './vocab';

export class Flow {
  private byKey = new Map<string, Def[]>();
  private preactMemo = new Map<Def, boolean>();
  private conditionsAt = new Map<number, string[]>();
  constructor(
    readonly defs: Def[],
    readonly params: Param[],
    private readonly calls: { products?: RegExp; concatenating?: RegExp; activated?: RegExp; held?: RegExp },
    readonly lineOf: (offset: number) => number,
    readonly helpers?: ClassHelpers,
  ) {
    for (const d of defs) {
      const list = this.byKey.get(d.key) ?? [];
      list.push(d);
      this.byKey.set(d.key, list);
      this.conditionsAt.set(d.order, d.stmt.conditions);
    }
    this.elementwiseAlias = Flow.aliasOf(defs);
  }
  /** The last definition of `key` in a statement before `order` (textual order: loops carry the previous one). */
  reaching(key: string, order: number): Def | undefined {
    const list = this.byKey.get(key);
    if (!list) return undefined;
    let found: Def | undefined;
    for (const d of list) if (d.order < order) found = d;
    return found;
  }
  /**
   * As `reaching`, but not from the other branch of an if/else the reader sits in (`else { out = relu(out) }`
   * reads the `out` made before the `if`, not the `if` branch's `out = tanh(out)`).
   */
  reachingInBranch(key: string, order: number): Def | undefined {
    const readerConditions = this.conditionsAt.get(order) ?? [];
    let found: Def | undefined;
    for (const d of this.byKey.get(key) ?? []) if (d.order < order && !otherBranch(d.stmt.conditions, readerConditions)) found = d;
    return found;
  }
  /**
   * Earlier definitions of `d`'s target in other branches (`if highway: (i, f, g, o, hw) = chunks`
   * / `else: i, f, g, o = chunk(...)`): textually before `d`, yet they reach the same uses.
   */
  alternatives(d: Def): Def[] {
    const found: Def[] = [];
    if (!d.stmt.conditions.length) return found;
    const list = this.byKey.get(d.key) ?? [];
    for (let k = list.indexOf(d) - 1; k >= 0; k--) {
      const other = list[k];
      if (!other.stmt.conditions.length || other.stmt.conditions.join('|') === d.stmt.conditions.join('|')) break;
      if (other.order !== d.order) found.push(other);
    }
    return found;
  }
  definitionsOf(key: string): Def[] {
    return this.byKey.get(key) ?? [];
  }
  /**
   * `multiply = tf.multiply` (TF's BasicLSTMCell): bare multiply(...) is elementwise here; so it is
   * beside a bare `matmul(...)` (deepnet.js imports both).
   */
  private readonly elementwiseAlias: boolean;
  private static aliasOf = (defs: Def[]) =>
    defs.some(
      (d) =>
        (/^(?:mul|multiply)$/.test(d.key) && /\.\s*(?:mul|multiply)\b(?!\s*\.\s*bind)/.test(d.rhs) && !/\b(?:equation|graph|G)\s*\.\s*(?:mul|multiply)\b/.test(d.rhs)) ||
        /(?:^|[^\w$.])matmul\s*\(/.test(d.rhs),
    );
  matmulCount(text: string): number {
    let n = (text.match(MATMUL) ?? []).length + (text.match(ELEMENT_PRODUCT) ?? []).length;
    if (this.elementwiseAlias) n -= (text.match(/(?:^|[^\w$.])(?:mul|multiply)\s*\(/g) ?? []).length;
    if (this.calls.products) n += (text.match(this.calls.products) ?? []).length;
    // `concat_and_multiply(W, x, h)` is `[x, h] @ W`: a product of x and one of h.
    if (this.calls.concatenating) n += (text.match(this.calls.concatenating) ?? []).length;
    return n;
  }
  /** An activation applied: a call (`tanh(...)`) or a layer made with one (`Dense(units, activation="sigmoid")`). */
  activates(text: string): boolean {
    return hasActivation(text) || (this.calls.activated !== undefined && text.match(this.calls.activated) !== null);
  }
  /** A pre-activation: a product with weights (or a split/sum of such) not yet through an activation. */
  preact(d: Def, visiting = new Set<Def>()): boolean {
    const memo = this.preactMemo.get(d);
    if (memo !== undefined) return memo;
    if (visiting.has(d)) return false;
    visiting.add(d);
    let result = false;
    // `outputs = hstack([outputs, W @ h + c])`: a list of results growing each step is no pre-activation (its products read the state).
    const accumulates = CONCAT.test(d.rhs) && extractRefs(d.rhs).includes(d.key);
    // `if self.input_depth != self.num_units: inputs = tf.layers.dense(inputs, n)`: the input resized to fit, before the step.
    const resized = d.stmt.conditions.some((c) => SIZES_DIFFER.test(c)) && this.isParam(d.key) && d.refs.includes(d.key);
    if (!this.activates(d.rhs) && !accumulates && !resized) {
      const products = this.matmulCount(d.rhs);
      // `B = res.shape[0]`, `H = len(h)`: sizes read off a product are not part of it.
      const sizeOnly = SHAPE_QUERY.test(d.rhs) && !SPLIT.test(d.rhs) && !RESHAPE.test(d.rhs);
      result =
        products > 0 ||
        (!sizeOnly &&
          d.refs.some((r) => {
            const src = this.reaching(r, d.order);
            return src !== undefined && src !== d && this.preact(src, visiting);
          }));
    }
    this.preactMemo.set(d, result);
    return result;
  }
  /** `self.forget_mlp(...)`: a call of an object the cell holds (made by a class somewhere in the file). */
  callsHeld(text: string): boolean {
    return this.calls.held !== undefined && text.match(this.calls.held) !== null;
  }
  isParam(key: string): boolean {
    return this.params.some((p) => p.name === key);
  }
  /** A value the step is handed: a parameter, or one taken as it is out of one (`(h,) = state`, `h = state[0]`, `st_1, ct_1 = tf.unpack(prev)`). */
  handedIn(ref: string, order: number): boolean {
    const src = this.reaching(ref, order);
    if (!src) return this.isParam(ref);
    // `tf.split(axis=1, num_or_size_splits=2, value=state)`: the parameter may be any argument.
    if (UNPACKED.test(src.rhs)) return src.refs.some((r) => this.isParam(r));
    // `if hx is None: hx = zeros(...)`: a default made only when the caller gave none.
    if (this.isParam(ref) && src.stmt.conditions.some((c) => defaultsWhenAbsent(c, ref))) return true;
    const m = HELD_AS_IT_IS.exec(src.rhs) ?? UNPACKED_BY_METHOD.exec(src.rhs) ?? DEFAULTED.exec(src.rhs);
    return m !== null && this.isParam(m[1] ?? m[2]);
  }
}

/** `if hx is None`, `if not state`, `if (h === undefined)`: a condition that holds when `name` was not given. */
function defaultsWhenAbsent(condition: string, name: string): boolean {
  const n = escapeRegExp(name);
  return new RegExp(`^(?:el)?if\\s*\\(?\\s*(?:${n}\\s+is\\s+None|not\\s+${n}|!\\s*${n}|${n}\\s*===?\\s*(?:null|undefined))\\s*\\)?\\s*:?$`).test(condition.trim());
}

/** One of two statements sits in an `if` block and the other in its `else` (JavaScript's `else (of if (…))`). */
function otherBranch(a: string[], b: string[]): boolean {
  return a.some((c) => b.includes(`else (of ${c})`)) || b.some((c) => a.includes(`else (of ${c})`));
}

// Also one field of it (`h = state.hidden_state`).
const HELD_AS_IT_IS = /^\s*([A-Za-z_$][\w$]*)\s*(?:\[\s*-?\d+\s*\]|\.\s*[A-Za-z_$][\w$]*)?\s*;?\s*$/;
const UNPACKED = /^\s*(?:[\w$]+\s*\.\s*)*(?:unpack|unstack|unbind|split|chunk)\s*\(/;
/** `zeros(...) if ps is None else ps`, `ps if ps is not None else zeros(...)`: a parameter, or a default in its place when none is given. */
const DEFAULTED = /^(?:[\s\S]*\bif\s+([A-Za-z_]\w*)\s+is\s+None\s+else\s+\1|\s*([A-Za-z_]\w*)\s+if\s+\2\s+is\s+not\s+None\s+else\b[\s\S]*)\s*$/;
const UNPACKED_BY_METHOD = /^\s*([A-Za-z_$][\w$]*)\s*\.\s*(?:unbind|chunk|split)\s*\(/;

/** `if self.input_depth != self.num_units`: a condition comparing sizes. */
const SIZES_DIFFER = /(?:depth|dims?|size|units|shape)\w*\s*(?:\[[^\]]*\])?\s*!=|!=\s*[\w.]*(?:depth|dims?|size|units|shape)/i;

export type Roles = Map<Def, GateName>;

/**
 * The definitions `d` is computed from, at any depth: each once, in the order first reached (depth
 * first, the last name read first: callers that take the first match rely on it), never `d` itself
 * (a definition reading its own name reads the one before). The walk goes on past a definition only
 * when `walkPast` allows.
 */
export function* upstream(flow: Flow, d: Def, walkPast: (src: Def) => boolean = () => true): Generator<Def> {
  const seen = new Set<Def>([d]);
  const stack = [d];
  while (stack.length) {
    const at = stack.pop()!;
    for (const r of at.refs) {
      const src = flow.reaching(r, at.order);
      if (!src || seen.has(src)) continue;
      seen.add(src);
      yield src;
      if (walkPast(src)) stack.push(src);
    }
  }
}

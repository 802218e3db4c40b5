// The data flow of one unit: which definition of a name reaches a use, which values are
// pre-activations (products with weights not yet through an activation), and the lines that
// compute a gate once roles are known.
import { extractRefs, type Def } from './defs';
import { helperCalled, type ClassHelpers } from './helpers';
import { activatesProductInPlace, sliceWriteRead } from './inPlaceSlices';
import type { Param } from './scan';
import type { GateName } from './types';
import { matchBracket } from './text';
import {
  ACTIVATION,
  CONCAT,
  ELEMENT_PRODUCT,
  EXPLICITLY_PREVIOUS,
  PREVIOUS_HIDDEN,
  roleName,
  GRU_SUFFIXES,
  hasActivation,
  LSTM_SUFFIXES,
  MATMUL,
  RESHAPE,
  RNN_ACTIVATION,
  SHAPE_QUERY,
  SPLIT,
} from './vocab';

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
    const m = HELD_AS_IT_IS.exec(src.rhs) ?? UNPACKED_BY_METHOD.exec(src.rhs);
    return m !== null && this.isParam(m[1]);
  }
}

/** One of two statements sits in an `if` block and the other in its `else` (JavaScript's `else (of if (…))`). */
function otherBranch(a: string[], b: string[]): boolean {
  return a.some((c) => b.includes(`else (of ${c})`)) || b.some((c) => a.includes(`else (of ${c})`));
}

const HELD_AS_IT_IS = /^\s*([A-Za-z_$][\w$]*)\s*(?:\[\s*-?\d+\s*\])?\s*;?\s*$/;
const UNPACKED = /^\s*(?:[\w$]+\s*\.\s*)*(?:unpack|unstack|unbind|split|chunk)\s*\(/;
const UNPACKED_BY_METHOD = /^\s*([A-Za-z_$][\w$]*)\s*\.\s*(?:unbind|chunk|split)\s*\(/;

/** `if self.input_depth != self.num_units`: a condition comparing sizes. */
const SIZES_DIFFER = /(?:depth|dims?|size|units|shape)\w*\s*(?:\[[^\]]*\])?\s*!=|!=\s*[\w.]*(?:depth|dims?|size|units|shape)/i;

export type Roles = Map<Def, GateName>;

/** The gates whose mixers belong to a state update: c = retain + write (f, i, g); h = z*h + (1-z)*n, o*tanh(c). */
const MIXED_INTO = { c: ['i', 'f', 'g'], h: ['o', 'r', 'z', 'n'] } satisfies Record<'c' | 'h', GateName[]>;

/** `f = this._forgetGate[k].calculate(input, hPrev)`: a method of an object the cell holds, handed the previous state, computes the gate. */
// Also a module the cell holds, called on the previous state (`f = self.forget_mlp(torch.cat((x, h), dim=1))`: a forget gate made by an MLP).
// The state may be handed in concatenated with the input first (`xh = cat((x, h)); f = self.keep_net(xh)`).
function gateObjectCall(flow: Flow, d: Def): boolean {
  const text = d.rhs.trim().replace(/;$/, '');
  const call = /^(?:self|this)\s*\.[\w$.[\]\s]*?\(/.exec(text);
  if (!call || matchBracket(text, call[0].length - 1) !== text.length - 1) return false;
  // A method of the cell called directly (`ft = self.keep(xh)`) is a helper, not an object the cell holds.
  if (/^(?:self|this)\s*\.\s*[\w$]+\s*\($/.test(call[0]) && !flow.callsHeld(call[0])) return false;
  const previous = (r: string) => PREVIOUS_HIDDEN.test(roleName(r)) || EXPLICITLY_PREVIOUS.test(roleName(r));
  return extractRefs(text.slice(call[0].length, -1)).some((r) => {
    const src = flow.reaching(r, d.order);
    return previous(r) || (src !== undefined && CONCAT.test(src.rhs) && src.refs.some(previous));
  });
}

/** `1 - i[t]`: one minus a value, nothing else (a coupled gate). */
const COMPLEMENT = /^\s*1(?:\.0*)?\s*-\s*[A-Za-z_$][\w$.]*(?:\s*\[[^\]]*\])?\s*;?\s*$/;

/** A gate definition is believed when its right-hand side computes something gate-like. */
/** `zs[n] = np.zeros_like(zs[0])`: a slot allocated, as a whole, computes no gate. */
function allocation(rhs: string): boolean {
  const m = /^\s*(?:[\w$]+\s*\.\s*)*(?:zeros|ones|empty)(?:_like|Like)?\s*\(/.exec(rhs);
  return m !== null && matchBracket(rhs, m[0].length - 1) === rhs.trimEnd().replace(/;$/, '').length - 1;
}

/** `gates[0]`, `z[1, :]`: one element (or row) of an array, as a whole right-hand side. */
const ELEMENT_OF = /^\s*([A-Za-z_$][\w$.]*)\s*\[[^\]]+\]\s*;?\s*$/;

export function gateLike(flow: Flow, d: Def, roles: Roles, role: GateName): boolean {
  if (allocation(d.rhs)) return false;
  const helper = helperCalled(d.rhs, flow.helpers);
  if (helper) return flow.helpers!.gates.get(helper)?.gates.includes(role) ?? true;
  // `self._saved['i'] = i`: a gate copied into a container under its own name computes nothing.
  if (d.key.includes('.') && d.rhs.trim() === d.key.slice(d.key.lastIndexOf('.') + 1)) return false;
  if (hasActivation(d.rhs) || flow.matmulCount(d.rhs) > 0) return true;
  if (gateObjectCall(flow, d)) return true;
  // A coupled forget gate (CIFG): `f = 1 - i`.
  if (role === 'f' && COMPLEMENT.test(d.rhs) && d.refs.some((r) => roles.get(flow.reaching(r, d.order)!) === 'i')) return true;
  if (SPLIT.test(d.rhs) && d.refs.some((r) => flow.reaching(r, d.order))) return true;
  if (SPLIT.test(d.rhs) && d.targetCount >= 3) return true;
  // `update, reset = gates[0], gates[1]` after `gates = sigmoid(...)`: one element of an activated array.
  const element = ELEMENT_OF.exec(d.rhs);
  if (element && flow.activates(flow.reaching(element[1], d.order)?.rhs ?? '')) return true;
  return d.refs.some((r) => {
    const src = flow.reaching(r, d.order);
    // `negUpdateGate = createNegatedCloneMatrix(updateGate)`: a value made from the gate once activated, under
    // another name, is a use of it (the `1 - z` of a mix), not the gate.
    return src !== undefined && (flow.preact(src) || (roles.get(src) === role && (src.key === d.key || !flow.activates(src.rhs))));
  });
}

export function refsRole(flow: Flow, d: Def, roles: Roles, wanted: GateName[]): boolean {
  return d.refs.some((r) => {
    const src = flow.reaching(r, d.order);
    const role = src && roles.get(src);
    return role !== undefined && wanted.includes(role);
  });
}

/** A value that only combines others, with no role, activation or product of its own: `retain = f * c_prev`, `write = i * g`, `z12 = z11 * h`. */
export function isMixer(flow: Flow, roles: Roles, d: Def): boolean {
  return !roles.has(d) && d.key !== '<return>' && d.targetCount === 1 && !hasActivation(d.rhs) && flow.matmulCount(d.rhs) === 0 && !SPLIT.test(d.rhs) && !learningStep(d);
}

/** `w_z = w_z - rate * …`, `bz -= lr * …`: a weight's learning step reads the gates; it mixes nothing into a state. */
const learningSteps = new WeakMap<Def, boolean>();
function learningStep(d: Def): boolean {
  let found = learningSteps.get(d);
  if (found === undefined) learningSteps.set(d, (found = isLearningStep(d)));
  return found;
}
function isLearningStep(d: Def): boolean {
  if (!/-/.test(d.rhs) && !/-=/.test(d.stmt.text)) return false;
  const rate = String.raw`\s*\(?\s*(?:[\w$]+\s*\.\s*)*(?:rate|lr|learning_?rate|eta|step_?size)\b`;
  const key = d.key.replace(/[$.[\]]/g, '\\$&');
  return new RegExp(`^\\s*${key}\\s*-${rate}`).test(d.rhs) || new RegExp(`-=${rate}`).test(d.stmt.text.slice(0, d.rhsOffset) + d.rhs);
}

/** The definitions `d` reads directly or through mixers, with the mixers passed on the way. */
export function readsThroughMixers(flow: Flow, roles: Roles, d: Def): { sources: Def[]; mixers: Def[] } {
  const sources: Def[] = [];
  const mixers: Def[] = [];
  const stack = [d];
  while (stack.length) {
    const at = stack.pop()!;
    for (const r of at.refs) {
      const src = flow.reaching(r, at.order);
      if (!src || src === at || sources.includes(src)) continue;
      sources.push(src);
      if (isMixer(flow, roles, src)) {
        mixers.push(src);
        stack.push(src);
      }
    }
  }
  return { sources, mixers };
}

/**
 * A mixer that only rearranges one gate (the 1997 block's `y_in_exp = stack([y_in[0], y_in[0], y_in[1], y_in[1]])`):
 * every name it reads is that gate (or a library, `torch.stack`), no state and no other value, and no arithmetic.
 */
function reshapesOneGate(flow: Flow, roles: Roles, d: Def): boolean {
  // `1 - z` computes (a GRU's mix); stacking or indexing does not.
  if (/[-+*/%@]/.test(d.rhs)) return false;
  const read = new Set<GateName>();
  for (const r of d.refs) {
    const src = flow.reaching(r, d.order);
    const role = src && roles.get(src);
    if (role) read.add(role);
    else if (src || flow.isParam(r) || r.startsWith('self.')) return false;
  }
  return read.size === 1;
}

/** Whether `d` is computed, at any depth, from a value with `role` (`a_h = (r * h) @ U` depends on r). */
export function dependsOnRole(flow: Flow, roles: Roles, d: Def, role: GateName): boolean {
  const seen = new Set<Def>();
  const stack = [d];
  while (stack.length) {
    const at = stack.pop()!;
    for (const r of at.refs) {
      const src = flow.reaching(r, at.order);
      if (!src || seen.has(src)) continue;
      if (roles.get(src) === role) return true;
      seen.add(src);
      if (!learningStep(src)) stack.push(src);
    }
  }
  return false;
}

/** How many of `wanted` the definition reads, directly or through mixers. */
export function rolesReached(flow: Flow, d: Def, roles: Roles, wanted: GateName[]): number {
  return new Set(
    readsThroughMixers(flow, roles, d)
      .sources.map((s) => roles.get(s))
      .filter((r) => r !== undefined && wanted.includes(r)),
  ).size;
}

/** Like refsRole, but also through mixers: `cell = add(retainCell, writeCell)` reads f and i. */
export function reachesRole(flow: Flow, d: Def, roles: Roles, wanted: GateName[]): boolean {
  return readsThroughMixers(flow, roles, d).sources.some((s) => wanted.includes(roles.get(s)!));
}

/**
 * `x_f`, `recurrent_z`: a pre-activation whose name ends in another gate's letter belongs to that gate,
 * though a gate's pre-activation reaches it (Keras layer norm: `u_concat = concatenate([u_i, u_f, …])`, then sliced back).
 */
export function namedForAnotherGate(name: string, gate: GateName): boolean {
  const suffixes: Record<string, GateName> = ['r', 'z', 'n'].includes(gate) ? GRU_SUFFIXES : ['i', 'f', 'g', 'o'].includes(gate) ? LSTM_SUFFIXES : {};
  const m = /_([a-z])$/.exec(name);
  const named = m ? suffixes[m[1]] : undefined;
  return named !== undefined && named !== gate;
}

/** A right side that is one name, perhaps indexed (`z`, `this.lastZ[base + j]`): it computes nothing. */
const MOVES_ONE_VALUE = /^\s*[A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*(?:\s*\[[^\][]*\])*\s*;?\s*$/;
/**
 * A value stored into or loaded from an array element. Not an augmented assignment (`self.cs *= f`
 * computes with its target), nor a plain copy (`kept = ft` binds an inlined method's parameter).
 */
export const movesOneValue = (d: Def) => MOVES_ONE_VALUE.test(d.rhs) && (d.targetSubscripted || d.rhs.includes('[')) && !/[-+*/@%&|^]=\s*$/.test(d.stmt.text.slice(0, d.rhsOffset));

function collectLines(flow: Flow, roles: Roles, gate: GateName): Set<number> {
  const lines = new Set<number>();
  const seen = new Set<Def>();
  const visit = (d: Def) => {
    if (seen.has(d)) return;
    seen.add(d);
    // A call of a class helper: a per-gate helper's return line computes the gate; a helper
    // returning part of the state (`c, o = self._carry(z, c)`) is plumbing, its lines are its own.
    const helper = helperCalled(d.rhs, flow.helpers);
    if (helper) {
      const gateHelper = flow.helpers!.gates.get(helper);
      // (Not another gate's helper called inside a state update: `h_t = self.output_gate() * tanh(c_t)` is h's line, 48 is o's.)
      if (gateHelper) [...d.lines, ...(roles.get(d) === gate && !gateHelper.gates.includes(gate) && gateHelper.gates.length ? [] : gateHelper.lines)].forEach((l) => lines.add(l));
      return;
    }
    d.lines.forEach((l) => lines.add(l));
    const reached = d.refs.flatMap((r) => {
      const last = flow.reaching(r, d.order);
      const src = last && sliceWriteRead(flow, d, last);
      return src ? [src, ...flow.alternatives(src)] : [];
    });
    for (const src of reached) {
      if (src === d) continue;
      const role = roles.get(src);
      if (role === gate) visit(src);
      // Keras' `c = f * c_tm1 + i * self.activation(x_c + ...)`: x_c is the candidate's, not c's.
      else if (role === undefined && flow.preact(src) && !(gate === 'c' && onlyInsideActivations(d.rhs, src.key)) && !namedForAnotherGate(src.name, gate)) visit(src);
      // `c = add(retain, write)`: the mixers of a state update are part of it.
      // A store or load of a gate's value (`this.lastZ[k] = z`, `z = this.lastZ[k]`) only moves it: not part of the update.
      else if ((gate === 'c' || gate === 'h') && isMixer(flow, roles, src) && !movesOneValue(src) && reachesRole(flow, src, roles, MIXED_INTO[gate]) && !reshapesOneGate(flow, roles, src)) visit(src);
      // `i = gates[:, :H]` after `gates = preact[:, :3H].sigmoid()` (or TF1's `r, z = split(sigmoid(matmul(...)))`): the shared activation.
      else if (
        role === undefined &&
        !hasActivation(d.rhs) &&
        (SPLIT.test(d.rhs) || ELEMENT_OF.test(d.rhs)) &&
        hasActivation(src.rhs) &&
        (flow.matmulCount(src.rhs) > 0 ||
          activatesProductInPlace(flow, src) ||
          src.refs.some((rr) => {
            const s = flow.reaching(rr, src.order);
            return s !== undefined && flow.preact(s);
          }))
      )
        visit(src);
    }
  };
  for (const [d, role] of roles) if (role === gate) visit(d);
  return lines;
}

const ACTIVATION_CALL = new RegExp(ACTIVATION.source, 'g');

/** The [open, close] parentheses of each activation call in `text`. */
function activationCalls(text: string): [number, number, number][] {
  const calls: [number, number, number][] = [];
  for (const m of text.matchAll(ACTIVATION_CALL)) {
    const open = m.index + m[0].lastIndexOf('(');
    const close = matchBracket(text, open);
    if (open >= m.index && close > open) calls.push([m.index + (m[0].length - m[0].trimStart().length), open, close]);
  }
  return calls;
}

const usesOf = (text: string, key: string) => {
  const name = key.slice(key.lastIndexOf('.') + 1).replace(/[$]/g, '\\$');
  return [...text.matchAll(new RegExp(`(?<![\\w$])${key.includes('.') ? '' : '(?<!\\.\\s*)'}${name}(?![\\w$])`, 'g'))].map((m) => m.index);
};

/** Every use of `key` in `text` is inside an activation call's argument. */
export function onlyInsideActivations(text: string, key: string): boolean {
  const uses = usesOf(text, key);
  if (!uses.length) return false;
  const calls = activationCalls(text);
  return uses.every((at) => calls.some(([, open, close]) => open < at && at < close));
}

/**
 * The lines of update `d` that compute a gate read as `key`: the activation call around each
 * use (`sigmoid(\n f + w_f_diag * c_prev\n)`), or the use's own line when none encloses it.
 */
function inlineLines(flow: Flow, d: Def, key: string): number[] {
  const calls = activationCalls(d.rhs);
  const at = (offset: number) => flow.lineOf(d.stmt.offset + d.rhsOffset + offset);
  const lines: number[] = [];
  for (const use of usesOf(d.rhs, key)) {
    const enclosing = calls.filter(([, open, close]) => open < use && use < close).sort((a, b) => b[1] - a[1])[0];
    if (!enclosing) lines.push(at(use));
    else for (let l = at(enclosing[0]); l <= at(enclosing[2]); l++) lines.push(l);
  }
  return lines;
}

/**
 * The whole right-hand side is one call of a library function that is no product, reshape, split or
 * dropout (`F.hardtanh(gates[2])`, `F.sgmoid(...)` misspelt): some activation the vocabulary lacks.
 */
// Also a method of the cell's own squashing a product (`self.softmax(np.dot(W, x_h) + b)`, a sigmoid for one row).
function libraryFunctionOf(flow: Flow, rhs: string): boolean {
  const text = rhs.trim().replace(/;$/, '');
  const m = /^(?:F|torch|nn|tf|np|jnp|jax\.nn|nn\.functional|torch\.nn\.functional|tf\.nn|tf\.math|(self))\.([A-Za-z_]\w*)\s*\(/.exec(text);
  if (!m || matchBracket(text, m[0].length - 1) !== text.length - 1) return false;
  const call = `${m[0]}`;
  if (m[1] && (flow.matmulCount(call) > 0 || flow.matmulCount(text) === 0)) return false;
  return !MATMUL_CALL.test(call) && !RESHAPE.test(call) && !SPLIT.test(call) && !/dropout|clip|cat|concat|stack|add|sum|mul|where|zeros|ones|identity|cast|tile/i.test(m[2]);
}

const MATMUL_CALL = new RegExp(MATMUL.source);

export function gatesOf(flow: Flow, roles: Roles, names: GateName[], inline: { gates: GateName[]; into: GateName[] } = { gates: [], into: [] }): Map<GateName, Set<number>> {
  const gates = new Map<GateName, Set<number>>();
  for (const g of names) {
    const lines = collectLines(flow, roles, g);
    // A gate whose activation is written inside the state update (`c = sigmoid(f) * c + ...`,
    // `c = f * c + i * tanh(z2)`): the update line computes that gate too.
    const own = [...roles].filter(([, r]) => r === g).map(([d]) => d);
    const activatedBefore = own.some((d) =>
      d.refs.some((r) => {
        const s = flow.reaching(r, d.order);
        return s !== undefined && !roles.has(s) && flow.activates(s.rhs);
      }),
    );
    // A coupled gate (`f = 1 - i`) is computed where it is written, from an activated gate.
    const fromHelper = own.some((d) => helperCalled(d.rhs, flow.helpers) || COMPLEMENT.test(d.rhs) || gateObjectCall(flow, d));
    // A gate through relu (fundl's `i_t = relu(...)`) is activated too: its uses in the updates are not its lines.
    if (inline.gates.includes(g) && own.length && !own.some((d) => RNN_ACTIVATION.test(d.rhs) || flow.activates(d.rhs) || libraryFunctionOf(flow, d.rhs)) && !activatedBefore && !fromHelper) {
      for (const [d, r] of roles) {
        if (!inline.into.includes(r)) continue;
        const read = own.filter((o) => d.refs.some((ref) => ref === o.key && flow.reaching(ref, d.order) === o));
        for (const o of read) inlineLines(flow, d, o.key).forEach((l) => lines.add(l));
      }
    }
    if (lines.size) gates.set(g, lines);
  }
  return gates;
}

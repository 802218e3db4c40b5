// The lines that compute each gate once roles are known: a gate's own assignments, the
// pre-activations and mixers they are computed through, and activations written inside an update.
import { extractRefs, type Def } from './defs';
import type { Flow, Roles } from './flow';
import { COMPLEMENT, ELEMENT_OF, gateObjectCall } from './gateLike';
import { helperCalled } from './helpers';
import { activatesProductInPlace, sliceWriteRead } from './inPlaceSlices';
import { isMixer, movesOneValue, reachesRole, reshapesOneGate } from './mixers';
import { escapeRegExp, matchBracket } from './text';
import type { GateName } from './types';
import { ACTIVATION, CONCAT, GRU_SUFFIXES, hasActivation, LSTM_SUFFIXES, MATMUL, RESHAPE, RNN_ACTIVATION, SPLIT } from './vocab';

/** The gates whose mixers belong to a state update: c = retain + write (f, i, g); h = z*h + (1-z)*n, o*tanh(c). */
const MIXED_INTO = { c: ['i', 'f', 'g'], h: ['o', 'r', 'z', 'n'] } satisfies Record<'c' | 'h', GateName[]>;
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
      // `output = tf.sigmoid(output)` after `output = tf.sigmoid(K.dot(x, W))`: the gate's own variable, activated twice.
      else if (role === undefined && src.key === d.key && roles.get(d) === gate && !['c', 'h'].includes(gate) && hasActivation(src.rhs) && hasActivation(d.rhs)) visit(src);
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
  const name = escapeRegExp(key.slice(key.lastIndexOf('.') + 1));
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

/** `g(z_[t])`: the whole right-hand side is one call of a plain function (no product, split, reshape or join) on a pre-activation. */
export function callOnPreactivation(flow: Flow, d: Def): boolean {
  const text = d.rhs.trim().replace(/;$/, '');
  const head = /^[A-Za-z_$][\w$]*\s*\(/.exec(text);
  if (!head || matchBracket(text, head[0].length - 1) !== text.length - 1 || flow.matmulCount(text) || SPLIT.test(head[0]) || RESHAPE.test(head[0]) || CONCAT.test(head[0])) return false;
  return extractRefs(text.slice(head[0].length, -1)).some((r) => {
    const src = flow.reaching(r, d.order);
    return src !== undefined && src !== d && flow.preact(src);
  });
}

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
    if (
      inline.gates.includes(g) &&
      own.length &&
      !own.some((d) => RNN_ACTIVATION.test(d.rhs) || flow.activates(d.rhs) || libraryFunctionOf(flow, d.rhs) || callOnPreactivation(flow, d)) &&
      !activatedBefore &&
      !fromHelper
    ) {
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

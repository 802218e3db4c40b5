// Gates and states under names that say nothing, found from how they are used: what a cell
// update reads (and what it multiplies them by), what the hidden state multiplies, peepholes,
// and the lines of activations written inside an update.
import { extractRefs, type Def } from './defs';
import { helperCalled } from './helpers';
import { Flow, type Roles } from './flow';
import { callOnPreactivation, namedForAnotherGate } from './gateLines';
import { isMixer, readsThroughMixers, rolesReached } from './mixers';
import { escapeRegExp, matchBracket } from './text';
import type { GateName } from './types';
import { ACTIVATION, classify, GRU_NAMES, hasActivation, RNN_ACTIVATION, roleName, SIGMOID_LIKE, SIGMOID_WRITTEN, stateRole, TANH_LIKE } from './vocab';

/** The names `key` is multiplied by in `text` (`f1 * c`, `c_prev * keep`, `multiply(gates[0], state)`). */
function productPartners(text: string, key: string): string[] {
  const k = escapeRegExp(key);
  const partners: string[] = [];
  // A partner may be a slot (`ct_1[i] * fg`): the name holding it.
  for (const m of text.matchAll(new RegExp(`(?<![\\w$.])${k}\\s*\\*(?!\\*)\\s*([A-Za-z_$][\\w$.]*)|([A-Za-z_$][\\w$.]*)(?:\\s*\\[[^\\]\\n]*\\])?\\s*\\*\\s*${k}(?![\\w$])`, 'g')))
    partners.push(m[1] ?? m[2]);
  const name = String.raw`([A-Za-z_$][\w$.]*(?:\[\s*\d+\s*\])?)`;
  const call = String.raw`(?:^|[^\w$])(?:mul|multiply|eltmul|hadamard|multiplyElement)\s*\(\s*`;
  for (const m of text.matchAll(new RegExp(`${call}${k}\\s*,\\s*${name}\\s*\\)|${call}${name}\\s*,\\s*${k}\\s*\\)`, 'g'))) partners.push(m[1] ?? m[2]);
  return partners;
}

/**
 * Sources of a state update that are activated values with no role yet: the candidate or forget gate under an unusual name (`cellWrite`, `keep`).
 * A sigmoid multiplied by the previous state (a parameter, the state itself) is the forget gate; one multiplied by another activated value is the input gate.
 */
export function inferGatesFeeding(flow: Flow, roles: Roles, stateDefs: Def[], rules: [RegExp, GateName][]): void {
  for (const d of stateDefs) {
    const { sources, mixers } = readsThroughMixers(flow, roles, d);
    const texts = [d, ...mixers];
    for (const src of sources) {
      // Or the second value a gate's helper hands back (`i_out, s_out = self.input_gate.forward(...)`: s_out is written with i).
      const besideHelperGate = src.targetCount === 2 && src.targetIndex === 1 && helperCalled(src.rhs, flow.helpers) !== undefined;
      // Or a pre-activation squashed by a function the vocabulary does not know (`z[t] = g(z_[t])`, Greff's g and h imported from utils).
      const squashedByUnknown = !roles.has(src) && src.targetCount === 1 && callOnPreactivation(flow, src);
      if (roles.has(src) || !(hasActivation(src.rhs) || besideHelperGate || squashedByUnknown) || (src.targetCount > 1 && !besideHelperGate)) continue;
      // Through a mixer that passes it on (`y_in_exp = stack([y_in[0], ...])`, then `y_in_exp * g_c`): that mixer's partners.
      const keys = [src.key, ...mixers.filter((m) => m.refs.includes(src.key)).map((m) => m.key)];
      const partners = texts.flatMap((t) => keys.flatMap((k) => productPartners(t.rhs, k)).map((p) => ({ p, at: t })));
      const timesState = partners.some(({ p, at }) => {
        const from = flow.reaching(p, at.order);
        return p === d.key || flow.handedIn(p, at.order) || (from !== undefined && roles.get(from) === 'c');
      });
      const timesGate = partners.some(({ p, at }) => {
        const from = flow.reaching(p, at.order);
        return from !== undefined && hasActivation(from.rhs);
      });
      // Roles this update already reads (a second time step's `c = f2 * c + i2 * g2` finds its own f, i, g).
      const present = new Set(sources.map((s) => roles.get(s)));
      // The value the input gate writes into the state is the candidate, whatever squashes it.
      if (besideHelperGate || (squashedByUnknown && !hasActivation(src.rhs))) {
        const timesInput = partners.some(({ p, at }) => roles.get(flow.reaching(p, at.order)!) === 'i');
        if (timesInput && !present.has('g')) roles.set(src, 'g');
        continue;
      }
      const rule = rules.find(([pattern, role]) => !present.has(role) && pattern.test(src.rhs) && !(role === 'f' && timesGate && !timesState) && !(role === 'i' && timesState && !timesGate));
      if (rule) roles.set(src, rule[1]);
    }
  }
}

/** `sigmoid(...)`, `np.tanh(...)`, `self.act.forward(...)`: the whole right-hand side is one activation call. */
function isActivationCall(rhs: string): boolean {
  const text = rhs.trim().replace(/;$/, '');
  if (SIGMOID_WRITTEN.test(text) && /^1(?:\.0*)?\s*\//.test(text) && matchBracket(text, text.indexOf('(')) === text.length - 1) return true;
  const m = ACTIVATION.exec(text);
  if (!m || !/^[\w$.\s]*$/.test(text.slice(0, m.index))) return false;
  const open = m.index + m[0].length - 1;
  return text[open] === '(' && matchBracket(text, open) === text.length - 1;
}

/**
 * With no gate named at all: a value that adds activated values to a previous state (a parameter
 * or itself: the 1997 `s_c = s_c_prev + y_in * g(net_c)`, `c = f1 * c + i1 * c_tilde1`) is the cell state.
 */
export function unnamedCellUpdates(flow: Flow, roles: Roles): Def[] {
  const found = flow.defs.filter((d) => {
    if (roles.has(d) || d.targetCount !== 1 || d.key === '<return>' || hasActivation(d.rhs) || stateRole(d.name, d.targetSubscripted) === 'h') return false;
    // Also through one mixer (`retain = multiply(keep, state); state = add(retain, write)`).
    const readsPrevious = d.refs.some((r) => {
      const src = r === d.key ? undefined : flow.reaching(r, d.order);
      // Or the handed-in state scaled under its own name first (`upper = mul(upper, keep); upper_next = add(upper, write)`).
      return (
        r === d.key ||
        flow.handedIn(r, d.order) ||
        (src !== undefined && isMixer(flow, roles, src) && (src.refs.includes(d.key) || src.refs.some((rr) => rr === src.key && flow.handedIn(rr, src.order))))
      );
    });
    // Only values that are an activation and nothing more (`y_in = sigmoid(net_in)`): a backward pass's `do = dh * tanh(c)` is not a gate.
    // Read directly or through one mixer (`y_in_exp = stack([y_in, ...])`): a gradient `db += da` reaches the gates through several.
    const near = new Set(
      d.refs.flatMap((r) => {
        const src = flow.reaching(r, d.order);
        if (!src) return [];
        return isMixer(flow, roles, src) ? [src, ...src.refs.map((rr) => flow.reaching(rr, src.order)).filter((s): s is Def => s !== undefined)] : [src];
      }),
    );
    const read = readsThroughMixers(flow, roles, d).sources.filter((s) => (!roles.has(s) || roles.get(s) === 'g') && s.targetCount === 1 && hasActivation(s.rhs));
    const gates = read.filter((g) => near.has(g) && isActivationCall(g.rhs));
    // A GRU's `h = (1 - z) * h + z * n` also adds activated values to a previous state: its gates are named as a GRU's.
    // (Not a tanh under z's name, ReNom's candidate `u = tanh(u)`: an update gate is a sigmoid.)
    const gruNamed = gates.some((g) => {
      const role = classify(g.name, GRU_NAMES, g.targetSubscripted);
      return role === 'r' || role === 'n' || (role === 'z' && !TANH_LIKE.test(g.rhs));
    });
    // It adds (`s + y_in * g`, `c += ...`): a copy of one value (`out[t] = h_t`) is no update, however many times it is written.
    const adds = /\+|\b(?:add|plus|sum)\w*\s*\(/i.test(d.rhs) || /\+=/.test(d.stmt.text);
    return readsPrevious && adds && new Set(gates.map((g) => g.key)).size >= 2 && !gruNamed;
  });
  // One cell state: the first such value and its later updates (the next time step's `c = ...`), not a backward pass's `db += dz` below it.
  return found.filter((d) => d.key === found[0].key);
}

/**
 * A sigmoid named as the candidate that no cell update reads, while an update reads an unnamed
 * tanh: the names are shifted (`g = sigmoid(...)` is used as the output gate, `c_ = tanh(...)` is
 * the candidate). The sigmoid becomes o; inferGatesFeeding then finds the candidate.
 */
export function renameShiftedCandidate(flow: Flow, roles: Roles, cDefs: Def[]): void {
  const read = new Set(cDefs.flatMap((d) => readsThroughMixers(flow, roles, d).sources));
  if (![...read].some((s) => !roles.has(s) && TANH_LIKE.test(s.rhs))) return;
  const hasO = [...roles.values()].includes('o');
  for (const [d, role] of [...roles]) {
    if (role !== 'g' || read.has(d) || !SIGMOID_LIKE.test(d.rhs) || TANH_LIKE.test(d.rhs)) continue;
    if (hasO) roles.delete(d);
    else roles.set(d, 'o');
  }
}

/**
 * An output gate under a name that says nothing: an unnamed sigmoid multiplied by an activation
 * of the cell state (`h_t = y_out * h_squash(s_c_t)`, `h = o1 * tanh(c)`). It is o; the product is h.
 */
export function inferOutputGate(flow: Flow, roles: Roles): void {
  const activatesCell = (text: string, at: Def) => {
    const re = new RegExp(ACTIVATION.source, 'g');
    for (const m of text.matchAll(re)) {
      const open = m.index + m[0].length - 1;
      const close = matchBracket(text, open);
      if (
        close > open &&
        extractRefs(text.slice(open + 1, close)).some((r) => {
          const src = flow.reaching(r, at.order);
          return src !== undefined && roles.get(src) === 'c';
        })
      )
        return true;
    }
    return false;
  };
  for (const d of flow.defs) {
    if ((roles.has(d) && roles.get(d) !== 'h') || d.targetCount !== 1 || d.key === '<return>') continue;
    const sources = readsThroughMixers(flow, roles, d).sources;
    const gate = sources.find((s) => !roles.has(s) && s.targetCount === 1 && SIGMOID_LIKE.test(s.rhs) && !TANH_LIKE.test(s.rhs));
    // Also a squash of c under TF's name for h (`m = activation(c)`) that no output gate multiplies yet.
    const squash = (s: Def) => !roles.has(s) || (roles.get(s) === 'h' && !readsThroughMixers(flow, roles, s).sources.some((r) => roles.get(r) === 'o'));
    const cellActivated = activatesCell(d.rhs, d) || sources.some((s) => squash(s) && s !== gate && activatesCell(s.rhs, s));
    // A hidden state gating the cell state as it is (`h = f_o * c`, no squash): that sigmoid is o too.
    const gatesCell =
      gate !== undefined &&
      roles.get(d) === 'h' &&
      productPartners(d.rhs, gate.key).some((p) => {
        const from = flow.reaching(p, d.order);
        return from !== undefined && roles.get(from) === 'c';
      });
    if (gate && (cellActivated || gatesCell)) {
      roles.set(gate, 'o');
      roles.set(d, 'h');
    }
  }
}

/** A name for the cell state itself (previous or current), as a peephole reads it. */
const CELL_READ = /^(?:c|cx|ct|c_t|c_?(?:t_?)?prev(?:ious)?|prev(?:ious)?_?c|c_?tm1|c_?t_?1|c_?\d|cell|cell_?prev(?:ious)?|prev(?:ious)?_?cell|cell_?state|c_?state|memory|prev_?memory|memory_?prev)$/;

/**
 * Peepholes: a gate's pre-activation reads the cell state elementwise (`sigmoid(x@W + h@U + p*c)`),
 * in its own assignment or in a sigmoid written inside an update (TF's `sigmoid(f + w_f_diag * c_prev)`).
 */
export function hasPeephole(flow: Flow, roles: Roles, updates: Def[]): boolean {
  // By its name, or as the variable the cell update writes (OCRopus' `gix[t] += WIP * state[t-1]`).
  const cellKeys = new Set([...roles].filter(([, r]) => r === 'c').map(([d]) => d.key));
  // Also the previous cell state under any name: what the update keeps by f (`c = f * c_old + i * g`).
  const forgetKeys = [...roles].filter(([, r]) => r === 'f').map(([d]) => d.key);
  for (const [d, r] of roles) if (r === 'c') for (const k of forgetKeys) for (const p of productPartners(d.rhs, k)) if (!forgetKeys.includes(p)) cellKeys.add(p);
  const readsCell = (text: string) => extractRefs(text).some((r) => CELL_READ.test(roleName(r.slice(r.lastIndexOf('.') + 1))) || cellKeys.has(r));
  // chainer's `peep_in_i = self.peep_i(self.c)` then `i = sigmoid(i + peep_in_i)`: the cell read one step before.
  const readsPeep = (d: Def) =>
    d.refs.some((r) => {
      const src = flow.reaching(r, d.order);
      return src !== undefined && !roles.has(src) && !hasActivation(src.rhs) && readsCell(src.rhs);
    });
  // Lasagne's `ingate += cell_previous * W_cell_to_ingate` before `ingate = nonlinearity_ingate(ingate)`: added before the activation.
  const activatedLater = (d: Def) => flow.definitionsOf(d.key).some((a) => a.order > d.order && hasActivation(a.rhs));
  for (const [d, role] of roles) {
    if (role !== 'i' && role !== 'f' && role !== 'o') continue;
    if ((hasActivation(d.rhs) && (readsCell(d.rhs) || readsPeep(d))) || (!hasActivation(d.rhs) && activatedLater(d) && readsCell(d.rhs))) return true;
  }
  for (const d of updates) {
    const re = new RegExp(SIGMOID_LIKE.source, 'g');
    let m: RegExpExecArray | null;
    while ((m = re.exec(d.rhs))) {
      const open = m.index + m[0].length - 1;
      const close = matchBracket(d.rhs, open);
      if (close > open && readsCell(d.rhs.slice(open + 1, close))) return true;
    }
  }
  return false;
}

/** Activated values with no role yet that `d` reads (directly or through mixers): a gate under a name that says nothing. */
function unnamedGatesRead(flow: Flow, roles: Roles, d: Def): Def[] {
  return readsThroughMixers(flow, roles, d).sources.filter((s) => !roles.has(s) && s.targetCount === 1 && hasActivation(s.rhs));
}

/** How many of i, f, g a would-be cell update combines: named ones, plus unnamed activated values once one is named (`c = forget_gate * c + new_info * info_gate`). */
export function gatesCombined(flow: Flow, d: Def, roles: Roles): number {
  const named = rolesReached(flow, d, roles, ['i', 'f', 'g']);
  return named === 1 ? named + unnamedGatesRead(flow, roles, d).length : named;
}

/** The lines of each `pattern` activation call in `defs` (its whole argument: `i * self.activation(\n x_c + ...\n)`) whose argument `accept`s. */
export function activationLines(flow: Flow, defs: Def[], pattern: RegExp, accept: (argument: string) => boolean = () => true, gate?: GateName): Set<number> {
  const lines = new Set<number>();
  for (const d of defs) {
    const re = new RegExp(pattern.source, 'g');
    let m: RegExpExecArray | null;
    while ((m = re.exec(d.rhs))) {
      const open = m.index + m[0].length - 1;
      const close = matchBracket(d.rhs, open);
      const argument = close > open ? d.rhs.slice(open + 1, close) : '';
      if (!accept(argument)) continue;
      const from = flow.lineOf(d.stmt.offset + d.rhsOffset + open);
      const to = close > open ? flow.lineOf(d.stmt.offset + d.rhsOffset + close) : from;
      for (let l = from; l <= to; l++) lines.add(l);
      // The pre-activations it reads are that gate's too (Keras' `i * self.activation(x_c + ...)`: x_c's line).
      for (const l of preactLines(flow, extractRefs(argument), d.order, gate)) lines.add(l);
    }
  }
  return lines;
}

/** The lines of the pre-activations `refs` read at `order`, through the pre-activations they read. */
function preactLines(flow: Flow, refs: string[], order: number, gate: GateName | undefined, seen = new Set<Def>()): number[] {
  return refs.flatMap((r) => {
    const src = flow.reaching(r, order);
    // A gate through relu (fundl's `r_t = relu(...)`) is activated, not a pre-activation.
    if (!src || seen.has(src) || !flow.preact(src) || RNN_ACTIVATION.test(src.rhs) || (gate && namedForAnotherGate(src.name, gate))) return [];
    seen.add(src);
    return [...src.lines, ...preactLines(flow, src.refs, src.order, gate, seen)];
  });
}

/** `o[t] * h(c[t])`: a plain function called on the cell state in `d` (a squash the vocabulary does not know, Greff's h). */
export function callsOnCell(flow: Flow, roles: Roles, d: Def): boolean {
  for (const m of d.rhs.matchAll(/(?<![\w$.])[A-Za-z_$][\w$]*\s*\(/g)) {
    const open = m.index + m[0].length - 1;
    const close = matchBracket(d.rhs, open);
    if (close < 0 || flow.matmulCount(m[0])) continue;
    if (extractRefs(d.rhs.slice(open + 1, close)).some((r) => roles.get(flow.reaching(r, d.order)!) === 'c')) return true;
  }
  return false;
}

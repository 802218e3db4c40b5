// Assignments in one unit's statements: each target with its right-hand side, the names it
// reads and the lines that compute it.
import type { Stmt } from './scan';
import { blank, escapeRegExp, matchBracket, splitTopLevel } from './text';
import { classify, GRU_NAMES, hasActivation, LSTM_NAMES, roleName, stateRole } from './vocab';

export interface Def {
  /** Reference key: `x`, `self.c` (self/this attributes), `lstm.b_f.data`, '<return>'. */
  key: string;
  /** Name used for roles: snake_case, lower case, without self./this.; '' for dotted paths. */
  name: string;
  order: number;
  stmt: Stmt;
  rhs: string;
  /** Where rhs starts in stmt.text. */
  rhsOffset: number;
  /** Lines of this target's computation: its tuple element, or the whole statement. */
  lines: number[];
  refs: string[];
  targetSubscripted: boolean;
  /** How many targets the statement assigns, and this one's position. */
  targetCount: number;
  targetIndex: number;
  elementwise: boolean;
}

// ───────────────────────── definitions ─────────────────────────

/** A subscript whose first index is a number: `[0]`, `[1, :, t, :]`. */
const SLOT = /^\s*\[\s*(\d+)\s*[,\]]/;

function refKey(raw: string): string {
  return raw.replace(/^this\s*\.\s*/, 'self.').replace(/^self\s*\.\s*/, 'self.');
}

/** Names read by `text`: `x`, `self.c`, and each prefix of a dotted chain (`self.state.h` gives `self.state` and `self.state.h`; `h.shape` gives `h`). */
export function extractRefs(text: string): string[] {
  const refs: string[] = [];
  const re = /[A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const before = text.slice(0, m.index).trimEnd();
    if (before.endsWith('.') || /\d$/.test(text.slice(0, m.index))) continue;
    const parts = m[0].split('.').map((p) => p.trim());
    // `f.dtype`, `h.shape`: a size or type read off a value is not a use of it.
    if (parts.length > 1 && /^(?:shape|dtype|size|ndim|device|rank|get_shape)$/.test(parts[1])) continue;
    for (let k = 1; k <= Math.min(parts.length, 4); k++) {
      const key = refKey(parts.slice(0, k).join('.'));
      if (key !== 'self') refs.push(key);
    }
    const slot = SLOT.exec(text.slice(re.lastIndex));
    if (slot) refs.push(`${refKey(parts.join('.'))}[${slot[1]}]`);
  }
  return refs;
}

/** A vector helper's call that writes its result into the first argument: `setmulvec(out, a, b)`, `addmulvec(acc, w, x)`. */
const INTO_FIRST = /^\s*(set|add|sub)?(?:mul|add|sub|scale|prod)(?:vec|mat|vector|matrix)\s*\(/i;

/** A statement that only calls an updating method of a named object: `m.add(b)`, `this.c.scale(this.f)`, `h.func(tanh)`, `this.hidden.dot(W)`. */
const MUTATOR = /^\s*((?:(?:self|this)\s*\.\s*)?[A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*)\s*\.\s*(?:add|sub|subtract|scale|multiply|hadamard|func|map|dot)\s*\(/;
/** `m.set(i, j, value)`: an element setter of a matrix object (not a Map's `set(key, value)` on a string key, blanked). */
const ELEMENT_SETTER = /^\s*((?:(?:self|this)\s*\.\s*)?[A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*)\s*\.\s*set\s*\((?!\s*["'`])/;
const APPENDED = /^\s*([A-Za-z_$][\w$]*)\s*\.\s*(?:push|append)\s*\(/;
/** `c.append(tf.add(tf.multiply(c[t], f), ...))`: a list whose next element is computed from one of its own carries a state. */
const appendsFromItself = (text: string, m: RegExpExecArray): boolean => new RegExp(String.raw`(?<![\w$.])${escapeRegExp(m[1])}\s*\[`).test(text.slice(m[0].length));

function linesOf(stmt: Stmt, from: number, to: number, lineOf: (o: number) => number): number[] {
  const segment = stmt.text.slice(from, to);
  const lead = segment.length - segment.trimStart().length;
  const trail = segment.trimEnd().length;
  if (trail <= lead) return [];
  const a = lineOf(stmt.offset + from + lead);
  const b = lineOf(stmt.offset + from + trail - 1);
  const lines: number[] = [];
  for (let l = a; l <= b; l++) lines.push(l);
  return lines;
}

/** Index of the assignment '=' at depth 0 (not ==, <=, >=, !=, =>), with whether it is augmented. */
function assignmentAt(text: string): { at: number; width: number; augmented: boolean } | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
    else if (ch === '=' && depth === 0) {
      const prev = text[i - 1] ?? '';
      const next = text[i + 1] ?? '';
      if (next === '=' || next === '>') {
        i++;
        continue;
      }
      if ('=!<>:'.includes(prev) && !(prev === '>' && text[i - 2] === '>') && !(prev === '<' && text[i - 2] === '<')) continue;
      const op = /(?:\*\*|\/\/|>>|<<|[-+*/%@&|^])$/.exec(text.slice(0, i));
      if (op) return { at: i - op[0].length, width: op[0].length + 1, augmented: true };
      return { at: i, width: 1, augmented: false };
    }
  }
  return undefined;
}

/** A plain target between two `=` (`b` of `a = b = 0`): names, attributes, subscripts, a tuple of them. */
const CHAINED_TARGET = /^(?![\s\S]*\blambda\b)[\s\w$.,()[\]]+$/;

function unwrap(text: string): { text: string; offset: number } {
  const lead = text.length - text.trimStart().length;
  const t = text.trim();
  if ((t.startsWith('(') || t.startsWith('[')) && matchBracket(t, 0) === t.length - 1) return { text: t.slice(1, -1), offset: lead + 1 };
  return { text, offset: 0 };
}

/** The `key: value` members of an object literal `rhs` when two or more are named as gates. */
function gateMembers(rhs: string): { key: string; text: string; offset: number }[] {
  const lead = rhs.length - rhs.trimStart().length;
  const end = rhs.trimEnd().replace(/;$/, '').trimEnd().length - 1;
  if (rhs[lead] !== '{' || matchBracket(rhs, lead) !== end) return [];
  const members = splitTopLevel(rhs.slice(lead + 1, end)).flatMap((p) => {
    const m = /^(\s*)([A-Za-z_$][\w$]*)\s*:/.exec(p.text);
    return m ? [{ key: m[2], text: p.text.slice(m[0].length), offset: lead + 1 + p.offset + m[0].length }] : [];
  });
  return members.filter((e) => gateNamed(roleName(e.key))).length >= 2 ? members : [];
}

/** A gate's name (not a state's): `z`, `forget_gate`. */
function gateNamed(name: string): boolean {
  const role = classify(name, LSTM_NAMES, true) ?? classify(name, GRU_NAMES, true);
  return role !== undefined && role !== 'c' && role !== 'h';
}

/** `self.state.c` → `state.c`'s last part `c`; `self.c` or `c` → `c`: the name a member's role is read from. */
function memberName(key: string): string {
  return key.replace(/^self\./, '').includes('.') ? key.slice(key.lastIndexOf('.') + 1) : key;
}

export function parseDefs(stmts: Stmt[], lineOf: (o: number) => number): Def[] {
  const defs: Def[] = [];
  stmts.forEach((stmt, order) => {
    for (const text of declarators(stmt.text)) define(stmt, order, text);
  });
  return defs;

  /** A definition made by the whole statement (an in-place activation, a mutating method, a helper writing into an argument). */
  function wholeStatement(stmt: Stmt, order: number, text: string, key: string, name: string, rhs: string, refs: string[], targetSubscripted = false): Def {
    return { key, name, order, stmt, rhs, rhsOffset: 0, lines: linesOf(stmt, 0, text.length, lineOf), refs, targetSubscripted, targetCount: 1, targetIndex: 0, elementwise: false };
  }

  function define(stmt: Stmt, order: number, text: string): void {
    const ret = /^\s*return\b/.exec(text);
    if (ret) {
      const whole = text.slice(ret[0].length);
      const parts = splitTopLevel(whole).filter((p) => p.text.trim());
      // `return o * new_c.tanh(), new_c` (tinygrad): an activated first value, computed right there, is what the step hands back.
      if (!whole.trim() || (parts.length > 1 && !hasActivation(parts[0].text))) return;
      const rhs = parts.length > 1 ? parts[0].text : whole;
      const at = ret[0].length + (parts.length > 1 ? parts[0].offset : 0);
      defs.push({
        key: '<return>',
        name: '<return>',
        order,
        stmt,
        rhs,
        rhsOffset: at,
        lines: parts.length > 1 ? linesOf(stmt, at, at + rhs.length, lineOf) : linesOf(stmt, 0, text.length, lineOf),
        refs: extractRefs(rhs),
        targetSubscripted: false,
        targetCount: 1,
        targetIndex: 0,
        elementwise: false,
      });
      return;
    }
    const assign = assignmentAt(text);
    // An in-place activation (`i_t.sigmoid_()`, `c_t.tanh_()`) redefines its tensor.
    const inPlace = assign ? undefined : /^\s*([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\s*\.\s*(?:sigmoid_|tanh_|relu_)\s*\(\s*\)\s*;?\s*$/.exec(text);
    if (inPlace) {
      const key = refKey(inPlace[1]);
      defs.push(wholeStatement(stmt, order, text, key, roleName(memberName(key)), text, [key]));
      return;
    }
    // `this.c.scale(this.f); this.c.add(Matrix.scale(this.i, this.g))`, `this.f.func(sigmoid)`: a matrix
    // object updated by its own method is redefined there, from itself and the arguments.
    // Also an activated value appended to a list (`next.push(Math.tanh(sum))`, then `h = next`).
    // Also a list's next element computed from one of its own (`c.append(tf.add(tf.multiply(c[t], f), ...))`).
    const appended = assign ? null : APPENDED.exec(text);
    const mutated = assign ? undefined : (MUTATOR.exec(text) ?? (appended && (hasActivation(text) || appendsFromItself(text, appended)) ? appended : null));
    if (mutated && matchBracket(text, mutated[0].length - 1) === text.trimEnd().replace(/;$/, '').length - 1) {
      const key = refKey(mutated[1].replace(/\s+/g, ''));
      defs.push(wholeStatement(stmt, order, text, key, roleName(memberName(key)), text, extractRefs(text)));
      return;
    }
    // `setmulvec(this.state[t], ci, gi)`, `addmulvec(this.state[t], gf, prev)`: a vector helper writing into its first argument.
    const into = assign ? undefined : INTO_FIRST.exec(text);
    if (into && matchBracket(text, into[0].length - 1) === text.trimEnd().replace(/;$/, '').length - 1) {
      const args = splitTopLevel(text.slice(into[0].length, text.trimEnd().replace(/;$/, '').length - 1));
      const target = /^\s*((?:(?:self|this)\s*\.\s*)?[A-Za-z_$][\w$]*)\s*(\[[^\]]*\])*\s*$/.exec(args[0]?.text ?? '');
      if (target && args.length >= 2) {
        const key = refKey(target[1].replace(/\s+/g, ''));
        const rest = args
          .slice(1)
          .map((a) => a.text)
          .join(', ');
        const refs = [...extractRefs(rest), ...((into[1] ?? '').toLowerCase() === 'set' ? [] : [key])];
        defs.push(wholeStatement(stmt, order, text, key, roleName(key.replace(/^self\./, '')), text, refs, target[2] !== undefined));
        return;
      }
    }
    // `ht.set(b, j, (1 - z) * hPrev.get(b, j) + z * hCandidate.get(b, j))`: a matrix written element by element
    // through its setter is an element assignment (`ht[b][j] = …`); the value is among the arguments (last here,
    // first in TF.js's `buffer.set(value, i, j)`), the indices with it.
    const setter = assign ? undefined : ELEMENT_SETTER.exec(text);
    if (setter && matchBracket(text, setter[0].length - 1) === text.trimEnd().replace(/;$/, '').length - 1) {
      const args = text.slice(setter[0].length, text.trimEnd().replace(/;$/, '').length - 1);
      if (splitTopLevel(args).length >= 2) {
        const key = refKey(setter[1].replace(/\s+/g, ''));
        defs.push({ ...wholeStatement(stmt, order, text, key, roleName(memberName(key)), args, [...extractRefs(args), key], true), rhsOffset: setter[0].length });
        return;
      }
    }
    const out = assign ? undefined : outArgument(text);
    if (out) {
      // `linalg.vecAddElems(retain, write, nextC)`: a library writing its result into a state passed last.
      const rhs = text.slice(0, out.at) + blank(out.name) + text.slice(out.at + out.name.length);
      defs.push(wholeStatement(stmt, order, text, out.name, roleName(out.name), rhs, extractRefs(rhs)));
      return;
    }
    if (!assign) return;
    let lhs = text.slice(0, assign.at);
    const rhsStart = assign.at + assign.width;
    const rhs = text.slice(rhsStart);
    // `new_c = new_h = act(x)`: each target is assigned the last value (the other targets blanked, same length).
    const targetEnds = [rhsStart];
    for (let next = assign.augmented ? undefined : assignmentAt(rhs); next && !next.augmented;) {
      const from = targetEnds[targetEnds.length - 1];
      if (!CHAINED_TARGET.test(text.slice(from, from + next.at))) break;
      targetEnds.push(from + next.at + next.width);
      next = assignmentAt(text.slice(from + next.at + next.width));
    }
    if (targetEnds.length > 1) {
      const value = targetEnds[targetEnds.length - 1];
      const starts = [0, ...targetEnds.slice(0, -1)];
      for (const [k, start] of starts.entries()) define(stmt, order, blank(text.slice(0, start)) + text.slice(start, targetEnds[k]) + blank(text.slice(targetEnds[k], value)) + text.slice(value));
      return;
    }
    // Type annotations: `i: tf.Tensor = ...`, `[h, c]: [T, T] = ...`.
    const colon = splitTopLevel(lhs, ':');
    if (colon.length > 1) lhs = colon[0].text;
    const targets = splitTopLevel(unwrap(lhs).text)
      .map((p) => p.text.trim())
      .filter(Boolean);
    if (!targets.length) return;
    // `const gates = { i: sigmoid(…), f: sigmoid(…), … }`: an object of gate values defines each member (`gates.f`).
    const members = targets.length === 1 && /^[A-Za-z_$][\w$.]*$/.test(targets[0]) ? gateMembers(rhs) : [];
    for (const e of members) {
      const key = `${refKey(targets[0])}.${e.key}`;
      const at = rhsStart + e.offset;
      defs.push({ ...wholeStatement(stmt, order, text, key, roleName(e.key), e.text, extractRefs(e.text)), rhsOffset: at, lines: linesOf(stmt, at, at + e.text.length, lineOf) });
    }
    if (members.length) return;
    let elements: { text: string; offset: number }[] | undefined;
    if (targets.length > 1) {
      const inner = unwrap(rhs);
      const parts = splitTopLevel(inner.text).filter((p, k, all) => p.text.trim() || k < all.length - 1);
      if (parts.length === targets.length) elements = parts.map((p) => ({ text: p.text, offset: rhsStart + inner.offset + p.offset }));
    }
    targets.forEach((target, targetIndex) => {
      const m = /^(?:\.\.\.)?\s*((?:(?:self|this)\s*\.\s*)?[A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*)\s*(\[[\s\S]*\])?$/.exec(target);
      if (!m) return;
      const slot = m[2] ? SLOT.exec(m[2]) : null;
      const base = refKey(m[1].replace(/\s+/g, ''));
      // `gates[0, :, t, :] = sigmoid(...)`: a numbered slot of an array is a value of its own;
      // so is each slot a short loop fills (`for (n = 0; n < 4; n++) gates[n] = ...`).
      const slots = slot ? [slot[1]] : m[2] ? loopSlots(stmt, m[2])?.map(String) : undefined;
      const dotted = base.replace(/^self\./, '').includes('.');
      const element = elements?.[targetIndex];
      const elementText = element ? element.text : rhs;
      for (const key of slots ? slots.map((k) => `${base}[${k}]`) : [base]) {
        const refs = extractRefs(elementText);
        if (assign.augmented || m[2]) refs.push(key);
        defs.push({
          key,
          // `self.state.g`, `state.c` (a subscript by a string key): named by the last attribute.
          // A numbered slot of an array named as a gate (`z[0][j]`, a one-row matrix) is that gate; of others, nameless.
          name: slots ? (gateNamed(roleName(base)) ? roleName(base) : '') : dotted ? roleName(key.slice(key.lastIndexOf('.') + 1)) : roleName(key),
          order,
          stmt,
          rhs: elementText,
          rhsOffset: element ? element.offset : rhsStart,
          lines: element ? linesOf(stmt, element.offset, element.offset + element.text.length, lineOf) : linesOf(stmt, 0, stmt.text.length, lineOf),
          refs,
          targetSubscripted: Boolean(m[2]),
          targetCount: targets.length,
          targetIndex,
          elementwise: Boolean(element),
        });
      }
    });
  }
}

/**
 * The slots `gates[n] = ...` fills inside `for (let n = 0; n < K; n++)` (K up to 8), less those its
 * conditions on n rule out (`if (n != 2)`, and the `else` of it); undefined for any other subscript.
 */
function loopSlots(stmt: Stmt, subscript: string): number[] | undefined {
  const v = /^\[\s*([A-Za-z_$][\w$]*)\s*\]$/.exec(subscript)?.[1];
  if (!v) return undefined;
  const bound = stmt.loops?.map((h) => new RegExp(`^for\\s*\\(\\s*(?:let\\s+|var\\s+)?${v}\\s*=\\s*0\\s*;\\s*${v}\\s*(<=?)\\s*(\\d)\\s*;`).exec(h)).find((b) => b !== null);
  if (!bound) return undefined;
  const count = Number(bound[2]) + (bound[1] === '<=' ? 1 : 0);
  let slots = Array.from({ length: Math.min(count, 8) }, (_, k) => k);
  for (const c of stmt.conditions) {
    const test = new RegExp(`^(else \\(of )?(?:else )?if\\s*\\(\\s*${v}\\s*(===?|!==?|<=?|>=?)\\s*(\\d+)\\s*\\)`).exec(c);
    if (!test) continue;
    const n = Number(test[3]);
    const holds = (k: number) => ({ '==': k === n, '===': k === n, '!=': k !== n, '!==': k !== n, '<': k < n, '<=': k <= n, '>': k > n, '>=': k >= n })[test[2]] ?? true;
    slots = slots.filter((k) => holds(k) !== Boolean(test[1]));
  }
  return slots;
}

/** A call statement whose last argument is a bare name of a cell or hidden state (`nextC`, `h_out`): the call's output buffer. */
function outArgument(text: string): { name: string; at: number } | undefined {
  const call = /^\s*[A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*\s*\(/.exec(text);
  if (!call) return undefined;
  const open = call[0].length - 1;
  const close = matchBracket(text, open);
  if (close < 0 || !/^\s*;?\s*$/.test(text.slice(close + 1))) return undefined;
  const args = splitTopLevel(text.slice(open + 1, close));
  const last = args[args.length - 1];
  const name = /^\s*([A-Za-z_$][\w$]*)\s*$/.exec(last.text)?.[1];
  if (args.length < 2 || !name || !stateRole(roleName(name), false)) return undefined;
  return { name, at: open + 1 + last.offset + last.text.indexOf(name) };
}

/**
 * The statement's text once per declarator, the others blanked (same length): `const a = [], c = [];`
 * declares a and c, it does not assign `[], c = []` to a. Otherwise the text with its keyword blanked.
 */
function declarators(text: string): string[] {
  const decl = /^\s*(?:export\s+)?(?:const|let|var)\s+/.exec(text);
  if (!decl) return [text];
  const body = ' '.repeat(decl[0].length) + text.slice(decl[0].length);
  // `const { hidden, wh } = cell`: each name bound is a value taken out of the right side (`hidden = cell`).
  const destructured = /^\s*\{([^{}]*)\}\s*=/.exec(body);
  if (destructured) {
    const open = body.indexOf('{');
    const rest = body.slice(open + destructured[0].length - destructured[0].indexOf('{') - 1);
    return [...destructured[1].matchAll(/(?:^|,)\s*(?:[A-Za-z_$][\w$]*\s*:\s*)?([A-Za-z_$][\w$]*)/g)].map((m) => {
      const at = open + 1 + m.index! + m[0].length - m[1].length;
      return blank(body.slice(0, at)) + m[1] + blank(body.slice(at + m[1].length, body.length - rest.length)) + rest;
    });
  }
  const parts = splitTopLevel(body);
  if (parts.length < 2) return [body];
  return parts.map((p) => blank(body.slice(0, p.offset)) + p.text + blank(body.slice(p.offset + p.text.length)));
}

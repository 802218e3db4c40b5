// A cell written as a method calling one method per gate, each returning its values
// (`ft = self.forget_gate(z)`, `it, ct_new = self.input_gate(z)`, `ht, ot = self.output_gate(z, ct)`):
// the calls are replaced by the called methods' statements, so the gates' lines are where each
// method computes them. Used only for a class where nothing was found otherwise.
import type { Param, Stmt } from './scan';
import { splitTopLevel } from './text';

export interface Method {
  name: string;
  params: Param[];
  stmts: Stmt[];
}

/** `a, b = self.m(x, y)` (a whole statement). */
const METHOD_CALL = /^\s*([A-Za-z_$][\w$]*(?:\s*,\s*[A-Za-z_$][\w$]*)*)\s*=\s*self\s*\.\s*([A-Za-z_]\w*)\s*\(([^()]*)\)\s*;?\s*$/;
/** Methods short enough to be one step of a gate (a few statements, one return at the end). */
const MAX_INLINED = 8;
/** Synthetic statements live past the end of any file; their offsets map back to the source through `lineOf`. */
const SYNTHETIC_BASE = 2 ** 40;

export interface Inlined {
  stmts: Stmt[];
  lineOf: (offset: number) => number;
}

/** The caller's statements with its calls of short methods of its class written out, or undefined when it calls none. */
export function inlineMethodCalls(caller: Method, methods: Method[], lineOf: (offset: number) => number): Inlined | undefined {
  // Each synthetic statement: where it starts, and where its text after `prefix` characters comes from.
  const synthetic: { from: number; prefix: number; source: number }[] = [];
  const make = (like: Stmt, prefix: string, text: string, source: number): Stmt => {
    const from = SYNTHETIC_BASE + synthetic.length * 2 ** 20;
    synthetic.push({ from, prefix: prefix.length, source });
    return { ...like, text: prefix + text, offset: from };
  };
  const out: Stmt[] = [];
  let inlined = false;
  for (const s of caller.stmts) {
    const call = METHOD_CALL.exec(s.text);
    const callee = call ? methods.find((m) => m.name === call[2] && m !== caller) : undefined;
    const returns = callee?.stmts.filter((t) => /^\s*return\b/.test(t.text)) ?? [];
    const last = callee?.stmts[callee.stmts.length - 1];
    const args = call
      ? splitTopLevel(call[3])
          .map((a) => a.text.trim())
          .filter(Boolean)
      : [];
    const params = callee?.params.map((p) => p.name).filter((n) => n !== 'self') ?? [];
    if (!call || !callee || callee.stmts.length > MAX_INLINED || returns.length !== 1 || last !== returns[0] || args.length !== params.length) {
      out.push(s);
      continue;
    }
    inlined = true;
    // Arguments under other names than the parameters: `param = arg` on the call's line.
    params.forEach((p, k) => {
      if (p !== args[k]) out.push(make(s, `${p} = `, args[k], s.offset + s.text.search(/\S/)));
    });
    out.push(...callee.stmts.slice(0, -1).map((t) => ({ ...t, inLoop: s.inLoop || t.inLoop, conditions: [...s.conditions, ...t.conditions] })));
    // `return ot * tanh(ct), ot` into `ht, ot`: each element not already under the target's name is assigned to it, on the return's line.
    const ret = returns[0];
    const at = ret.text.search(/\breturn\b/) + 'return'.length;
    let body = { text: ret.text.slice(at), offset: at };
    const wrapped = /^(\s*)[[(]([\s\S]*)[\])]\s*;?\s*$/.exec(body.text);
    if (wrapped && splitTopLevel(body.text.trim()).length === 1) body = { text: wrapped[2], offset: at + wrapped[1].length + 1 };
    const elements = splitTopLevel(body.text);
    const targets = call[1].split(',').map((t) => t.trim());
    if (elements.length !== targets.length) continue;
    elements.forEach((e, k) => {
      const text = e.text.trim();
      if (text === targets[k]) return;
      const lead = e.text.length - e.text.trimStart().length;
      out.push(make({ ...ret, inLoop: s.inLoop, conditions: s.conditions }, `${targets[k]} = `, text, ret.offset + body.offset + e.offset + lead));
    });
  }
  if (!inlined) return undefined;
  const mapped = (offset: number): number => {
    if (offset < SYNTHETIC_BASE) return lineOf(offset);
    const piece = synthetic[Math.floor((offset - SYNTHETIC_BASE) / 2 ** 20)];
    // The prefix (`ht = `) maps onto the element's first character, the rest onto the element itself.
    return lineOf(piece.source + Math.max(offset - piece.from - piece.prefix, 0));
  };
  return { stmts: out, lineOf: mapped };
}

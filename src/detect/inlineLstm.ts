// An LSTM whose gates exist only inside its two state updates (the "long/short-term memory" scalar
// tutorials): `LTM = LTM * σ(…) + σ(…) * tanh(…)`, `STM = tanh(LTM) * σ(…)`. No gate has a variable: the
// sigmoid multiplied by the previous cell state is f, the sigmoid beside a tanh is i, that tanh g, and the
// sigmoid multiplied by the squashed new cell state o.
import type { UnitAnalysis } from './analyse';
import { extractRefs, type Def } from './defs';
import type { Flow } from './flow';
import { matchBracket } from './text';
import type { GateName } from './types';

interface Call {
  kind: 'sigmoid' | 'tanh';
  /** The activation's argument, and where it starts in the right-hand side. */
  argument: string;
  argumentAt: number;
  lines: number[];
}

/** The terms of a sum at the top level of `text`. */
function terms(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let k = 0; k < text.length; k++) {
    const ch = text[k];
    if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
    else if (ch === '+' && depth === 0) {
      out.push(text.slice(from, k));
      from = k + 1;
    }
  }
  return [...out, text.slice(from)];
}

/** The activation calls a term multiplies together, and what else it multiplies (nothing but names). */
function factors(flow: Flow, d: Def, term: string, termOffset: number): { calls: Call[]; rest: string } | undefined {
  const calls: Call[] = [];
  let rest = '';
  let k = 0;
  while (k < term.length) {
    const tail = term.slice(k);
    const m = /^[\s*]*((?:[A-Za-z_$][\w$]*\s*\.\s*)*)(sigmoid|sigm|sig|logistic|tanh)\s*\(/i.exec(tail);
    if (m) {
      const open = k + m[0].length - 1;
      const close = matchBracket(term, open);
      if (close < 0) return undefined;
      const at = (offset: number) => flow.lineOf(d.stmt.offset + d.rhsOffset + termOffset + offset);
      const lines: number[] = [];
      for (let l = at(k + m[0].length - m[2].length - 1); l <= at(close); l++) lines.push(l);
      calls.push({ kind: /tanh/i.test(m[2]) ? 'tanh' : 'sigmoid', argument: term.slice(open + 1, close), argumentAt: termOffset + open + 1, lines });
      k = close + 1;
      continue;
    }
    const name = /^[\s*]*((?:this|self)\s*\.\s*)?[A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*/.exec(tail);
    if (!name || !name[0].trim()) return tail.trim() ? undefined : { calls, rest };
    rest += name[0];
    k += name[0].length;
  }
  return { calls, rest };
}

/** The products of a sum (`a + b`) in `text`, which starts at `at` in `d`'s right-hand side. */
function sumOf(flow: Flow, d: Def, text: string, at: number): ({ calls: Call[]; rest: string } | undefined)[] {
  // `return (\n tanh(…) * σ(…)\n)`: the parentheses around it all.
  const lead = text.length - text.trimStart().length;
  if (text[lead] === '(' && matchBracket(text, lead) === text.trimEnd().length - 1) return sumOf(flow, d, text.slice(lead + 1, text.trimEnd().length - 1), at + lead + 1);
  let offset = at;
  return terms(text).map((t) => {
    const start = offset;
    offset += t.length + 1;
    return factors(flow, d, t, start);
  });
}

/** A cell update's two products: the kept one (a sigmoid times the previous state, one of `states`) and the written one (a sigmoid times a tanh). */
function keptAndWritten(parts: ({ calls: Call[]; rest: string } | undefined)[], states: (key: string) => boolean): { f: Call; i: Call; g: Call } | undefined {
  if (parts.length !== 2 || parts.some((p) => p === undefined)) return undefined;
  const kept = parts.find((p) => p!.calls.length === 1 && p!.calls[0].kind === 'sigmoid' && extractRefs(p!.rest).some(states));
  const written = parts.find((p) => p!.calls.length === 2 && p!.calls.some((c) => c.kind === 'sigmoid') && p!.calls.some((c) => c.kind === 'tanh') && !p!.rest.trim());
  if (!kept || !written) return undefined;
  return { f: kept.calls[0], i: written.calls.find((c) => c.kind === 'sigmoid')!, g: written.calls.find((c) => c.kind === 'tanh')! };
}

/** `c = c * σ(…) + σ(…) * tanh(…)` then `h = tanh(c) * σ(…)`, all gates inline: an LSTM. So is `h = tanh(c * σ(…) + σ(…) * tanh(…)) * σ(…)`. */
export function analyseInlineLstm(flow: Flow): UnitAnalysis | undefined {
  const gates = new Map<GateName, Set<number>>();
  const add = (gate: GateName, lines: number[]) => gates.set(gate, new Set([...(gates.get(gate) ?? []), ...lines]));
  const addGates = (found: { f: Call; i: Call; g: Call }) => (['f', 'i', 'g'] as const).forEach((gate) => add(gate, found[gate].lines));
  const rhsOf = (d: Def) => d.rhs.replace(/;\s*$/, '');
  // The cell state: updated from itself, kept by a sigmoid and written by a sigmoid times a tanh.
  const cells = flow.defs.filter((d) => d.targetCount === 1 && d.key !== '<return>');
  const cKeys = new Set<string>();
  for (const d of cells) {
    const found = keptAndWritten(sumOf(flow, d, rhsOf(d), 0), (r) => r === d.key);
    if (!found) continue;
    addGates(found);
    add('c', d.lines);
    cKeys.add(d.key);
  }
  // The output: a sigmoid times the squashed new cell state, or times the squash of an update written out in place.
  for (const d of flow.defs) {
    const parts = sumOf(flow, d, rhsOf(d), 0);
    const out = parts.length === 1 ? parts[0] : undefined;
    // The previous cell state: one this unit updates, or an attribute another method updates (`this.LTM`).
    const kept = (r: string) => cKeys.has(r) || r.startsWith('self.');
    const inside = (c: Call) => keptAndWritten(sumOf(flow, d, c.argument, c.argumentAt), kept);
    const squash = out?.calls.find((c) => c.kind === 'tanh' && (extractRefs(c.argument).some((r) => cKeys.has(r)) || inside(c) !== undefined));
    const gate = out?.calls.find((c) => c.kind === 'sigmoid');
    if (!out || !squash || !gate || out.calls.length !== 2 || out.rest.trim()) continue;
    const inner = inside(squash);
    const innerLines = new Set(inner ? squash.lines.slice(1, -1) : []);
    if (inner) {
      addGates(inner);
      add('c', [...innerLines]);
    }
    add('o', gate.lines);
    add(
      'h',
      d.lines.filter((l) => !innerLines.has(l)),
    );
  }
  if (!gates.has('h')) return undefined;
  return { kind: 'lstm', gates, optionalForgetGate: false };
}

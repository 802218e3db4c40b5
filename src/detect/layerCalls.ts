// `hy = self.ih(input) + self.hh(hx)`: the Elman sum W x + U h written as two calls of layers the cell
// does not make itself (a base class in another file does), one applied to the step's input and one to
// the state handed in. Whatever the callables are, they map each into the hidden space: two products.
import { extractRefs, type Def } from './defs';
import type { Flow } from './flow';
import { matchBracket } from './text';
import { RNN_ACTIVATION } from './vocab';

/** The calls summed at the top level of `rhs` (`f(a) + g(b)`), each with its callee and the names its arguments read. */
function summedCalls(rhs: string): { callee: string; refs: string[] }[] | undefined {
  const text = rhs.trim().replace(/;$/, '');
  const calls: { callee: string; refs: string[] }[] = [];
  let at = 0;
  while (at < text.length) {
    const head = /^\s*((?:(?:self|this)\s*\.\s*)?[A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*)\s*\(/.exec(text.slice(at));
    if (!head) return undefined;
    const close = matchBracket(text, at + head[0].length - 1);
    if (close < 0) return undefined;
    calls.push({ callee: head[1].replace(/\s+/g, ''), refs: extractRefs(text.slice(at + head[0].length, close)) });
    // Then `+` and the next call, or the end.
    const rest = /^\s*(?:\+\s*|$)/.exec(text.slice(close + 1));
    if (!rest) return undefined;
    at = close + 1 + rest[0].length;
  }
  return calls;
}

/**
 * `d` sums two calls of different callables, no activation, one reading a step input (`isInput`) and the other a
 * value handed in that is not one (the previous state).
 */
export function layersOnInputAndState(flow: Flow, d: Def, isInput: (name: string) => boolean): boolean {
  const calls = summedCalls(d.rhs);
  if (!calls || calls.length !== 2 || calls[0].callee === calls[1].callee || calls.some((c) => RNN_ACTIVATION.test(`${c.callee}(`))) return false;
  const readsInput = (c: { refs: string[] }) => c.refs.some((r) => flow.isParam(r) && isInput(r));
  const readsState = (c: { refs: string[] }) => c.refs.some((r) => !isInput(r) && flow.handedIn(r, d.order));
  return (readsInput(calls[0]) && readsState(calls[1])) || (readsInput(calls[1]) && readsState(calls[0]));
}

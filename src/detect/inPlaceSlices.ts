// Activations written in place into slices of one array (brainforge's `p = x @ W + b;
// p[:, :n] = act(p[:, :n]); p[:, n:] = sigmoid(p[:, n:])`), read back by slice (`cand[t] = p[:, :n]`):
// a read of the very slice a write activated comes from that write, any other from the last one.
import type { Def } from './defs';
import type { Flow } from './flow';
import { escapeRegExp } from './text';
import { hasActivation } from './vocab';

/** The slice `d` writes (`:, :n` of `p[:, :n] = ...`), spaces dropped. */
function writtenSlice(d: Def): string | undefined {
  if (!d.targetSubscripted) return undefined;
  const name = escapeRegExp(d.key.slice(d.key.lastIndexOf('.') + 1));
  return new RegExp(`(?<![\\w$])${name}\\s*\\[([^\\]]*)\\]`).exec(d.stmt.text.slice(0, d.rhsOffset))?.[1].replace(/\s+/g, '');
}

/** The in-place activations of one array before and at `src`, latest first. */
function chain(flow: Flow, src: Def): Def[] {
  const found: Def[] = [];
  for (let at: Def | undefined = src; at && writtenSlice(at) !== undefined && hasActivation(at.rhs); at = flow.reaching(at.key, at.order)) found.push(at);
  return found;
}

/** The write among `src`'s chain whose slice `d` reads (`p[:, :n]`), else `src`. */
export function sliceWriteRead(flow: Flow, d: Def, src: Def): Def {
  const name = escapeRegExp(src.key);
  const reads = [...d.rhs.matchAll(new RegExp(`(?<![\\w$.])${name}\\s*\\[([^\\]]*)\\]`, 'g'))].map((m) => m[1].replace(/\s+/g, ''));
  return chain(flow, src).find((w) => reads.includes(writtenSlice(w)!)) ?? src;
}

/** The chain of in-place activations `src` ends starts from a product (`p = np.dot(Z[t], W) + b`). */
export function activatesProductInPlace(flow: Flow, src: Def): boolean {
  const writes = chain(flow, src);
  const first = writes[writes.length - 1];
  const before = first && flow.reaching(first.key, first.order);
  return before !== undefined && flow.preact(before);
}

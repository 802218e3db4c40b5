// One function holding several cells behind a switch (`if (kind === 'gru') {…} else { if (kind === 'lstm') {…}
// else {…} }`): each way through the if/else chain, with the statements every way shares, is analysed on its own.
// A user expects one cell per branch, each with its own lines, when the branches compute cells of different kinds.
import type { Stmt } from './scan';

/** Statement conditions run from the innermost block out: `[inner, outer]`. */
const outerFirst = (conditions: string[]): string[] => [...conditions].reverse();
const key = (path: string[]): string => path.join('\u0000');
const startsWith = (path: string[], prefix: string[]): boolean => prefix.length <= path.length && prefix.every((c, k) => path[k] === c);

/** Two paths through the same chain part at an `if` and its `else` (or `elif`/`else if`), so no call runs both. */
function exclusive(a: string[], b: string[]): boolean {
  let k = 0;
  while (k < a.length && k < b.length && a[k] === b[k]) k++;
  return k < a.length && k < b.length && (/^(?:else|elif)\b/.test(a[k]) || /^(?:else|elif)\b/.test(b[k]));
}

/**
 * The statements of each way through the function's if/else chains (a way's own blocks, the blocks around them and
 * the unconditional statements), in source order, when there are two or more ways that exclude each other.
 */
export function exclusiveBranches(stmts: Stmt[]): Stmt[][] | undefined {
  const paths = new Map<string, string[]>();
  for (const s of stmts) if (s.conditions.length) paths.set(key(outerFirst(s.conditions)), outerFirst(s.conditions));
  // The innermost ways: no other path goes on from them.
  const ways = [...paths.values()].filter((p) => ![...paths.values()].some((q) => q.length > p.length && startsWith(q, p)));
  if (ways.length < 2 || !ways.every((a, i) => ways.every((b, j) => i === j || exclusive(a, b)))) return undefined;
  return ways.map((way) => stmts.filter((s) => startsWith(way, outerFirst(s.conditions))));
}

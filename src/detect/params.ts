// Parameter lists of the function headers the scanners meet (`def step(self, x, state):`,
// `function (x, [h, c]) {`, `x => …`).
import { matchBracket, splitTopLevel } from './text';
import type { Param } from './scan';

function parseParams(inner: string): Param[] {
  const params: Param[] = [];
  for (const part of splitTopLevel(inner)) {
    const text = part.text.trim();
    if (!text) continue;
    // Destructured parameters ([h, c]: [T, T] or {a, b}) give each inner name.
    const destructured = /^[[{]/.test(text) ? text.slice(1, Math.max(1, matchBracket(text, 0))) : undefined;
    if (destructured !== undefined) {
      for (const inner of splitTopLevel(destructured)) {
        const m = /[A-Za-z_$][\w$]*/.exec(inner.text);
        if (m) params.push({ name: m[0], text });
      }
      continue;
    }
    const m = /^(?:\*{1,2}|\.\.\.)?\s*(?:(?:public|private|protected|readonly)\s+)*([A-Za-z_$][\w$]*)/.exec(text);
    if (m && m[1] !== 'self' && m[1] !== 'this') params.push({ name: m[1], text });
  }
  return params;
}

export function paramsOfHeader(header: string): Param[] {
  const open = header.indexOf('(');
  if (open < 0) {
    // `x => ...` arrow with one bare parameter.
    const m = /([A-Za-z_$][\w$]*)\s*=>/.exec(header);
    return m ? [{ name: m[1], text: m[1] }] : [];
  }
  const close = matchBracket(header, open);
  return parseParams(header.slice(open + 1, close < 0 ? header.length : close));
}

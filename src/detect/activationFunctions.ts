// Activations under names of the file's own (OCRopus' `def ffunc(x): return 1.0/(1.0+exp(-x))`,
// `def gfunc(x): return tanh(x)`): calls of such a function are rewritten, in place and at the same
// length, as the activation it returns (`ffunc(` → `  sig(`), so the analysis sees them as one.
import type { ScanUnit } from './scan';
import { matchBracket } from './text';
import { ACTIVATION, hasActivation, SIGMOID_LIKE, SIGMOID_WRITTEN, TANH_LIKE } from './vocab';

/** The activation a short function returns as a whole (`return tanh(x)`), as a call name. */
function returnedActivation(fn: ScanUnit): 'sig' | 'tanh' | undefined {
  if (fn.type !== 'function' || fn.stmts.length > 4 || fn.children.length || hasActivation(` ${fn.name}(`)) return undefined;
  const ret = fn.stmts.find((s) => /^\s*return\b/.test(s.text));
  const returned =
    ret?.text
      .trim()
      .replace(/^return\s*/, '')
      .replace(/;$/, '') ?? '';
  // `for (...) arr[i] = 1 / (1 + Math.exp(-vec[i])); return arr;`: an array filled element by element with one activation.
  const filled = /^[A-Za-z_$][\w$]*$/.test(returned)
    ? fn.stmts.map((s) => new RegExp(`^\\s*${returned.replace(/\$/g, '\\$')}\\s*\\[[^\\]]*\\]\\s*=\\s*([^=][\\s\\S]*)$`).exec(s.text)?.[1]).filter((r) => r !== undefined)
    : [];
  return activationOf(filled.length === 1 ? filled[0].trim().replace(/;$/, '') : returned);
}

/** The activation `rhs` is as a whole: a written-out sigmoid or one activation call. */
function activationOf(rhs: string): 'sig' | 'tanh' | undefined {
  if (SIGMOID_WRITTEN.test(rhs) && /^1(?:\.0*)?\s*\//.test(rhs)) return 'sig';
  const head = ACTIVATION.exec(rhs);
  if (!head || !/^[\w$.\s]*$/.test(rhs.slice(0, head.index))) return undefined;
  const open = head.index + head[0].length - 1;
  if (rhs[open] !== '(' || matchBracket(rhs, open) !== rhs.length - 1) return undefined;
  const call = rhs.slice(0, open + 1);
  return SIGMOID_LIKE.test(call) ? 'sig' : TANH_LIKE.test(call) ? 'tanh' : undefined;
}

export function rewriteActivationFunctions(module: ScanUnit, units: ScanUnit[]): void {
  const rewrites = new Map<string, string>();
  for (const fn of module.children) {
    const act = returnedActivation(fn);
    if (act && fn.name.length + 1 >= act.length + 1) rewrites.set(fn.name, `${act}(`);
  }
  if (!rewrites.size) return;
  const call = new RegExp(`(?<![\\w$.])(${[...rewrites.keys()].map((n) => n.replace(/\$/g, '\\$')).join('|')})[ \\t]*\\(`, 'g');
  for (const u of units) {
    for (const s of u.stmts) {
      s.text = s.text.replace(call, (whole: string, name: string) => {
        const act = rewrites.get(name)!;
        return ' '.repeat(whole.length - act.length) + act;
      });
    }
  }
}

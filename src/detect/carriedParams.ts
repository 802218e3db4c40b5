// A step function's state handed round a loop by its caller: `hidden_units = update_rnn(x, hidden_units)`
// (autograd's and JAX's RNN examples, `s = step(s, x)` anywhere) replaces the argument with the function's
// own result each pass, so that parameter holds the previous state, whatever its name.
import type { ScanUnit } from './scan';
import { splitTopLevel } from './text';

/** `V = [self.]name(args)` (also `const`/`let`, `this.`): the target and the arguments. */
const CALL_INTO = /^\s*(?:(?:const|let|var)\s+)?([A-Za-z_$][\w$.]*)\s*=\s*(?:(?:self|this)\s*\.\s*)?([A-Za-z_$][\w$]*)\s*\(([\s\S]*)\)\s*;?\s*$/;

/** Marks `carried` on every parameter a caller in a loop replaces with the function's result. */
export function markCarriedParams(units: ScanUnit[]): void {
  const functions = new Map<string, ScanUnit[]>();
  for (const u of units) if (u.type === 'function') functions.set(u.name, [...(functions.get(u.name) ?? []), u]);
  for (const s of units.flatMap((u) => u.stmts)) {
    if (!s.inLoop) continue;
    const m = CALL_INTO.exec(s.text);
    const called = m ? functions.get(m[2]) : undefined;
    if (!called) continue;
    const k = splitTopLevel(m![3]).findIndex((a) => a.text.trim() === m![1]);
    if (k < 0) continue;
    for (const fn of called) {
      // A method's `self` is not among the arguments it is called with.
      const param = fn.params.filter((p) => p.name !== 'self' && p.name !== 'cls')[k];
      if (param) param.carried = true;
    }
  }
}

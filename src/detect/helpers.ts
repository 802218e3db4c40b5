// Gate maths spread over a class's methods: per-gate helpers (`def input_gate(self, x, h):
// return sigmoid(...)`) and helpers that return part of the state (`c, o = self._carry(z, c)`).
// The methods calling them are analysed with this knowledge, so the class is one cell. Gate
// objects the class holds (`self.forget_gate(x, h)`, gateModules.ts) are called the same way.
import { parseDefs } from './defs';
import { gateRolesOfName, type GateModule } from './gateModules';
import type { ScanUnit } from './scan';
import type { GateName } from './types';
import { hasActivation } from './vocab';

export interface ClassHelpers {
  /** The methods that compute gates themselves (a cell's helper), or one gate (a per-gate helper). */
  methods: string[];
  /** Methods named as a gate whose return value is activated, and gate objects held: their gates and return lines. */
  gates: Map<string, { gates: GateName[]; lines: number[] }>;
}

export function classHelpers(methods: ScanUnit[], lineOf: (o: number) => number, gateComputing: string[], modules = new Map<string, GateModule>()): ClassHelpers {
  const gates = new Map<string, { gates: GateName[]; lines: number[] }>();
  for (const m of methods) {
    const roles = gateRolesOfName(m.name);
    if (!roles.length) continue;
    const defs = parseDefs(m.stmts, lineOf);
    const ret = defs.find((d) => d.key === '<return>');
    // `f_t = self.sigmoid(value); return f_t`: the activated value handed back by its name.
    const named = ret && /^\s*[A-Za-z_$][\w$]*\s*;?\s*$/.test(ret.rhs) ? defs.filter((d) => d.order < ret.order && d.key === ret.rhs.trim().replace(/;$/, '')).pop() : undefined;
    const activated = ret && hasActivation(ret.rhs) ? ret : named && hasActivation(named.rhs) ? named : undefined;
    if (activated) gates.set(m.name, { gates: roles, lines: activated.lines });
  }
  for (const [member, module] of modules) if (!gates.has(member)) gates.set(member, { gates: module.gates, lines: module.lines });
  return { methods: [...new Set([...gateComputing, ...gates.keys()])], gates };
}

/** The class method or gate object `rhs` calls (`self.input_gate(x, h)`, `this._carry(z)`, `self.forget_gate.forward(x, h)`), if any. */
export function helperCalled(rhs: string, helpers: ClassHelpers | undefined): string | undefined {
  if (!helpers?.methods.length) return undefined;
  const m = /(?:^|[^\w$.])(?:self|this)\s*\.\s*([A-Za-z_$][\w$]*)\s*(?:\.\s*(?:forward|call|__call__)\s*)?\(/.exec(rhs);
  return m && helpers.methods.includes(m[1]) ? m[1] : undefined;
}

/**
 * `h_t = self.output_gate() * np.tanh(c_t)`: a per-gate helper called inside a state update, with no variable of
 * its own. Gives the helper's return lines and the update's lines for `gate`, when one of `defs` calls such a helper.
 */
export function inlineHelperLines(defs: { rhs: string; lines: number[] }[], gate: GateName, helpers: ClassHelpers | undefined): Set<number> {
  const lines = new Set<number>();
  if (!helpers?.gates.size) return lines;
  for (const d of defs) {
    for (const m of d.rhs.matchAll(/(?:^|[^\w$.])(?:self|this)\s*\.\s*([A-Za-z_$][\w$]*)\s*(?:\.\s*(?:forward|call|__call__)\s*)?\(/g)) {
      const helper = helpers.gates.get(m[1]);
      if (helper?.gates.includes(gate)) for (const l of [...helper.lines, ...d.lines]) lines.add(l);
    }
  }
  return lines;
}

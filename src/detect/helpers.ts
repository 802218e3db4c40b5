// Gate maths spread over a class's methods: per-gate helpers (`def input_gate(self, x, h):
// return sigmoid(...)`) and helpers that return part of the state (`c, o = self._carry(z, c)`).
// The methods calling them are analysed with this knowledge, so the class is one cell.
import { parseDefs } from './defs';
import type { ScanUnit } from './scan';
import type { GateName } from './types';
import { classify, GRU_NAMES, hasActivation, LSTM_NAMES, roleName } from './vocab';

export interface ClassHelpers {
  /** The methods that compute gates themselves (a cell's helper), or one gate (a per-gate helper). */
  methods: string[];
  /** Methods named as a gate whose return value is activated: their gate and return lines. */
  gates: Map<string, { gate: GateName; lines: number[] }>;
}

const GATE_ROLES: GateName[] = ['i', 'f', 'g', 'o', 'r', 'z', 'n'];

export function classHelpers(methods: ScanUnit[], lineOf: (o: number) => number, gateComputing: string[]): ClassHelpers {
  const gates = new Map<string, { gate: GateName; lines: number[] }>();
  for (const m of methods) {
    const name = roleName(m.name.replace(/^_+/, ''));
    const gate = classify(name, LSTM_NAMES, false) ?? classify(name, GRU_NAMES, false);
    if (!gate || !GATE_ROLES.includes(gate)) continue;
    const ret = parseDefs(m.stmts, lineOf).find((d) => d.key === '<return>' && hasActivation(d.rhs));
    if (ret) gates.set(m.name, { gate, lines: ret.lines });
  }
  return { methods: [...new Set([...gateComputing, ...gates.keys()])], gates };
}

/** The class method `rhs` calls (`self.input_gate(x, h)`, `this._carry(z)`), if any. */
export function helperCalled(rhs: string, helpers: ClassHelpers | undefined): string | undefined {
  if (!helpers?.methods.length) return undefined;
  const m = /(?:^|[^\w$.])(?:self|this)\s*\.\s*([A-Za-z_$][\w$]*)\s*\(/.exec(rhs);
  return m && helpers.methods.includes(m[1]) ? m[1] : undefined;
}

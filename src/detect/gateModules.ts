// Gates computed by objects a cell holds: `self.forget_gate = ForgetGate(...)` (a class of the
// file or an imported one), called as `self.forget_gate(x, h)` or `self.forget_gate.forward(x, h)`.
// The call is the gate; the gate class is part of the cell, not a cell of its own.
import { parseDefs } from './defs';
import { descendants, type ScanUnit } from './scan';
import type { GateName } from './types';
import { classify, GRU_NAMES, hasActivation, LSTM_NAMES, roleName, SIGMOID_LIKE, TANH_LIKE } from './vocab';

export interface GateModule {
  /** Every role the member's name can mean (`input_gate` is an LSTM's i and a GRU's z). */
  gates: GateName[];
  /** The return line of the gate class's forward when the class is in this file. */
  lines: number[];
  /** The class instantiated, when it is defined in this file. */
  className?: string;
}

/** Methods that compute a module's output when it is called. */
const CALL_METHOD = /^(?:forward|__call__|call)$/;
/** Classes that are weights, not gates: a linear layer named `input_gate` is a pre-activation. */
const LAYER_CLASS = /^(?:Linear|LazyLinear|Dense|Conv\w*|Parameter|Embedding|Bilinear|LSTM\w*|GRU\w*|RNN\w*|Dropout\w*|LayerNorm\w*|BatchNorm\w*)$/;
/** `self.forget_gate = ForgetGate(input_dim, hidden_dim)`, `this.inputGate = new InputGate()`. */
const MEMBER_OBJECT = /^\s*(?:self|this)\s*\.\s*([A-Za-z_$][\w$]*)\s*=\s*(?:new\s+)?((?:[A-Za-z_$][\w$]*\s*\.\s*)*)([A-Z][\w$]*)\s*\(/;

const GATE_ROLES: GateName[] = ['i', 'f', 'g', 'o', 'r', 'z', 'n'];

/** The gate roles a member's name says: `forget_gate`, `update_gate`, `input_node` (d2l's candidate). */
export function gateRolesOfName(raw: string): GateName[] {
  const name = roleName(raw.replace(/^_+/, '')).replace(/_(?:output|out|value|val|result|layer|module|unit|memory|vector)$/, '');
  const roles = [classify(name, LSTM_NAMES, false), classify(name, GRU_NAMES, false)];
  return [...new Set(roles.filter((r): r is GateName => r !== undefined && GATE_ROLES.includes(r)))];
}

/** The return line(s) of a class's forward when it returns an activation; undefined when it computes none. */
function activatedReturn(cls: ScanUnit, lineOf: (o: number) => number): number[] | undefined {
  const method = cls.children.find((u) => u.type === 'function' && CALL_METHOD.test(u.name));
  if (!method || !method.stmts.some((s) => hasActivation(s.text))) return undefined;
  return parseDefs(method.stmts, lineOf).find((d) => d.key === '<return>')?.lines ?? [];
}

/** A class whose forward returns a tanh-like activation (a candidate's computation). */
function squashes(cls: ScanUnit): boolean {
  const method = cls.children.find((u) => u.type === 'function' && CALL_METHOD.test(u.name));
  const ret = method?.stmts.find((s) => /^\s*return\b/.test(s.text));
  return ret !== undefined && TANH_LIKE.test(ret.text) && !SIGMOID_LIKE.test(ret.text);
}

/**
 * The members of `cls` holding a gate object: named as a gate, made by a class that is no layer,
 * and, when that class is in this file, whose forward applies an activation.
 */
export function memberGateModules(cls: ScanUnit, fileClasses: ScanUnit[], lineOf: (o: number) => number): Map<string, GateModule> {
  const found = new Map<string, GateModule>();
  const unnamed = new Set<string>();
  for (const s of [cls, ...descendants(cls)].flatMap((u) => u.stmts)) {
    const m = MEMBER_OBJECT.exec(s.text);
    if (!m || LAYER_CLASS.test(m[3])) continue;
    // The member's name, else the class's (`self.candiate_hidden_state = CandidateHiddenState(...)`).
    const named = gateRolesOfName(m[1]).length ? gateRolesOfName(m[1]) : gateRolesOfName(m[3]);
    const local = fileClasses.find((c) => c.name === m[3] && c !== cls);
    // Under a name that says nothing (`self.cell_input = SquashUnit(...)`), a class of the file returning a
    // tanh-like activation is the candidate, when the holder holds named gates too (checked below).
    const gates = named.length ? named : local && squashes(local) ? (['g', 'n'] as GateName[]) : [];
    if (!gates.length) continue;
    if (!named.length) unnamed.add(m[1]);
    if (!local) {
      // An imported class (`from gates import ForgetGate`); a library's (`nn.Sequential(...)`) only with an activation in it.
      if (!m[2] || /\b(?:Sigmoid|Tanh|Hardsigmoid|sigmoid|tanh)\b/.test(s.text)) found.set(m[1], { gates, lines: [] });
      continue;
    }
    const lines = activatedReturn(local, lineOf);
    if (lines) found.set(m[1], { gates, lines, className: local.name });
  }
  if (found.size - unnamed.size < 2) for (const member of unnamed) found.delete(member);
  // A class serving several gates (one `SigmoidGate` for i, f and o): its return line is no one gate's.
  for (const module of found.values()) if ([...found.values()].filter((other) => other.className === module.className).length > 1) module.lines = [];
  return found;
}

// Gates made by a class of the file (`self.input_gate = Gate(n_in, n_hid, torch.sigmoid)`, whose
// forward is `activation(W(x) + U(h))`): calling such an attribute computes that gate, and the
// class itself is a part of the cell that uses it, not a cell (it looks like an RNN step).
import type { ScanUnit } from './scan';
import type { GateName } from './types';
import { classify, GRU_NAMES, LSTM_NAMES, roleName } from './vocab';

const GATE_ROLES: GateName[] = ['i', 'f', 'g', 'o', 'r', 'z', 'n'];

export interface GateComponents {
  /** Attributes holding a gate made by a class of the file: calling one is an activated product. */
  attributes: string[];
  /** The classes those gates are made by. */
  classes: Set<string>;
}

export function gateComponents(module: ScanUnit, units: ScanUnit[]): GateComponents {
  const found: GateComponents = { attributes: [], classes: new Set() };
  const classNames = module.children.filter((u) => u.type === 'class').map((u) => u.name);
  if (!classNames.length) return found;
  const made = new RegExp(`^\\s*(?:(?:self|this)\\s*\\.\\s*)?([A-Za-z_$][\\w$]*)\\s*=\\s*(?:new\\s+)?(${classNames.map((n) => n.replace(/\$/g, '\\$')).join('|')})\\s*\\(`);
  for (const u of units) {
    for (const s of u.stmts) {
      const m = made.exec(s.text);
      if (!m) continue;
      const name = roleName(m[1]);
      const role = classify(name, LSTM_NAMES, false) ?? classify(name, GRU_NAMES, false);
      if (!role || !GATE_ROLES.includes(role)) continue;
      found.attributes.push(m[1]);
      found.classes.add(m[2]);
    }
  }
  return found;
}

// Gates computed by objects the cell holds: `self.forget_gate = ForgetGate(...)` (a class of the file
// whose forward returns `self.sigmoid(x @ W + h @ U + b)`, or one imported from another file),
// called as `self.forget_gate(x, h)` or `self.forget_gate.forward(x, h)`.
// - A class of the file whose forward returns one activation call is such a component: calls of
//   the attributes holding one are rewritten, in place and at the same length, as that activation
//   (`self.input_node(` → `            tanh(`), so the analysis sees an activated value.
// - An attribute named as a gate (`update_gate`, `forget_gate`) holding any other object that is
//   not a plain layer computes that gate: calling it is an activated product.
// - A component class is part of the cell that holds it, not a cell of its own (it looks like an
//   RNN step): the caller drops it when the holder is a gated cell.
import type { ScanUnit } from './scan';
import type { GateName } from './types';
import { classify, GRU_NAMES, LSTM_NAMES, roleName, RNN_ACTIVATION, SIGMOID_LIKE, TANH_LIKE } from './vocab';
import { matchBracket } from './text';

const GATE_ROLES: GateName[] = ['i', 'f', 'g', 'o', 'r', 'z', 'n'];
/** Plain layers (a product, no activation): `nn.Linear`, `Dense`, `Conv2d`, a recurrent layer. */
const PLAIN_LAYER = /^(?:Linear|LazyLinear|Dense|Conv\w*|Embedding|LayerNorm|BatchNorm\w*|Dropout|Parameter|LSTM\w*|GRU\w*|RNN\w*)$/;

export interface GateComponents {
  /** Attributes named as a gate holding an object: calling one is an activated product. */
  attributes: string[];
  /** Component class → the classes holding one. */
  holders: Map<string, Set<string>>;
}

/** The activation a forward-like method returns as a whole (`return self.sigmoid(...)`), as a short call name. */
function returnedActivation(cls: ScanUnit): 'sig' | 'tanh' | 'relu' | undefined {
  for (const method of cls.children) {
    if (!/^(?:forward|__call__|call)$/.test(method.name)) continue;
    const ret = method.stmts.find((s) => /^\s*return\b/.test(s.text));
    const rhs =
      ret?.text
        .trim()
        .replace(/^return\s*/, '')
        .replace(/;$/, '') ?? '';
    const head = /^(?:[A-Za-z_$][\w$]*\s*\.\s*)*[A-Za-z_$][\w$]*\s*\(/.exec(rhs);
    if (!head || matchBracket(rhs, head[0].length - 1) !== rhs.length - 1) continue;
    const call = ` ${head[0]}`;
    if (SIGMOID_LIKE.test(call)) return 'sig';
    if (TANH_LIKE.test(call)) return 'tanh';
    if (RNN_ACTIVATION.test(call)) return 'relu';
  }
  return undefined;
}

/** Finds the components and rewrites the calls of those made by classes of the file. */
export function gateComponents(module: ScanUnit, units: ScanUnit[]): GateComponents {
  const found: GateComponents = { attributes: [], holders: new Map() };
  const activations = new Map<string, string>();
  for (const cls of module.children) {
    const act = cls.type === 'class' ? returnedActivation(cls) : undefined;
    if (act) activations.set(cls.name, act);
  }
  const made = /^\s*(?:(?:self|this)\s*\.\s*)([A-Za-z_$][\w$]*)\s*=\s*(?:new\s+)?(?:[A-Za-z_$][\w$]*\s*\.\s*)*([A-Z][\w$]*)\s*\(/;
  const rewrites = new Map<string, string>();
  for (const u of units) {
    for (const s of u.stmts) {
      const m = made.exec(s.text);
      if (!m) continue;
      const [, attribute, cls] = m;
      const holder = u.type === 'class' ? u : u.parent;
      const act = activations.get(cls);
      if (act) {
        rewrites.set(attribute, act);
        if (holder) found.holders.set(cls, new Set([...(found.holders.get(cls) ?? []), holder.name]));
        continue;
      }
      const name = roleName(attribute);
      const role = classify(name, LSTM_NAMES, false) ?? classify(name, GRU_NAMES, false);
      const plain = PLAIN_LAYER.test(cls) || (cls === 'Sequential' && !/Sigmoid|Tanh|ReLU/.test(s.text));
      if (role && GATE_ROLES.includes(role) && !plain) found.attributes.push(attribute);
    }
  }
  if (rewrites.size) rewriteCalls(units, rewrites);
  return found;
}

/** `self.input_node(` / `self.input_node.forward(` → the same length ending in `tanh(`. */
function rewriteCalls(units: ScanUnit[], rewrites: Map<string, string>): void {
  const names = [...rewrites.keys()].map((n) => n.replace(/\$/g, '\\$')).join('|');
  const call = new RegExp(`\\b(?:self|this)[ \\t]*\\.[ \\t]*(${names})[ \\t]*(?:\\.[ \\t]*(?:forward|call)[ \\t]*)?\\(`, 'g');
  for (const u of units) {
    for (const s of u.stmts) {
      s.text = s.text.replace(call, (whole: string, attribute: string) => {
        const act = `${rewrites.get(attribute)}(`;
        return whole.length >= act.length ? ' '.repeat(whole.length - act.length) + act : whole;
      });
    }
  }
}

// Assignment analysis over one function's statements: which variable is which gate, and
// which lines compute it. Roles come from names (i_t, forgetgate, c_tilde, hy, …) and are
// only accepted when the right-hand side looks like the computation (an activation, a
// product with the weights, a split of a fused product, a state update from the gates).
import { matchBracket, splitTopLevel, type Param, type Stmt } from './scan';
import type { DetectedKind, GateName } from './types';

export interface Def {
  /** Reference key: `x`, `self.c` (self/this attributes), `lstm.b_f.data`, '<return>'. */
  key: string;
  /** Name used for roles: snake_case, lower case, without self./this.; '' for dotted paths. */
  name: string;
  order: number;
  stmt: Stmt;
  rhs: string;
  /** Where rhs starts in stmt.text. */
  rhsOffset: number;
  /** Lines of this target's computation: its tuple element, or the whole statement. */
  lines: number[];
  refs: string[];
  targetSubscripted: boolean;
  /** How many targets the statement assigns, and this one's position. */
  targetCount: number;
  targetIndex: number;
  elementwise: boolean;
}

export interface UnitAnalysis {
  kind: DetectedKind;
  gates: Map<GateName, Set<number>>;
  optionalForgetGate: boolean;
}

// ───────────────────────── vocabularies ─────────────────────────

const LSTM_NAMES: Record<'i' | 'f' | 'g' | 'o' | 'c' | 'h', string[]> = {
  i: ['i', 'it', 'i_t', 'ingate', 'in_gate', 'input_gate', 'inputgate', 'igate', 'i_gate', 'gate_i', 'i_g'],
  f: ['f', 'ft', 'f_t', 'forgetgate', 'forget_gate', 'fgate', 'f_gate', 'gate_f', 'f_g', 'forget'],
  g: ['g', 'gt', 'g_t', 'j', 'new_input', 'cellgate', 'cell_gate', 'c_tilde', 'c_hat', 'c_bar', 'ctilde', 'chat', 'c_tilda', 'candidate', 'cand', 'c_cand', 'c_candidate', 'candidate_cell', 'cell_candidate', 'g_gate', 'gate_g', 'c_in', 'c_prime'],
  o: ['o', 'ot', 'o_t', 'outgate', 'out_gate', 'output_gate', 'outputgate', 'ogate', 'o_gate', 'gate_o', 'o_g'],
  c: ['c', 'ct', 'c_t', 'cy', 'cx', 'c_next', 'next_c', 'c_new', 'new_c', 'cell', 'cell_state', 'c1', 'c_out', 'state_c', 'c_state', 'memory', 'cs'],
  h: ['h', 'ht', 'h_t', 'hy', 'hx', 'h_next', 'next_h', 'h_new', 'new_h', 'hidden', 'hidden_state', 'h1', 'h_out', 'state_h', 'h_state', 'hs'],
};

const GRU_NAMES: Record<'r' | 'z' | 'n' | 'h', string[]> = {
  r: ['r', 'rt', 'r_t', 'resetgate', 'reset_gate', 'reset', 'r_gate', 'gate_r'],
  z: ['z', 'zt', 'z_t', 'updategate', 'update_gate', 'update', 'u', 'ut', 'u_t', 'inputgate', 'input_gate', 'z_gate', 'gate_z'],
  n: ['n', 'nt', 'n_t', 'newgate', 'new_gate', 'hh', 'h_tilde', 'h_hat', 'h_bar', 'htilde', 'hhat', 'h_tilda', 'candidate', 'cand', 'h_candidate', 'h_cand', 'n_gate', 'gate_n'],
  h: LSTM_NAMES.h,
};

const LSTM_SUFFIXES: Record<string, 'i' | 'f' | 'g' | 'o'> = { i: 'i', f: 'f', g: 'g', c: 'g', o: 'o' };
const GRU_SUFFIXES: Record<string, 'r' | 'z' | 'n'> = { r: 'r', z: 'z', u: 'z', i: 'z', n: 'n', h: 'n' };

/** Names a previous hidden state goes by (parameters of a step function). */
const PREVIOUS_HIDDEN = /^(?:h|hx|h_?\d|h_?prev|prev_?h|h_?tm1|h_?t_?1|h_?t|ht|hidden|hidden_?state|state|hs|h_?last|last_?h|h_?old|old_?h|s|s_?prev|prev_?s)$/;

/** Other names a recurrent cell's new state is assigned to (Keras: `output = activation(output)`). */
const RNN_OUTPUT = /^(?:output|out|new_?state|next_?state|state_?new|h_?new)$/;
/** A name that says "the previous state": prev_output, hTMinus1, h_prev, h0. */
const EXPLICITLY_PREVIOUS = /^(?=.*(?:^|_)(?:h|hidden|state|output|out|s)(?:_|$|\d))(?:.*(?:^|_)(?:prev|previous|last|old|tm1)(?:_|$)|.*minus_?1$|h_?0$)/;

export function roleName(raw: string): string {
  return raw
    .replace(/^(?:self|this)\./, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

function classify<K extends string>(name: string, vocab: Record<K, string[]>, subscripted: boolean): K | undefined {
  if (!name) return undefined;
  for (const role of Object.keys(vocab) as K[]) {
    if (name === 'hs' && !subscripted) continue; // HS is the notebook's hidden size
    if (vocab[role].includes(name)) return role;
  }
  return undefined;
}

// ───────────────────────── expression tests ─────────────────────────

const ACTIVATION = /(?:^|[^\w$])(?:sigmoid_?|sigm|sig|tanh_?|hard_?sigmoid|hardSigmoid|σ|expit|logistic|softsign|\w*[aA]ctivation\w*)\s*(?:\(|\.\s*(?:apply|call)\s*\()|\bexp\s*\(\s*-/;
const SIGMOID_LIKE = /(?:^|[^\w$])(?:sigmoid_?|sigm|sig|hard_?sigmoid|hardSigmoid|σ|expit|logistic|\w*recurrent_?[aA]ctivation)\s*(?:\(|\.\s*(?:apply|call)\s*\()/;
const TANH_LIKE = /(?:^|[^\w$])(?:tanh_?|softsign|activation)\s*(?:\(|\.\s*(?:apply|call)\s*\()/;
const SHAPE_QUERY = /\.\s*(?:shape|size|rank|dtype|ndim|length)\b|\b(?:len|size|shape)\s*\(/;
const RNN_ACTIVATION = new RegExp(`${ACTIVATION.source}|(?:^|[^\\w$])relu_?\\s*\\(|\\bmaximum\\s*\\(\\s*0(?:\\.0*)?\\s*,`);
const MATMUL = /@(?!=)|(?:^|[^\w$])(?:matmul|matMul|mm|bmm|addmm|dot|linear|einsum|dense|matvec|matVec|mat_vec|gemv|gemm|conv(?:[123][dD])?(?:_?[tT]ranspose)?|[a-z]\w*Conv(?:[123][dD])?(?:_?[tT]ranspose)?)(?:\$\d+)?\s*\(/g;
const SPLIT = /(?:^|[^\w$])(?:chunk|split|unbind|hsplit|vsplit|tensor_split|unstack|narrow|slice)\s*\(|\[[^\]]*:[^\]]*\]/;
const CONCAT = /(?:^|[^\w$])(?:cat|concat|concatenate|hstack|vstack|stack)\s*\(/;

export function hasActivation(text: string): boolean {
  return ACTIVATION.test(text);
}

// ───────────────────────── definitions ─────────────────────────

function refKey(raw: string): string {
  return raw.replace(/^this\s*\.\s*/, 'self.').replace(/^self\s*\.\s*/, 'self.');
}

function extractRefs(text: string): string[] {
  const refs: string[] = [];
  const re = /(?:\b(?:self|this)\s*\.\s*)?[A-Za-z_$][\w$]*/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const before = text.slice(0, m.index).trimEnd();
    if (before.endsWith('.') || /\d$/.test(text.slice(0, m.index))) continue;
    refs.push(refKey(m[0].replace(/\s+/g, '')));
  }
  return refs;
}

function linesOf(stmt: Stmt, from: number, to: number, lineOf: (o: number) => number): number[] {
  const segment = stmt.text.slice(from, to);
  const lead = segment.length - segment.trimStart().length;
  const trail = segment.trimEnd().length;
  if (trail <= lead) return [];
  const a = lineOf(stmt.offset + from + lead);
  const b = lineOf(stmt.offset + from + trail - 1);
  const lines: number[] = [];
  for (let l = a; l <= b; l++) lines.push(l);
  return lines;
}

/** Index of the assignment '=' at depth 0 (not ==, <=, >=, !=, =>), with whether it is augmented. */
function assignmentAt(text: string): { at: number; width: number; augmented: boolean } | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
    else if (ch === '=' && depth === 0) {
      const prev = text[i - 1] ?? '';
      const next = text[i + 1] ?? '';
      if (next === '=' || next === '>') {
        i++;
        continue;
      }
      if ('=!<>:'.includes(prev) && !(prev === '>' && text[i - 2] === '>') && !(prev === '<' && text[i - 2] === '<')) continue;
      const op = /(?:\*\*|\/\/|>>|<<|[-+*/%@&|^])$/.exec(text.slice(0, i));
      if (op) return { at: i - op[0].length, width: op[0].length + 1, augmented: true };
      return { at: i, width: 1, augmented: false };
    }
  }
  return undefined;
}

function unwrap(text: string): { text: string; offset: number } {
  const lead = text.length - text.trimStart().length;
  const t = text.trim();
  if ((t.startsWith('(') || t.startsWith('[')) && matchBracket(t, 0) === t.length - 1) return { text: t.slice(1, -1), offset: lead + 1 };
  return { text, offset: 0 };
}

export function parseDefs(stmts: Stmt[], lineOf: (o: number) => number): Def[] {
  const defs: Def[] = [];
  stmts.forEach((stmt, order) => {
    let text = stmt.text;
    const decl = /^\s*(?:export\s+)?(?:const|let|var)\s+/.exec(text);
    if (decl) text = ' '.repeat(decl[0].length) + text.slice(decl[0].length);
    const ret = /^\s*return\b/.exec(text);
    if (ret) {
      const rhs = text.slice(ret[0].length);
      if (!rhs.trim() || splitTopLevel(rhs).filter((p) => p.text.trim()).length > 1) return;
      defs.push({ key: '<return>', name: '<return>', order, stmt, rhs, rhsOffset: ret[0].length, lines: linesOf(stmt, 0, text.length, lineOf), refs: extractRefs(rhs), targetSubscripted: false, targetCount: 1, targetIndex: 0, elementwise: false });
      return;
    }
    const assign = assignmentAt(text);
    if (!assign) return;
    let lhs = text.slice(0, assign.at);
    const rhsStart = assign.at + assign.width;
    const rhs = text.slice(rhsStart);
    // Type annotations: `i: tf.Tensor = ...`, `[h, c]: [T, T] = ...`.
    const colon = splitTopLevel(lhs, ':');
    if (colon.length > 1) lhs = colon[0].text;
    const targets = splitTopLevel(unwrap(lhs).text).map((p) => p.text.trim()).filter(Boolean);
    if (!targets.length) return;
    let elements: { text: string; offset: number }[] | undefined;
    if (targets.length > 1) {
      const inner = unwrap(rhs);
      const parts = splitTopLevel(inner.text).filter((p, k, all) => p.text.trim() || k < all.length - 1);
      if (parts.length === targets.length) elements = parts.map((p) => ({ text: p.text, offset: rhsStart + inner.offset + p.offset }));
    }
    targets.forEach((target, targetIndex) => {
      const m = /^(?:\.\.\.)?\s*((?:(?:self|this)\s*\.\s*)?[A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*)\s*(\[[\s\S]*\])?$/.exec(target);
      if (!m) return;
      const key = refKey(m[1].replace(/\s+/g, ''));
      const dotted = key.replace(/^self\./, '').includes('.');
      const element = elements?.[targetIndex];
      const elementText = element ? element.text : rhs;
      const refs = extractRefs(elementText);
      if (assign.augmented || m[2]) refs.push(key);
      defs.push({
        key,
        name: dotted ? '' : roleName(key),
        order,
        stmt,
        rhs: elementText,
        rhsOffset: element ? element.offset : rhsStart,
        lines: element ? linesOf(stmt, element.offset, element.offset + element.text.length, lineOf) : linesOf(stmt, 0, stmt.text.length, lineOf),
        refs,
        targetSubscripted: Boolean(m[2]),
        targetCount: targets.length,
        targetIndex,
        elementwise: Boolean(element),
      });
    });
  });
  return defs;
}

// ───────────────────────── analysis ─────────────────────────

class Flow {
  private byKey = new Map<string, Def[]>();
  private preactMemo = new Map<Def, boolean>();
  constructor(
    readonly defs: Def[],
    readonly params: Param[],
    private readonly linearModules: RegExp | undefined,
    readonly lineOf: (offset: number) => number,
  ) {
    for (const d of defs) {
      const list = this.byKey.get(d.key) ?? [];
      list.push(d);
      this.byKey.set(d.key, list);
    }
  }
  /** The last definition of `key` in a statement before `order` (textual order: loops carry the previous one). */
  reaching(key: string, order: number): Def | undefined {
    const list = this.byKey.get(key);
    if (!list) return undefined;
    let found: Def | undefined;
    for (const d of list) if (d.order < order) found = d;
    return found;
  }
  definitionsOf(key: string): Def[] {
    return this.byKey.get(key) ?? [];
  }
  matmulCount(text: string): number {
    let n = (text.match(MATMUL) ?? []).length;
    if (this.linearModules) n += (text.match(this.linearModules) ?? []).length;
    return n;
  }
  /** A pre-activation: a product with weights (or a split/sum of such) not yet through an activation. */
  preact(d: Def, visiting = new Set<Def>()): boolean {
    const memo = this.preactMemo.get(d);
    if (memo !== undefined) return memo;
    if (visiting.has(d)) return false;
    visiting.add(d);
    let result = false;
    if (!hasActivation(d.rhs)) {
      const products = this.matmulCount(d.rhs);
      // `B = res.shape[0]`, `H = len(h)`: sizes read off a product are not part of it.
      const sizeOnly = SHAPE_QUERY.test(d.rhs) && !SPLIT.test(d.rhs);
      result = products > 0 || (!sizeOnly && d.refs.some((r) => {
        const src = this.reaching(r, d.order);
        return src !== undefined && src !== d && this.preact(src, visiting);
      }));
    }
    this.preactMemo.set(d, result);
    return result;
  }
  isParam(key: string): boolean {
    return this.params.some((p) => p.name === key);
  }
}

type Roles = Map<Def, GateName>;

/** A gate definition is believed when its right-hand side computes something gate-like. */
function gateLike(flow: Flow, d: Def, roles: Roles, role: GateName): boolean {
  if (hasActivation(d.rhs) || flow.matmulCount(d.rhs) > 0) return true;
  if (SPLIT.test(d.rhs) && d.refs.some((r) => flow.reaching(r, d.order))) return true;
  if (SPLIT.test(d.rhs) && d.targetCount >= 3) return true;
  return d.refs.some((r) => {
    const src = flow.reaching(r, d.order);
    return src !== undefined && (flow.preact(src) || roles.get(src) === role);
  });
}

function refsRole(flow: Flow, d: Def, roles: Roles, wanted: GateName[]): boolean {
  return d.refs.some((r) => {
    const src = flow.reaching(r, d.order);
    const role = src && roles.get(src);
    return role !== undefined && wanted.includes(role);
  });
}

/** The gate a split output's name points at by its last letter: zi, x_z, i_r, recurrentZ. */
function suffixRole<K extends GateName>(name: string, suffixes: Record<string, K>): K | undefined {
  const tokens = name.split('_').filter(Boolean);
  const last = tokens[tokens.length - 1] ?? '';
  if (tokens.length > 1 && last.length === 1) return suffixes[last];
  if (tokens.length === 1 && last.length === 2) return suffixes[last[1]];
  return undefined;
}

function assignGates<K extends GateName>(flow: Flow, vocab: Record<string, string[]>, gateRoles: K[], positional: K[], suffixes: Record<string, K>): Roles {
  const roles: Roles = new Map();
  for (const d of flow.defs) {
    const role = classify(d.name, vocab, d.targetSubscripted) as K | undefined;
    if (role && gateRoles.includes(role) && gateLike(flow, d, roles, role)) roles.set(d, role);
  }
  // `a, b, c, d = gates.chunk(4, 1)` with names that say nothing: the framework's order.
  const byStmt = new Map<number, Def[]>();
  for (const d of flow.defs) if (d.targetCount === positional.length && !d.elementwise && SPLIT.test(d.rhs)) byStmt.set(d.order, [...(byStmt.get(d.order) ?? []), d]);
  for (const group of byStmt.values()) {
    if (group.length !== positional.length || group.some((d) => roles.has(d))) continue;
    const source = group[0].refs.map((r) => flow.reaching(r, group[0].order)).find((s) => s && flow.preact(s));
    if (!source) continue;
    // Names ending in a gate letter say the order (Keras' GRU is z, r, h); otherwise the framework's order.
    const hinted = group.map((d) => suffixRole(d.name, suffixes));
    const byHint = hinted.every((r) => r !== undefined) && new Set(hinted).size === group.length;
    group.forEach((d, k) => roles.set(d, byHint ? hinted[k]! : positional[k]));
    // Later `a = sigmoid(a)` lines keep the role.
    for (const d of flow.defs) {
      if (roles.has(d) || d.order <= group[0].order) continue;
      const same = d.refs.map((r) => flow.reaching(r, d.order)).find((s) => s && group.includes(s));
      if (same && group.some((g) => g.key === d.key)) roles.set(d, roles.get(same)!);
    }
  }
  return roles;
}

function collectLines(flow: Flow, roles: Roles, gate: GateName): Set<number> {
  const lines = new Set<number>();
  const seen = new Set<Def>();
  const visit = (d: Def) => {
    if (seen.has(d)) return;
    seen.add(d);
    d.lines.forEach((l) => lines.add(l));
    for (const r of d.refs) {
      const src = flow.reaching(r, d.order);
      if (!src || src === d) continue;
      const role = roles.get(src);
      if (role === gate) visit(src);
      else if (role === undefined && flow.preact(src)) visit(src);
    }
  };
  for (const [d, role] of roles) if (role === gate) visit(d);
  return lines;
}

function gatesOf(flow: Flow, roles: Roles, names: GateName[], inline: { gates: GateName[]; into: GateName[] } = { gates: [], into: [] }): Map<GateName, Set<number>> {
  const gates = new Map<GateName, Set<number>>();
  for (const g of names) {
    const lines = collectLines(flow, roles, g);
    // A gate whose activation is written inside the state update (`c = sigmoid(f) * c + ...`,
    // `c = f * c + i * tanh(z2)`): the update line computes that gate too.
    const own = [...roles].filter(([, r]) => r === g).map(([d]) => d);
    if (inline.gates.includes(g) && own.length && !own.some((d) => hasActivation(d.rhs))) {
      for (const [d, r] of roles) if (inline.into.includes(r) && d.refs.some((ref) => own.includes(flow.reaching(ref, d.order)!))) d.lines.forEach((l) => lines.add(l));
    }
    if (lines.size) gates.set(g, lines);
  }
  return gates;
}

const mentionsForgetFlag = (text: string): boolean => /forget/i.test(text);

function analyseLstm(flow: Flow): UnitAnalysis | undefined {
  const roles = assignGates(flow, LSTM_NAMES, ['i', 'f', 'g', 'o'], ['i', 'f', 'g', 'o'], LSTM_SUFFIXES);
  const cDefs: Def[] = [];
  for (const d of flow.defs) {
    if (classify(d.name, LSTM_NAMES, d.targetSubscripted) === 'c' && refsRole(flow, d, roles, ['i', 'f', 'g'])) {
      roles.set(d, 'c');
      cDefs.push(d);
    }
  }
  for (const d of flow.defs) {
    const isH = classify(d.name, LSTM_NAMES, d.targetSubscripted) === 'h';
    if ((isH && refsRole(flow, d, roles, ['o', 'c'])) || (d.key === '<return>' && refsRole(flow, d, roles, ['o']))) roles.set(d, 'h');
  }
  const present = new Set(roles.values());
  if (!cDefs.length || !(present.has('i') || present.has('g'))) return undefined;
  const cWithForget = cDefs.filter((d) => refsRole(flow, d, roles, ['f']));
  // `c = forgetGate ? sigmoid(gate('f')) * c + i*g : c + i*g`: a forget gate computed inline, behind a flag.
  const forgetFlag = (d: Def) => d.stmt.conditions.some(mentionsForgetFlag) || /forget\w*\s*\?|\bif\s+[\w.]*forget/i.test(d.rhs);
  const hasForget = present.has('f') || cWithForget.length > 0 || cDefs.some(forgetFlag);
  const forgetDefs = [...roles].filter(([, r]) => r === 'f').map(([d]) => d);
  const optionalForgetGate =
    hasForget &&
    ((cWithForget.length > 0 && cWithForget.length < cDefs.length) ||
      [...forgetDefs, ...cDefs].some(forgetFlag));
  const gates = gatesOf(flow, roles, ['i', 'f', 'g', 'o', 'c', 'h'], { gates: ['i', 'f', 'g', 'o'], into: ['c', 'h'] });
  // Gates with no variable of their own, computed inside an update: the forget gate
  // (`c = flag ? sigmoid(gate('f')) * c + i*g : ...`) and the candidate (Keras'
  // `c = f * c + i * activation(...)`) inside c, the output gate inside h. Their lines are
  // the update's lines where a sigmoid-like (f, o) or tanh-like (g) activation is applied.
  const hDefs = [...roles].filter(([, r]) => r === 'h').map(([d]) => d);
  const activationLines = (defs: Def[], pattern: RegExp): Set<number> => {
    const lines = new Set<number>();
    for (const d of defs) {
      const re = new RegExp(pattern.source, 'g');
      let m: RegExpExecArray | null;
      while ((m = re.exec(d.rhs))) lines.add(flow.lineOf(d.stmt.offset + d.rhsOffset + m.index + m[0].length - 1));
    }
    return lines;
  };
  const fill = (gate: GateName, defs: Def[], pattern: RegExp) => {
    const lines = gates.has(gate) ? undefined : activationLines(defs, pattern);
    if (lines?.size) gates.set(gate, lines);
  };
  if (hasForget) fill('f', cDefs, SIGMOID_LIKE);
  fill('g', cDefs, TANH_LIKE);
  fill('o', hDefs, SIGMOID_LIKE);
  return { kind: hasForget ? 'lstm' : 'lstm-no-forget', gates, optionalForgetGate };
}

function analyseGru(flow: Flow): UnitAnalysis | undefined {
  const roles = assignGates(flow, GRU_NAMES, ['r', 'z', 'n'], ['r', 'z', 'n'], GRU_SUFFIXES);
  for (const d of flow.defs) {
    const isH = classify(d.name, GRU_NAMES, d.targetSubscripted) === 'h' || d.key === '<return>';
    if (isH && refsRole(flow, d, roles, ['z'])) roles.set(d, 'h');
  }
  const present = new Set(roles.values());
  if (!(present.has('r') && present.has('z') && (present.has('n') || present.has('h')))) return undefined;
  return { kind: 'gru', gates: gatesOf(flow, roles, ['r', 'z', 'n', 'h'], { gates: ['r', 'z', 'n'], into: ['n', 'h'] }), optionalForgetGate: false };
}

function analyseRnn(flow: Flow): UnitAnalysis | undefined {
  const roles: Roles = new Map();
  for (const d of flow.defs) {
    const isH = d.key === '<return>' || classify(d.name, LSTM_NAMES, d.targetSubscripted) === 'h' || PREVIOUS_HIDDEN.test(d.name) || RNN_OUTPUT.test(d.name);
    if (!isH || !RNN_ACTIVATION.test(d.rhs)) continue;
    // Everything the new state is computed from, through pre-activations.
    const closure: Def[] = [];
    const refs = new Set(d.refs);
    const stack: [string, number][] = d.refs.map((r) => [r, d.order]);
    while (stack.length) {
      const [r, order] = stack.pop()!;
      const src = flow.reaching(r, order);
      if (src && src !== d && !closure.includes(src) && (flow.preact(src) || CONCAT.test(src.rhs))) {
        closure.push(src);
        for (const rr of src.refs) {
          refs.add(rr);
          stack.push([rr, src.order]);
        }
      }
    }
    const texts = [d.rhs, ...closure.map((c) => c.rhs)].join('\n');
    const products = flow.matmulCount(texts);
    if (products === 0 || (products < 2 && !CONCAT.test(texts))) continue;
    const previousHidden = [...refs].some((r) => {
      const name = roleName(r);
      if (EXPLICITLY_PREVIOUS.test(name)) return true;
      if (!PREVIOUS_HIDDEN.test(name) && classify(name, LSTM_NAMES, true) !== 'h') return false;
      if (flow.isParam(r)) return true;
      if (r === d.key && (d.stmt.inLoop || d.targetSubscripted)) return true;
      // Carried round a loop: reassigned later in the loop body.
      return d.stmt.inLoop && flow.definitionsOf(r).some((o) => o.order > d.order && o.stmt.inLoop);
    });
    if (previousHidden) roles.set(d, 'h');
  }
  if (!roles.size) return undefined;
  return { kind: 'rnn', gates: gatesOf(flow, roles, ['h']), optionalForgetGate: false };
}

/** Gate-named activations without a recognisable state update: something recurrent, not classified. */
function analyseUnknown(flow: Flow): UnitAnalysis | undefined {
  const roles = assignGates(flow, LSTM_NAMES, ['i', 'f', 'g', 'o'], ['i', 'f', 'g', 'o'], LSTM_SUFFIXES);
  const activated = new Set([...roles].filter(([d]) => hasActivation(d.rhs)).map(([, r]) => r));
  if (activated.size < 3) return undefined;
  return { kind: 'unknown', gates: gatesOf(flow, roles, ['i', 'f', 'g', 'o']), optionalForgetGate: false };
}

export function analyseStatements(stmts: Stmt[], params: Param[], lineOf: (o: number) => number, linearModules: string[]): UnitAnalysis | undefined {
  const modules = linearModules.length ? new RegExp(`\\b(?:self|this)\\s*\\.\\s*(?:${linearModules.map((m) => m.replace(/[$]/g, '\\$')).join('|')})\\s*(?:\\.\\s*(?:apply|call|forward)\\s*)?\\(`, 'g') : undefined;
  const flow = new Flow(parseDefs(stmts, lineOf), params, modules, lineOf);
  return analyseLstm(flow) ?? analyseGru(flow) ?? analyseRnn(flow) ?? analyseUnknown(flow);
}

/** `self.X = nn.Linear(...)` / `this.X = tf.layers.dense(...)`: calling self.X is a product with weights. */
export function findLinearModules(stmts: Stmt[]): string[] {
  const names: string[] = [];
  for (const s of stmts) {
    const m = /^\s*(?:(?:self|this)\s*\.\s*)([A-Za-z_$][\w$]*)\s*=\s*(?:new\s+)?(?:[\w.]*\.)?(?:Linear|dense|Dense|LazyLinear)\s*\(/.exec(s.text);
    if (m) names.push(m[1]);
  }
  return names;
}

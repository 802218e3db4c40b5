// Activations under names of the file's own (OCRopus' `def ffunc(x): return 1.0/(1.0+exp(-x))`,
// `def gfunc(x): return tanh(x)`): calls of such a function are rewritten, in place and at the same
// length, as the activation it returns (`ffunc(` → `  sig(`), so the analysis sees them as one.
import { descendants, type ScanUnit } from './scan';
import { escapeRegExp, matchBracket } from './text';
import { ACTIVATION, hasActivation, MATMUL, SIGMOID_LIKE, SIGMOID_WRITTEN, TANH_LIKE } from './vocab';

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
    ? fn.stmts.map((s) => new RegExp(`^\\s*${escapeRegExp(returned)}\\s*\\[[^\\]]*\\]\\s*=\\s*([^=][\\s\\S]*)$`).exec(s.text)?.[1]).filter((r) => r !== undefined)
    : [];
  return activationOf(filled.length === 1 ? filled[0].trim().replace(/;$/, '') : returned) ?? mappedActivation(returned);
}

/**
 * `m.map(x => Math.tanh(x))`, `m.map((v) => 1 / (1 + Math.exp(-v)))`: an activation applied to each element of
 * the value handed in (a matrix class's own `map`), written as an arrow of one expression.
 */
function mappedActivation(returned: string): 'sig' | 'tanh' | undefined {
  // Also the activation passed by name (`v.map(Math.tanh)`).
  const named = /^[A-Za-z_$][\w$.]*\s*\.\s*map\s*\(\s*((?:[A-Za-z_$][\w$]*\s*\.\s*)*[A-Za-z_$][\w$]*)\s*\)$/.exec(returned);
  if (named) return activationOf(`${named[1]}(v)`);
  const m = /^[A-Za-z_$][\w$.]*\s*\.\s*map\s*\(\s*(?:([A-Za-z_$][\w$]*)|\(\s*([A-Za-z_$][\w$]*)\s*\))\s*=>\s*/.exec(returned);
  const open = m ? returned.indexOf('(', returned.search(/\.\s*map\s*\(/)) : -1;
  if (!m || matchBracket(returned, open) !== returned.length - 1) return undefined;
  const body = returned.slice(m[0].length, -1).trim();
  // The arrow's parameter is what is squashed, not something else of the scope.
  return new RegExp(`(?<![\\w$.])${escapeRegExp(m[1] ?? m[2])}(?![\\w$])`).test(body) ? activationOf(body) : undefined;
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

/** A parameter that hands a step its activation (`def __init__(self, ..., activation=T.tanh)`). */
const ACTIVATION_PARAM = /^(?:activation|act|nonlinearity|act_?fn|act_?func|activation_?fn|activation_?func(?:tion)?)$/;
/** A library activation named, not called (`T.nnet.sigmoid`, `np.tanh`). */
const ACTIVATION_REFERENCE = /^(?:[A-Za-z_$][\w$]*\s*\.\s*)*(sigmoid|tanh|relu)$/;

/**
 * `self.f = activation` (Theano tutorials), `self.act = T.nnet.sigmoid`: calls of that member are the
 * activation held (a bare parameter's is tanh-like, as Keras' `activation`).
 */
function memberActivations(units: ScanUnit[]): Map<string, 'sig' | 'tanh'> {
  const members = new Map<string, 'sig' | 'tanh'>();
  for (const u of units) {
    for (const s of u.stmts) {
      const m = /^\s*self\s*\.\s*([A-Za-z_]\w*)\s*=\s*([\w.\s]+?)\s*$/.exec(s.text);
      if (!m) continue;
      const named = ACTIVATION_REFERENCE.exec(m[2]);
      if (named) members.set(m[1], named[1] === 'sigmoid' ? 'sig' : 'tanh');
      else if (ACTIVATION_PARAM.test(m[2]) && u.params.some((p) => p.name === m[2])) members.set(m[1], 'tanh');
    }
  }
  return members;
}

/** Rewrites each call matched by `call` (its group 1 a key of `rewrites`) as that activation, at the same length. */
function rewriteCalls(units: ScanUnit[], call: RegExp, rewrites: Map<string, string>): void {
  for (const u of units) {
    for (const s of u.stmts) {
      s.text = s.text.replace(call, (whole: string, name: string) => {
        const act = rewrites.get(name)!;
        return ' '.repeat(whole.length - act.length) + act;
      });
    }
  }
}

const alternatives = (names: Iterable<string>) => [...names].map(escapeRegExp).join('|');

export function rewriteActivationFunctions(module: ScanUnit, units: ScanUnit[]): void {
  const rewrites = new Map<string, string>();
  for (const fn of module.children) {
    const act = returnedActivation(fn);
    if (act && fn.name.length + 1 >= act.length + 1) rewrites.set(fn.name, `${act}(`);
  }
  if (rewrites.size) rewriteCalls(units, new RegExp(`(?<![\\w$.])(${alternatives(rewrites.keys())})[ \\t]*\\(`, 'g'), rewrites);
  // A class's own activation methods (`_tanhM(m) { return m.map(x => Math.tanh(x)); }`), called as `this._tanhM(c)`
  // within that class: `this.` plus the name is always longer than the activation's name.
  for (const cls of module.children.filter((u) => u.type === 'class')) {
    const own = new Map<string, string>();
    for (const fn of cls.children) {
      // An activation of what it is handed, not a gate of the cell (`def forget_gate(self, z): return sigmoid(W @ z + b)`).
      if (fn.stmts.some((s) => /(?<![\w$])(?:self|this)\s*\./.test(s.text) || s.text.search(MATMUL) >= 0)) continue;
      const act = returnedActivation(fn);
      if (act) own.set(fn.name, `${act}(`);
    }
    if (own.size) rewriteCalls([cls, ...descendants(cls)], new RegExp(`(?<![\\w$.])(?:self|this)\\s*\\.\\s*(${alternatives(own.keys())})[ \\t]*\\(`, 'g'), own);
  }
  // A helper local to a function (`const _apT = v => { …; for (…) a[k] = Math.tanh(v[k]); return a; }` inside `forward`),
  // called by name in that function.
  for (const outer of units.filter((u) => u.type === 'function')) {
    const local = new Map<string, string>();
    for (const fn of outer.children) {
      const act = returnedActivation(fn);
      if (act && fn.name.length >= act.length) local.set(fn.name, `${act}(`);
    }
    if (local.size) rewriteCalls([outer, ...descendants(outer)], new RegExp(`(?<![\\w$.])(${alternatives(local.keys())})[ \\t]*\\(`, 'g'), local);
  }
  const members = new Map([...memberActivations(units)].map(([name, act]) => [name, `${act}(`]));
  // `self.` plus the name is always at least as long as `tanh(` minus its parenthesis.
  if (members.size) rewriteCalls(units, new RegExp(`(?<![\\w$.])self\\s*\\.\\s*(${alternatives(members.keys())})[ \\t]*\\(`, 'g'), members);
}

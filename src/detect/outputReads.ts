// Activation objects that keep their result (the "neural networks from scratch" layer style:
// `Sigmf[t].forward(outf)` then `ft = Sigmf[t].output`, `self.activation1.forward(z)` then
// `self.activation1.output`): the call computes the activation, the next statement reads it back.
// Rewritten in place, at the same lengths, so the analysis sees the activation where it is computed: a read of
// the result as a whole becomes one statement over both lines (`ft = sigmoid(outf)`); a read inside another
// computation reads the object's name, which the call now assigns (`Tanh2 = tanh(ct)`).
import type { ScanUnit, Stmt } from './scan';
import { MATMUL, RNN_ACTIVATION, SIGMOID_LIKE, TANH_LIKE } from './vocab';

type Act = 'sigmoid' | 'tanh' | 'relu';

/** `Sigmf[t]`, `self.act1`, `this.tanh`: an object, maybe an element of a list of them. */
const OBJECT = String.raw`(?:(?:self|this)\s*\.\s*)?[A-Za-z_$][\w$]*(?:\s*\[[^\][]*\])*`;
const FORWARD_CALL = new RegExp(String.raw`^\s*(${OBJECT})\s*\.\s*forward\s*\(([^;]*)\)\s*;?\s*$`);
/** `Sigmf = [Sigmoid() for t in range(T)]`, `self.act = Tanh()`, `const s = new Sigmoid();`: which class an object is made from. */
const MADE_FROM = /^\s*(?:(?:const|let|var)\s+)?(?:(?:self|this)\s*\.\s*)?([A-Za-z_$][\w$]*)\s*=\s*\[?\s*(?:new\s+)?([A-Z][\w$]*)\s*\(\s*\)/;

/** An object's name without `self.` and subscripts: the key its class is known by. */
const baseName = (object: string) => object.replace(/^\s*(?:self|this)\s*\.\s*/, '').replace(/\s*\[[\s\S]*$/, '');

/** The activation a class's `forward` computes and keeps, from its body, else from the class's name. */
function classActivation(name: string, classes: ScanUnit[]): Act | undefined {
  const forward = classes.find((c) => c.name === name)?.children.find((m) => m.name === 'forward');
  if (forward) {
    const body = forward.stmts.map((s) => s.text).join('\n');
    // A dense layer's `forward` multiplies: its output is no activation.
    if (body.search(MATMUL) >= 0 || !RNN_ACTIVATION.test(body)) return undefined;
    return SIGMOID_LIKE.test(body) ? 'sigmoid' : TANH_LIKE.test(body) ? 'tanh' : 'relu';
  }
  return /sigm|logistic/i.test(name) ? 'sigmoid' : /tanh/i.test(name) ? 'tanh' : /relu/i.test(name) ? 'relu' : undefined;
}

/** The activation each object of the file holds, by its base name. */
function activationObjects(units: ScanUnit[]): Map<string, Act> {
  const classes = units.filter((u) => u.type === 'class');
  const objects = new Map<string, Act>();
  for (const s of units.flatMap((u) => u.stmts)) {
    const m = MADE_FROM.exec(s.text);
    const act = m ? classActivation(m[2], classes) : undefined;
    if (act) objects.set(m![1], act);
  }
  return objects;
}

/** `Sigmf[t].output` as written, spaces allowed around its dots and brackets. */
function outputOf(object: string): RegExp {
  const name = [...object.replace(/\s+/g, '')].map((ch) => (/\w/.test(ch) ? ch : `\\s*\\${ch}\\s*`)).join('');
  return new RegExp(`(?<![\\w$.])${name}\\s*\\.\\s*output(?![\\w$])`);
}

/**
 * `ft = Sigmf[t].output` reading the result as a whole: the call and the read become one statement over both lines
 * (the activation opens on the call's line, the statement ends on the read's), `ft = sigmoid(outf)`.
 */
function merged(call: Stmt, read: Stmt, arg: string, act: Act): Stmt | undefined {
  const m = /^(\s*(?:(?:const|let|var)\s+)?[A-Za-z_$][\w$.]*\s*=\s*)([\s\S]*?)(\s*;?\s*)$/.exec(read.text);
  if (!m) return undefined;
  const head = `${m[1]}${act}(`;
  const tail = `${arg.trim()})${m[3].trim()}`;
  const length = read.offset + read.text.length - call.offset;
  if (head.length + tail.length > length) return undefined;
  return { ...read, start: call.start, offset: call.offset, text: head + tail.padStart(length - head.length) };
}

/**
 * `h = np.multiply(Tanh2[t].output, ot)` reading it inside another computation: the call keeps the activation under the
 * object's name (`Tanh2 = tanh(ct)`, a value of its own on its line) and the read reads that name.
 */
function named(call: Stmt, read: Stmt, object: string, arg: string, act: Act): [Stmt, Stmt] | undefined {
  const name = object.replace(/\s*\[[\s\S]*$/, '');
  const text = `${name} = ${act}(${arg.trim()})`;
  if (text.length > call.text.trimEnd().length) return undefined;
  const lead = call.text.length - call.text.trimStart().length;
  return [
    { ...call, text: (' '.repeat(lead) + text).padEnd(call.text.length) },
    { ...read, text: read.text.replace(new RegExp(outputOf(object).source, 'g'), (whole: string) => name.padEnd(whole.length)) },
  ];
}

export function mergeOutputReads(units: ScanUnit[]): void {
  const objects = activationObjects(units);
  if (!objects.size) return;
  for (const u of units) {
    for (let k = 0; k + 1 < u.stmts.length; k++) {
      const m = FORWARD_CALL.exec(u.stmts[k].text);
      const act = m ? objects.get(baseName(m[1])) : undefined;
      const read = u.stmts[k + 1];
      if (!act || !outputOf(m![1]).test(read.text)) continue;
      const whole = new RegExp(`=\\s*${outputOf(m![1]).source}\\s*;?\\s*$`).test(read.text);
      const joined = whole ? merged(u.stmts[k], read, m![2], act) : undefined;
      const replaced = joined ? [joined] : whole ? undefined : named(u.stmts[k], read, m![1], m![2], act);
      if (replaced) u.stmts.splice(k, 2, ...replaced);
    }
  }
}

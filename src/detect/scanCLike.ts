// The TypeScript / JavaScript scanner: blocks by braces, statements ended by `;`, a closing
// brace or a line that cannot continue; callbacks (tf.tidy(() => {…})) stay part of their statement.
import { paramsOfHeader } from './params';
import type { ScanUnit, Scanned } from './scan';
import { blank, blankCLike, lineIndex, matchBracket } from './text';

interface Opener {
  at: number;
  /** Last comma directly inside this bracket (or at statement level), -1 if none. */
  lastComma: number;
}

interface TsBlock {
  kind: 'unit' | 'loop' | 'cond' | 'plain' | 'class-body';
  unit?: ScanUnit;
  text: string;
  /** The statement holding this block, resumed when it closes (an arrow body passed to tf.tidy). */
  outerStart: number;
  outerExclusions: [number, number][];
  outerOpeners: Opener[];
  openAt: number;
}

const KEYWORD_HEADS = new Set(['if', 'for', 'while', 'switch', 'catch', 'function', 'return', 'with', 'do', 'else', 'try', 'finally', 'new', 'typeof', 'await']);

/** An object literal's member whose value is a function: `rnn: function (a, b)`, `step: async (x) =>`. */
const FUNCTION_MEMBER = /^([A-Za-z_$][\w$]*)\s*:\s*(?:async\s+)?(?:function\b\s*\*?\s*(?:[A-Za-z_$][\w$]*)?\s*\([\s\S]*\)|(?:\([\s\S]*\)|[A-Za-z_$][\w$]*)\s*(?::[\s\S]*)?=>)$/;
const FUNCTION_MEMBER_KEY = /^[A-Za-z_$][\w$]*\s*:\s*(?=(?:async\s+)?(?:function\b|\(|[A-Za-z_$][\w$]*\s*=>))/;

function classifyTsHeader(header: string, parentIsClass: boolean): { kind: TsBlock['kind']; name?: string; type?: 'class' | 'function'; owner?: string } {
  const h = header.replace(/\s+/g, ' ').trim();
  let m = /^(?:export )?(?:default )?(?:abstract )?class ([A-Za-z_$][\w$]*)/.exec(h);
  if (m) return { kind: 'unit', name: m[1], type: 'class' };
  // `module.exports = class lstm {`, `const Cell = class {`, `exports.Cell = class Cell extends Layer {`.
  m = /^(?:(?:const|let|var) )?([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*) ?= ?class(?: ([A-Za-z_$][\w$]*))?\b/.exec(h);
  if (m) return { kind: 'unit', name: m[2] ?? m[1].slice(m[1].lastIndexOf('.') + 1), type: 'class' };
  // Also a closure a factory hands back (`return function step(prev, x) {`).
  m = /^(?:export )?(?:default )?(?:return )?(?:async )?function\*? ?([A-Za-z_$][\w$]*)?\s*[(<]/.exec(h);
  if (m) return { kind: 'unit', name: m[1] ?? '<anonymous>', type: 'function' };
  m = /^(?:export )?(?:const|let|var) ([A-Za-z_$][\w$]*)\s*(?::[^=]*)?=\s*(?:async )?(?:function\b|\(.*\)\s*(?::.*)?=>$|[A-Za-z_$][\w$]*\s*=>$)/.exec(h);
  if (m) return { kind: 'unit', name: m[1], type: 'function' };
  // ES5 output: Cell.prototype.call = function (inputs, kwargs) {
  m = /^([A-Za-z_$][\w$]*)\.prototype\.([A-Za-z_$][\w$]*)\s*=\s*function\b/.exec(h);
  if (m) return { kind: 'unit', name: m[2], type: 'function', owner: m[1] };
  if (parentIsClass) {
    m = /^(?:(?:static|async|public|private|protected|readonly|override|get|set)\s+)*([A-Za-z_$][\w$]*)\s*(?:=\s*(?:async )?\(.*\)\s*(?::.*)?=>|(?:<.*>)?\s*\(.*\)\s*(?::.*)?)$/.exec(h);
    if (m && !KEYWORD_HEADS.has(m[1])) return { kind: 'unit', name: m[1], type: 'function' };
  }
  if (/^(?:for|while|do)\b/.test(h)) return { kind: 'loop' };
  if (/^(?:if|else)\b/.test(h)) return { kind: 'cond' };
  return { kind: 'plain' };
}

/** A `{` that opens an object literal or a type rather than a block, judged by what precedes it. */
function isExpressionBrace(before: string): boolean {
  const t = before.trimEnd();
  if (!t) return false;
  if (t.endsWith('=>')) return false;
  // `const { h, c } = state`: a destructuring pattern.
  return /(?:[=(,[?:]|\|\||&&|\?\?|\breturn|\btype\s+\w+\s*=|\b(?:const|let|var))$/.test(t) && !/\b(?:else|try|finally|do)$/.test(t);
}

export function scanCLike(source: string): Scanned {
  const code = blankCLike(source);
  const lineOf = lineIndex(code);
  const module: ScanUnit = { name: '<module>', type: 'module', start: 1, end: lineOf(code.length), params: [], stmts: [], children: [] };
  const blocks: TsBlock[] = [];
  let stmtStart = 0;
  let exclusions: [number, number][] = [];
  // Open ( [ and expression { of the current statement; openers[0] stands for the statement level.
  let openers: Opener[] = [{ at: -1, lastComma: -1 }];
  const depth = () => openers.length - 1;
  let lastIf = '';

  const unitOf = (): ScanUnit => {
    for (let k = blocks.length - 1; k >= 0; k--) if (blocks[k].unit) return blocks[k].unit!;
    return module;
  };
  const context = (): { inLoop: boolean; conditions: string[]; loops: string[] } => {
    const conditions: string[] = [];
    const loops: string[] = [];
    let inLoop = false;
    for (let k = blocks.length - 1; k >= 0 && !blocks[k].unit; k--) {
      if (blocks[k].kind === 'loop') {
        inLoop = true;
        loops.push(blocks[k].text);
      }
      if (blocks[k].kind === 'cond') conditions.push(blocks[k].text);
    }
    return { inLoop, conditions, loops };
  };
  /** The code from `from` to `to` with the nested blocks of this statement blanked (linear time). */
  const textOf = (from: number, to: number): string => {
    const pieces: string[] = [];
    let at = from;
    // Exclusions are in source order: start from the first that can reach `from`.
    let first = exclusions.length;
    while (first > 0 && exclusions[first - 1][1] > from) first--;
    for (let k = first; k < exclusions.length; k++) {
      const [a, b] = exclusions[k];
      if (b <= from || a >= to) continue;
      const s = Math.max(a, at);
      const e = Math.min(b, to);
      if (s > at) pieces.push(code.slice(at, s));
      if (e > s) pieces.push(blank(code.slice(s, e)));
      at = Math.max(at, e);
    }
    if (to > at) pieces.push(code.slice(at, to));
    return pieces.join('');
  };
  /** Up to `n` characters ending at the last non-blank one before `to` (what a brace or a line end follows). */
  const window = (from: number, to: number, n = 40): string => {
    let k = to - 1;
    while (k >= from && (code[k] === ' ' || code[k] === '\n' || code[k] === '\t' || code[k] === '\r')) k--;
    return k < from ? '' : code.slice(Math.max(from, k + 1 - n), k + 1);
  };
  const flush = (to: number) => {
    let text = textOf(stmtStart, to);
    const offset = stmtStart;
    stmtStart = to + 1;
    exclusions = [];
    openers = [{ at: -1, lastComma: -1 }];
    if (!text.trim()) return;
    const ctx = context();
    // Brace-less loop or if heads: `for (...) h = ...;`
    const head = /^\s*(for|while|if|else\s+if)\s*\(/.exec(text);
    if (head) {
      const close = matchBracket(text, head[0].length - 1);
      if (close > 0) {
        if (head[1] === 'if' || head[1].startsWith('else')) ctx.conditions.push(text.slice(0, close + 1).trim());
        else {
          ctx.inLoop = true;
          ctx.loops.push(text.slice(0, close + 1).trim());
        }
        text = blank(text.slice(0, close + 1)) + text.slice(close + 1);
      }
    }
    if (!text.trim()) return;
    const lead = text.length - text.trimStart().length;
    const start = lineOf(offset + lead);
    const end = lineOf(offset + text.trimEnd().length - 1);
    for (const b of blocks) if (b.unit) b.unit.end = Math.max(b.unit.end, end);
    // `const rnnStep = (x, h) => tf.tanh(...)`: a function unit whose body is one returned expression.
    const arrow = /^(\s*(?:export\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]*)?=\s*(?:async\s+)?(\([^]*?\)|[A-Za-z_$][\w$]*)\s*(?::[^=]*?)?=>)\s*(?=[^\s{])/.exec(text.slice(0, 2000));
    if (arrow && !ctx.inLoop && !ctx.conditions.length) {
      const parent = unitOf();
      const ws = /^\s*/.exec(text)![0];
      const body = ws + 'return' + ' '.repeat(Math.max(0, arrow[1].length - ws.length - 6)) + text.slice(arrow[1].length);
      const bodyStart = lineOf(offset + arrow[1].length);
      parent.children.push({
        name: arrow[2],
        type: 'function',
        start,
        end,
        params: paramsOfHeader(arrow[3].startsWith('(') ? arrow[3] : `${arrow[3]} =>`),
        stmts: [{ start: bodyStart, end, text: body, offset, inLoop: false, conditions: [] }],
        children: [],
        parent,
      });
      return;
    }
    unitOf().stmts.push({ start, end, text, offset, ...ctx });
  };
  const complete = (i: number): boolean => {
    const before = window(stmtStart, i, 3);
    if (!before) return false;
    if (/(?:[-+*/%=&|^<>,.?:(![]|=>)$/.test(before)) return false;
    let k = i + 1;
    while (k < code.length && /\s/.test(code[k])) k++;
    if (k < code.length && /[.?:+*/&|)\]=]/.test(code[k])) return false;
    return true;
  };

  for (let i = 0; i < code.length; i++) {
    const ch = code[i];
    if (ch === '(' || ch === '[') openers.push({ at: i, lastComma: -1 });
    else if (ch === ')' || ch === ']') {
      if (openers.length > 1) openers.pop();
    } else if (ch === ',') openers[openers.length - 1].lastComma = i;
    else if (ch === '{') {
      const top = openers[openers.length - 1];
      // This block's own header starts after the innermost open bracket and its last comma.
      const headerStart = Math.max(stmtStart, top.at + 1, top.lastComma + 1);
      const tail = window(headerStart, i, 3);
      // Inside an expression only a function body opens a block: `() => {`, `function (x) {`, `step(x, h) {` in an object literal.
      const functionBody = tail.endsWith('=>') || tail.endsWith(')');
      if ((depth() > 0 && !functionBody) || (depth() === 0 && isExpressionBrace(window(stmtStart, i)))) {
        openers.push({ at: i, lastComma: -1 });
        continue;
      }
      const parent = blocks[blocks.length - 1];
      const rawHeader = textOf(headerStart, i);
      const header = rawHeader.trim();
      // Long headers are argument lists, not declarations: classify their start only.
      let cls = classifyTsHeader(header.length > 600 ? header.slice(0, 600) : header, parent?.kind === 'class-body');
      if (depth() > 0) {
        const statementHead = code.slice(stmtStart, Math.min(i, stmtStart + 300));
        // Also a member holding a function (`rnn: function (hdim, xdim) {`, `step: (x, h) => {`), named as a method.
        const method = /^(?:async\s+)?([A-Za-z_$][\w$]*)\s*\([\s\S]*\)\s*(?::[\s\S]*)?$/.exec(header) ?? FUNCTION_MEMBER.exec(header);
        if (code[top.at] === '{' && method && !KEYWORD_HEADS.has(method[1])) {
          const owner = /^\s*(?:export\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]*)?=\s*\{/.exec(statementHead)?.[1];
          // `Net.prototype = { forward: function (x) {` at the top level: methods of the constructor, as `Net.prototype.forward = function`.
          const prototypeOf = depth() === 1 && !owner ? /^\s*([A-Za-z_$][\w$]*)\s*\.\s*prototype\s*=\s*\{/.exec(statementHead)?.[1] : undefined;
          cls = { kind: 'unit', name: owner ? `${owner}.${method[1]}` : method[1], type: 'function', ...(prototypeOf ? { owner: prototypeOf } : {}) };
        } else if (code[top.at] === '(' && /^function\b/.test(header) && /^\s*(?:var|let|const)\s+[A-Za-z_$][\w$]*\s*=\s*\($/.test(code.slice(stmtStart, top.at + 1))) {
          // ES5 output: var LSTMCell = (function (_super) { ... })(RNNCell);
          cls = { kind: 'unit', name: /^\s*(?:var|let|const)\s+([A-Za-z_$][\w$]*)/.exec(statementHead)![1], type: 'class' };
        } else {
          cls = { kind: 'plain' }; // a callback (tf.tidy(() => {...})): part of the enclosing function
        }
      }
      let unit: ScanUnit | undefined;
      if (cls.kind === 'unit') {
        const parentUnit = unitOf();
        const unitStart = depth() > 0 && code[top.at] === '{' && cls.name?.includes('.') ? stmtStart : headerStart;
        const startLine = lineOf(unitStart + (code.slice(unitStart, i).length - code.slice(unitStart, i).trimStart().length));
        unit = {
          name: cls.name!,
          type: cls.type!,
          start: startLine,
          end: lineOf(i),
          params: cls.type === 'function' ? paramsOfHeader(header.replace(FUNCTION_MEMBER_KEY, '').replace(/^[^(]*?\bfunction\b/, 'function')) : [],
          stmts: [],
          children: [],
          parent: parentUnit,
          ...(cls.owner ? { owner: cls.owner } : {}),
        };
        parentUnit.children.push(unit);
      }
      let text = (header.length > 600 ? header.slice(0, 600) : header).replace(/\s+/g, ' ');
      if (cls.kind === 'cond' && /^else\b/.test(text) && !/^else if\b/.test(text)) text = `else (of ${lastIf || 'if'})`;
      if (cls.kind === 'cond' && /^(?:else )?if\b/.test(text)) lastIf = text.replace(/^else /, '');
      blocks.push({ kind: cls.type === 'class' ? 'class-body' : cls.kind, unit, text, outerStart: stmtStart, outerExclusions: exclusions, outerOpeners: openers, openAt: i });
      stmtStart = i + 1;
      exclusions = [];
      openers = [{ at: -1, lastComma: -1 }];
    } else if (ch === '}') {
      if (depth() > 0 && code[openers[openers.length - 1].at] === '{') {
        openers.pop();
        continue;
      }
      flush(i);
      const block = blocks.pop();
      if (!block) {
        stmtStart = i + 1;
        continue;
      }
      if (block.unit) block.unit.end = Math.max(block.unit.end, lineOf(i));
      for (const b of blocks) if (b.unit) b.unit.end = Math.max(b.unit.end, lineOf(i));
      // Resume the statement that held this block (an arrow body passed to tf.tidy(...)),
      // or start a new one when the block was a statement of its own.
      if (block.outerOpeners.length > 1 || window(block.outerStart, block.openAt).endsWith('=>')) {
        stmtStart = block.outerStart;
        exclusions = block.outerExclusions;
        exclusions.push([block.openAt, i + 1]);
        openers = block.outerOpeners;
      } else {
        stmtStart = i + 1;
        exclusions = [];
        openers = [{ at: -1, lastComma: -1 }];
      }
    } else if (ch === ';' && depth() === 0) flush(i);
    else if (ch === '\n' && depth() === 0 && complete(i)) flush(i);
  }
  flush(code.length);
  return { code, module, lineOf };
}

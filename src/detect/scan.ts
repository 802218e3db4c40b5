// A tolerant scanner: turns Python (blocks by indentation) or TS/JS (blocks by braces) into
// units (classes, functions, the module top level) holding statements with their line spans.
// It never throws on odd code: whatever it cannot place becomes a plain statement.
import { blank, blankCLike, blankPython, matchBracket, splitTopLevel } from './text';
import type { DetectLanguage } from './types';

export interface Stmt {
  /** 1-based first and last line. */
  start: number;
  end: number;
  /** Code with comments removed and string contents blanked; nested blocks blanked. Same length as the source span. */
  text: string;
  /** Offset of text[0] in Scanned.code. */
  offset: number;
  inLoop: boolean;
  /** JS/TS: header texts of the enclosing loops inside the unit (`for (let n = 0; n < 4; n++)`). */
  loops?: string[];
  /** Header texts of the enclosing if/elif/else blocks inside the unit ("else" carries its if's text). */
  conditions: string[];
}

export interface Param {
  name: string;
  /** The whole parameter text (annotation and default included). */
  text: string;
}

export interface ScanUnit {
  name: string;
  type: 'class' | 'function' | 'module';
  /** 1-based; for Python the first decorator line. */
  start: number;
  end: number;
  params: Param[];
  stmts: Stmt[];
  children: ScanUnit[];
  parent?: ScanUnit;
  /** ES5: the constructor a `Net.prototype.forward = function` method is assigned to. */
  owner?: string;
}

export interface Scanned {
  code: string;
  module: ScanUnit;
  lineOf(offset: number): number;
}

// ───────────────────────── shared helpers ─────────────────────────

function lineIndex(code: string): (offset: number) => number {
  const starts = [0];
  for (let i = 0; i < code.length; i++) if (code[i] === '\n') starts.push(i + 1);
  return (offset: number) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

function parseParams(inner: string): Param[] {
  const params: Param[] = [];
  for (const part of splitTopLevel(inner)) {
    const text = part.text.trim();
    if (!text) continue;
    // Destructured parameters ([h, c]: [T, T] or {a, b}) give each inner name.
    const destructured = /^[[{]/.test(text) ? text.slice(1, Math.max(1, matchBracket(text, 0))) : undefined;
    if (destructured !== undefined) {
      for (const inner of splitTopLevel(destructured)) {
        const m = /[A-Za-z_$][\w$]*/.exec(inner.text);
        if (m) params.push({ name: m[0], text });
      }
      continue;
    }
    const m = /^(?:\*{1,2}|\.\.\.)?\s*(?:(?:public|private|protected|readonly)\s+)*([A-Za-z_$][\w$]*)/.exec(text);
    if (m && m[1] !== 'self' && m[1] !== 'this') params.push({ name: m[1], text });
  }
  return params;
}

function paramsOfHeader(header: string): Param[] {
  const open = header.indexOf('(');
  if (open < 0) {
    // `x => ...` arrow with one bare parameter.
    const m = /([A-Za-z_$][\w$]*)\s*=>/.exec(header);
    return m ? [{ name: m[1], text: m[1] }] : [];
  }
  const close = matchBracket(header, open);
  return parseParams(header.slice(open + 1, close < 0 ? header.length : close));
}

// ───────────────────────── Python ─────────────────────────

interface PyHeader {
  indent: number;
  keyword: string;
  text: string;
  unit?: ScanUnit;
}

const PY_HEADER = /^(?:async\s+)?(def|class|for|while|if|elif|else|with|try|except|finally|match|case)\b/;

function firstTopLevelColon(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
    else if (ch === ':' && depth === 0 && text[i + 1] !== '=') return i;
  }
  return -1;
}

function scanPython(source: string): Scanned {
  const code = blankPython(source);
  const lineOf = lineIndex(code);
  const module: ScanUnit = { name: '<module>', type: 'module', start: 1, end: lineOf(code.length), params: [], stmts: [], children: [] };
  const stack: PyHeader[] = [];
  const lastIfAt = new Map<number, string>();
  let pendingDecoratorLine: number | undefined;

  const unitOf = (): ScanUnit => {
    for (let k = stack.length - 1; k >= 0; k--) if (stack[k].unit) return stack[k].unit!;
    return module;
  };
  const context = (): { inLoop: boolean; conditions: string[] } => {
    const conditions: string[] = [];
    let inLoop = false;
    for (let k = stack.length - 1; k >= 0 && !stack[k].unit; k--) {
      if (stack[k].keyword === 'for' || stack[k].keyword === 'while') inLoop = true;
      if (['if', 'elif', 'else'].includes(stack[k].keyword)) conditions.push(stack[k].text);
    }
    return { inLoop, conditions };
  };
  const addStmt = (offset: number, text: string) => {
    if (!text.trim()) return;
    const lead = text.length - text.trimStart().length;
    const trail = text.trimEnd().length;
    const start = lineOf(offset + lead);
    const end = lineOf(offset + trail - 1);
    unitOf().stmts.push({ start, end, text, offset, ...context() });
    for (const h of stack) if (h.unit) h.unit.end = Math.max(h.unit.end, end);
  };

  // Walk logical lines: physical lines joined while brackets are open or a line ends with '\'.
  let pos = 0;
  while (pos < code.length) {
    let depth = 0;
    let i = pos;
    for (; i < code.length; i++) {
      const ch = code[i];
      if (ch === '(' || ch === '[' || ch === '{') depth++;
      else if (ch === ')' || ch === ']' || ch === '}') depth = Math.max(0, depth - 1);
      else if (ch === '\n' && depth === 0 && code[i - 1] !== '\\') break;
    }
    const text = code.slice(pos, i);
    const offset = pos;
    pos = i + 1;
    if (!text.trim()) continue;
    const indentText = /^[ \t]*/.exec(text)![0];
    // A tab moves to the next multiple of 8, as Python reads it (Python 2 files mix `    def` with tab-indented bodies).
    const indent = [...indentText].reduce((col, ch) => (ch === '\t' ? col + 8 - (col % 8) : col + 1), 0);
    const body = text.slice(indentText.length);
    while (stack.length && stack[stack.length - 1].indent >= indent) stack.pop();
    const line = lineOf(offset + indentText.length);

    if (body.startsWith('@')) {
      pendingDecoratorLine ??= line;
      continue;
    }
    const header = PY_HEADER.exec(body);
    const colon = header ? firstTopLevelColon(body) : -1;
    if (header && colon >= 0) {
      const keyword = header[1];
      const headerText = body.slice(0, colon).replace(/\s+/g, ' ').trim();
      let unit: ScanUnit | undefined;
      if (keyword === 'def' || keyword === 'class') {
        const name = /^(?:async\s+)?(?:def|class)\s+([A-Za-z_]\w*)/.exec(body)?.[1] ?? '<anonymous>';
        const parent = unitOf();
        unit = {
          name,
          type: keyword === 'class' ? 'class' : 'function',
          start: pendingDecoratorLine ?? line,
          end: lineOf(offset + colon),
          params: keyword === 'def' ? paramsOfHeader(body.slice(0, colon)) : [],
          stmts: [],
          children: [],
          parent,
        };
        parent.children.push(unit);
        for (const h of stack) if (h.unit) h.unit.end = Math.max(h.unit.end, unit.end);
      }
      pendingDecoratorLine = undefined;
      let conditionText = headerText;
      if (keyword === 'if') lastIfAt.set(indent, headerText);
      if (keyword === 'elif' || keyword === 'else') conditionText = `${headerText} (of ${lastIfAt.get(indent) ?? 'if'})`;
      stack.push({ indent, keyword, text: conditionText, unit });
      // A body on the header's own line (`if use_forget_gate: f = ...`).
      const inline = body.slice(colon + 1);
      if (inline.trim()) {
        const innerOffset = offset + indentText.length + colon + 1;
        for (const part of splitTopLevel(inline, ';')) addStmt(innerOffset + part.offset, part.text);
      }
      continue;
    }
    pendingDecoratorLine = undefined;
    for (const part of splitTopLevel(text, ';')) addStmt(offset + part.offset, part.text);
  }
  return { code, module, lineOf };
}

// ───────────────────────── TypeScript / JavaScript ─────────────────────────

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

function classifyTsHeader(header: string, parentIsClass: boolean): { kind: TsBlock['kind']; name?: string; type?: 'class' | 'function'; owner?: string } {
  const h = header.replace(/\s+/g, ' ').trim();
  let m = /^(?:export )?(?:default )?(?:abstract )?class ([A-Za-z_$][\w$]*)/.exec(h);
  if (m) return { kind: 'unit', name: m[1], type: 'class' };
  // `module.exports = class lstm {`, `const Cell = class {`, `exports.Cell = class Cell extends Layer {`.
  m = /^(?:(?:const|let|var) )?([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*) ?= ?class(?: ([A-Za-z_$][\w$]*))?\b/.exec(h);
  if (m) return { kind: 'unit', name: m[2] ?? m[1].slice(m[1].lastIndexOf('.') + 1), type: 'class' };
  m = /^(?:export )?(?:default )?(?:async )?function\*? ?([A-Za-z_$][\w$]*)?\s*[(<]/.exec(h);
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

function scanCLike(source: string): Scanned {
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
        const method = /^(?:async\s+)?([A-Za-z_$][\w$]*)\s*\([\s\S]*\)\s*(?::[\s\S]*)?$/.exec(header);
        if (code[top.at] === '{' && method && !KEYWORD_HEADS.has(method[1])) {
          const owner = /^\s*(?:export\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]*)?=\s*\{/.exec(statementHead)?.[1];
          cls = { kind: 'unit', name: owner ? `${owner}.${method[1]}` : method[1], type: 'function' };
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
          params: cls.type === 'function' ? paramsOfHeader(header.replace(/^[^(]*?\bfunction\b/, 'function')) : [],
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

export function scan(source: string, language: DetectLanguage): Scanned {
  return language === 'python' ? scanPython(source) : scanCLike(source);
}

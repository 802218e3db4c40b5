// The Python scanner: blocks by indentation, logical lines joined across open brackets and
// trailing backslashes, decorators folded into the unit they decorate.
import { paramsOfHeader } from './params';
import type { ScanUnit, Scanned } from './scan';
import { blankPython, lineIndex, splitTopLevel } from './text';

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

export function scanPython(source: string): Scanned {
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

// Source text before scanning: comments and string contents blanked (same length, same
// lines), and the bracket helpers the scanner and the analysis share.

export const blank = (s: string): string => s.replace(/[^\n]/g, ' ');

/**
 * A subscript by a short identifier-like string key (`state["c"]`, `dense_h['f']`) is kept as an
 * attribute of the same length (`state.c   `), so the key can name a gate; other strings are
 * blanked. `out[open]` is the '[' and `close` the closing quote's index.
 */
function keepStringKey(source: string, out: string[], open: number, close: number): boolean {
  if (open < 1 || source[close + 1] !== ']' || !/[\w\])]/.test(source[open - 1])) return false;
  const key = source.slice(open + 2, close);
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,23}$/.test(key)) return false;
  out[open] = '.';
  for (let k = 0; k < key.length; k++) out[open + 1 + k] = key[k];
  for (let k = open + 1 + key.length; k <= close + 1; k++) out[k] = ' ';
  return true;
}

const ACTIVATION_NAMES = /^(?:sigmoid|tanh|relu|hard_sigmoid|hardSigmoid|softsign|linear|elu|selu|gelu|swish|softplus|softmax)$/;

/**
 * The name of a layer's activation (`Dense(units, activation="sigmoid")`, `{activation: 'tanh'}`)
 * is kept: calling that layer applies it. `out[open + 1 .. close - 1]` is the string's content.
 */
function keepActivationName(source: string, out: string[], open: number, close: number): void {
  const content = source.slice(open + 1, close);
  // Also a call's last argument naming its activation (`afn(item, row, 'Tanh')`).
  const lastArgument = /^(?:tanh|sigmoid|relu)$/i.test(content) && /,\s*$/.test(source.slice(Math.max(0, open - 20), open)) && /^\s*\)/.test(source.slice(close + 1, close + 21));
  if (!lastArgument && (!ACTIVATION_NAMES.test(content) || !/(?:activation|act_type)\s*[=:]\s*$/i.test(source.slice(Math.max(0, open - 40), open)))) return;
  for (let k = open + 1; k < close; k++) out[k] = source[k];
}

/** Splits at top-level commas (depth counted over () [] {}). */
export function splitTopLevel(text: string, separator = ','): { text: string; offset: number }[] {
  const parts: { text: string; offset: number }[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
    else if (ch === separator && depth === 0) {
      parts.push({ text: text.slice(from, i), offset: from });
      from = i + 1;
    }
  }
  parts.push({ text: text.slice(from), offset: from });
  return parts;
}

/** Index of the bracket closing the one at `open`, or -1. */
export function matchBracket(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** Comments and string contents become spaces (quotes and tabs kept); IPython magics and shell lines are blanked. */
export function blankPython(source: string): string {
  const out = source.split('');
  let i = 0;
  let lineStart = true;
  // Open brackets: a line inside them continues a statement (`raise E("..."\n    % shape)` is no magic).
  let depth = 0;
  while (i < source.length) {
    const ch = source[i];
    if (lineStart) {
      // `%matplotlib inline`, `!curl ...`: notebook-only syntax, not Python.
      let j = i;
      while (j < source.length && (source[j] === ' ' || source[j] === '\t')) j++;
      if (depth === 0 && (source[j] === '%' || source[j] === '!')) {
        while (j < source.length && source[j] !== '\n') out[j++] = ' ';
        i = j;
        continue;
      }
      lineStart = false;
    }
    if (ch === '\n') {
      lineStart = true;
      i++;
    } else if (ch === '#') {
      while (i < source.length && source[i] !== '\n') out[i++] = ' ';
    } else if (ch === '"' || ch === "'") {
      const triple = source.startsWith(ch.repeat(3), i);
      const quote = triple ? ch.repeat(3) : ch;
      const open = i - 1;
      i += quote.length;
      while (i < source.length && !source.startsWith(quote, i)) {
        if (source[i] === '\\') {
          out[i] = ' ';
          i++;
          // A backslash at a line's end continues the string on the next line (`symbols('a, b,\\` then `c')`).
          if (source[i] === '\n' || (source[i] === '\r' && source[i + 1] === '\n')) {
            i += source[i] === '\r' ? 2 : 1;
            continue;
          }
        }
        // Tabs stay: a docstring's closing quotes are indented by them in a tab-indented file.
        if (i < source.length && source[i] !== '\n' && source[i] !== '\t') out[i] = ' ';
        if (!triple && source[i] === '\n') break; // unterminated: stop at the line end
        i++;
      }
      if (!triple && source[open] === '[') keepStringKey(source, out, open, i);
      else if (!triple) keepActivationName(source, out, open + 1, i);
      i += quote.length;
    } else {
      if (ch === '(' || ch === '[' || ch === '{') depth++;
      else if ((ch === ')' || ch === ']' || ch === '}') && depth > 0) depth--;
      i++;
    }
  }
  return out.join('');
}

/** Comments become spaces; string and template contents become spaces (quotes kept). */
export function blankCLike(source: string): string {
  const out = source.split('');
  let i = 0;
  while (i < source.length) {
    const ch = source[i];
    if (ch === '/' && source[i + 1] === '/') {
      while (i < source.length && source[i] !== '\n') out[i++] = ' ';
    } else if (ch === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end < 0 ? source.length : end + 2;
      for (; i < stop; i++) if (source[i] !== '\n') out[i] = ' ';
    } else if (ch === '"' || ch === "'" || ch === '`') {
      const open = i - 1;
      i++;
      while (i < source.length && source[i] !== ch) {
        if (source[i] === '\\') {
          out[i] = ' ';
          i++;
        }
        if (i < source.length && source[i] !== '\n') out[i] = ' ';
        if (ch !== '`' && source[i] === '\n') break;
        i++;
      }
      if (ch !== '`' && source[open] === '[') keepStringKey(source, out, open, i);
      else if (ch !== '`') keepActivationName(source, out, open + 1, i);
      i++;
    } else i++;
  }
  return out.join('');
}

/** `text` as a regular expression matching itself (keys hold `.`, `$` and `[…]`). */
export const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Maps an offset in `code` to its 1-based line (binary search over line starts). */
export function lineIndex(code: string): (offset: number) => number {
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

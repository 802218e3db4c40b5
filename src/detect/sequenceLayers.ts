// Layers composed as a sequence of a product and an activation (`nn.Sequential(nn.Linear(n, m), nn.Sigmoid())`,
// adnn's `nn.sequence([nn.linear(n, m), nn.tanh])`): calling one (`self.gate(x)`, `updateNet.eval(x)`) is rewritten,
// in place and at the same length, as that activation of a product (`σ(W@x)`), as if it were written out.
// Operations of a graph applied by a method of their own (adnn's `nn.concat.eval(a, b)`) are rewritten as the
// plain calls the analysis knows (`concat(a, b)`; adnn's `mul` is elementwise: `eltmul(a, b)`).
import type { ScanUnit } from './scan';
import { escapeRegExp, matchBracket, splitTopLevel } from './text';

const SEQUENCE = /^\s*(?:(?:const|let|var)\s+)?(?:(?:self|this)\s*\.\s*)?([A-Za-z_$][\w$]*)\s*=\s*(?:new\s+)?(?:[\w$]+\s*\.\s*)*(?:Sequential|sequential|sequence)\s*\(/;
const PRODUCT_LAYER = /^\s*(?:new\s+)?(?:[\w$]+\s*\.\s*)*(?:Linear|linear|Dense|dense|LazyLinear)\s*\(/;
const LAST_ACTIVATION = /^\s*(?:new\s+)?(?:[\w$]+\s*\.\s*)*(?:(sigmoid|Sigmoid)|(tanh|Tanh))\s*(?:\(\s*\))?\s*$/;

/** The layers a sequence is made of: its arguments, or the one array it is handed first. */
function layersOf(args: string): string[] {
  const parts = splitTopLevel(args).map((p) => p.text);
  const first = parts[0]?.trim() ?? '';
  if (first.startsWith('[') && matchBracket(first, 0) === first.length - 1) return splitTopLevel(first.slice(1, -1)).map((p) => p.text);
  return parts;
}

/** `updateNet` → 'σ', `candidateNet` → 'tanh': sequences of a product layer then an activation, by the name they are held under. */
function activatedSequences(units: ScanUnit[]): Map<string, 'σ' | 'tanh'> {
  const found = new Map<string, 'σ' | 'tanh'>();
  for (const u of units) {
    for (const s of u.stmts) {
      const m = SEQUENCE.exec(s.text);
      const close = m ? matchBracket(s.text, m[0].length - 1) : -1;
      if (!m || close < 0) continue;
      const layers = layersOf(s.text.slice(m[0].length, close)).filter((l) => l.trim());
      const act = layers.length === 2 && PRODUCT_LAYER.test(layers[0]) ? LAST_ACTIVATION.exec(layers[1]) : null;
      if (act) found.set(m[1], act[1] ? 'σ' : 'tanh');
    }
  }
  return found;
}

/** `nn.concat.eval(` → `concat(`, `nn.mul.eval(` → `eltmul(`, `nn.add.eval(` → `add(`: padded in front, at the same length. */
const GRAPH_OP = /(?<![\w$.])[A-Za-z_$][\w$]*\s*\.\s*(concat|add|sub|mul|sigmoid|tanh)\s*\.\s*eval\s*\(/g;
const OP_CALL: Record<string, string> = { concat: 'concat(', add: 'add(', sub: 'sub(', mul: 'eltmul(', sigmoid: 'sigmoid(', tanh: 'tanh(' };

export function rewriteSequenceLayerCalls(units: ScanUnit[]): void {
  const sequences = activatedSequences(units);
  for (const u of units) {
    for (const s of u.stmts) {
      if (sequences.size) s.text = rewriteSequenceCalls(s.text, sequences);
      s.text = s.text.replace(GRAPH_OP, (whole: string, op: string) => OP_CALL[op].padStart(whole.length));
    }
  }
}

/** Each call of a sequence (`X(a)`, `self.X(a)`, `X.eval(a)`, `X.forward(a)`) as its activation of a product, where that fits. */
function rewriteSequenceCalls(text: string, sequences: Map<string, 'σ' | 'tanh'>): string {
  const call = new RegExp(`(?<![\\w$.])(?:(?:self|this)\\s*\\.\\s*)?(${[...sequences.keys()].map(escapeRegExp).join('|')})\\s*(?:\\.\\s*(?:eval|forward|apply|call)\\s*)?\\(`, 'g');
  let out = '';
  let from = 0;
  for (const m of text.matchAll(call)) {
    const open = m.index! + m[0].length - 1;
    const close = matchBracket(text, open);
    if (m.index! < from || close < 0) continue;
    const args = text.slice(open + 1, close);
    // `σ(W@x + h)` counts one product as `σ(W@(x + h))` does, and is short enough to replace `self.f(x + h)`.
    const product = `${sequences.get(m[1])!}(W@${args})`;
    const whole = close + 1 - m.index!;
    if (product.length > whole) continue;
    out += text.slice(from, m.index!) + product.padEnd(whole);
    from = close + 1;
  }
  return out + text.slice(from);
}

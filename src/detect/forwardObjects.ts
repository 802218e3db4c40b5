// Objects whose `forward` is one product or one activation (the "gates as objects" tutorials:
// `mulGate = new MultiplyGate()` with `this.forward = (W, x) => math.multiply(W, x)`, `activation = new Tanh()`):
// calling `mulGate.forward(W, h)` is a product with weights, `activation.forward(z)` an activation.
import type { FileLayers } from './fileLayers';
import type { ScanUnit, Stmt } from './scan';
import { hasActivation, MATMUL } from './vocab';

/** What a constructor's or class's `forward` hands back: its return statement's text. */
function forwardReturn(unit: ScanUnit): string | undefined {
  const method = unit.children.find((c) => c.name === 'forward' && c.stmts.length <= 3);
  if (method) return method.stmts.find((s) => /^\s*return\b/.test(s.text))?.text;
  // `this.forward = (W, x) => { return math.multiply(W, x); }`: the arrow's body is among the constructor's
  // statements (listed before its header), on the lines just below the header.
  const header = unit.stmts.find((s) => /^\s*this\s*\.\s*forward\s*=/.test(s.text));
  if (!header) return undefined;
  if (/=>\s*[^\s{]/.test(header.text)) return header.text.slice(header.text.indexOf('=>'));
  const body = unit.stmts.filter((s) => s.start > header.start && s.start <= header.start + 2);
  return body.length === 1 && /^\s*return\b/.test(body[0].text) ? body[0].text : undefined;
}

const MADE = /^\s*(?:(?:const|let|var)\s+)?(?:(?:self|this)\s*\.\s*)?([A-Za-z_$][\w$]*)\s*=\s*(?:new\s+)?([A-Za-z_$][\w$]*)\s*\(\s*\)\s*;?\s*$/;

/** Adds to `layers` the names of objects made (with no arguments) from a class of the file whose `forward` is a product or an activation. */
export function addForwardObjects(layers: FileLayers, units: ScanUnit[]): void {
  const kinds = new Map<string, 'product' | 'activation'>();
  for (const u of units) {
    if (u.type === 'module') continue;
    const returned = forwardReturn(u);
    if (returned === undefined) continue;
    // One or the other: a `forward` that both multiplies and squashes is a layer, not a gate object.
    const products = (returned.match(MATMUL) ?? []).length;
    if (products && !hasActivation(returned)) kinds.set(u.name, 'product');
    else if (!products && hasActivation(returned)) kinds.set(u.name, 'activation');
  }
  if (!kinds.size) return;
  const stmts: Stmt[] = units.flatMap((u) => u.stmts);
  for (const s of stmts) {
    const m = MADE.exec(s.text);
    const kind = m && kinds.get(m[2]);
    if (kind === 'product') layers.products.push(m![1]);
    else if (kind === 'activation') layers.activated.push(m![1]);
  }
}

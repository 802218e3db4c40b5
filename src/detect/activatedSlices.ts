// Gates as column ranges of one activated array, sliced where they are used (ReNom's numpy LSTM:
// `gated = sigmoid(gated)`, then `state = gated[:, m:m * 2] * u + gated[:, :m] * s` and
// `z = tanh(state) * gated[:, m * 2:]`). Each range read is a value of its own, defined where the
// array is activated: the reads are rewritten, in place and at the same length, as that value's name
// (`gated__1`), so the analysis sees separate activated values it can give roles from their use.
import { extractRefs, type Def } from './defs';
import { bound } from './gateArrays';
import { escapeRegExp, splitTopLevel } from './text';
import { ACTIVATION } from './vocab';

/** `sigmoid(gated)`, `np.tanh(z)`: the right-hand side is one activation call as a whole. */
function wholeActivation(rhs: string): boolean {
  const text = rhs.trim();
  const m = ACTIVATION.exec(text);
  return m !== null && /^[\w$.\s]*$/.test(text.slice(0, m.index)) && text.endsWith(')');
}

/** The range a subscript's last index takes in units of one size (`:, m:m * 2` → 1 to 2 of m), when the others are whole (`:`). */
function columnRange(subscript: string): { lo: number; hi?: number; unit?: string } | undefined {
  const parts = splitTopLevel(subscript).map((p) => p.text.trim());
  const last = parts[parts.length - 1];
  if (!parts.slice(0, -1).every((p) => p === ':' || p === '...') || last.split(':').length !== 2) return undefined;
  const [from, to] = last.split(':');
  const lo = bound(from);
  const hi = to.trim() === '' ? undefined : bound(to);
  if (!lo || (to.trim() !== '' && !hi)) return undefined;
  const unit = lo.unit ?? hi?.unit;
  if (!unit || (lo.unit && hi?.unit && lo.unit !== hi.unit) || (hi && hi.k <= lo.k)) return undefined;
  return { lo: lo.k, hi: hi?.k, unit };
}

export function splitActivatedColumns(defs: Def[]): Def[] {
  let result = defs;
  for (const activated of defs) {
    if (activated.targetCount !== 1 || activated.targetSubscripted || activated.key.includes('.') || !wholeActivation(activated.rhs)) continue;
    // The reads of the array after it is activated, until it is defined again.
    const next = defs.find((d) => d.key === activated.key && d.order > activated.order);
    const readers = result.filter((d) => d.order > activated.order && (!next || d.order <= next.order) && d.refs.includes(activated.key));
    const slice = new RegExp(`(?<![\\w$.])${escapeRegExp(activated.key)}\\s*\\[([^\\][]*)\\]`, 'g');
    const ranges = new Map<string, { lo: number; hi?: number; unit?: string }>();
    for (const d of readers)
      for (const m of d.rhs.matchAll(slice)) {
        const range = columnRange(m[1]);
        if (range) ranges.set(m[0], range);
      }
    const slots = [...new Set([...ranges.values()].map((r) => r.lo))].sort((a, b) => a - b);
    // Two gates at least, each a whole number of units of one size.
    if (slots.length < 2 || new Set([...ranges.values()].map((r) => r.unit)).size !== 1) continue;
    const keyOf = (text: string) => `${activated.key}__${slots.indexOf(ranges.get(text)!.lo)}`;
    if ([...ranges.keys()].some((text) => text.length < keyOf(text).length)) continue;
    const columns = slots.map((_, k): Def => ({ ...activated, key: `${activated.key}__${k}`, name: '' }));
    result = result.flatMap((d) => {
      const extra = d === activated ? columns : [];
      if (!readers.includes(d)) return [d, ...extra];
      const rhs = d.rhs.replace(slice, (whole) => (ranges.has(whole) ? keyOf(whole).padEnd(whole.length) : whole));
      if (rhs === d.rhs) return [d, ...extra];
      // What the slices' bounds read (`m`) is read no more; the target itself still is by a subscripted or augmented write.
      const refs = [...extractRefs(rhs), ...(d.refs.includes(d.key) && !extractRefs(d.rhs).includes(d.key) ? [d.key] : [])];
      return [{ ...d, rhs, refs }, ...extra];
    });
  }
  return result;
}

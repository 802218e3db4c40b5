// NaN and ±Infinity are real outcomes (a diverged loss, a gradient that overflowed), but what VS
// Code carries between the extension and a webview (postMessage, the webview's saved state)
// goes through JSON, which turns them into null; a run with null where a number belongs fails
// the protocol's checks and the whole message would be dropped. They travel as
// {"$nonFinite": "NaN" | "Infinity" | "-Infinity"} and are read back as numbers.

const MARK = '$nonFinite';
const NON_FINITE: Record<string, number> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY };

/**
 * `value` with each non-finite number replaced by its mark, for JSON. Objects and arrays
 * without one are returned as they are (no copy); the others are copied, never changed.
 */
export function encodeNonFinite(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : { [MARK]: String(value) };
  return mapChildren(value, encodeNonFinite);
}

/** The reverse of encodeNonFinite: each mark back to its number; the rest as it is. */
export function reviveNonFinite(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const keys = Object.keys(value);
    const mark = (value as Record<string, unknown>)[MARK];
    if (keys.length === 1 && typeof mark === 'string' && mark in NON_FINITE) return NON_FINITE[mark];
  }
  return mapChildren(value, reviveNonFinite);
}

/** `value` with `f` applied to each element or property; the same object when `f` changed none. */
function mapChildren(value: unknown, f: (child: unknown) => unknown): unknown {
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const child: unknown = value[i];
      const mapped = f(child);
      if (Object.is(mapped, child)) continue;
      copy ??= value.slice();
      copy[i] = mapped;
    }
    return copy ?? value;
  }
  if (typeof value !== 'object' || value === null) return value;
  let copy: Record<string, unknown> | undefined;
  for (const [key, child] of Object.entries(value)) {
    const mapped = f(child);
    if (Object.is(mapped, child)) continue;
    copy ??= { ...(value as Record<string, unknown>) };
    copy[key] = mapped;
  }
  return copy ?? value;
}

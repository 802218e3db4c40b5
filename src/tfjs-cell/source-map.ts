// From a line of the transpiled module back to the line of the user's file: TypeScript's
// transpileModule drops type-only lines (interfaces, type imports) and rewrites imports, so the
// line a stack frame names in the JavaScript it ran is not the user's. Its source map (v3,
// base64 VLQ "mappings") says where each generated line came from.

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** One segment's fields: generated column, source index, source line, source column (deltas as written). */
function decodeSegment(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = BASE64.indexOf(char);
    if (digit < 0) return values;
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    values.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return values;
}

/** For each generated line (0-based), its segments as [generated column, source line] (0-based, absolute). */
export type LineMap = [number, number][][];

export function decodeMappings(mappings: string): LineMap {
  let sourceLine = 0;
  return mappings.split(';').map((line) => {
    let column = 0;
    const out: [number, number][] = [];
    for (const segment of line.split(',')) {
      if (!segment) continue;
      const fields = decodeSegment(segment);
      column += fields[0] ?? 0;
      if (fields.length >= 4) {
        sourceLine += fields[2]!;
        out.push([column, sourceLine]);
      }
    }
    return out;
  });
}

/**
 * The 1-based source line of a 1-based generated line and column: the last segment starting at
 * or before the column, else the line's first; undefined for a line with no mapping (code the
 * transpiler added).
 */
export function originalLine(map: LineMap, line: number, column: number): number | undefined {
  const segments = map[line - 1];
  if (!segments?.length) return undefined;
  let found = segments[0]!;
  for (const segment of segments) if (segment[0] <= column - 1) found = segment;
  return found[1] + 1;
}

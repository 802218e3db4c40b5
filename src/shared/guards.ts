// The primitive type guards the message guards (protocol.ts, inspect-protocol.ts) are built
// from. No imports, so either protocol module can use them without a cycle.
export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isStr = (v: unknown): v is string => typeof v === 'string';
/** Any number but NaN (ranges are checked where the meaning is known). */
export const isNum = (v: unknown): v is number => typeof v === 'number' && !Number.isNaN(v);
export const isFiniteNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
export const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
export const isArrayOf = <T>(v: unknown, check: (x: unknown) => x is T): v is T[] => Array.isArray(v) && v.every((x) => check(x));

// The primitives every message schema (protocol.ts, inspect-protocol.ts, types.ts) is built
// from, and the plain type guards for the few places that check a foreign object by hand
// (e.g. the Python extension's API). Imports nothing of ours, so every shared module can use it.
import * as v from 'valibot';

export const isObj = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
export const isStr = (value: unknown): value is string => typeof value === 'string';

/** Any number but NaN (valibot's `number()`: Infinity passes, ranges are the engine's to check). */
export const num = v.number();
/** A finite number. */
export const finite = v.pipe(v.number(), v.finite());
/** A positive integer (a size or a count the engine will allocate for). */
export const positiveInt = v.pipe(v.number(), v.finite(), v.integer(), v.minValue(1));
/** Any number, NaN and ±Infinity included: a diverged loss or an exploded gradient is a real outcome to carry and draw as a gap. */
export const anyNumber = v.custom<number>((value) => typeof value === 'number', 'a number');
/** A row / matrix of such numbers. */
export const numberRow = v.array(anyNumber);
export const numberMatrix = v.array(numberRow);

/** The type guard of a schema: true when `value` has the schema's shape (nothing is copied or stripped). */
export const guard =
  <S extends v.GenericSchema>(schema: S) =>
  (value: unknown): value is v.InferOutput<S> =>
    v.is(schema, value);

// Numerical comparison shared by the tests that check results against a reference.
import { strict as assert } from 'node:assert';

/** ‖a − b‖∞ / ‖b‖∞ (the sizes must match). */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  assert.equal(actual.length, expected.length, 'sizes differ');
  let diff = 0;
  let scale = 1e-30;
  for (let k = 0; k < expected.length; k++) {
    diff = Math.max(diff, Math.abs(actual[k]! - expected[k]!));
    scale = Math.max(scale, Math.abs(expected[k]!));
  }
  return diff / scale;
}

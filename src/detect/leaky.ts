// Leaky integration (echo-state networks, leaky RNNs): `x = (1 - a) * x + a * tanh(W_in @ u + W @ x)`.
// The new value is a mix, by a rate and its complement, of a value as it is and an activation that
// reads that same value: so the value is a recurrent state, whatever its name (ESNs often call it `x`).
import { escapeRegExp } from './text';
import { activationCallSpans } from './vocab';

const usesOf = (text: string, key: string): number[] => [...text.matchAll(new RegExp(`(?<![\\w$.])${escapeRegExp(key)}(?![\\w$])`, 'g'))].map((m) => m.index);

/** `rhs` mixes `key` as it is with an activation reading `key`, by a rate and one minus it (`(1 - a) * x + a * act(… x …)`). */
export function leakyMixOf(rhs: string, key: string): boolean {
  const rate = /(?<![\w$.])1(?:\.0*)?\s*-\s*([A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*)(?![\w$.(])/.exec(rhs)?.[1].replace(/\s+/g, '');
  if (!rate || rate === key || usesOf(rhs.replace(/\s*\.\s*/g, '.'), rate).length < 2) return false;
  const calls = activationCallSpans(rhs);
  const inside = (at: number) => calls.some(([open, close]) => open < at && at < close);
  const uses = usesOf(rhs, key);
  return uses.some(inside) && uses.some((at) => !inside(at));
}

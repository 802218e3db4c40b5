// Values that only combine others (`retain = f * c_prev`, `c = add(retain, write)`) and what a
// definition reads through them: how the roles of the values a state update mixes are found.
import type { Def } from './defs';
import { upstream, type Flow, type Roles } from './flow';
import type { GateName } from './types';
import { escapeRegExp } from './text';
import { hasActivation, SPLIT } from './vocab';

export function refsRole(flow: Flow, d: Def, roles: Roles, wanted: GateName[]): boolean {
  return d.refs.some((r) => {
    const src = flow.reaching(r, d.order);
    const role = src && roles.get(src);
    return role !== undefined && wanted.includes(role);
  });
}

/** A value that only combines others, with no role, activation or product of its own: `retain = f * c_prev`, `write = i * g`, `z12 = z11 * h`. */
export function isMixer(flow: Flow, roles: Roles, d: Def): boolean {
  return !roles.has(d) && d.key !== '<return>' && d.targetCount === 1 && !hasActivation(d.rhs) && flow.matmulCount(d.rhs) === 0 && !SPLIT.test(d.rhs) && !learningStep(d);
}

/** `w_z = w_z - rate * …`, `bz -= lr * …`: a weight's learning step reads the gates; it mixes nothing into a state. */
const learningSteps = new WeakMap<Def, boolean>();
function learningStep(d: Def): boolean {
  let found = learningSteps.get(d);
  if (found === undefined) learningSteps.set(d, (found = isLearningStep(d)));
  return found;
}
function isLearningStep(d: Def): boolean {
  if (!/-/.test(d.rhs) && !/-=/.test(d.stmt.text)) return false;
  const rate = String.raw`\s*\(?\s*(?:[\w$]+\s*\.\s*)*(?:rate|lr|learning_?rate|eta|step_?size)\b`;
  const key = escapeRegExp(d.key);
  return new RegExp(`^\\s*${key}\\s*-${rate}`).test(d.rhs) || new RegExp(`-=${rate}`).test(d.stmt.text.slice(0, d.rhsOffset) + d.rhs);
}

/** The definitions `d` reads directly or through mixers, with the mixers passed on the way. */
export function readsThroughMixers(flow: Flow, roles: Roles, d: Def): { sources: Def[]; mixers: Def[] } {
  const sources: Def[] = [];
  const mixers: Def[] = [];
  const stack = [d];
  while (stack.length) {
    const at = stack.pop()!;
    for (const r of at.refs) {
      const src = flow.reaching(r, at.order);
      if (!src || src === at || sources.includes(src)) continue;
      sources.push(src);
      if (isMixer(flow, roles, src)) {
        mixers.push(src);
        stack.push(src);
      }
    }
  }
  return { sources, mixers };
}

/**
 * A mixer that only rearranges one gate (the 1997 block's `y_in_exp = stack([y_in[0], y_in[0], y_in[1], y_in[1]])`):
 * every name it reads is that gate (or a library, `torch.stack`), no state and no other value, and no arithmetic.
 */
export function reshapesOneGate(flow: Flow, roles: Roles, d: Def): boolean {
  // `1 - z` computes (a GRU's mix); stacking or indexing does not.
  if (/[-+*/%@]/.test(d.rhs)) return false;
  const read = new Set<GateName>();
  for (const r of d.refs) {
    const src = flow.reaching(r, d.order);
    const role = src && roles.get(src);
    if (role) read.add(role);
    else if (src || flow.isParam(r) || r.startsWith('self.')) return false;
  }
  return read.size === 1;
}

/** Whether `d` is computed, at any depth, from a value with `role` (`a_h = (r * h) @ U` depends on r), not through a learning step (it reads the gates; it is not computed from them). */
export function dependsOnRole(flow: Flow, roles: Roles, d: Def, role: GateName): boolean {
  for (const src of upstream(flow, d, (s) => !learningStep(s))) if (roles.get(src) === role) return true;
  return false;
}

/** How many of `wanted` the definition reads, directly or through mixers. */
export function rolesReached(flow: Flow, d: Def, roles: Roles, wanted: GateName[]): number {
  return new Set(
    readsThroughMixers(flow, roles, d)
      .sources.map((s) => roles.get(s))
      .filter((r) => r !== undefined && wanted.includes(r)),
  ).size;
}

/** Like refsRole, but also through mixers: `cell = add(retainCell, writeCell)` reads f and i. */
export function reachesRole(flow: Flow, d: Def, roles: Roles, wanted: GateName[]): boolean {
  return readsThroughMixers(flow, roles, d).sources.some((s) => wanted.includes(roles.get(s)!));
}

/** A right side that is one name, perhaps indexed (`z`, `this.lastZ[base + j]`): it computes nothing. */
const MOVES_ONE_VALUE = /^\s*[A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*(?:\s*\[[^\][]*\])*\s*;?\s*$/;
/**
 * A value stored into or loaded from an array element. Not an augmented assignment (`self.cs *= f`
 * computes with its target), nor a plain copy (`kept = ft` binds an inlined method's parameter).
 */
export const movesOneValue = (d: Def) => MOVES_ONE_VALUE.test(d.rhs) && (d.targetSubscripted || d.rhs.includes('[')) && !/[-+*/@%&|^]=\s*$/.test(d.stmt.text.slice(0, d.rhsOffset));

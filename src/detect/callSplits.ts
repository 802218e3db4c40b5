// A fused pre-activation cut into its gates by a call rather than by chunk/split: the file's own helper
// handed that pre-activation first (`const [i, f, g, o] = chunkGates(gates, hidden)`), which hands
// back one value per gate.
import type { Def } from './defs';
import type { Flow } from './flow';
import { hasActivation } from './vocab';

export function splitByCall(flow: Flow, d: Def): boolean {
  const first = /^\s*[A-Za-z_$][\w$.]*\s*\(\s*([A-Za-z_$][\w$]*)\s*[,)]/.exec(d.rhs)?.[1];
  const src = first === undefined ? undefined : flow.reaching(first, d.order);
  return src !== undefined && flow.preact(src) && !hasActivation(d.rhs) && flow.matmulCount(d.rhs) === 0;
}

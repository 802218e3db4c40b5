// IndRNN's recurrence written out over a layer's own weights: `hx = act(lin[t] + torch.mul(recurrent_h, hx))`,
// the previous state times, elementwise, a weight the layer holds (`recurrent_h = self.cells_recurrent[i]`),
// plus a term computed from the step's input (`lin = cell_hidden(x)`, a module of the layer, then unbound by time).
import { extractRefs, type Def } from './defs';
import { upstream, type Flow } from './flow';
import { splitTopLevel } from './text';

/** `self.cells_recurrent[i]`, `this.u`: a value the layer holds, taken as it is. */
const HELD = /^\s*(?:self|this)\s*\.\s*[A-Za-z_$][\w$]*(?:\s*\[[^\][]*\])?\s*;?\s*$/;
const ELEMENTWISE_CALL = /(?:^|[^\w$])(?:multiply|mul)\s*\(([^()]*)\)/g;

/** Whether `d` is computed, at any depth, from a parameter `isInput` accepts. */
function fromInput(flow: Flow, d: Def, isInput: (name: string) => boolean): boolean {
  return [d, ...upstream(flow, d)].some((def) => def.refs.some((r) => !flow.reaching(r, def.order) && flow.isParam(r) && isInput(r)));
}

/** `d` adds to a term from the step's input the previous state times a weight the layer holds, elementwise. */
export function heldWeightTimesState(flow: Flow, d: Def, isPrevious: (ref: string) => boolean, isInput: (name: string) => boolean): boolean {
  const held = (ref: string) => ref.startsWith('self.') || HELD.test(flow.reaching(ref, d.order)?.rhs ?? '');
  for (const m of d.rhs.matchAll(ELEMENTWISE_CALL)) {
    const args = splitTopLevel(m[1]).map((a) => a.text.trim());
    if (args.length !== 2 || !args.every((a) => /^[A-Za-z_$][\w$.]*$/.test(a))) continue;
    const [a, b] = args.map((x) => x.replace(/^this\./, 'self.'));
    if (!((isPrevious(a) && held(b)) || (isPrevious(b) && held(a)))) continue;
    const rest = d.rhs.slice(0, m.index) + d.rhs.slice(m.index + m[0].length);
    const restDef: Def = { ...d, refs: extractRefs(rest) };
    if (/\+/.test(rest) && fromInput(flow, restDef, isInput)) return true;
  }
  return false;
}

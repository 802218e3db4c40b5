// Whether a definition given a gate's role by its name computes something gate-like.
import { extractRefs, type Def } from './defs';
import type { Flow, Roles } from './flow';
import { helperCalled } from './helpers';
import { matchBracket } from './text';
import type { GateName } from './types';
import { CONCAT, EXPLICITLY_PREVIOUS, hasActivation, PREVIOUS_HIDDEN, roleName, SPLIT } from './vocab';

/** `f = this._forgetGate[k].calculate(input, hPrev)`: a method of an object the cell holds, handed the previous state, computes the gate. */
// Also a module the cell holds, called on the previous state (`f = self.forget_mlp(torch.cat((x, h), dim=1))`: a forget gate made by an MLP).
// The state may be handed in concatenated with the input first (`xh = cat((x, h)); f = self.keep_net(xh)`).
export function gateObjectCall(flow: Flow, d: Def): boolean {
  const text = d.rhs.trim().replace(/;$/, '');
  const call = /^(?:self|this)\s*\.[\w$.[\]\s]*?\(/.exec(text);
  if (!call || matchBracket(text, call[0].length - 1) !== text.length - 1) return false;
  // A method of the cell called directly (`ft = self.keep(xh)`) is a helper, not an object the cell holds.
  if (/^(?:self|this)\s*\.\s*[\w$]+\s*\($/.test(call[0]) && !flow.callsHeld(call[0])) return false;
  const previous = (r: string) => PREVIOUS_HIDDEN.test(roleName(r)) || EXPLICITLY_PREVIOUS.test(roleName(r));
  return extractRefs(text.slice(call[0].length, -1)).some((r) => {
    const src = flow.reaching(r, d.order);
    return previous(r) || (src !== undefined && CONCAT.test(src.rhs) && src.refs.some(previous));
  });
}

/** `1 - i[t]`: one minus a value, nothing else (a coupled gate). */
export const COMPLEMENT = /^\s*1(?:\.0*)?\s*-\s*[A-Za-z_$][\w$.]*(?:\s*\[[^\]]*\])?\s*;?\s*$/;

/** `zs[n] = np.zeros_like(zs[0])`: a slot allocated, as a whole, computes no gate. */
function allocation(rhs: string): boolean {
  const m = /^\s*(?:[\w$]+\s*\.\s*)*(?:zeros|ones|empty)(?:_like|Like)?\s*\(/.exec(rhs);
  return m !== null && matchBracket(rhs, m[0].length - 1) === rhs.trimEnd().replace(/;$/, '').length - 1;
}

/** `gates[0]`, `z[1, :]`: one element (or row) of an array, as a whole right-hand side. */
export const ELEMENT_OF = /^\s*([A-Za-z_$][\w$.]*)\s*\[[^\]]+\]\s*;?\s*$/;

/** A gate definition is believed when its right-hand side computes something gate-like. */
export function gateLike(flow: Flow, d: Def, roles: Roles, role: GateName): boolean {
  if (allocation(d.rhs)) return false;
  const helper = helperCalled(d.rhs, flow.helpers);
  if (helper) return flow.helpers!.gates.get(helper)?.gates.includes(role) ?? true;
  // `self._saved['i'] = i`: a gate copied into a container under its own name computes nothing.
  if (d.key.includes('.') && d.rhs.trim() === d.key.slice(d.key.lastIndexOf('.') + 1)) return false;
  if (hasActivation(d.rhs) || flow.matmulCount(d.rhs) > 0) return true;
  if (gateObjectCall(flow, d)) return true;
  // A coupled forget gate (CIFG): `f = 1 - i`.
  if (role === 'f' && COMPLEMENT.test(d.rhs) && d.refs.some((r) => roles.get(flow.reaching(r, d.order)!) === 'i')) return true;
  if (SPLIT.test(d.rhs) && d.refs.some((r) => flow.reaching(r, d.order))) return true;
  if (SPLIT.test(d.rhs) && d.targetCount >= 3) return true;
  // `update, reset = gates[0], gates[1]` after `gates = sigmoid(...)`: one element of an activated array.
  const element = ELEMENT_OF.exec(d.rhs);
  if (element && flow.activates(flow.reaching(element[1], d.order)?.rhs ?? '')) return true;
  return d.refs.some((r) => {
    const src = flow.reaching(r, d.order);
    // `negUpdateGate = createNegatedCloneMatrix(updateGate)`: a value made from the gate once activated, under
    // another name, is a use of it (the `1 - z` of a mix), not the gate.
    return src !== undefined && (flow.preact(src) || (roles.get(src) === role && (src.key === d.key || !flow.activates(src.rhs))));
  });
}

// Assignment analysis over one function's statements: which variable is which gate, and
// which lines compute it. Roles come from names (i_t, forgetgate, c_tilde, hy, …) and are
// only accepted when the right-hand side looks like the computation (an activation, a
// product with the weights, a split of a fused product, a state update from the gates).
// Tried in turn: an LSTM (analyseLstm.ts), a GRU (analyseGru.ts), an LSTM written out in place
// (inlineLstm.ts), a simple RNN (rnn.ts), gate-named activations of no known cell; roles by name
// come from assignGates.ts.
import { splitActivatedColumns } from './activatedSlices';
import { analyseGru } from './analyseGru';
import { analyseLstm } from './analyseLstm';
import { assignGates } from './assignGates';
import { parseDefs } from './defs';
import type { FileLayers } from './fileLayers';
import { Flow } from './flow';
import { expandGateArrays } from './gateArrays';
import { gatesOf } from './gateLines';
import type { ClassHelpers } from './helpers';
import { analyseInlineLstm } from './inlineLstm';
import { analyseRnn, collectedStates } from './rnn';
import type { Param, Stmt } from './scan';
import { escapeRegExp } from './text';
import type { DetectedKind, GateName } from './types';
import { hasActivation, LSTM_NAMES, LSTM_SUFFIXES } from './vocab';

export interface UnitAnalysis {
  kind: DetectedKind;
  gates: Map<GateName, Set<number>>;
  optionalForgetGate: boolean;
  /** An LSTM whose gates read the cell state (peephole connections). */
  peephole?: boolean;
}

/** Gate-named activations without a recognisable state update: something recurrent, not classified. */
function analyseUnknown(flow: Flow): UnitAnalysis | undefined {
  const roles = assignGates(flow, LSTM_NAMES, ['i', 'f', 'g', 'o'], ['i', 'f', 'g', 'o'], LSTM_SUFFIXES);
  const activated = new Set([...roles].filter(([d]) => hasActivation(d.rhs)).map(([, r]) => r));
  if (activated.size < 3) return undefined;
  return { kind: 'unknown', gates: gatesOf(flow, roles, ['i', 'f', 'g', 'o']), optionalForgetGate: false };
}

/** A call of one of `names`: bare, or as `self.X(`, `this.X.apply(`. */
function callOf(names: string[]): RegExp | undefined {
  if (!names.length) return undefined;
  return new RegExp(`(?:\\b(?:self|this)\\s*\\.\\s*|(?<![\\w$.]))(?:${names.map(escapeRegExp).join('|')})\\s*(?:\\.\\s*(?:apply|call|forward)\\s*)?\\(`, 'g');
}

export function analyseStatements(stmts: Stmt[], params: Param[], lineOf: (o: number) => number, layers: FileLayers, helpers?: ClassHelpers): UnitAnalysis | undefined {
  const calls = { products: callOf(layers.products), concatenating: callOf(layers.concatenating), activated: callOf(layers.activated), held: callOf(layers.held) };
  const flow = new Flow(splitActivatedColumns(expandGateArrays(parseDefs(stmts, lineOf))), params, calls, lineOf, helpers);
  const lstm = analyseLstm(flow);
  // A coupled mix that is no LSTM (`s = (1 - a) * s + a * g`) may still be a GRU's update (its candidate read through r).
  if (lstm === null) return analyseGru(flow);
  return lstm ?? analyseGru(flow) ?? analyseInlineLstm(flow) ?? analyseRnn(flow, collectedStates(stmts), callOf(layers.recurrent)) ?? analyseUnknown(flow);
}

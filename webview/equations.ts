// The equations shown before the host sends any, in the notebook's row-vector notation
// (x_t W + h_{t-1} W + b), and the gate labels. The engine's cells declare their own lines
// (`CellDefinition.equations`); the host forwards them in an `equations` message, which
// replaces these.
import type { EquationLine, GateName } from '../src/engine/types';

export type EquationSetId = 'lstm' | 'lstm-no-forget' | 'simple-rnn';

export interface EquationSet {
  id: EquationSetId;
  title: string;
  lines: EquationLine[];
}

/** What each gate/state letter is called, for labels and tooltips. */
export const GATE_LABELS: Record<GateName, string> = {
  i: 'input gate',
  f: 'forget gate',
  g: 'candidate',
  o: 'output gate',
  c: 'cell state',
  h: 'hidden state',
  r: 'reset gate',
  z: 'update gate',
  n: 'new state',
};

const input: EquationLine = { gate: 'i', label: GATE_LABELS.i, latex: 'i_t = \\sigma(x_t W_{ii} + h_{t-1} W_{hi} + b_i)' };
const forget: EquationLine = { gate: 'f', label: GATE_LABELS.f, latex: 'f_t = \\sigma(x_t W_{if} + h_{t-1} W_{hf} + b_f)' };
const candidate: EquationLine = { gate: 'g', label: GATE_LABELS.g, latex: 'g_t = \\tanh(x_t W_{ig} + h_{t-1} W_{hg} + b_g)' };
const output: EquationLine = { gate: 'o', label: GATE_LABELS.o, latex: 'o_t = \\sigma(x_t W_{io} + h_{t-1} W_{ho} + b_o)' };
const hidden: EquationLine = { gate: 'h', label: GATE_LABELS.h, latex: 'h_t = o_t \\odot \\tanh(c_t)' };

export const EQUATION_SETS: Record<EquationSetId, EquationSet> = {
  lstm: {
    id: 'lstm',
    title: 'LSTM',
    lines: [input, forget, candidate, output, { gate: 'c', label: GATE_LABELS.c, latex: 'c_t = f_t \\odot c_{t-1} + i_t \\odot g_t' }, hidden],
  },
  'lstm-no-forget': {
    id: 'lstm-no-forget',
    title: 'LSTM without forget gate (1997)',
    lines: [input, candidate, output, { gate: 'c', label: GATE_LABELS.c, latex: 'c_t = c_{t-1} + i_t \\odot g_t' }, hidden],
  },
  'simple-rnn': {
    id: 'simple-rnn',
    title: 'Simple RNN',
    lines: [{ gate: 'h', label: GATE_LABELS.h, latex: 'h_t = \\tanh(x_t W_{ih} + h_{t-1} W_{hh} + b)' }],
  },
};

/** Which default set describes a cell kind named in an `equations` message. */
export function equationSetFor(cell: string): EquationSetId {
  if (cell === 'simple-rnn') return 'simple-rnn';
  if (cell === 'lstm-no-forget') return 'lstm-no-forget';
  return 'lstm';
}

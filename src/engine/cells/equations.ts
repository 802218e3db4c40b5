// The equation lines each cell kind implements, in a module with no TF.js import, so the
// extension host (which must not bundle TF.js) shows exactly the lines the engine's cells
// declare: each CellDefinition.equations is the entry of CELL_EQUATIONS for its kind.
import type { CellKind, EquationLine } from './types';

type LstmGate = 'i' | 'f' | 'g' | 'o';

/** The LSTM's six lines; `preActivation(gate)` is the argument of σ/tanh in the cell's own notation. */
export function lstmEquationLines(forgetGate: boolean, preActivation: (gate: LstmGate) => string): EquationLine[] {
  const lines: EquationLine[] = [
    { gate: 'i', label: 'input gate', latex: `i_t = \\sigma(${preActivation('i')})` },
  ];
  if (forgetGate) lines.push({ gate: 'f', label: 'forget gate', latex: `f_t = \\sigma(${preActivation('f')})` });
  lines.push(
    { gate: 'g', label: 'candidate', latex: `g_t = \\tanh(${preActivation('g')})` },
    { gate: 'o', label: 'output gate', latex: `o_t = \\sigma(${preActivation('o')})` },
    {
      gate: 'c',
      label: forgetGate ? 'cell state' : 'cell state (no forget gate)',
      latex: forgetGate ? 'c_t = f_t \\odot c_{t-1} + i_t \\odot g_t' : 'c_t = c_{t-1} + i_t \\odot g_t',
    },
    { gate: 'h', label: 'hidden state', latex: 'h_t = o_t \\odot \\tanh(c_t)' },
  );
  return lines;
}

/** Columns of each gate in the fused [i | f | g | o] weight. */
const FUSED_COLUMNS: Record<LstmGate, string> = { i: '0:H', f: 'H:2H', g: '2H:3H', o: '3H:4H' };
/** tf.layers.lstm names its kernel blocks i, f, c, o (c is the candidate). */
const KERNEL_BLOCK: Record<LstmGate, string> = { i: 'i', f: 'f', g: 'c', o: 'o' };

export const CELL_EQUATIONS: Record<CellKind, (options: { forgetGate: boolean }) => EquationLine[]> = {
  'naive-lstm': ({ forgetGate }) => lstmEquationLines(forgetGate, (gate) => `x_t W_{i${gate}} + h_{t-1} W_{h${gate}} + b_${gate}`),
  'fused-lstm': ({ forgetGate }) => lstmEquationLines(forgetGate, (gate) => `\\left(x_t W_{ih} + h_{t-1} W_{hh} + b\\right)_{[${FUSED_COLUMNS[gate]}]}`),
  'fast-lstm': ({ forgetGate }) => lstmEquationLines(forgetGate, (gate) => `x_t W_{ih}^{(${gate})} + h_{t-1} W_{hh}^{(${gate})} + b^{(${gate})}`),
  'builtin-lstm': ({ forgetGate }) => {
    if (!forgetGate) throw new Error('builtin-lstm has no variant without a forget gate; use naive-lstm or fused-lstm.');
    return lstmEquationLines(true, (gate) => `x_t K_${KERNEL_BLOCK[gate]} + h_{t-1} R_${KERNEL_BLOCK[gate]} + b_${KERNEL_BLOCK[gate]}`);
  },
  'simple-rnn': () => [{ gate: 'h', label: 'hidden state', latex: 'h_t = \\tanh(x_t W_{ih} + h_{t-1} W_{hh} + b)' }],
};

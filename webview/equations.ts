// The equations shown before the host sends any, and the sets of the panel's selector: one
// per cell family, plus the 1997 LSTM, all from the catalog. The host's `equations` message
// (a cell's own lines, from the same catalog) replaces them.
import { defaultEquationSets, type EquationLine } from '../src/shared/catalog';

export { GATE_LABELS } from '../src/shared/catalog';

export type EquationSetId = string;

export interface EquationSet {
  id: EquationSetId;
  title: string;
  lines: EquationLine[];
}

export const EQUATION_SETS: Record<EquationSetId, EquationSet> = Object.fromEntries(defaultEquationSets().map((set) => [set.id, set]));

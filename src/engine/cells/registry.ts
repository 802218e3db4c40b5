// Every cell kind, one line each. fast-lstm's line is added by its own module's author.
import type { CellDefinition, CellKind } from './types';
import { naiveLstm } from './naive-lstm';
import { fusedLstm } from './fused-lstm';
import { simpleRnn } from './simple-rnn';
import { builtinLstm } from './builtin-lstm';
import { fastLstm } from './fast-lstm';

export const CELLS: Partial<Record<CellKind, CellDefinition>> = {
  'naive-lstm': naiveLstm,
  'fused-lstm': fusedLstm,
  'simple-rnn': simpleRnn,
  'builtin-lstm': builtinLstm,
  'fast-lstm': fastLstm,
};

/** The kinds registered here, in registry order. */
export function cellKinds(): CellKind[] {
  return Object.keys(CELLS) as CellKind[];
}

/** The definition of `kind`; a clear error listing the valid kinds otherwise. */
export function getCell(kind: string): CellDefinition {
  const definition = Object.prototype.hasOwnProperty.call(CELLS, kind) ? CELLS[kind as CellKind] : undefined;
  if (!definition) throw new Error(`Unknown cell kind '${kind}'. Valid kinds: ${cellKinds().join(', ')}.`);
  return definition;
}

// The implementation of every cell kind in the catalog (src/shared/catalog.ts), one line
// each. The catalog says what a kind is; this adds how it runs. The mapped type makes a
// kind missing here a compile error.
import { CELL_KINDS, catalogEntry, cellEquations, familyOf, type CellKind } from '../../shared/catalog';
import type { CellDefinition, CellImplementation } from './types';
import { naiveLstm } from './naive-lstm';
import { fusedLstm } from './fused-lstm';
import { simpleRnn } from './simple-rnn';
import { builtinLstm } from './builtin-lstm';
import { fastLstm } from './fast-lstm';
import { gru } from './gru';

export const CELL_IMPLEMENTATIONS: { [K in CellKind]: CellImplementation<K> } = {
  'naive-lstm': naiveLstm,
  'fused-lstm': fusedLstm,
  'simple-rnn': simpleRnn,
  'builtin-lstm': builtinLstm,
  'fast-lstm': fastLstm,
  gru,
};

/** Every cell kind, in catalog order. */
export function cellKinds(): CellKind[] {
  return [...CELL_KINDS];
}

/** The catalog entry and implementation of `kind`; a clear error listing the valid kinds otherwise. */
export function getCell(kind: string): CellDefinition {
  const entry = catalogEntry(kind);
  const cellKind = kind as CellKind;
  const implementation = CELL_IMPLEMENTATIONS[cellKind] as CellImplementation;
  return {
    ...entry,
    kind: cellKind,
    gates: familyOf(cellKind).gates,
    equations: (options) => cellEquations(cellKind, options),
    create: implementation.create,
  };
}

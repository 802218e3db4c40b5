// The cell catalog (src/shared/catalog.ts) and the engine's registry agree: every kind the
// catalog lists has an implementation whose cells carry that kind, hold exactly the
// catalog's weights in the catalog's shapes, and honour its forget-gate rule; and the
// catalog itself loads without TF.js, so the host and the webview can read it.
import assert from 'node:assert/strict';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { initBackend } from '../../src/engine/backend';
import { CELL_IMPLEMENTATIONS, cellKinds, getCell } from '../../src/engine/cells/registry';
import { initFamilyWeights } from '../../src/engine/cells/init';
import { CELL_CATALOG, CELL_FAMILIES, CELL_KINDS, cellEquations, familyOf, weightShapes, type CellKind } from '../../src/shared/catalog';

const root = path.resolve(__dirname, '../..');

/** The shape of a nested-array weight as it was exported. */
function shapeOf(value: number[][] | number[]): number[] {
  return Array.isArray(value[0]) ? [value.length, (value[0] as number[]).length] : [value.length];
}

describe('cell catalog and registry', () => {
  before(async () => {
    // Through initBackend, so later suites that ask for wasm really get it back.
    await initBackend('cpu');
  });

  it('the registry implements exactly the catalog’s kinds, each under its own kind', () => {
    assert.deepEqual(Object.keys(CELL_IMPLEMENTATIONS).sort(), [...CELL_KINDS].sort());
    assert.deepEqual(cellKinds(), CELL_KINDS);
    for (const kind of CELL_KINDS) assert.equal(CELL_IMPLEMENTATIONS[kind].kind, kind);
  });

  for (const kind of CELL_KINDS) {
    it(`${kind}: its cells hold the catalog’s weights, shapes and forget-gate rule`, () => {
      const entry = CELL_CATALOG[kind];
      const [E, H] = [3, 5];
      const cell = getCell(kind).create({ inputSize: E, hiddenSize: H, seed: 4 });
      try {
        assert.equal(cell.kind, kind);
        const exported = cell.exportWeights();
        const shapes = weightShapes(kind, E, H);
        assert.deepEqual(Object.keys(exported), Object.keys(shapes), 'weight names, in the catalog’s order');
        for (const [name, shape] of Object.entries(shapes)) assert.deepEqual(shapeOf(exported[name]!), shape, name);
        // The seeded init the catalog describes is the one the cell starts from.
        assert.deepEqual(exported, initFamilyWeights(entry.family, E, H, 4));
        if (entry.forgetGate === 'none') assert.equal(cell.forgetGate, false);
        else assert.equal(cell.forgetGate, true);
      } finally {
        cell.dispose();
      }
      if (entry.forgetGate === 'always') assert.throws(() => getCell(kind).create({ inputSize: E, hiddenSize: H, forgetGate: false }), /forget gate/);
      if (entry.forgetGate === 'optional') getCell(kind).create({ inputSize: E, hiddenSize: H, forgetGate: false }).dispose();
    });
  }

  it('each kind’s equations name only its family’s gates, each once, in the family’s order', () => {
    for (const kind of CELL_KINDS) {
      const gates = cellEquations(kind, { forgetGate: true }).map((line) => line.gate);
      const familyGates = familyOf(kind).gates;
      assert.deepEqual(
        gates,
        familyGates.filter((g) => gates.includes(g)),
        kind,
      );
      assert.equal(new Set(gates).size, gates.length, kind);
    }
  });

  it('every family’s initial biases are zero except b_f, which is the forget bias', () => {
    for (const family of Object.keys(CELL_FAMILIES) as (keyof typeof CELL_FAMILIES)[]) {
      const weights = initFamilyWeights(family, 2, 3, 1, 0.5);
      for (const spec of CELL_FAMILIES[family].weights) {
        if (spec.shape.length !== 1) continue;
        assert.deepEqual(weights[spec.name], new Array(3).fill(spec.init === 'forget-bias' ? 0.5 : 0), `${family} ${spec.name}`);
      }
    }
  });

  it('each kind has one name: its short name, distinct, and the first word of its title in pickers and headings', () => {
    const names = CELL_KINDS.map((kind) => CELL_CATALOG[kind].shortName);
    assert.equal(new Set(names).size, names.length);
    for (const kind of CELL_KINDS)
      assert.ok(CELL_CATALOG[kind].title.startsWith(`${CELL_CATALOG[kind].shortName} (`), `${kind}: "${CELL_CATALOG[kind].title}" does not start with "${CELL_CATALOG[kind].shortName} ("`);
  });

  it('the catalog module imports nothing (no TF.js: the host and the webview bundle it)', async () => {
    const result = await esbuild.build({
      entryPoints: [path.join(root, 'src/shared/catalog.ts')],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'neutral',
      logLevel: 'silent',
      absWorkingDir: root,
    });
    assert.deepEqual(Object.keys(result.metafile.inputs), ['src/shared/catalog.ts']);
  });

  it('names a kind that does not exist, listing the valid ones', () => {
    assert.throws(() => getCell('transformer' as CellKind), new RegExp(`Unknown cell kind 'transformer'\\. Valid kinds: ${CELL_KINDS.join(', ')}\\.`));
  });
});

// Styles first met in the fifth set of real code (test/fixtures/detect-real, split 'fresh4'),
// each written again as an own fixture in test/fixtures/detect/styles: the expected name, range,
// kind and gate → lines are hand labels read off the fixture.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { detectCells, type DetectedCell } from '../../src/detect';

const dir = path.join(__dirname, '..', 'fixtures', 'detect', 'styles');

function cells(file: string): Pick<DetectedCell, 'name' | 'kind' | 'range' | 'layout' | 'gates'>[] {
  const language = file.endsWith('.py') ? 'python' : file.endsWith('.ts') ? 'typescript' : 'javascript';
  return detectCells(fs.readFileSync(path.join(dir, file), 'utf8'), language).map(({ name, kind, range, layout, gates }) => ({ name, kind, range, layout, gates }));
}

describe('detectCells: styles from the fifth set of real code', () => {
  it('a memory kept by (1 - input gate) is a coupled mix (an attention memory), not an LSTM without a forget gate; the 1997 `c = c + i * g` still is one', () => {
    assert.deepEqual(cells('coupled_memory.py'), [
      { name: 'Lstm1997', kind: 'lstm-no-forget', range: { start: 18, end: 25 }, layout: 'per-gate', gates: { i: [20], g: [21], o: [22], c: [23], h: [24] } },
    ]);
  });
});

// Styles first met in the fresh hold-out of real code (test/fixtures/detect-real, split 'fresh'),
// each written again as an own fixture in test/fixtures/detect/styles: the expected kind and
// gate → lines are hand labels read off the fixture.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { detectCells, type DetectedCell } from '../../src/detect';

const dir = path.join(__dirname, '..', 'fixtures', 'detect', 'styles');

function cells(file: string): Pick<DetectedCell, 'name' | 'kind' | 'layout' | 'optionalForgetGate' | 'peephole' | 'gates'>[] {
  const language = file.endsWith('.py') ? 'python' : file.endsWith('.ts') ? 'typescript' : 'javascript';
  return detectCells(fs.readFileSync(path.join(dir, file), 'utf8'), language).map(({ name, kind, layout, optionalForgetGate, peephole, gates }) => ({ name, kind, layout, optionalForgetGate, peephole, gates }));
}

describe('detectCells: styles from the fresh hold-out', () => {
  it("activation objects' methods (self.forget_sigmoid.forward(z), self.tanh.forward(z)); a step method keeping h in self.h", () => {
    assert.deepEqual(cells('objects.py'), [
      { name: 'ObjectLSTM', kind: 'lstm', layout: 'fused', optionalForgetGate: false, peephole: undefined, gates: { i: [3, 6], f: [3, 4], g: [3, 5], o: [3, 7], c: [8], h: [9] } },
      { name: 'ObjectRNN', kind: 'rnn', layout: 'per-gate', optionalForgetGate: false, peephole: undefined, gates: { h: [15] } },
      { name: 'StepRNN', kind: 'rnn', layout: 'per-gate', optionalForgetGate: false, peephole: undefined, gates: { h: [21] } },
    ]);
  });

  it('chainer-style links: split_axis after a reshape, the unnamed fourth output is g, peepholes through a layer of c, zoneout passing c on; layers made in a base class', () => {
    assert.deepEqual(cells('links.py'), [
      { name: 'PeepLink', kind: 'lstm', layout: 'fused', optionalForgetGate: false, peephole: true, gates: { i: [5, 7, 12], f: [5, 8, 13], g: [5, 6, 14], o: [5, 9, 16], c: [14, 15], h: [17] } },
      { name: 'StatefulLink', kind: 'gru', layout: 'per-gate', optionalForgetGate: false, peephole: undefined, gates: { r: [35], z: [33, 36, 38], n: [34, 37, 39], h: [40] } },
    ]);
  });
});

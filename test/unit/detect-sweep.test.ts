// The detector over code that holds no recurrent cell: the Python standard library (where
// this machine has one) and JavaScript libraries in node_modules. Any cell reported there,
// other than tfjs-core's basicLSTMCell (a real one), is a false positive a user would see as
// a wrong CodeLens.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { JS_ROOTS, PYTHON_LIB, sweepCells } from '../../scripts/detect-sweep';

describe('detectCells: no false positives over large bodies of ordinary code', function () {
  this.timeout(300_000);

  it('the Python standard library has no cell', function () {
    if (!fs.existsSync(PYTHON_LIB)) this.skip();
    assert.deepEqual(
      sweepCells([PYTHON_LIB], ['.py'], 'python').filter((c) => !c.real),
      [],
    );
  });

  it("JavaScript libraries (chart.js, KaTeX, tfjs-core ops, mocha, esbuild) have no cell but tfjs-core's basicLSTMCell", () => {
    const found = sweepCells(JS_ROOTS, ['.js', '.cjs', '.mjs'], 'javascript');
    assert.deepEqual(
      found.filter((c) => !c.real),
      [],
    );
    assert.ok(
      found.some((c) => c.real),
      'basicLSTMCell (a real LSTM step) is found',
    );
  });
});

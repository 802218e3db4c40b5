// Each cell family's maths module (src/engine/families): its hand-written step backward
// equals TF.js's autodiff of its own step, for several rows of cotangents at once (what the
// gradient-flow view relies on); its step equals the cells' own step on the same weights.
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { CELL_CATALOG, CELL_FAMILIES, CELL_KINDS, type CellFamily } from '../../src/shared/catalog';
import { disposeFused, FAMILY_MATHS, fusedTensorsOf } from '../../src/engine/families';
import { getCell } from '../../src/engine/cells/registry';
import { mulberry32 } from '../../src/engine/random';

const random = mulberry32(11);
const uniform = (shape: [number, number], scale = 1) =>
  tf.tensor2d(
    Float32Array.from({ length: shape[0] * shape[1] }, () => (random() * 2 - 1) * scale),
    shape,
  );

function maxAbsDifference(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

describe('cell family maths', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  for (const family of Object.keys(CELL_FAMILIES) as CellFamily[]) {
    const maths = FAMILY_MATHS[family];
    const kind = CELL_KINDS.find((k) => CELL_CATALOG[k].family === family && CELL_CATALOG[k].forgetGate !== 'always')!;
    for (const forgetGate of CELL_CATALOG[kind].forgetGate === 'none' ? [false] : [true, false]) {
      it(`${family}${CELL_CATALOG[kind].forgetGate === 'none' ? '' : forgetGate ? ', forget gate' : ', no forget gate'}: stepBackward equals autodiff of step for 3 rows of cotangents`, () => {
        const [E, H, R] = [3, 4, 3];
        const cell = getCell(kind).create({ inputSize: E, hiddenSize: H, forgetGate, seed: 5 });
        const weights = fusedTensorsOf(cell);
        cell.dispose();
        try {
          tf.tidy(() => {
            const columns = weights.bias.shape[0];
            const hasC = (CELL_FAMILIES[family].state as readonly string[]).includes('c');
            const input = uniform([R, columns], 1.5);
            const h = uniform([R, H]);
            const c = hasC ? uniform([R, H], 2) : undefined;
            const dh = uniform([R, H]);
            const dc = hasC ? uniform([R, H]) : undefined;
            const values = maths.step(weights, input, h, c);
            const byHand = maths.stepBackward(weights, tf.transpose(weights.weightHh), values, { h, ...(c ? { c } : {}) }, dh, dc);
            const output = (...args: tf.Tensor[]) => {
              const out = maths.step(weights, args[0] as tf.Tensor2D, args[1] as tf.Tensor2D, args[2] as tf.Tensor2D | undefined);
              return hasC ? tf.concat([out.h, out.c!], 1) : out.h;
            };
            const cotangent = hasC ? tf.concat([dh, dc!], 1) : dh;
            const [dInput, dhPrevious, dcPrevious] = tf.grads(output)(c ? [input, h, c] : [input, h], cotangent);
            assert.ok(maxAbsDifference(byHand.dInput, dInput!) < 1e-5, 'input product');
            assert.ok(maxAbsDifference(byHand.dh, dhPrevious!) < 1e-5, 'h');
            if (hasC) assert.ok(maxAbsDifference(byHand.dc!, dcPrevious!) < 1e-5, 'c');
          });
        } finally {
          disposeFused(weights);
        }
      });
    }
  }

  for (const kind of CELL_KINDS) {
    it(`${kind}: the family's step equals the cell's own step on its weights`, () => {
      const [E, H, B] = [3, 4, 2];
      const cell = getCell(kind).create({ inputSize: E, hiddenSize: H, seed: 9, forgetBias: 0.5 });
      const weights = fusedTensorsOf(cell);
      try {
        tf.tidy(() => {
          const hasC = (CELL_FAMILIES[CELL_CATALOG[kind].family].state as readonly string[]).includes('c');
          const x = uniform([B, E]);
          const h = uniform([B, H]);
          const c = hasC ? uniform([B, H]) : undefined;
          const own = cell.step(x, { h, ...(c ? { c } : {}) });
          const shared = FAMILY_MATHS[CELL_CATALOG[kind].family].step(weights, tf.add(tf.matMul(x, weights.weightIh), weights.bias), h, c);
          assert.ok(maxAbsDifference(own.h, shared.h) < 1e-5, 'h');
          if (hasC) assert.ok(maxAbsDifference(own.c!, shared.c!) < 1e-5, 'c');
        });
      } finally {
        cell.dispose();
        disposeFused(weights);
      }
    });
  }
});

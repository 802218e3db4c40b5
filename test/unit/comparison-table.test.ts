import { strict as assert } from 'node:assert';
import { comparisonTable } from '../../src/host/core/export';
import type { RunRecord } from '../../src/shared/protocol';
import { SEED_NOTEBOOK_TRAIN_CONFIG } from '../../src/shared/types';

function run(title: string, maxBatches: number | undefined, batches: number, batchesPerEpoch: number): RunRecord {
  return {
    id: title,
    kind: 'train',
    title,
    status: 'done',
    createdAt: 0,
    backend: 'wasm',
    config: { ...SEED_NOTEBOOK_TRAIN_CONFIG, cell: 'naive-lstm', corpus: { kind: 'brown' }, ...(maxBatches !== undefined ? { maxBatches } : {}) },
    batches: Array.from({ length: batches }, (_, k) => ({ epoch: 1, batch: k + 1, batchesPerEpoch, step: k + 1, loss: 3, charsPerSecond: 1000, elapsedMs: k })),
    epochs: [{ epoch: 1, trainLoss: 3.1, valLoss: 2.957, bitsPerChar: 2.957 / Math.LN2, seconds: 65, charsPerSecond: 1000, peakRssMB: 400 }],
    probeSeries: [],
  };
}

describe('the comparison table', () => {
  it('says what each run trained on: batches for a Quick run (not an epoch), epochs for a whole one', () => {
    const lines = comparisonTable([run('quick run', 50, 50, 338), run('notebook run', undefined, 338, 338)])
      .trim()
      .split('\n');
    assert.equal(lines[0], '| model | trained on | time | train loss (epoch avg.) | val loss | bits/char | chars/s | peak MB | backend | status |');
    assert.ok(!lines[0].includes('epoch time'), 'no "epoch time" column');
    assert.match(lines[2], /^\| quick run \| 50 batches \| 1:05 \| 3\.100 \| 2\.957 \| 4\.266 \| 1000 \| 400 \| wasm \| done \|$/);
    assert.match(lines[3], /^\| notebook run \| 1 epoch \| 1:05 \|/);
  });
});

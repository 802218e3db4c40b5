// lab bench: the FLOP count against a hand count of the notebook's figures, the JSON shape
// the issue specifies, the relations between its numbers, and clear errors for bad options.
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/engine/backend';
import { bench, benchConfigOf, benchRatios, benchTable, brownBatchesPerEpoch, lstmFlopsPerBatch, speedComparison } from '../../src/engine/bench';

describe('bench', () => {
  before(async () => {
    await initBackend('wasm');
  });

  it("counts the notebook's 9.1 GFLOP per batch at T=500 (forward 3.04: input 0.8, recurrent 2.0, output 0.24)", () => {
    const flops = lstmFlopsPerBatch({ seqLen: 500, batchSize: 32, hiddenSize: 125, embeddingSize: 50, vocabSize: 60 });
    const input = 2 * 32 * 500 * 50 * 500;
    const recurrent = 2 * 32 * 500 * 125 * 500;
    const output = 2 * 32 * 500 * 125 * 60;
    assert.equal(input, 0.8e9);
    assert.equal(recurrent, 2.0e9);
    assert.equal(output, 0.24e9);
    assert.equal(flops, 3 * (input + recurrent + output));
    assert.ok(Math.abs(flops / 1e9 - 9.12) < 1e-9);
  });

  it('says "slower" when the cell is slower (never "0.6× faster") and "faster" when it is faster', () => {
    assert.equal(speedComparison(736, 1182), '1.6× faster');
    assert.equal(speedComparison(736, 414), '1.8× slower');
    assert.equal(speedComparison(100, 102), 'as fast (within 5%)');
    const rows = [
      { cell: 'simple-rnn' as const, msPerBatch: 400, minutesPerEpoch: 1, peakRssMB: 1 },
      { cell: 'fast-lstm' as const, msPerBatch: 720, minutesPerEpoch: 1, peakRssMB: 1 },
    ];
    const result = { backend: 'wasm' as const, config: { seqLen: 50, batchSize: 32, hiddenSize: 125, embeddingSize: 50, vocabSize: 60, batchesPerEpoch: 345 }, matmulGflops: 20, flopsPerBatch: 9e9, floorMsPerBatch: 450, results: rows };
    assert.deepEqual(benchRatios(result).slice(1), ['fast-lstm vs simple-rnn: 1.8× slower']);
  });

  it('Brown at the notebook configuration gives the 345 training batches the corpus pipeline makes (notebook ≈338)', () => {
    assert.equal(brownBatchesPerEpoch(500, 32), 345);
  });

  it('returns exactly {backend, config, matmulGflops, flopsPerBatch, floorMsPerBatch, results[]} with consistent numbers', async () => {
    const seen: string[] = [];
    const tensorsBefore = tf.memory().numTensors;
    const result = await bench({ seqLen: 6, batchSize: 3, hiddenSize: 8, embeddingSize: 5, vocabSize: 12, batches: 2, cells: ['fused-lstm', 'fast-lstm'], onResult: (row) => seen.push(row.cell) });
    assert.deepEqual(Object.keys(result).sort(), ['backend', 'config', 'floorMsPerBatch', 'flopsPerBatch', 'matmulGflops', 'results']);
    assert.equal(result.backend, 'wasm');
    assert.deepEqual(result.config, { seqLen: 6, batchSize: 3, hiddenSize: 8, embeddingSize: 5, vocabSize: 12, batchesPerEpoch: brownBatchesPerEpoch(6, 3) });
    assert.deepEqual(seen, ['fused-lstm', 'fast-lstm']);
    assert.ok(result.matmulGflops > 0 && Number.isFinite(result.matmulGflops));
    assert.equal(result.flopsPerBatch, lstmFlopsPerBatch(result.config));
    assert.ok(Math.abs(result.floorMsPerBatch - result.flopsPerBatch / (result.matmulGflops * 1e6)) < 1e-9);
    for (const row of result.results) {
      assert.deepEqual(Object.keys(row).sort(), ['cell', 'minutesPerEpoch', 'msPerBatch', 'peakRssMB']);
      assert.ok(row.msPerBatch > 0);
      assert.ok(Math.abs(row.minutesPerEpoch - (row.msPerBatch * result.config.batchesPerEpoch) / 60000) < 1e-9);
      assert.ok(row.peakRssMB > 10, 'peak RSS in MB, not bytes or KB');
    }
    assert.match(benchTable(result), /fast-lstm/);
    assert.equal(tf.memory().numTensors, tensorsBefore, 'the bench leaves no tensors behind');
  });

  it('rejects bad options with a message naming them', async () => {
    assert.throws(() => benchConfigOf({ seqLen: 0 }), /seqLen must be a positive integer, got 0/);
    assert.throws(() => benchConfigOf({ batches: 1.5 }), /batches must be a positive integer/);
    await assert.rejects(bench({ cells: ['lstm-9000' as never], seqLen: 2, batchSize: 1 }), /Unknown cell kind 'lstm-9000'/);
  });
});

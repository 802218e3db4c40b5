// lab bench: the FLOP count against a hand count of the notebook's figures, the JSON shape
// the issue specifies, the relations between its numbers, and clear errors for bad options.
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/engine/backend';
import { bench, benchConfigOf, benchRatios, benchTable, brownBatchesPerEpoch, lstmFlopsPerBatch, speedComparison } from '../../src/engine/bench';
import { benchPyTorch } from '../../src/engine/bench-pytorch';
import { probeInterpreter } from '../../src/python/interpreter';

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
      { cell: 'simple-rnn' as const, threads: 1, compute: 'TF.js wasm (autodiff)', msPerBatch: 400, cpuMsPerBatch: 400, minutesPerEpoch: 1, peakRssMB: 1 },
      { cell: 'fast-lstm' as const, threads: 1, compute: 'TF.js wasm (autodiff)', msPerBatch: 720, cpuMsPerBatch: 720, minutesPerEpoch: 1, peakRssMB: 1 },
    ];
    const result = {
      backend: 'wasm' as const,
      config: { seqLen: 50, batchSize: 32, hiddenSize: 125, embeddingSize: 50, vocabSize: 60, batchesPerEpoch: 345 },
      matmulGflops: 20,
      flopsPerBatch: 9e9,
      floorMsPerBatch: 450,
      results: rows,
      cores: 1,
    };
    assert.deepEqual(benchRatios(result).slice(1), ['fast-lstm vs simple-rnn: 1.8× slower']);
    // Wall time 4× the CPU time: the machine was busy, and the report says so.
    const busy = { ...result, results: rows.map((row) => ({ ...row, cpuMsPerBatch: row.msPerBatch / 4 })) };
    assert.match(benchRatios(busy).at(-1)!, /^note: the machine was busy \(a one-thread row took 4\.0× its CPU time in wall time\)/);
  });

  it('Brown at the notebook configuration gives the 345 training batches the corpus pipeline makes (notebook ≈338)', () => {
    assert.equal(brownBatchesPerEpoch(500, 32), 345);
  });

  it('returns exactly {backend, config, matmulGflops, flopsPerBatch, floorMsPerBatch, results[]} with consistent numbers', async () => {
    const seen: string[] = [];
    const tensorsBefore = tf.memory().numTensors;
    const result = await bench({
      seqLen: 6,
      batchSize: 3,
      hiddenSize: 8,
      embeddingSize: 5,
      vocabSize: 12,
      batches: 2,
      threads: 2,
      cells: ['fused-lstm', 'fast-lstm'],
      onResult: (row) => seen.push(row.cell),
    });
    assert.deepEqual(Object.keys(result).sort(), ['backend', 'config', 'cores', 'floorMsPerBatch', 'flopsPerBatch', 'matmulGflops', 'results']);
    assert.equal(result.backend, 'wasm');
    assert.deepEqual(result.config, { seqLen: 6, batchSize: 3, hiddenSize: 8, embeddingSize: 5, vocabSize: 12, batchesPerEpoch: brownBatchesPerEpoch(6, 3) });
    // fast-lstm's levers: its kernel on 2 threads, on 1, and fast-lstm on TF.js ops.
    assert.deepEqual(seen, ['fused-lstm', 'fast-lstm', 'fast-lstm', 'fast-lstm']);
    assert.deepEqual(
      result.results.map((row) => [row.cell, row.variant, row.threads]),
      [
        ['fused-lstm', undefined, 1],
        ['fast-lstm', undefined, 2],
        ['fast-lstm', undefined, 1],
        ['fast-lstm', 'tfjs-ops', 1],
      ],
    );
    assert.match(result.results[1]!.compute, /wasm SIMD kernel × 2 threads/);
    assert.match(result.results[3]!.compute, /TF\.js wasm \(autodiff\)/);
    assert.ok(result.matmulGflops > 0 && Number.isFinite(result.matmulGflops));
    assert.equal(result.flopsPerBatch, lstmFlopsPerBatch(result.config));
    assert.ok(Math.abs(result.floorMsPerBatch - result.flopsPerBatch / (result.matmulGflops * 1e6)) < 1e-9);
    for (const row of result.results) {
      assert.deepEqual(
        Object.keys(row)
          .filter((key) => key !== 'variant')
          .sort(),
        ['cell', 'compute', 'cpuMsPerBatch', 'minutesPerEpoch', 'msPerBatch', 'peakRssMB', 'threads'],
      );
      assert.ok(row.cpuMsPerBatch > 0);
      assert.ok(row.msPerBatch > 0);
      assert.ok(Math.abs(row.minutesPerEpoch - (row.msPerBatch * result.config.batchesPerEpoch) / 60000) < 1e-9);
      assert.ok(row.peakRssMB > 10, 'peak RSS in MB, not bytes or KB');
    }
    assert.match(benchTable(result), /\| fast-lstm \(wasm kernel\)\s+\|\s+2 \|/);
    assert.equal(tf.memory().numTensors, tensorsBefore, 'the bench leaves no tensors behind');
  });

  it('rejects bad options with a message naming them', async () => {
    assert.throws(() => benchConfigOf({ seqLen: 0 }), /seqLen must be a positive integer, got 0/);
    assert.throws(() => benchConfigOf({ batches: 1.5 }), /batches must be a positive integer/);
    await assert.rejects(bench({ cells: ['lstm-9000' as never], seqLen: 2, batchSize: 1 }), /Unknown cell kind 'lstm-9000'/);
  });
});

describe('bench --vs-pytorch', () => {
  let python: string | undefined;
  before(async function () {
    this.timeout(120_000);
    await initBackend('wasm');
    const info = await probeInterpreter('/usr/bin/python3', 'path');
    python = 'error' in info || !info.torch ? undefined : info.path;
  });

  it("times the same batch in PyTorch (1 thread and every core) in the same run and prints fast-lstm's ratio to its best", async function () {
    if (!python) this.skip(); // needs /usr/bin/python3 with torch (Debian: python3-torch)
    this.timeout(300_000);
    const result = await bench({ seqLen: 8, batchSize: 4, hiddenSize: 8, embeddingSize: 5, vocabSize: 12, batches: 1, cells: ['fast-lstm'], levers: false, pytorch: { python: python! } });
    const rows = result.pytorch!.rows;
    assert.deepEqual(
      rows.map((row) => [row.model, row.threads]),
      [...new Set([1, result.cores])].map((threads) => ['nn.LSTM', threads]),
    );
    for (const row of rows) assert.ok(row.msPerBatch > 0 && Number.isFinite(row.msPerBatch) && row.cpuMsPerBatch > 0);
    const best = Math.min(...rows.map((row) => row.msPerBatch));
    const fast = result.results[0]!.msPerBatch;
    assert.match(benchRatios(result)[0]!, new RegExp(`^fast-lstm vs PyTorch nn\\.LSTM .*: ${(fast / best).toFixed(2)}× its time`));
    assert.match(benchTable(result), /PyTorch nn\.LSTM \(torch /);
  });

  it('names the Python and what to do when it cannot run the benchmark', async () => {
    const config = benchConfigOf({ seqLen: 2, batchSize: 1 });
    await assert.rejects(benchPyTorch('/nonexistent/python3', config, [1]), /PyTorch's benchmark with \/nonexistent\/python3 failed: .*--python PATH/);
  });
});

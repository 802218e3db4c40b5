// The runs store on a real temp folder: atomic writes, reload after a crash, damaged files.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RunRecord } from '../../src/shared/protocol';
import { appendBatch, RunsStore } from '../../src/host/core/runs-store';
import { RunManager } from '../../src/host/core/run-manager';
import { WorkerClient } from '../../src/host/core/worker-client';
import { SEED_NOTEBOOK_TRAIN_CONFIG } from '../../src/shared/types';

function trainRun(id: string, status: RunRecord['status'], losses: number[]): RunRecord {
  return {
    id,
    kind: 'train',
    title: `fused-lstm ${id}`,
    status,
    createdAt: Date.parse('2026-11-29T12:00:00Z') + losses.length,
    backend: 'wasm',
    config: { ...SEED_NOTEBOOK_TRAIN_CONFIG, cell: 'fused-lstm', corpus: { kind: 'brown' } },
    batches: losses.map((loss, i) => ({ epoch: 1, batch: i + 1, batchesPerEpoch: 338, step: i + 1, loss, charsPerSecond: 1000, elapsedMs: 100 * (i + 1) })),
    epochs: [],
    probeSeries: [],
  };
}

describe('runs store', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-lab-store-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('saves a run and loads it back unchanged, a diverged (NaN, Infinity) loss included', async () => {
    const store = new RunsStore(dir);
    const run = trainRun('a', 'done', [4.1, 3.5, Number.NaN, Number.POSITIVE_INFINITY]);
    await store.save(run);
    const { runs, warnings } = await new RunsStore(dir).load();
    assert.deepEqual(warnings, []);
    assert.equal(runs.length, 1);
    assert.deepEqual(runs[0], run);
    assert.ok(Number.isNaN(runs[0].batches[2].loss));
  });

  it('after a reload, names the training run that finished last with a validation loss (the status bar shows it), not a later probe, failure or interrupted run', async () => {
    const store = new RunsStore(dir);
    const epoch = (valLoss: number) => ({ epoch: 1, trainLoss: 3.2, valLoss, bitsPerChar: valLoss / Math.LN2, seconds: 77, charsPerSecond: 2300, peakRssMB: 500 });
    const finished = (id: string, at: number, valLoss: number): RunRecord => ({ ...trainRun(id, 'done', [4, 3]), finishedAt: at, epochs: [epoch(valLoss)] });
    await store.save(finished('older', 1_000, 3.1));
    await store.save(finished('newer', 2_000, 2.958));
    await store.save({ ...finished('failed', 3_000, 2.5), status: 'failed', reason: 'diverged' });
    await store.save({ ...trainRun('running', 'running', [4.0]), finishedAt: 4_000 });
    await store.save({ id: 'probe', kind: 'probe', title: 'probe', status: 'done', createdAt: 5_000, finishedAt: 5_000, batches: [], epochs: [], probeSeries: [] });
    // A new window: a new store and manager over the same folder (the worker is never started).
    const manager = new RunManager(new RunsStore(dir), new WorkerClient({ workerPath: '/nonexistent', wasmDir: '', corpusDir: '', backend: () => 'auto', log: () => undefined }));
    assert.equal(manager.lastFinishedTraining(), undefined, 'nothing before the runs are loaded');
    await manager.load();
    const last = manager.lastFinishedTraining();
    assert.equal(last?.id, 'newer');
    assert.equal(last?.epochs[0].valLoss, 2.958);
  });

  it('brings a run that was running back as interrupted with its data so far, and writes that down', async () => {
    const store = new RunsStore(dir);
    await store.save(trainRun('r', 'running', [4.0, 3.8, 3.6]));
    await store.save(trainRun('q', 'queued', []));
    const { runs } = await new RunsStore(dir).load();
    const r = runs.find((x) => x.id === 'r');
    const q = runs.find((x) => x.id === 'q');
    assert.equal(r?.status, 'interrupted');
    assert.match(r?.reason ?? '', /closed or reloaded while this run was training/);
    assert.deepEqual(
      r?.batches.map((b) => b.loss),
      [4.0, 3.8, 3.6],
    );
    assert.equal(q?.status, 'interrupted');
    const onDisk = JSON.parse(fs.readFileSync(path.join(dir, 'runs', 'r.json'), 'utf8')) as RunRecord;
    assert.equal(onDisk.status, 'interrupted');
  });

  it('skips a damaged run file with a warning naming it, without hiding the others', async () => {
    const store = new RunsStore(dir);
    await store.save(trainRun('good1', 'done', [3]));
    await store.save(trainRun('good2', 'done', [2]));
    const full = fs.readFileSync(path.join(dir, 'runs', 'good1.json'), 'utf8');
    fs.writeFileSync(path.join(dir, 'runs', 'truncated.json'), full.slice(0, full.length / 2));
    fs.writeFileSync(path.join(dir, 'runs', 'wrongshape.json'), JSON.stringify({ id: 'x', kind: 'train' }));
    fs.writeFileSync(path.join(dir, 'runs', 'binary.json'), Buffer.from([0, 159, 146, 150, 0]));
    const { runs, warnings } = await new RunsStore(dir).load();
    assert.deepEqual(runs.map((r) => r.id).sort(), ['good1', 'good2']);
    assert.equal(warnings.length, 3);
    assert.match(warnings.join('\n'), /truncated\.json/);
    assert.match(warnings.join('\n'), /wrongshape\.json: the file is JSON but not a run record/);
  });

  it('writes through a temporary file and rename: a crash mid-write leaves the previous version intact', async () => {
    const store = new RunsStore(dir);
    await store.save(trainRun('a', 'running', [4.0]));
    // A crash between writing the temporary file and renaming it leaves this behind:
    fs.writeFileSync(path.join(dir, 'runs', 'a.json.999.abc.tmp'), '{"id":"a", "kind": "tr');
    const { runs, warnings } = await new RunsStore(dir).load();
    assert.deepEqual(warnings, []);
    assert.deepEqual(
      runs[0].batches.map((b) => b.loss),
      [4.0],
    );
    assert.deepEqual(fs.readdirSync(path.join(dir, 'runs')), ['a.json'], 'stale temporary file removed, nothing else left');
  });

  it('throttles progress writes and the last state wins, even with many saves in flight', async () => {
    const store = new RunsStore(dir, { throttleMs: 50 });
    const run = trainRun('t', 'running', []);
    for (let i = 0; i < 200; i++) {
      appendBatch(run, { epoch: 1, batch: i + 1, batchesPerEpoch: 200, step: i + 1, loss: 5 - i / 100, charsPerSecond: 1, elapsedMs: i });
      store.update(run);
      if (i % 37 === 0) void store.save(structuredClone(run));
    }
    await store.flush();
    const loaded = (await new RunsStore(dir).load()).runs[0];
    assert.equal(loaded.batches.length, 200);
    assert.equal(loaded.batches[199].loss, 5 - 199 / 100);
  });

  it('gives a clear error when the storage cannot be written (not a folder, read-only, full)', async () => {
    const file = path.join(dir, 'not-a-folder');
    fs.writeFileSync(file, 'x');
    const store = new RunsStore(file);
    await assert.rejects(store.save(trainRun('a', 'done', [1])), /LSTM Lab could not save the run to .*a\.json: .*not saved/);
  });

  it('dispose writes pending progress synchronously (deactivate cannot wait)', async () => {
    const store = new RunsStore(dir, { throttleMs: 60_000 });
    store.update(trainRun('p', 'running', [4, 3]));
    store.dispose();
    const { runs } = await new RunsStore(dir).load();
    assert.equal(runs[0].status, 'interrupted');
    assert.deepEqual(
      runs[0].batches.map((b) => b.loss),
      [4, 3],
    );
  });

  it('delete removes the run file and its checkpoint folder', async () => {
    const store = new RunsStore(dir);
    await store.save(trainRun('d', 'done', [1]));
    fs.mkdirSync(store.checkpointDirOf('d'), { recursive: true });
    fs.writeFileSync(path.join(store.checkpointDirOf('d'), 'weights.json'), '{}');
    await store.delete('d');
    assert.equal(fs.existsSync(store.fileOf('d')), false);
    assert.equal(fs.existsSync(store.checkpointDirOf('d')), false);
  });

  it('thins a long batch series by halves, always keeping the latest batch', () => {
    const run = trainRun('long', 'running', []);
    for (let i = 1; i <= 25; i++) appendBatch(run, { epoch: 1, batch: i, batchesPerEpoch: 25, step: i, loss: i, charsPerSecond: 1, elapsedMs: i }, 10);
    assert.ok(run.batches.length <= 11);
    assert.equal(run.batches[0].step, 1);
    assert.equal(run.batches[run.batches.length - 1].step, 25);
    const steps = run.batches.map((b) => b.step);
    assert.deepEqual(
      steps,
      [...steps].sort((a, b) => a - b),
      'still in order',
    );
  });
});

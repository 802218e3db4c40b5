// The commands inside a real VS Code, driven through executeCommand with argument objects
// (no pickers), checked against what really happened: the worker trained, the run file on
// disk holds the falling loss, the probe's five series, a stopped run's partial data, a
// killed worker's failed run and a fresh worker for the next command.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunRecord } from '../../src/shared/protocol';

const EXTENSION_ID = 'lstm-lab.lstm-lab';
// Tiny runs: the suite must stay short on a shared 2-core machine.
const TINY = { preset: 'quick', corpus: { kind: 'brown' }, seqLen: 30, hiddenSize: 32, embeddingSize: 16, batchSize: 8 } as const;

async function runs(): Promise<RunRecord[]> {
  return (await vscode.commands.executeCommand<RunRecord[]>('lstmLab._runs')) ?? [];
}

async function waitUntil<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** The run as written on disk by the store (not the in-memory copy). */
async function runOnDisk(id: string): Promise<RunRecord> {
  const dir = await vscode.commands.executeCommand<string>('lstmLab._storageDir');
  const file = path.join(dir, 'runs', `${id}.json`);
  // Progress writes are throttled; the final state is written at once, but give it a moment.
  return waitUntil(
    `${file} to hold the final status`,
    async () => {
      if (!fs.existsSync(file)) return undefined;
      const run = JSON.parse(fs.readFileSync(file, 'utf8')) as RunRecord;
      return run.status === 'running' || run.status === 'queued' ? undefined : run;
    },
    10_000,
  );
}

describe('commands (real VS Code, real worker)', function () {
  this.timeout(240_000);

  before(async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, 'extension not found');
    await extension.activate();
  });

  let trained: RunRecord;

  it('Train Model (Quick, tiny) finishes in the worker; its run file holds the falling loss', async () => {
    const run = await vscode.commands.executeCommand<RunRecord>('lstmLab.train', { ...TINY, cell: 'fused-lstm', maxBatches: 12, learningRate: 0.01 });
    assert.equal(run.status, 'done', `status ${run.status}: ${run.reason ?? ''}`);
    const stored = await runOnDisk(run.id);
    assert.equal(stored.status, 'done');
    assert.ok(['wasm', 'tensorflow', 'cpu'].includes(stored.backend ?? ''), `backend ${stored.backend}`);
    assert.equal(stored.batches.length, 12);
    assert.equal(stored.config?.seqLen, 30);
    const losses = stored.batches.map((b) => b.loss);
    // Character-level LM from uniform: starts near ln(vocab) and falls.
    assert.ok(Math.abs(losses[0] - Math.log(stored.corpus?.vocabSize ?? 60)) < 0.5, `first loss ${losses[0]} vs ln(vocab)`);
    const head = (losses[0] + losses[1] + losses[2]) / 3;
    const tail = (losses[9] + losses[10] + losses[11]) / 3;
    assert.ok(tail < head, `loss did not fall: first three ${losses.slice(0, 3)}, last three ${losses.slice(-3)}`);
    assert.equal(stored.epochs.length, 1);
    assert.ok(Number.isFinite(stored.epochs[0].valLoss));
    assert.ok(stored.checkpoint && fs.existsSync(stored.checkpoint), `checkpoint ${stored.checkpoint} exists`);
    trained = stored;
  });

  it('Sample Text continues the priming text from the trained run', async () => {
    const text = await vscode.commands.executeCommand<string>('lstmLab.sample', { runId: trained.id, prime: 'the ', length: 40, temperature: 0.8, seed: 1, openEditor: false });
    assert.ok(text.startsWith('the '), JSON.stringify(text));
    assert.equal(text.length, 'the '.length + 40);
  });

  it("Probe Gradient Flow returns the notebook's five series, stored with the run", async () => {
    const run = await vscode.commands.executeCommand<RunRecord>('lstmLab.probe', { steps: 12 });
    assert.equal(run.status, 'done', run.reason);
    const stored = await runOnDisk(run.id);
    assert.deepEqual(
      stored.probeSeries.map((s) => [s.cell, s.forgetGate, s.forgetBias]),
      [
        ['simple-rnn', false, 0],
        ['naive-lstm', false, 0],
        ['naive-lstm', true, 1],
        ['naive-lstm', true, 0],
        ['naive-lstm', true, -1],
      ],
    );
    for (const s of stored.probeSeries) {
      assert.equal(s.norms.length, 12, s.name);
      assert.ok(
        s.norms.every((n) => Number.isFinite(n) && n >= 0),
        `${s.name}: ${s.norms}`,
      );
    }
  });

  it('Stop cancels a running run: status cancelled, its batches so far kept', async () => {
    const finished = vscode.commands.executeCommand<RunRecord>('lstmLab.train', { ...TINY, cell: 'simple-rnn', maxBatches: 400 });
    const running = await waitUntil('the run to report two batches', async () => (await runs()).find((r) => r.status === 'running' && r.batches.length >= 2));
    const stopped = await vscode.commands.executeCommand<string[]>('lstmLab.stop');
    assert.deepEqual(stopped, [running.id]);
    const run = await finished;
    assert.equal(run.status, 'cancelled', `${run.status}: ${run.reason ?? ''}`);
    assert.ok(run.batches.length >= 2 && run.batches.length < 400, `${run.batches.length} batches kept`);
    const stored = await runOnDisk(run.id);
    assert.equal(stored.status, 'cancelled');
    assert.ok(stored.batches.length >= 2);
  });

  it('killing the worker mid-run marks the run failed with the reason; the next command starts a new worker', async () => {
    const finished = vscode.commands.executeCommand<RunRecord>('lstmLab.train', { ...TINY, cell: 'fused-lstm', maxBatches: 400 });
    await waitUntil('the run to report a batch', async () => (await runs()).find((r) => r.status === 'running' && r.batches.length >= 1));
    const pid = await vscode.commands.executeCommand<number>('lstmLab._workerPid');
    assert.ok(typeof pid === 'number' && pid > 0, `worker pid ${pid}`);
    process.kill(pid, 'SIGKILL');
    const run = await finished;
    assert.equal(run.status, 'failed');
    assert.match(run.reason ?? '', /killed by SIGKILL/);
    assert.ok(run.batches.length >= 1, 'the batches before the kill are kept');
    const stored = await runOnDisk(run.id);
    assert.equal(stored.status, 'failed');
    assert.match(stored.reason ?? '', /SIGKILL/);

    const next = await vscode.commands.executeCommand<RunRecord>('lstmLab.probe', { steps: 3, series: [{ name: 'SimpleRNN', cell: 'simple-rnn', forgetGate: false, forgetBias: 0 }] });
    assert.equal(next.status, 'done', next.reason);
    const newPid = await vscode.commands.executeCommand<number>('lstmLab._workerPid');
    assert.ok(newPid && newPid !== pid, `a new worker (${newPid}) replaced ${pid}`);
  });

  it('a change of the lstmLab.backend setting applies to the next run', async () => {
    const oneSeries = { steps: 3, series: [{ name: 'SimpleRNN', cell: 'simple-rnn', forgetGate: false, forgetBias: 0 }] };
    const config = vscode.workspace.getConfiguration('lstmLab');
    await config.update('backend', 'cpu', vscode.ConfigurationTarget.Global);
    try {
      const onCpu = await vscode.commands.executeCommand<RunRecord>('lstmLab.probe', oneSeries);
      assert.equal(onCpu.backend, 'cpu', onCpu.reason);
    } finally {
      await config.update('backend', undefined, vscode.ConfigurationTarget.Global);
    }
    const onAuto = await vscode.commands.executeCommand<RunRecord>('lstmLab.probe', oneSeries);
    assert.notEqual(onAuto.backend, 'cpu', 'auto picks tfjs-node or wasm again');
  });

  it('two trainings requested at once are queued, not interleaved', async () => {
    const first = await vscode.commands.executeCommand<RunRecord>('lstmLab.train', { ...TINY, cell: 'simple-rnn', maxBatches: 4, wait: false });
    const second = await vscode.commands.executeCommand<RunRecord>('lstmLab.train', { ...TINY, cell: 'simple-rnn', maxBatches: 4, wait: false });
    const states = await runs();
    assert.equal(states.find((r) => r.id === second.id)?.status, 'queued', 'the second waits its turn, visibly');
    const done = await waitUntil('both runs to finish', async () => {
      const all = await runs();
      const a = all.find((r) => r.id === first.id);
      const b = all.find((r) => r.id === second.id);
      return a?.status === 'done' && b?.status === 'done' ? [a, b] : undefined;
    });
    const [a, b] = done;
    assert.ok((b.startedAt ?? 0) >= (a.finishedAt ?? Infinity), `second started at ${b.startedAt}, first finished at ${a.finishedAt}`);
    const lastStepOfA = a.batches[a.batches.length - 1].elapsedMs;
    assert.ok(lastStepOfA >= 0);
  });

  it("Compare Architectures trains the notebook's four models on the same data and seed", async () => {
    const compared = await vscode.commands.executeCommand<RunRecord[]>('lstmLab.compare', { ...TINY, maxBatches: 2 });
    assert.deepEqual(
      compared.map((r) => r.config?.cell),
      ['naive-lstm', 'builtin-lstm', 'simple-rnn', 'fused-lstm'],
    );
    for (const r of compared) assert.equal(r.status, 'done', `${r.title}: ${r.reason ?? ''}`);
    assert.equal(new Set(compared.map((r) => JSON.stringify({ ...r.config, cell: undefined }))).size, 1, 'one configuration (seed included) for all four');
    assert.equal(new Set(compared.map((r) => JSON.stringify(r.corpus))).size, 1, 'the same corpus split for all four');
  });

  it("trains on the active editor's text, and refuses an empty editor clearly", async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'plaintext', content: 'the quick brown fox jumps over the lazy dog. '.repeat(120) });
    await vscode.window.showTextDocument(doc);
    const run = await vscode.commands.executeCommand<RunRecord>('lstmLab.train', { ...TINY, cell: 'simple-rnn', corpus: { kind: 'editor' }, maxBatches: 3 });
    assert.equal(run.status, 'done', run.reason);
    // 26 letters, space and full stop, plus padding and unknown: the editor's text, not Brown's 60.
    assert.ok((run.corpus?.vocabSize ?? 0) >= 20 && (run.corpus?.vocabSize ?? 0) <= 30, `vocabulary of the fox sentence, got ${run.corpus?.vocabSize}`);
    const empty = await vscode.workspace.openTextDocument({ language: 'plaintext', content: '' });
    await vscode.window.showTextDocument(empty);
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('lstmLab.train', { ...TINY, cell: 'simple-rnn', corpus: { kind: 'editor' } })), /is empty; open a file with some text in it/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it("trains on an active notebook's cells' source, code and markdown, never its JSON", async () => {
    const markdown = 'a cab. '.repeat(150);
    const code = 'abc = cab\n'.repeat(120);
    const notebook = await vscode.workspace.openNotebookDocument(
      'jupyter-notebook',
      new vscode.NotebookData([new vscode.NotebookCellData(vscode.NotebookCellKind.Markup, markdown, 'markdown'), new vscode.NotebookCellData(vscode.NotebookCellKind.Code, code, 'python')]),
    );
    await vscode.window.showNotebookDocument(notebook);
    const run = await vscode.commands.executeCommand<RunRecord>('lstmLab.train', { ...TINY, cell: 'simple-rnn', corpus: { kind: 'editor' }, maxBatches: 3 });
    assert.equal(run.status, 'done', run.reason);
    // Both cells' lines, trimmed and joined by spaces as any text corpus is; the .ipynb JSON would be longer and bring braces, quotes and keys.
    assert.equal(run.corpus?.chars, [markdown.trim(), ...code.trim().split('\n')].join(' ').length);
    assert.equal(run.corpus?.vocabSize, 8, "the cells' 6 characters (a b c . = space), padding and unknown");
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('refuses a bad hyperparameter before any worker starts, naming the setting and its range', async () => {
    const before = (await runs()).length;
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('lstmLab.train', { ...TINY, cell: 'fused-lstm', hiddenSize: 0 })), /hiddenSize is 0; it must be an integer from 1 to 4096/);
    const config = vscode.workspace.getConfiguration('lstmLab');
    await config.update('learningRate', -1, vscode.ConfigurationTarget.Global);
    try {
      await assert.rejects(
        Promise.resolve(vscode.commands.executeCommand('lstmLab.train', { cell: 'fused-lstm', preset: 'custom', corpus: { kind: 'brown' } })),
        /lstmLab\.learningRate is -1; it must be a number greater than 0/,
      );
    } finally {
      await config.update('learningRate', undefined, vscode.ConfigurationTarget.Global);
    }
    assert.equal((await runs()).length, before, 'no run was created');
  });

  it('Export Run writes a CSV of every series', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-lab-export-'));
    const files = await vscode.commands.executeCommand<string[]>('lstmLab.exportRun', { runId: trained.id, folder, images: false });
    const batches = files.find((f) => f.endsWith('-batches.csv'));
    assert.ok(batches, `files: ${files}`);
    const lines = fs.readFileSync(batches, 'utf8').trim().split('\n');
    assert.equal(lines[0], 'epoch,batch,step,loss,chars_per_second,elapsed_ms');
    assert.equal(lines.length, 1 + trained.batches.length);
    assert.equal(Number(lines[1].split(',')[3]), trained.batches[0].loss);
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('the panel opens in its activity-bar view, receives the runs, and exports a PNG of each chart', async () => {
    const api = vscode.extensions.getExtension(EXTENSION_ID)?.exports as { panel: { isReady: boolean }; recentLog(): string[] };
    await vscode.commands.executeCommand('lstmLab.showPanel');
    const until = Date.now() + 60_000;
    while (!api.panel.isReady && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
    assert.ok(api.panel.isReady, `the webview never said ready. Log:\n${api.recentLog().join('\n')}`);
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-lab-export-'));
    const files = await vscode.commands.executeCommand<string[]>('lstmLab.exportRun', { runId: trained.id, folder });
    const pngs = files.filter((f) => f.endsWith('.png'));
    assert.ok(pngs.length >= 1, `no chart images among ${files.join(', ')}. Log:\n${api.recentLog().slice(-20).join('\n')}`);
    for (const png of pngs) assert.deepEqual([...fs.readFileSync(png).subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `${png} is a PNG`);
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('Clear Runs deletes the finished runs and their files', async () => {
    const dir = await vscode.commands.executeCommand<string>('lstmLab._storageDir');
    const removed = await vscode.commands.executeCommand<number>('lstmLab.clearRuns', { confirm: true });
    assert.ok(removed >= 5, `${removed} removed`);
    assert.deepEqual(await runs(), []);
    assert.deepEqual(
      fs.readdirSync(path.join(dir, 'runs')).filter((n) => n.endsWith('.json')),
      [],
    );
  });
});

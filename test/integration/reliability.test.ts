// Issue 7 inside a real VS Code: what commands.test.ts does not already cover — an absurd
// configuration refused with its memory estimate before any worker starts, a diverging
// loss and a binary corpus turned into failed runs whose reasons say what happened and what
// to do (their batches so far kept on disk), and the worker carrying on afterwards.
// (Kill, Stop, the queue and a bad setting are in commands.test.ts; the event-loop delay in
// worker.test.ts.) A real window reload would end this suite's extension host with it, so the
// reload is played on what the live extension has written mid-run: a copy of its run file,
// loaded by a second store as the next activation would (and in test/unit/reliability-host
// .test.ts, a disposed host then a second activation on the same folder).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LstmLabApi } from '../../src/extension';
import type { RunRecord } from '../../src/shared/protocol';
import { RunsStore } from '../../src/host/core/runs-store';

const EXTENSION_ID = 'lstm-lab.lstm-lab';
const TINY = { preset: 'quick', seqLen: 20, hiddenSize: 16, embeddingSize: 8, batchSize: 4 } as const;

async function runs(): Promise<RunRecord[]> {
  return (await vscode.commands.executeCommand<RunRecord[]>('lstmLab._runs')) ?? [];
}

/** The run as the store wrote it, once it is final. */
async function runOnDisk(id: string): Promise<RunRecord> {
  const dir = await vscode.commands.executeCommand<string>('lstmLab._storageDir');
  const file = path.join(dir, 'runs', `${id}.json`);
  const until = Date.now() + 10_000;
  for (;;) {
    if (fs.existsSync(file)) {
      const run = JSON.parse(fs.readFileSync(file, 'utf8')) as RunRecord;
      if (run.status !== 'running' && run.status !== 'queued') return run;
    }
    if (Date.now() > until) throw new Error(`${file} never held a final status`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

describe('reliability (real VS Code, real worker)', function () {
  this.timeout(240_000);
  let dir: string;
  let text: string;
  let api: LstmLabApi;

  before(async () => {
    const extension = vscode.extensions.getExtension<LstmLabApi>(EXTENSION_ID);
    assert.ok(extension, 'extension not found');
    api = await extension.activate();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reliability-vscode-'));
    text = path.join(dir, 'story.txt');
    fs.writeFileSync(text, 'the quick brown fox jumps over the lazy dog while the naive lstm watches.\r\n'.repeat(60));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('an absurd configuration is refused with its memory estimate; no run is created', async () => {
    const before = (await runs()).length;
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('lstmLab.train', { cell: 'fused-lstm', preset: 'quick', corpus: { kind: 'brown' }, hiddenSize: 4096, batchSize: 4096, seqLen: 5000 })),
      /this configuration needs about [\d,]+ MB for training \(batch 4,096 × sequence 5,000 × hidden 4,096\), more than the [\d,]+ MB a run may use here .*lower lstmLab\.batchSize, lstmLab\.seqLen or lstmLab\.hiddenSize/,
    );
    assert.equal((await runs()).length, before);
  });

  it('learning rate 10: the run fails at the step where the loss blew up, with advice; the good batches are on disk', async () => {
    const run = await vscode.commands.executeCommand<RunRecord>('lstmLab.train', { ...TINY, cell: 'naive-lstm', corpus: { kind: 'file', path: text }, maxBatches: 20, learningRate: 10 });
    assert.equal(run.status, 'failed', `${run.status}: ${run.reason ?? ''}`);
    assert.match(run.reason ?? '', /at step (\d+) \(epoch 1, batch \d+\).*training diverged, so it stopped without applying that step\. Lower the learning rate \(now 10; try 1\)\./);
    const step = Number(/at step (\d+)/.exec(run.reason ?? '')?.[1]);
    const stored = await runOnDisk(run.id);
    assert.equal(stored.status, 'failed');
    assert.equal(stored.batches.length, step - 1, 'every batch before the divergence is kept');
  });

  it('a window reload mid-run: the run file written so far comes back interrupted with its batches', async () => {
    const started = await vscode.commands.executeCommand<RunRecord>('lstmLab.train', { ...TINY, cell: 'simple-rnn', corpus: { kind: 'file', path: text }, epochs: 50, wait: false });
    const storage = await vscode.commands.executeCommand<string>('lstmLab._storageDir');
    const file = path.join(storage, 'runs', `${started.id}.json`);
    // What is on disk while it trains (progress is written about once a second).
    const until = Date.now() + 60_000;
    let live: RunRecord | undefined;
    while (!(live && live.status === 'running' && live.batches.length >= 3)) {
      if (Date.now() > until) throw new Error(`the run file never showed a running run with 3 batches: ${JSON.stringify(live?.status)}`);
      await new Promise((r) => setTimeout(r, 200));
      try {
        live = JSON.parse(fs.readFileSync(file, 'utf8')) as RunRecord;
      } catch {
        live = undefined; // not written yet
      }
    }
    const copy = path.join(dir, 'after-reload');
    fs.mkdirSync(path.join(copy, 'runs'), { recursive: true });
    fs.copyFileSync(file, path.join(copy, 'runs', path.basename(file)));
    try {
      const { runs: loaded, warnings } = await new RunsStore(copy).load();
      assert.deepEqual(warnings, []);
      assert.equal(loaded.length, 1);
      assert.equal(loaded[0]!.status, 'interrupted');
      assert.match(loaded[0]!.reason ?? '', /VS Code closed or reloaded while this run was training; its data so far is kept/);
      assert.ok(loaded[0]!.batches.length >= 3, `${loaded[0]!.batches.length} batches kept`);
    } finally {
      await vscode.commands.executeCommand('lstmLab.stop');
    }
    assert.equal((await runOnDisk(started.id)).status, 'cancelled');
  });

  it('malformed messages from the webview are ignored and logged, and the panel provider keeps working', async () => {
    // What a webview's onDidReceiveMessage hands the provider (the webview itself cannot be scripted from here); the side view's page sent it.
    const receive = (message: unknown) =>
      (api.panel as unknown as { receive(surface: { where: string; ready: boolean }, message: unknown): void }).receive({ where: 'side view', ready: false }, message);
    const malformed: unknown[] = [
      null,
      42,
      'ready',
      { type: 'nonsense' },
      { type: 'revealGate', gate: 'q' },
      { type: 'command', command: 'rm -rf' },
      { type: 'chartImages', images: [{ name: 'x', pngDataUrl: 'javascript:alert(1)' }] },
    ];
    for (const message of malformed) assert.doesNotThrow(() => receive(message));
    const logged = api.recentLog().filter((line) => line.includes('panel: ignored a malformed message from the webview'));
    assert.equal(logged.length, malformed.length, logged.join('\n'));
    assert.ok(
      logged.some((line) => line.includes('"command":"rm -rf"')),
      'the message is quoted in the log',
    );
    assert.equal((await runs()).filter((r) => r.status === 'running' || r.status === 'queued').length, 0, 'no command was run');
  });

  it('a binary file and a folder as corpus: failed runs saying so; the same worker trains the next run', async () => {
    const binary = path.join(dir, 'image.png');
    fs.writeFileSync(binary, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]));
    const pid = await vscode.commands.executeCommand<number>('lstmLab._workerPid');
    const refused = await vscode.commands.executeCommand<RunRecord>('lstmLab.train', { ...TINY, cell: 'simple-rnn', corpus: { kind: 'file', path: binary } });
    assert.equal(refused.status, 'failed');
    assert.match(refused.reason ?? '', /Corpus file looks binary \(a NUL byte at offset 8\): .*image\.png\. Give a UTF-8 text file\./);
    const folder = await vscode.commands.executeCommand<RunRecord>('lstmLab.train', { ...TINY, cell: 'simple-rnn', corpus: { kind: 'file', path: dir } });
    assert.match(folder.reason ?? '', /Corpus path is a folder, not a file/);
    if (pid) assert.equal(await vscode.commands.executeCommand<number>('lstmLab._workerPid'), pid, 'the worker survived both');
    const next = await vscode.commands.executeCommand<RunRecord>('lstmLab.train', { ...TINY, cell: 'simple-rnn', corpus: { kind: 'file', path: text }, maxBatches: 2 });
    assert.equal(next.status, 'done', next.reason);
    // Windows line endings: the same characters as the text without \r.
    assert.ok(next.corpus && next.corpus.vocabSize <= 2 + new Set('the quick brown fox jumps over the lazy dog while the naive lstm watches.').size);
  });
});

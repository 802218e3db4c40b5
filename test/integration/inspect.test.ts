// Looking inside a trained run, in a real VS Code with the real worker (issue 8): a tiny Quick
// run on Brown records gate saturation on its run; Inspect Selection reads the editor's
// selection through the worker and returns a capture whose values obey the cell's own
// equations; the gradient flow, the trained-vs-fresh h0 probe and sampling come back through
// the same path; a run without a checkpoint gets a clear error.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ActivationCapture } from '../../src/shared/inspect-types';
import type { InspectResult, RunRecord } from '../../src/shared/protocol';

const EXTENSION_ID = 'lstm-lab.lstm-lab';
const TINY = { preset: 'quick', corpus: { kind: 'brown' }, seqLen: 30, hiddenSize: 24, embeddingSize: 12, batchSize: 8 } as const;
const SENTENCE = 'The jury further said in term-end presentments that the City Executive Committee';

describe('inspect a trained run (real VS Code, real worker)', function () {
  this.timeout(240_000);
  let run: RunRecord;

  before(async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, 'extension not found');
    await extension.activate();
  });

  it('a Quick run on Brown records the saturation of i, f and o every few batches and after the epoch', async () => {
    run = await vscode.commands.executeCommand<RunRecord>('lstmLab.train', { ...TINY, cell: 'fused-lstm', maxBatches: 10 });
    assert.equal(run.status, 'done', `status ${run.status}: ${run.reason ?? ''}`);
    assert.ok(run.checkpoint, 'the run left a checkpoint');
    const reports = run.saturation ?? [];
    const batchReports = reports.filter((r) => r.scope === 'batch');
    const epochReports = reports.filter((r) => r.scope === 'epoch');
    // maxBatches 10 → a report every ceil(10 / 20) = 1 batch, and one on validation text after the epoch.
    assert.deepEqual(
      batchReports.map((r) => r.batch),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    );
    assert.equal(epochReports.length, 1);
    for (const report of reports) {
      assert.deepEqual(
        report.gates.map((g) => g.gate),
        ['i', 'f', 'o'],
      );
      for (const g of report.gates) assert.ok(g.low >= 0 && g.high >= 0 && g.low + g.high <= 1, `${g.gate}: low ${g.low}, high ${g.high}`);
      // Activations counted: the batch's characters × hidden units.
      assert.equal(report.count % TINY.hiddenSize, 0);
    }
  });

  it('Inspect Selection reads the editor selection with the run through the worker; h = o·tanh(c) and c = f·c₋₁ + i·g hold', async () => {
    const document = await vscode.workspace.openTextDocument({ content: `line one\n${SENTENCE}\nline three\n` });
    const editor = await vscode.window.showTextDocument(document);
    editor.selection = new vscode.Selection(1, 0, 1, SENTENCE.length);
    const capture = await vscode.commands.executeCommand<ActivationCapture>('lstmLab.inspectSelection', {});
    assert.ok(capture, 'a capture came back');
    assert.equal(capture.chars.join(''), SENTENCE);
    assert.equal(capture.hiddenSize, TINY.hiddenSize);
    assert.deepEqual(capture.gateNames, ['i', 'f', 'g', 'o', 'c', 'h']);
    const { i, f, g, o, c, h } = capture.gates as Required<typeof capture.gates>;
    let worst = 0;
    for (let t = 0; t < capture.chars.length; t++) {
      for (let u = 0; u < capture.hiddenSize; u++) {
        for (const value of [i[t][u], f[t][u], o[t][u]]) assert.ok(value > 0 && value < 1, `sigmoid gate out of (0, 1): ${value}`);
        assert.ok(Math.abs(g[t][u]) < 1);
        const previous = t > 0 ? c[t - 1][u] : 0;
        worst = Math.max(worst, Math.abs(c[t][u] - (f[t][u] * previous + i[t][u] * g[t][u])), Math.abs(h[t][u] - o[t][u] * Math.tanh(c[t][u])));
      }
    }
    assert.ok(worst < 1e-5, `the cell's equations hold to ${worst}`);
  });

  it("Export Run writes the inspection charts as PNG and their data as CSV next to the run's own files", async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-lab-inspect-export-'));
    const written = await vscode.commands.executeCommand<string[]>('lstmLab.exportRun', { runId: run.id, folder });
    const names = written.map((file) => path.basename(file));
    for (const name of ['batches.csv', 'epochs.csv', 'saturation.csv', 'activations.csv', 'loss.png', 'saturation-i.png', 'saturation-f.png', 'saturation-o.png', 'activations.png']) {
      assert.ok(names.includes(`${run.id}-${name}`), `${name} missing from ${names.join(', ')}`);
    }
    const activations = fs
      .readFileSync(path.join(folder, `${run.id}-activations.csv`), 'utf8')
      .trim()
      .split('\n');
    assert.equal(activations.length, 1 + SENTENCE.length * 6, 'a record per character and gate');
    const saturation = fs
      .readFileSync(path.join(folder, `${run.id}-saturation.csv`), 'utf8')
      .trim()
      .split('\n');
    assert.equal(saturation.length, 1 + (run.saturation?.length ?? 0) * 3);
    const png = fs.readFileSync(path.join(folder, `${run.id}-activations.png`));
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('gradient flow, the trained-vs-fresh h0 probe and sampling come back from the worker', async () => {
    const text = 'the cat sat on the mat';
    const flow = await vscode.commands.executeCommand<InspectResult>('lstmLab._inspect', run.id, { kind: 'gradientFlow', text });
    assert.equal(flow.kind, 'gradientFlow');
    if (flow.kind !== 'gradientFlow') return;
    const T = text.length - 1;
    assert.equal(flow.flow.norms.length, T);
    for (let t = 0; t < T; t++) {
      for (let s = 0; s < T; s++) {
        const norm: number = flow.flow.norms[t][s];
        if (s > t) assert.equal(norm, 0, `a prediction never sees the future (t ${t}, s ${s})`);
        else assert.ok(Number.isFinite(norm) && norm > 0, `norm at t ${t}, s ${s}: ${norm}`);
      }
    }
    const probe = await vscode.commands.executeCommand<InspectResult>('lstmLab._inspect', run.id, { kind: 'probeTrained', steps: 8, batchSize: 4 });
    assert.equal(probe.kind, 'probeTrained');
    if (probe.kind === 'probeTrained') {
      assert.equal(probe.probe.trained.norms.length, 8);
      assert.equal(probe.probe.fresh.norms.length, 8);
      assert.notDeepEqual(probe.probe.trained.norms, probe.probe.fresh.norms, 'training changed the cell');
    }
    const sample = await vscode.commands.executeCommand<InspectResult>('lstmLab._inspect', run.id, { kind: 'sample', prime: 'the ', temperature: 0.8, length: 30, seed: 3 });
    assert.equal(sample.kind, 'sample');
    if (sample.kind === 'sample') {
      assert.equal(sample.sample.steps.length, 30);
      assert.ok(sample.sample.text.startsWith('the '));
      for (const step of sample.sample.steps) assert.ok(step.probability > 0 && step.probability <= 1);
      // The same seed gives Sample Text's characters.
      const plain = await vscode.commands.executeCommand<string>('lstmLab.sample', { runId: run.id, prime: 'the ', length: 30, temperature: 0.8, seed: 3, openEditor: false });
      assert.equal(sample.sample.text, plain);
    }
  });

  it('asking about a run that is not a trained model, or with too long a text, fails with a message that says what to do', async () => {
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('lstmLab._inspect', 'no-such-run', { kind: 'capture', text: 'abc' })),
      /there is no run no-such-run; pick a finished training run/,
    );
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('lstmLab._inspect', run.id, { kind: 'gradientFlow', text: 'x'.repeat(1200) })),
      /The text has 1,200 characters; the gradient flow reads at most 1,000\. Select a shorter passage/,
    );
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('lstmLab.inspectSelection', { text: '   ', runId: run.id })), /selection is empty/);
  });
});

// The probe lens on the user's own TF.js code, in a real VS Code: a .ts cell that imports
// TF.js gets "Probe & check your code", runs in LSTM Lab's TF.js worker for user code (no
// Python), and its gradient series is drawn beside the reference's; a buggy cell's diagnostic
// lands on the line computing the wrong gate; a cell that never returns is ended by Stop and by
// the timeout setting (its worker killed), and the next check works.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { CodeVerdict, RunRecord } from '../../src/shared/protocol';

const EXTENSION_ID = 'lstm-lab.lstm-lab';

interface LensArgs {
  uri: string;
  cell: string;
  line: number;
}
interface Outcome {
  python: string;
  result: { verdict: string; message: string; library: string; firstDifference: { gate: string; line: number | null } | null };
  runId?: string;
}

const workspaceFile = (name: string) => vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, name);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function checkLens(uri: vscode.Uri): Promise<{ title: string; args: LensArgs }> {
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  for (let attempt = 0; ; attempt++) {
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
    const lens = lenses.find((l) => l.command?.command === 'lstmLab.checkCell');
    if (lens) return { title: lens.command!.title, args: lens.command!.arguments![0] as LensArgs };
    if (attempt >= 20) assert.fail(`no "Probe & check your code" lens on ${uri.toString()}: ${lenses.map((l) => l.command?.command).join(', ')}`);
    await sleep(200);
  }
}

const runLens = async (args: LensArgs) => vscode.commands.executeCommand<Outcome>('lstmLab.checkCell', { ...args, interactive: false });

describe('user code: TF.js cells', function () {
  this.timeout(300_000);

  before(async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed`);
    await extension.activate();
  });

  after(async () => {
    await vscode.workspace.getConfiguration('lstmLab').update('userCodeTimeoutSeconds', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('the lens on a correct TF.js .ts cell runs it in the TF.js worker: matches, their series beside the reference in the chart', async () => {
    const uri = workspaceFile('user_code/tfjs_lstm.ts');
    const { title, args } = await checkLens(uri);
    assert.equal(title, '$(pulse) Probe & check your code — LSTM, per-gate weights');
    const outcome = await runLens(args);
    assert.equal(outcome.python, 'TF.js worker');
    assert.equal(outcome.result.library, 'tfjs');
    assert.equal(outcome.result.verdict, 'matches', outcome.result.message);
    assert.ok(outcome.runId, 'a probe run');
    const run = (await vscode.commands.executeCommand<RunRecord[]>('lstmLab._runs')).find((r) => r.id === outcome.runId);
    assert.ok(run, 'the probe run is among the runs the panel draws');
    const mine = run.probeSeries.filter((s) => s.origin === 'your-code');
    assert.equal(mine.length, 1);
    assert.match(mine[0]!.name, /^your code: TfjsLSTM/);
    assert.equal(run.probeSeries.filter((s) => s.origin === 'reference').length, 1, 'beside the reference');
    assert.ok(mine[0]!.norms.length === 100 && mine[0]!.norms.every((n) => Number.isFinite(n) && n > 0), 'a norm per step');
    const verdict = await vscode.commands.executeCommand<CodeVerdict | null>('lstmLab._codeVerdict');
    assert.deepEqual([verdict?.verdict, verdict?.cell], ['matches', 'TfjsLSTM (tfjs_lstm.ts:4)']);
  });

  it("a buggy TF.js cell (forget gate from the input gate's weights) gets its diagnostic on that line", async () => {
    const uri = workspaceFile('user_code/buggy_tfjs_lstm.ts');
    const document = await vscode.workspace.openTextDocument(uri);
    const { args } = await checkLens(uri);
    const outcome = await runLens(args);
    const forgetLine =
      document
        .getText()
        .split('\n')
        .findIndex((l) => l.includes('const f = tf.sigmoid')) + 1;
    assert.equal(outcome.result.verdict, 'differs', outcome.result.message);
    assert.deepEqual([outcome.result.firstDifference?.gate, outcome.result.firstDifference?.line], ['f', forgetLine]);
    const diagnostics = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'LSTM Lab');
    assert.deepEqual(
      diagnostics.map((d) => [d.range.start.line + 1, d.severity]),
      [[forgetLine, vscode.DiagnosticSeverity.Error]],
    );
    assert.match(diagnostics[0]!.message, new RegExp(`^f on line ${forgetLine} differs from σ\\(x W_if \\+ h W_hf \\+ b_f\\) from step 0`));
    const verdict = await vscode.commands.executeCommand<CodeVerdict | null>('lstmLab._codeVerdict');
    assert.deepEqual([verdict?.verdict, verdict?.gate], ['differs', 'f']);
  });

  it('Stop ends a TF.js cell that never returns (its worker is killed), so does the timeout, and the next check works', async () => {
    const { args } = await checkLens(workspaceFile('user_code/hanging_tfjs_rnn.js'));
    const pending = Promise.resolve(runLens(args));
    pending.catch(() => undefined);
    let pid: number | undefined;
    for (let i = 0; i < 600 && !pid; i++) {
      await sleep(100);
      pid = await vscode.commands.executeCommand<number | undefined>('lstmLab._tfjsCellPid');
    }
    assert.ok(pid && alive(pid), 'the TF.js worker for user code runs it');
    await sleep(3000); // let it reach its endless loop
    const stopped = await vscode.commands.executeCommand<string[]>('lstmLab.stop', {});
    assert.ok(
      stopped.some((s) => s.startsWith('your code: rnnStep')),
      JSON.stringify(stopped),
    );
    await assert.rejects(pending, /rnnStep \(hanging_tfjs_rnn\.js:\d+\) was stopped; its TF\.js worker was ended/);
    for (let i = 0; i < 50 && alive(pid); i++) await sleep(100);
    assert.equal(alive(pid), false, `worker ${pid} is gone`);

    await vscode.workspace.getConfiguration('lstmLab').update('userCodeTimeoutSeconds', 5, vscode.ConfigurationTarget.Global);
    await assert.rejects(Promise.resolve(runLens(args)), /did not return within 5 s.*lstmLab\.userCodeTimeoutSeconds/);
    await vscode.workspace.getConfiguration('lstmLab').update('userCodeTimeoutSeconds', undefined, vscode.ConfigurationTarget.Global);

    const { args: good } = await checkLens(workspaceFile('user_code/tfjs_lstm.ts'));
    assert.equal((await runLens(good)).result.verdict, 'matches');
  });
});

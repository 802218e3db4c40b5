// The probe lens on the user's own Python code, in a real VS Code: it runs their cell (a .py
// file, and a cell of a notebook open in the notebook editor) in /usr/bin/python3 with torch,
// draws their gradient series beside the reference's (the run the panel's chart shows), puts
// the verdict after the header line and beside the equations, and a buggy cell's diagnostic on
// the line that computes the wrong gate (or that raised). A cell that never returns is ended
// by Stop and by the timeout setting, its process group gone.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { CodeVerdict, RunRecord } from '../../src/shared/protocol';

const EXTENSION_ID = 'lstm-lab.lstm-lab';
const PYTHON = '/usr/bin/python3';

interface LensArgs {
  uri: string;
  cell: string;
  line: number;
}
interface Outcome {
  cell: string;
  python: string;
  result: { verdict: string; message: string; firstDifference: { gate: string; line: number | null } | null; error: { message: string; line: number | null } | null };
  runId?: string;
  diagnostics: { uri: string; line: number; message: string; severity: string }[];
}
interface Summary {
  uri: string;
  cell: string;
  line: number;
  text: string;
  /** The hover's Markdown source. */
  hover: string;
  pending: boolean;
}

const workspaceFile = (name: string) => vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, name);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** 1-based line of the first line containing `needle`. */
function lineOf(document: vscode.TextDocument, needle: string): number {
  const index = document
    .getText()
    .split('\n')
    .findIndex((l) => l.includes(needle));
  assert.ok(index >= 0, `no line of ${document.uri.path} contains ${needle}`);
  return index + 1;
}

async function checkLens(uri: vscode.Uri): Promise<{ title: string; args: LensArgs }> {
  await vscode.workspace.openTextDocument(uri);
  for (let attempt = 0; ; attempt++) {
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
    const lens = lenses.find((l) => l.command?.command === 'lstmLab.checkCell');
    if (lens) return { title: lens.command!.title, args: lens.command!.arguments![0] as LensArgs };
    if (attempt >= 20) assert.fail(`no "Probe & check your code" lens on ${uri.toString()}`);
    await sleep(200);
  }
}

/** Runs the lens's command as the lens would (but rejecting instead of showing a message). */
async function runLens(uri: vscode.Uri): Promise<{ title: string; outcome: Outcome }> {
  const lens = await checkLens(uri);
  const outcome = await vscode.commands.executeCommand<Outcome>('lstmLab.checkCell', { ...lens.args, interactive: false });
  return { title: lens.title, outcome };
}

async function yourCodeRun(outcome: Outcome): Promise<RunRecord> {
  assert.ok(outcome.runId, `a probe run: ${outcome.result.message}`);
  const run = (await vscode.commands.executeCommand<RunRecord[]>('lstmLab._runs')).find((r) => r.id === outcome.runId);
  assert.ok(run, 'the probe run is among the runs the panel draws');
  return run;
}

/** The hover's Markdown source as plain text (backslash escapes removed). */
const unescapeMarkdown = (markdown: string) => markdown.replace(/\\(.)/g, '$1');
const summaryOf = async (uri: vscode.Uri) => (await vscode.commands.executeCommand<Summary[]>('lstmLab._inlineSummaries')).find((s) => s.uri === uri.toString());

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('user code', function () {
  this.timeout(300_000);

  before(async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed`);
    await extension.activate();
    await vscode.workspace.getConfiguration('lstmLab').update('pythonPath', PYTHON, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await vscode.workspace.getConfiguration('lstmLab').update('pythonPath', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('lstmLab').update('userCodeTimeoutSeconds', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('the lens on a correct .py cell runs it: matches, their series beside the reference in the chart, the verdict inline and in the panel', async () => {
    const uri = workspaceFile('lstm_cell.py');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const { title, outcome } = await runLens(uri);
    assert.equal(title, '$(pulse) Probe & check your code — LSTM, per-gate weights');
    assert.equal(outcome.python, PYTHON);
    assert.equal(outcome.result.verdict, 'matches', outcome.result.message);
    assert.deepEqual(outcome.diagnostics, []);
    assert.deepEqual(
      vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'LSTM Lab'),
      [],
    );

    const run = await yourCodeRun(outcome);
    const mine = run.probeSeries.filter((s) => s.origin === 'your-code');
    assert.ok(mine.length >= 1, 'their series');
    assert.match(mine[0].name, /^your code: NaiveLSTM/);
    assert.equal(run.probeSeries.filter((s) => s.origin === 'reference').length, mine.length, 'each beside the reference');
    assert.ok(mine[0].norms.length === 100 && mine[0].norms.every((n) => Number.isFinite(n) && n > 0), 'a norm per step');

    const summary = await summaryOf(uri);
    assert.equal(summary?.line, 8);
    assert.equal(summary?.text, '✓ matches the reference LSTM — hover for details');
    // The figures the short verdict leaves out are in its hover.
    const hover = unescapeMarkdown(summary?.hover ?? '');
    assert.ok(hover.includes(outcome.result.message), hover);
    assert.match(hover, /‖∂loss\/∂h0‖ \S+ → \S+ over 100 steps/);
    const verdict = await vscode.commands.executeCommand<CodeVerdict | null>('lstmLab._codeVerdict');
    assert.deepEqual([verdict?.verdict, verdict?.gate, verdict?.cell], ['matches', null, 'NaiveLSTM (lstm_cell.py:8)']);
  });

  it("a buggy .py cell (forget gate from the input gate's weights) gets a diagnostic on that line, and the panel marks f", async () => {
    const uri = workspaceFile('user_code/buggy_lstm.py');
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const { outcome } = await runLens(uri);
    const forgetLine = lineOf(document, 'f_t = torch.sigmoid');
    assert.equal(outcome.result.verdict, 'differs', outcome.result.message);
    assert.deepEqual([outcome.result.firstDifference?.gate, outcome.result.firstDifference?.line], ['f', forgetLine]);

    const diagnostics = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'LSTM Lab');
    assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
    assert.equal(diagnostics[0].range.start.line, forgetLine - 1);
    assert.equal(diagnostics[0].severity, vscode.DiagnosticSeverity.Error);
    assert.match(diagnostics[0].message, new RegExp(`^f_t on line ${forgetLine} differs from σ\\(x W_if \\+ h W_hf \\+ b_f\\) from step 0`));
    assert.equal(document.getText(diagnostics[0].range).trim(), document.lineAt(forgetLine - 1).text.trim(), "the squiggle covers the line's code");

    const summary = await summaryOf(uri);
    assert.equal(summary?.text, `✗ differs at f_t (line ${forgetLine}) — hover for details`);
    assert.ok(unescapeMarkdown(summary?.hover ?? '').includes(outcome.result.message), 'the equation is in the hover');
    const verdict = await vscode.commands.executeCommand<CodeVerdict | null>('lstmLab._codeVerdict');
    assert.deepEqual([verdict?.verdict, verdict?.gate], ['differs', 'f']);
    const run = await yourCodeRun(outcome);
    assert.ok(run.probeSeries.some((s) => s.origin === 'your-code'));

    // Editing the file drops the squiggle: it described the old text.
    const edit = new vscode.WorkspaceEdit();
    edit.insert(uri, new vscode.Position(0, 0), '# edited\n');
    await vscode.workspace.applyEdit(edit);
    await sleep(200);
    assert.deepEqual(
      vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'LSTM Lab'),
      [],
    );
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('a cell that raises gets its error on the line that raised', async () => {
    const uri = workspaceFile('user_code/raising_rnn.py');
    const document = await vscode.workspace.openTextDocument(uri);
    const { outcome } = await runLens(uri);
    const raisingLine = lineOf(document, 'h_t = torch.tanh(');
    assert.equal(outcome.result.verdict, 'unknown');
    assert.match(outcome.result.error?.message ?? '', /mat1 and mat2 shapes cannot be multiplied/);
    const diagnostics = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'LSTM Lab');
    assert.deepEqual(
      diagnostics.map((d) => d.range.start.line + 1),
      [raisingLine],
    );
    assert.match(diagnostics[0].message, /^ShapeBugRNN could not be checked: .*mat1 and mat2/);
  });

  it("the lens on a notebook cell runs it with the earlier cells' definitions and charts their series", async () => {
    const notebook = await vscode.workspace.openNotebookDocument(workspaceFile('lstm_notebook.ipynb'));
    const index = notebook.getCells().findIndex((c) => /class GateByGateLSTM/.test(c.document.getText()));
    const editor = await vscode.window.showNotebookDocument(notebook, { selections: [new vscode.NotebookRange(index, index + 1)] });
    editor.revealRange(new vscode.NotebookRange(index, index + 1), vscode.NotebookEditorRevealType.InCenter);
    const uri = notebook.cellAt(index).document.uri;
    const { title, outcome } = await runLens(uri);
    assert.match(title, /^\$\(pulse\) Probe & check your code — LSTM/);
    assert.equal(outcome.result.verdict, 'matches', outcome.result.message);
    const run = await yourCodeRun(outcome);
    assert.match(run.probeSeries.find((s) => s.origin === 'your-code')?.name ?? '', /^your code: GateByGateLSTM/);
    assert.equal((await summaryOf(uri))?.text, '✓ matches the reference LSTM — hover for details');
    const verdict = await vscode.commands.executeCommand<CodeVerdict | null>('lstmLab._codeVerdict');
    assert.equal(verdict?.cell, `GateByGateLSTM (lstm_notebook.ipynb cell ${index + 1}, line 1)`, 'cells counted from 1, as the notebook editor does');
  });

  it('a buggy notebook cell (h = o * c, no tanh) gets its diagnostic on that line of that cell', async () => {
    const notebook = await vscode.workspace.openNotebookDocument(workspaceFile('user_code/buggy_notebook.ipynb'));
    const index = notebook.getCells().findIndex((c) => /class MyLSTM/.test(c.document.getText()));
    await vscode.window.showNotebookDocument(notebook, { selections: [new vscode.NotebookRange(index, index + 1)] });
    const cell = notebook.cellAt(index).document;
    const { outcome } = await runLens(cell.uri);
    const hLine = lineOf(cell, 'h_t = o_t * c_t');
    assert.equal(outcome.result.verdict, 'differs', outcome.result.message);
    const diagnostics = vscode.languages.getDiagnostics(cell.uri).filter((d) => d.source === 'LSTM Lab');
    assert.deepEqual(
      diagnostics.map((d) => [d.range.start.line + 1, d.severity]),
      [[hLine, vscode.DiagnosticSeverity.Error]],
    );
    assert.match(diagnostics[0].message, new RegExp(`^h_t on line ${hLine} differs from o⊙tanh\\(c\\)`));
    const verdict = await vscode.commands.executeCommand<CodeVerdict | null>('lstmLab._codeVerdict');
    assert.deepEqual([verdict?.verdict, verdict?.gate], ['differs', 'h']);
    assert.ok((await yourCodeRun(outcome)).probeSeries.some((s) => s.origin === 'your-code' && s.name.startsWith('your code: MyLSTM')));
  });

  it('Stop ends a cell that never returns (its process group is killed), and so does the timeout setting', async () => {
    const uri = workspaceFile('user_code/hanging_rnn.py');
    const lens = await checkLens(uri);
    // The fixture creates this file when its endless loop begins.
    const started = path.join(os.tmpdir(), 'lstm-lab-hanging-rnn.started');
    fs.rmSync(started, { force: true });
    const pending = Promise.resolve(vscode.commands.executeCommand<Outcome>('lstmLab.checkCell', { ...lens.args, interactive: false }));
    pending.catch(() => undefined);
    for (let i = 0; i < 1200 && !fs.existsSync(started); i++) await sleep(100);
    assert.ok(fs.existsSync(started), 'the cell is running its endless loop');
    const pid = await vscode.commands.executeCommand<number | undefined>('lstmLab._userCodePid');
    assert.ok(pid && alive(pid), 'the Python child runs it');
    const stopAt = Date.now();
    const stopped = await vscode.commands.executeCommand<string[]>('lstmLab.stop', {});
    assert.ok(
      stopped.some((s) => s.startsWith('your code: rnn_step')),
      JSON.stringify(stopped),
    );
    await assert.rejects(pending, /rnn_step \(hanging_rnn\.py:\d+\) was stopped; its Python process was ended/);
    for (let i = 0; i < 50 && alive(pid); i++) await sleep(100);
    assert.equal(alive(pid), false, `process ${pid} is gone`);
    assert.ok(Date.now() - stopAt < 10_000, 'stopped at once, not by the timeout');

    await vscode.workspace.getConfiguration('lstmLab').update('userCodeTimeoutSeconds', 3, vscode.ConfigurationTarget.Global);
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('lstmLab.checkCell', { ...lens.args, interactive: false })), /did not return within 3 s.*lstmLab\.userCodeTimeoutSeconds/);
    await vscode.workspace.getConfiguration('lstmLab').update('userCodeTimeoutSeconds', undefined, vscode.ConfigurationTarget.Global);
  });
});

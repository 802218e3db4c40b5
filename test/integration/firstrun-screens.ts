// Driver for scripts/vscode/firstrun-screenshots.mjs (not a suite: no ".test" in its name). Inside
// a real VS Code it walks the walkthrough's steps the way a newcomer would, through the same
// commands the step buttons and lenses run, and after each one writes a signal file into
// $LSTM_LAB_SCREENS_DIR and waits for the page script to take its pictures ("shot-<name>").
// After the page reloads the window (to check the charts tab comes back) it runs again and
// finds `phase-1` already there: it then only waits.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { OpenedTutorial } from '../../src/host/tutorial';
import type { RunRecord } from '../../src/shared/protocol';

// Short enough that its row of gate colours fits one line of the walkthrough's image.
const SENTENCE = 'The jury said the committee deserves praise.';

export async function run(): Promise<void> {
  const dir = process.env.LSTM_LAB_SCREENS_DIR;
  if (!dir) throw new Error('LSTM_LAB_SCREENS_DIR is not set: run scripts/vscode/firstrun-screenshots.mjs, not this file.');
  const log = (line: string) => fs.appendFileSync(path.join(dir, 'driver.log'), `${new Date().toISOString()} ${line}\n`);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  /** Tells the page script what is on screen, and waits until it has taken its pictures. */
  const pose = async (name: string) => {
    log(`pose ${name}`);
    fs.writeFileSync(path.join(dir, `pose-${name}`), '');
    const until = Date.now() + 5 * 60_000;
    while (!fs.existsSync(path.join(dir, `shot-${name}`))) {
      if (Date.now() > until) throw new Error(`the page script took no picture of ${name}`);
      await sleep(300);
    }
  };
  const waitForEnd = async () => {
    const until = Date.now() + 15 * 60_000;
    while (!fs.existsSync(path.join(dir, 'done')) && Date.now() < until) await sleep(500);
  };
  /** Shows one notebook cell at the top of the notebook editor, selected. */
  const showCell = async (notebook: vscode.NotebookDocument, index: number) => {
    const shown = await vscode.window.showNotebookDocument(notebook, { selections: [new vscode.NotebookRange(index, index + 1)] });
    shown.revealRange(new vscode.NotebookRange(index, index + 1), vscode.NotebookEditorRevealType.AtTop);
    await sleep(1500);
  };
  if (fs.existsSync(path.join(dir, 'phase-1'))) return waitForEnd(); // the window was reloaded
  fs.writeFileSync(path.join(dir, 'phase-1'), '');
  try {
    const extension = vscode.extensions.getExtension('lstm-lab.lstm-lab');
    if (!extension) throw new Error('LSTM Lab is not loaded');
    await extension.activate();

    await vscode.commands.executeCommand('workbench.action.openWalkthrough', 'lstm-lab.lstm-lab#firstTenMinutes', false);
    await pose('walkthrough');

    // Step 1: the tutorial, with its lenses; the cursor on the forget gate's line lights its equation.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const tutorial = await vscode.commands.executeCommand<OpenedTutorial>('lstmLab.openTutorial', {});
    log(`tutorial ${tutorial.uri} (created ${tutorial.created})`);
    await vscode.commands.executeCommand('lstmLab.showPanel');
    const notebook = vscode.window.activeNotebookEditor!.notebook;
    const index = notebook.getCells().findIndex((c) => c.document.getText().includes('class GateByGateLSTM'));
    const cell = notebook.cellAt(index);
    const editor = await vscode.window.showNotebookDocument(notebook, { selections: [new vscode.NotebookRange(index, index + 1)] });
    editor.revealRange(new vscode.NotebookRange(index, index + 1), vscode.NotebookEditorRevealType.AtTop);
    await vscode.commands.executeCommand('lstmLab.showEquations', { uri: cell.document.uri.toString(), cell: 'GateByGateLSTM' });
    let cellEditor: vscode.TextEditor | undefined;
    for (let k = 0; k < 50 && !cellEditor; k++, await sleep(100)) cellEditor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === cell.document.uri.toString());
    if (!cellEditor) throw new Error('the tutorial cell has no editor');
    const fLine = cell.document
      .getText()
      .split('\n')
      .findIndex((l) => l.includes('f_t = torch.sigmoid'));
    await vscode.window.showTextDocument(cellEditor.document, { viewColumn: cellEditor.viewColumn, selection: new vscode.Range(fLine, 8, fLine, 8) });
    await sleep(1500);
    await pose('tutorial');
    // The smallest cell, whole, with its lenses: the first step's picture.
    const rnnIndex = notebook.getCells().findIndex((c) => c.document.getText().includes('class TanhRNN'));
    await showCell(notebook, rnnIndex);
    await pose('tutorial-rnn');

    // Step 2: two Quick runs on Brown (an LSTM and the RNN), as Train Model… with Quick does.
    for (const cellKind of ['fused-lstm', 'simple-rnn'] as const) {
      const run = await vscode.commands.executeCommand<RunRecord>('lstmLab.train', { preset: 'quick', corpus: { kind: 'brown' }, cell: cellKind });
      log(`trained ${cellKind}: ${run.status} ${run.reason ?? ''}`);
      if (run.status !== 'done') throw new Error(`the Quick run of ${cellKind} ended ${run.status}: ${run.reason}`);
    }
    // The charts tab before any probe: the loss chart across the page, the gradient one line.
    await vscode.commands.executeCommand('lstmLab.openChartsInEditor');
    await sleep(2500);
    await pose('charts-before-probe');
    // Step 3: the lens's probe on the switchable forget gate (no forget gate, b_f +1, 0, −1).
    const forgetCell = notebook.getCells().find((c) => c.document.getText().includes('class SwitchableForgetLSTM'))!;
    const probe = await vscode.commands.executeCommand<RunRecord>('lstmLab.probeCell', { uri: forgetCell.document.uri.toString(), cell: 'SwitchableForgetLSTM', forgetBiases: [1, 0, -1] });
    log(`probed: ${probe.status}`);
    // The charts at full width, after the runs; then an inspection of the LSTM.
    await vscode.commands.executeCommand('lstmLab.openChartsInEditor');
    await sleep(2500);
    await pose('charts');
    const runs = (await vscode.commands.executeCommand<RunRecord[]>('lstmLab._runs')) ?? [];
    const lstm = runs.find((r) => r.kind === 'train' && r.config?.cell === 'fused-lstm')!;
    await vscode.commands.executeCommand('lstmLab.inspectSelection', { text: SENTENCE, runId: lstm.id });
    await vscode.commands.executeCommand('lstmLab.openChartsInEditor');
    await sleep(1500);
    await pose('inspect');
    // Step 6: the RNN with sigmoid in place of tanh, checked with the lens's command.
    await vscode.workspace.getConfiguration('lstmLab').update('pythonPath', '/usr/bin/python3', vscode.ConfigurationTarget.Global);
    const rnnCell = notebook.cellAt(rnnIndex);
    const tanhLine = rnnCell.document
      .getText()
      .split('\n')
      .findIndex((l) => l.includes('h = torch.tanh('));
    const edit = new vscode.WorkspaceEdit();
    const column = rnnCell.document.lineAt(tanhLine).text.indexOf('tanh');
    edit.replace(rnnCell.document.uri, new vscode.Range(tanhLine, column, tanhLine, column + 'tanh'.length), 'sigmoid');
    await vscode.workspace.applyEdit(edit);
    await notebook.save();
    await showCell(notebook, rnnIndex);
    const checked = await vscode.commands.executeCommand<{ result: { message: string } }>('lstmLab.checkCell', { uri: rnnCell.document.uri.toString(), cell: 'TanhRNN', line: 1, interactive: false });
    log(`checked TanhRNN with sigmoid: ${checked.result.message}`);
    await sleep(1500);
    await pose('check');
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', 'lstm-lab.lstm-lab#firstTenMinutes', false);
    await sleep(1500);
    await pose('walkthrough-done');
    await vscode.commands.executeCommand('lstmLab.openChartsInEditor');
    await pose('before-reload');
    await waitForEnd();
  } catch (error) {
    log(`failed: ${(error as Error).stack ?? error}`);
    fs.writeFileSync(path.join(dir, 'failed'), String((error as Error).message));
    throw error;
  }
}

// Driver for scripts/vscode/panel-screenshots.mjs (not a test suite: no ".test" in its name, so
// the integration runner never picks it up). Inside a real VS Code it opens lstm_cell.py and
// waits while the script clicks the file's Equations lens (the session's first reveal of the
// panel); it opens the fixture notebook (its lenses), runs the Probe & check your code lens on
// the .py file; then it runs the notebook's gradient probe and trains two LSTMs whose losses coincide
// and a GRU (Quick, 30 batches each), and waits while the script photographs the panel. On the
// script's word it switches the colour theme, so one session gives both themes.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunRecord } from '../../src/shared/protocol';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function run(): Promise<void> {
  const dir = process.env.LSTM_LAB_SCREENS_DIR;
  if (!dir) throw new Error('LSTM_LAB_SCREENS_DIR is not set: run scripts/vscode/panel-screenshots.mjs, not this file.');
  const signal = (name: string) => path.join(dir, name);
  const log = (line: string) => fs.appendFileSync(signal('driver.log'), `${new Date().toISOString()} ${line}\n`);
  const waitForSignal = async (name: string) => {
    const until = Date.now() + 15 * 60_000;
    while (!fs.existsSync(signal(name)) && !fs.existsSync(signal('done')) && Date.now() < until) await sleep(300);
  };
  try {
    const extension = vscode.extensions.getExtension('lstm-lab.lstm-lab');
    if (!extension) throw new Error('LSTM Lab is not loaded');
    await extension.activate();
    const file = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'lstm_cell.py');
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file), { preserveFocus: false });
    // The cursor on the input gate's line, the class line (and its lenses) still in view.
    const gateLine = editor.document
      .getText()
      .split('\n')
      .findIndex((line) => line.includes('i_t = torch.sigmoid'));
    editor.selection = new vscode.Selection(gateLine, 8, gateLine, 8);
    editor.revealRange(new vscode.Range(0, 0, 0, 0), vscode.TextEditorRevealType.AtTop);
    fs.writeFileSync(signal('opened'), '');
    log('opened lstm_cell.py');
    await waitForSignal('lens-clicked');

    // The lenses on the fixture notebook's cells.
    const notebook = await vscode.workspace.openNotebookDocument(vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'lstm_notebook.ipynb'));
    const lstmCell = notebook.getCells().findIndex((c) => /class GateByGateLSTM/.test(c.document.getText()));
    const notebookEditor = await vscode.window.showNotebookDocument(notebook, { selections: [new vscode.NotebookRange(lstmCell, lstmCell + 1)] });
    notebookEditor.revealRange(new vscode.NotebookRange(lstmCell, lstmCell + 1), vscode.NotebookEditorRevealType.AtTop);
    fs.writeFileSync(signal('notebook-open'), '');
    await waitForSignal('notebook-shot');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');

    // The Probe & check your code lens on the .py file (a correct LSTM: the lines coincide).
    await vscode.workspace.getConfiguration('lstmLab').update('pythonPath', '/usr/bin/python3', vscode.ConfigurationTarget.Global);
    await vscode.window.showTextDocument(editor.document, { preserveFocus: false });
    const classLine =
      editor.document
        .getText()
        .split('\n')
        .findIndex((line) => line.startsWith('class NaiveLSTM')) + 1;
    const check = await vscode.commands.executeCommand<{ result: { message: string } }>('lstmLab.checkCell', {
      uri: editor.document.uri.toString(),
      cell: 'NaiveLSTM',
      line: classLine,
      interactive: false,
    });
    log(`checked lstm_cell.py: ${check.result.message}`);
    fs.writeFileSync(signal('checked'), '');
    await waitForSignal('checked-shot');

    const train = async (cell: string) => {
      const run = await vscode.commands.executeCommand<RunRecord>('lstmLab.train', { preset: 'quick', corpus: { kind: 'brown' }, cell, maxBatches: 30 });
      log(`trained ${run.title}: ${run.status} ${run.reason ?? ''}`);
      if (run.status !== 'done') throw new Error(`${run.title} ended ${run.status}: ${run.reason}`);
    };
    // The probe first, so the summary line ends on a training run's losses.
    const probe = await vscode.commands.executeCommand<RunRecord>('lstmLab.probe', {});
    log(`probed: ${probe.status}, ${probe.probeSeries.length} series`);
    await train('naive-lstm');
    await train('fused-lstm');
    await train('gru');
    // Back to the file, the cursor on a gate line (the panel marks its equation).
    await vscode.window.showTextDocument(editor.document, { preserveFocus: false });
    fs.writeFileSync(signal('ready'), '');

    await waitForSignal('switch-theme');
    const theme = fs.existsSync(signal('switch-theme')) ? fs.readFileSync(signal('switch-theme'), 'utf8') : '';
    if (theme) await vscode.workspace.getConfiguration('workbench').update('colorTheme', theme, vscode.ConfigurationTarget.Global);
    log(`theme: ${theme}`);
    fs.writeFileSync(signal('theme-switched'), '');
    await waitForSignal('done');
  } catch (error) {
    log(`failed: ${(error as Error).stack ?? error}`);
    fs.writeFileSync(signal('failed'), String((error as Error).message));
    throw error;
  }
}

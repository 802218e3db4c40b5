// Driver for scripts/vscode/user-code-screenshots.mjs (not a suite: no ".test" in its name).
// Inside a real VS Code it runs the Probe & check your code lens's command on the buggy .py
// fixture, then on the buggy notebook (or, with LSTM_LAB_SCREENS_SET=tfjs, on a correct and a
// buggy TF.js .ts cell), telling the screenshot script (files in $LSTM_LAB_SCREENS_DIR) when
// each is on screen and waiting while it takes its picture.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

export async function run(): Promise<void> {
  const dir = process.env.LSTM_LAB_SCREENS_DIR;
  if (!dir) throw new Error('LSTM_LAB_SCREENS_DIR is not set: run scripts/vscode/user-code-screenshots.mjs, not this file.');
  const log = (line: string) => fs.appendFileSync(path.join(dir, 'driver.log'), `${new Date().toISOString()} ${line}\n`);
  const waitFor = async (name: string) => {
    const until = Date.now() + 10 * 60_000;
    while (!fs.existsSync(path.join(dir, name)) && Date.now() < until) await new Promise((r) => setTimeout(r, 300));
  };
  const file = (name: string) => vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, name);
  try {
    const extension = vscode.extensions.getExtension('lstm-lab.lstm-lab');
    if (!extension) throw new Error('LSTM Lab is not loaded');
    await extension.activate();
    await vscode.workspace.getConfiguration('lstmLab').update('pythonPath', '/usr/bin/python3', vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('lstmLab.showPanel');
    if (process.env.LSTM_LAB_SCREENS_SET === 'tfjs') {
      for (const [name, cell, signal] of [
        ['tfjs_lstm.ts', 'TfjsLSTM', 'py.json'],
        ['buggy_tfjs_lstm.ts', 'BuggyTfjsLSTM', 'nb.json'],
      ] as const) {
        const document = await vscode.workspace.openTextDocument(file(`user_code/${name}`));
        const editor = await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One });
        const header =
          document
            .getText()
            .split('\n')
            .findIndex((l) => l.includes(`class ${cell}`)) + 1;
        const outcome = await vscode.commands.executeCommand<{ result: { message: string } }>('lstmLab.checkCell', { uri: document.uri.toString(), cell, line: header, interactive: false });
        log(`${name}: ${outcome.result.message}`);
        editor.revealRange(new vscode.Range(header + 16, 0, header + 16, 0), vscode.TextEditorRevealType.InCenter);
        fs.writeFileSync(path.join(dir, signal), '{}');
        await waitFor(signal === 'py.json' ? 'next' : 'done');
      }
      return;
    }

    const py = await vscode.workspace.openTextDocument(file('user_code/buggy_lstm.py'));
    await vscode.window.showTextDocument(py, { viewColumn: vscode.ViewColumn.One });
    const header =
      py
        .getText()
        .split('\n')
        .findIndex((l) => l.startsWith('class BuggyLSTM')) + 1;
    const first = await vscode.commands.executeCommand<{ result: { message: string } }>('lstmLab.checkCell', { uri: py.uri.toString(), cell: 'BuggyLSTM', line: header, interactive: false });
    log(`buggy_lstm.py: ${first.result.message}`);
    const editor = vscode.window.activeTextEditor!;
    editor.revealRange(new vscode.Range(header + 20, 0, header + 20, 0), vscode.TextEditorRevealType.InCenter);
    fs.writeFileSync(path.join(dir, 'py.json'), '{}');
    await waitFor('next');

    const notebook = await vscode.workspace.openNotebookDocument(file('user_code/buggy_notebook.ipynb'));
    const index = notebook.getCells().findIndex((c) => /class MyLSTM/.test(c.document.getText()));
    await vscode.window.showNotebookDocument(notebook, { viewColumn: vscode.ViewColumn.One, selections: [new vscode.NotebookRange(index, index + 1)] });
    const second = await vscode.commands.executeCommand<{ result: { message: string } }>('lstmLab.checkCell', {
      uri: notebook.cellAt(index).document.uri.toString(),
      cell: 'MyLSTM',
      line: 1,
      interactive: false,
    });
    log(`buggy_notebook.ipynb: ${second.result.message}`);
    fs.writeFileSync(path.join(dir, 'nb.json'), '{}');
    await waitFor('done');
  } catch (error) {
    log(`failed: ${(error as Error).stack ?? error}`);
    fs.writeFileSync(path.join(dir, 'failed'), String((error as Error).message));
    throw error;
  }
}

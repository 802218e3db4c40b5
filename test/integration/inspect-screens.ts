// Driver for scripts/vscode/inspect-screenshots.mjs (not a test suite: no ".test" in its name,
// so the integration runner never picks it up). Inside a real VS Code it trains a Quick run on
// Brown, selects a Brown sentence in an editor and runs Inspect Selection, then tells the
// screenshot script (a file in $LSTM_LAB_SCREENS_DIR) and waits while it clicks through the
// panel and takes its pictures.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunRecord } from '../../src/shared/protocol';

const SENTENCES =
  'The Fulton County Grand Jury said Friday an investigation of recent primary election produced no evidence that any irregularities took place.\n' +
  'The jury further said in term-end presentments that the City Executive Committee, which had over-all charge of the election, deserves the praise and thanks of the City of Atlanta.\n';

export async function run(): Promise<void> {
  const dir = process.env.LSTM_LAB_SCREENS_DIR;
  if (!dir) throw new Error('LSTM_LAB_SCREENS_DIR is not set: run scripts/vscode/inspect-screenshots.mjs, not this file.');
  const log = (line: string) => fs.appendFileSync(path.join(dir, 'driver.log'), `${new Date().toISOString()} ${line}\n`);
  try {
    const extension = vscode.extensions.getExtension('lstm-lab.lstm-lab');
    if (!extension) throw new Error('LSTM Lab is not loaded');
    await extension.activate();
    await vscode.commands.executeCommand('lstmLab.showPanel');
    log('training a Quick run on Brown');
    const trained = await vscode.commands.executeCommand<RunRecord>('lstmLab.train', { preset: 'quick', corpus: { kind: 'brown' }, cell: 'fused-lstm' });
    log(`trained ${trained.id}: ${trained.status} ${trained.reason ?? ''}, val ${trained.epochs[0]?.valLoss}`);
    if (trained.status !== 'done') throw new Error(`the Quick run ended ${trained.status}: ${trained.reason}`);
    const document = await vscode.workspace.openTextDocument({ content: SENTENCES });
    const editor = await vscode.window.showTextDocument(document, vscode.ViewColumn.One);
    const line = document.lineAt(1).text;
    editor.selection = new vscode.Selection(1, 0, 1, line.length);
    await vscode.commands.executeCommand('lstmLab.inspectSelection', {});
    log('inspected the selection');
    fs.writeFileSync(path.join(dir, 'ready.json'), JSON.stringify({ runId: trained.id }));
    const until = Date.now() + 15 * 60_000;
    while (!fs.existsSync(path.join(dir, 'done')) && Date.now() < until) await new Promise((r) => setTimeout(r, 500));
  } catch (error) {
    log(`failed: ${(error as Error).stack ?? error}`);
    fs.writeFileSync(path.join(dir, 'failed'), String((error as Error).message));
    throw error;
  }
}

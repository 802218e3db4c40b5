// LSTM Lab: Stop — stops the running run (or the given one); its data so far is kept. Without a
// run id it also ends the user's own cell running in Python (its process group is killed).
import * as vscode from 'vscode';
import type { CommandDeps } from './context';
import { registerCommand } from './wrapper';

export function registerStop(deps: CommandDeps): vscode.Disposable {
  return registerCommand<{ runId?: string }, string[]>('lstmLab.stop', deps.log, (args, interactive) => {
    const stopped = deps.manager.stop(args?.runId).map((r) => r.id);
    const cell = args?.runId ? undefined : deps.userCode.busy;
    if (cell && deps.userCode.stop()) stopped.push(`your code: ${cell}`);
    if (stopped.length === 0 && interactive) void vscode.window.showInformationMessage('LSTM Lab: nothing is running.');
    return stopped;
  });
}

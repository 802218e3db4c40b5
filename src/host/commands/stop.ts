// LSTM Lab: Stop — stops the running run (or the given one); its data so far is kept.
import * as vscode from 'vscode';
import type { CommandDeps } from './context';
import { registerCommand } from './wrapper';

export function registerStop(deps: CommandDeps): vscode.Disposable {
  return registerCommand<{ runId?: string }, string[]>('lstmLab.stop', deps.log, (args, interactive) => {
    const stopped = deps.manager.stop(args?.runId);
    if (stopped.length === 0 && interactive) void vscode.window.showInformationMessage('LSTM Lab: nothing is running.');
    return stopped.map((r) => r.id);
  });
}

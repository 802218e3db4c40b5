// LSTM Lab: Stop — stops the running run (or the given one); its data so far is kept. Without a
// run id it also ends the user's own cell running in Python (its process group is killed). The
// context key `lstmLab.running` enables its title-bar button only while something runs.
import * as vscode from 'vscode';
import type { CommandDeps } from './context';
import { registerCommand } from './wrapper';

export function registerStop(deps: CommandDeps): vscode.Disposable {
  const { manager } = deps;
  let running: boolean | undefined;
  const update = () => {
    const now = manager.list().some((r) => r.status === 'running' || r.status === 'queued');
    if (now !== running) void vscode.commands.executeCommand('setContext', 'lstmLab.running', (running = now));
  };
  update();
  const subscription = manager.on({ runUpdated: update, runDeleted: update });
  const command = registerCommand<{ runId?: string }, string[]>('lstmLab.stop', deps.log, (args, interactive) => {
    const stopped = manager.stop(args?.runId).map((r) => r.id);
    const cell = args?.runId ? undefined : deps.userCode.busy;
    if (cell && deps.userCode.stop()) stopped.push(`your code: ${cell}`);
    if (stopped.length === 0 && interactive) void vscode.window.showInformationMessage('LSTM Lab: nothing is running.');
    return stopped;
  });
  return vscode.Disposable.from(command, subscription);
}

// LSTM Lab: Clear Runs — deletes the finished runs and their checkpoints, after asking.
import * as vscode from 'vscode';
import type { CommandDeps } from './context';
import { registerCommand } from './wrapper';

export function registerClearRuns(deps: CommandDeps): vscode.Disposable {
  const { manager } = deps;
  return registerCommand<{ confirm?: boolean }, number>('lstmLab.clearRuns', deps.log, async (args, interactive) => {
    const count = manager.list().filter((r) => r.status !== 'running' && r.status !== 'queued').length;
    if (count === 0) {
      if (interactive) void vscode.window.showInformationMessage('LSTM Lab: there are no finished runs to clear.');
      return 0;
    }
    const confirmed =
      args?.confirm === true ||
      (interactive && (await vscode.window.showWarningMessage(`Delete ${count} run(s) and their checkpoints? This cannot be undone.`, { modal: true }, 'Delete')) === 'Delete');
    if (!confirmed) return undefined;
    const removed = await manager.clear();
    deps.panel.post({ type: 'runs', runs: manager.list() });
    return removed;
  });
}

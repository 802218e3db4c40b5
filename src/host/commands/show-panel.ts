// LSTM Lab: Show Panel.
import type * as vscode from 'vscode';
import type { CommandDeps } from './context';
import { registerCommand } from './wrapper';

export function registerShowPanel(deps: CommandDeps): vscode.Disposable {
  return registerCommand<object, void>('lstmLab.showPanel', deps.log, () => deps.panel.show({ preserveFocus: false }));
}

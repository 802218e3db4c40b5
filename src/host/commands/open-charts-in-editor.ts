// LSTM Lab: Open Charts in Editor — the panel's charts, runs and equations in an editor tab at
// full width, kept in step with the side view (charts-editor.ts).
import type * as vscode from 'vscode';
import type { CommandDeps } from './context';
import { registerCommand } from './wrapper';

export function registerOpenChartsInEditor(deps: CommandDeps): vscode.Disposable {
  return registerCommand<object, void>('lstmLab.openChartsInEditor', deps.log, () => {
    deps.chartsEditor.open();
  });
}

// LSTM Lab: Open Tutorial Notebook — a copy of the shipped tutorial in the workspace (never
// over an existing file), or an untitled notebook when no folder is open.
import * as vscode from 'vscode';
import { openTutorial, type OpenedTutorial, type OpenTutorialArgs } from '../tutorial';
import type { CommandDeps } from './context';
import { delegate, registerCommand } from './wrapper';

export function registerOpenTutorial(deps: CommandDeps): vscode.Disposable {
  return registerCommand<OpenTutorialArgs, OpenedTutorial>('lstmLab.openTutorial', deps.log, async (args, interactive) => {
    const opened = await openTutorial(deps.context.extensionUri, args ?? {}, interactive);
    if (opened) {
      deps.log(`tutorial: ${opened.created ? 'wrote and opened' : 'opened'} ${opened.uri}${opened.stillOpening ? ' (its editor was still loading when the command returned)' : ''}`);
      deps.walkthrough.mark('tutorialOpened');
      if (args?.equations && opened.cellUri) {
        await delegate('lstmLab.showEquations', { uri: opened.cellUri, cell: args.cell });
        // The panel took the keyboard: give it back to the cell, so ↓ moves through its lines.
        const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === opened.cellUri);
        if (editor) await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, selection: editor.selection });
      }
    }
    return opened;
  });
}

// Which text a run learns: the Brown corpus, the active editor's text, or a file.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CorpusSpec } from '../../engine/types';
import { pickStep } from './multi-step';
import { UserError } from './wrapper';

export type CorpusArg = CorpusSpec | { kind: 'editor' };

type CorpusChoice = 'brown' | 'editor' | 'file';

function corpusItems(): (vscode.QuickPickItem & { value: CorpusChoice })[] {
  const editor = vscode.window.activeTextEditor;
  return [
    { label: '$(book) Brown corpus', description: "the notebook's text: 1.1M words of 1961 American English", value: 'brown' },
    { label: '$(file-text) Text of the active editor', description: editor ? path.basename(editor.document.fileName) : 'no editor is open', value: 'editor' },
    { label: '$(folder-opened) A text file…', value: 'file' },
  ];
}

/** The corpus the argument names, Brown for an API call without one. */
export function corpusOfArg(arg: CorpusArg | undefined): CorpusSpec {
  if (arg && arg.kind !== 'editor') return arg;
  if (arg?.kind === 'editor') return editorCorpus();
  return { kind: 'brown' };
}

/**
 * The corpus step of a multi-step input: resolves with the corpus, 'back', or undefined when
 * the user cancels (a cancelled file dialog stays on this step).
 */
export async function pickCorpusStep(title: string, step: number, totalSteps: number): Promise<CorpusSpec | 'back' | undefined> {
  for (;;) {
    const picked = await pickStep({ title, step, totalSteps, items: corpusItems(), placeholder: 'Which text should the model learn?' });
    if (picked === undefined || picked === 'back') return picked;
    const choice = picked[0].value;
    if (choice === 'brown') return { kind: 'brown' };
    if (choice === 'editor') return editorCorpus();
    const files = await vscode.window.showOpenDialog({ title: 'LSTM Lab: train on which text file?', canSelectMany: false, openLabel: 'Train on this file', filters: { Text: ['txt', 'md', 'py', 'ts', 'js', 'csv', '*'] } });
    if (files?.[0]) return { kind: 'file', path: files[0].fsPath };
  }
}

function editorCorpus(): CorpusSpec {
  const editor = vscode.window.activeTextEditor;
  if (!editor) throw new UserError('no editor is open to train on; open a text file first, or choose the Brown corpus.', [{ label: 'Open File…', command: 'workbench.action.files.openFile' }]);
  const text = editor.document.getText();
  if (!text.trim()) throw new UserError(`${path.basename(editor.document.fileName)} is empty; open a file with some text in it, or choose the Brown corpus.`, [{ label: 'Open File…', command: 'workbench.action.files.openFile' }]);
  return { kind: 'text', text, name: path.basename(editor.document.fileName) || 'untitled' };
}

export function corpusName(corpus: CorpusSpec): string {
  return corpus.kind === 'brown' ? 'Brown' : corpus.kind === 'file' ? path.basename(corpus.path) : corpus.name;
}

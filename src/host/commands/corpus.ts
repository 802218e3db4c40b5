// Which text a run learns: the Brown corpus, the active editor's text, or a file.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CorpusSpec } from '../../engine/types';
import { UserError } from './wrapper';

export type CorpusArg = CorpusSpec | { kind: 'editor' };

export async function resolveCorpus(arg: CorpusArg | undefined, interactive: boolean): Promise<CorpusSpec | undefined> {
  if (arg && arg.kind !== 'editor') return arg;
  if (arg?.kind === 'editor') return editorCorpus();
  if (!interactive) return { kind: 'brown' };
  const pick = await vscode.window.showQuickPick(
    [
      { label: '$(book) Brown corpus', description: "the notebook's text: 1.1M words of 1961 American English", value: 'brown' as const },
      { label: '$(file-text) Text of the active editor', description: vscode.window.activeTextEditor ? path.basename(vscode.window.activeTextEditor.document.fileName) : 'no editor is open', value: 'editor' as const },
      { label: '$(folder-opened) A text file…', value: 'file' as const },
    ],
    { title: 'LSTM Lab: corpus', placeHolder: 'Which text should the model learn?' },
  );
  if (!pick) return undefined;
  if (pick.value === 'brown') return { kind: 'brown' };
  if (pick.value === 'editor') return editorCorpus();
  const files = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Train on this file', filters: { Text: ['txt', 'md', 'py', 'ts', 'js', 'csv', '*'] } });
  if (!files?.[0]) return undefined;
  return { kind: 'file', path: files[0].fsPath };
}

function editorCorpus(): CorpusSpec {
  const editor = vscode.window.activeTextEditor;
  if (!editor) throw new UserError('no editor is open to train on; open a text file first, or choose the Brown corpus.');
  const text = editor.document.getText();
  if (!text.trim()) throw new UserError(`${path.basename(editor.document.fileName)} is empty; open a file with some text in it, or choose the Brown corpus.`);
  return { kind: 'text', text, name: path.basename(editor.document.fileName) || 'untitled' };
}

export function corpusName(corpus: CorpusSpec): string {
  return corpus.kind === 'brown' ? 'Brown' : corpus.kind === 'file' ? path.basename(corpus.path) : corpus.name;
}

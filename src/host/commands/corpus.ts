// Which text a run learns: the Brown corpus, the active editor's text, or a file.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CorpusSpec } from '../../shared/types';
import { describeTextSource, type EditorText } from '../core/text-source';
import { pickStep } from './multi-step';
import { UserError } from './wrapper';

export type CorpusArg = CorpusSpec | { kind: 'editor' };

type CorpusChoice = 'brown' | 'editor' | 'file';

/**
 * The text of the active editor: a text file, or a whole notebook (its cells joined, never its
 * JSON) when a notebook is active, since a notebook has no text editor of its own unless a cell
 * is being edited.
 */
function activeEditorText(): EditorText | undefined {
  const notebook = vscode.window.activeNotebookEditor?.notebook;
  const editor = vscode.window.activeTextEditor;
  if (notebook && (!editor || editor.document.uri.scheme === 'vscode-notebook-cell')) {
    const cells = notebook.getCells();
    return {
      name: path.basename(notebook.uri.fsPath) || 'untitled notebook',
      text: cells.map((cell) => cell.document.getText()).join('\n\n'),
      notebookCells: cells.length,
    };
  }
  if (!editor) return undefined;
  return { name: path.basename(editor.document.fileName) || 'untitled', text: editor.document.getText(), languageId: editor.document.languageId };
}

function corpusItems(): (vscode.QuickPickItem & { value: CorpusChoice })[] {
  const active = activeEditorText();
  const source = describeTextSource(active);
  // A notebook is learnt from its cells' source, said so: never its JSON, nor its outputs.
  const editorItem: vscode.QuickPickItem =
    active?.notebookCells !== undefined
      ? { label: '$(notebook) Text of the active notebook', description: source.description, detail: "its code and markdown cells' source, one after the other (no outputs)" }
      : { label: '$(file-text) Text of the active editor', description: source.description };
  return [
    { label: '$(book) Brown corpus', description: "1.1M words of 1961 American English, the original notebook's corpus", value: 'brown' },
    { ...editorItem, value: 'editor' },
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
    if (choice === 'editor') {
      const source = describeTextSource(activeEditorText());
      if (source.usable) return editorCorpus();
      // Back to the choice, saying why: the wizard's other steps stay as picked.
      void vscode.window.showWarningMessage(`LSTM Lab: ${source.problem}`);
      continue;
    }
    const files = await vscode.window.showOpenDialog({
      title: 'LSTM Lab: train on which text file?',
      canSelectMany: false,
      openLabel: 'Train on this file',
      filters: { Text: ['txt', 'md', 'py', 'ts', 'js', 'csv', '*'] },
    });
    if (files?.[0]) return { kind: 'file', path: files[0].fsPath };
  }
}

function editorCorpus(): CorpusSpec {
  const active = activeEditorText();
  const source = describeTextSource(active);
  if (!active || !source.usable) throw new UserError(source.usable ? 'no editor is open to train on.' : source.problem, [{ label: 'Open File…', command: 'workbench.action.files.openFile' }]);
  return { kind: 'text', text: active.text, name: active.name };
}

export function corpusName(corpus: CorpusSpec): string {
  return corpus.kind === 'brown' ? 'Brown' : corpus.kind === 'file' ? path.basename(corpus.path) : corpus.name;
}

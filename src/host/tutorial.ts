// The tutorial notebook shipped in media/tutorial/: a copy goes into the workspace (never over
// an existing file: an identical one is opened, a different one is kept and the user chooses),
// or, without a workspace folder, it opens as an untitled notebook nothing is written for.
import { promises as fsp } from 'node:fs';
import * as vscode from 'vscode';

export const TUTORIAL_FILE = 'lstm-lab-tutorial.ipynb';

export interface OpenTutorialArgs {
  /** Folder to write the copy into (a URI string); default the first workspace folder; null (or no folder open): an untitled notebook. */
  folder?: string | null;
  /** When the folder already has a different lstm-lab-tutorial.ipynb: open it (default) or write a fresh copy beside it. */
  ifExists?: 'open' | 'copy';
  /** A recurrent cell to scroll to (its class name, e.g. "GateByGateLSTM"), with the cursor on its time loop. */
  cell?: string;
  /** With `cell`: also show its equations in the panel (the walkthrough's equations step). */
  equations?: boolean;
}

export interface OpenedTutorial {
  /** The notebook shown: a file in the workspace, or an untitled notebook. */
  uri: string;
  /** True when this call wrote a new file. */
  created: boolean;
  /** The notebook cell (its document URI) that `cell` named, when found. */
  cellUri?: string;
  /** True when the notebook editor had not appeared when the command returned (it opens when the workbench is ready). */
  stillOpening?: true;
}

/** How long the command waits for the notebook editor before it returns (the notebook opens anyway). */
const SHOW_WAIT_MS = 45_000;

/**
 * Shows the notebook, or gives up waiting after SHOW_WAIT_MS: in a browser VS Code (code-server) the
 * notebook editor's output webview sometimes takes ~30 s to load, and now and then the editor's
 * promise never settles (seen once in CI: over 120 s). The file is written by then, so
 * nothing the command promised hangs on it.
 */
async function showNotebook(document: vscode.NotebookDocument, options?: vscode.NotebookDocumentShowOptions): Promise<vscode.NotebookEditor | undefined> {
  let stopWaiting = () => {};
  const late = new Promise<undefined>((resolve) => {
    const timer = setTimeout(resolve, SHOW_WAIT_MS);
    stopWaiting = () => clearTimeout(timer);
  });
  try {
    return await Promise.race([vscode.window.showNotebookDocument(document, options), late]);
  } finally {
    stopWaiting();
  }
}

/** `lstm-lab-tutorial.ipynb`, then `lstm-lab-tutorial-2.ipynb`, … : the first name not taken. */
export async function freeTutorialName(taken: (name: string) => Promise<boolean>): Promise<string> {
  for (let k = 1; k < 1000; k++) {
    const name = k === 1 ? TUTORIAL_FILE : TUTORIAL_FILE.replace(/\.ipynb$/, `-${k}.ipynb`);
    if (!(await taken(name))) return name;
  }
  throw new Error(`the folder already holds ${TUTORIAL_FILE} and 998 numbered copies of it; remove some and try again.`);
}

async function readOrUndefined(uri: vscode.Uri): Promise<Uint8Array | undefined> {
  try {
    return await vscode.workspace.fs.readFile(uri);
  } catch (error) {
    if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') return undefined;
    throw error;
  }
}

/** Writes a new file; fails rather than replace one that appeared meanwhile. */
async function createFile(uri: vscode.Uri, bytes: Uint8Array): Promise<void> {
  if (uri.scheme === 'file') {
    await fsp.writeFile(uri.fsPath, bytes, { flag: 'wx' });
    return;
  }
  if (await readOrUndefined(uri)) throw new Error(`${uri.toString()} appeared while the tutorial was being written; nothing was overwritten, run the command again.`);
  await vscode.workspace.fs.writeFile(uri, bytes);
}

/** The shipped .ipynb as notebook data, for an untitled notebook (the built-in ipynb serializer's metadata shape). */
export function notebookDataFromIpynb(text: string): vscode.NotebookData {
  const nb = JSON.parse(text) as { cells: { cell_type: string; source: string | string[] }[]; metadata?: object; nbformat?: number; nbformat_minor?: number };
  const cells = nb.cells.map((cell) => {
    const source = Array.isArray(cell.source) ? cell.source.join('') : cell.source;
    return cell.cell_type === 'markdown'
      ? new vscode.NotebookCellData(vscode.NotebookCellKind.Markup, source, 'markdown')
      : new vscode.NotebookCellData(vscode.NotebookCellKind.Code, source, 'python');
  });
  const data = new vscode.NotebookData(cells);
  data.metadata = { metadata: nb.metadata ?? {}, nbformat: nb.nbformat ?? 4, nbformat_minor: nb.nbformat_minor ?? 5 };
  return data;
}

async function pickFolder(args: OpenTutorialArgs, interactive: boolean): Promise<vscode.Uri | undefined | 'cancelled'> {
  if (args.folder === null) return undefined;
  if (args.folder) return vscode.Uri.parse(args.folder);
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length <= 1 || !interactive) return folders[0]?.uri;
  const pick = await vscode.window.showWorkspaceFolderPick({ placeHolder: `Folder to copy the tutorial notebook (${TUTORIAL_FILE}) into` });
  return pick?.uri ?? 'cancelled';
}

export async function openTutorial(extensionUri: vscode.Uri, args: OpenTutorialArgs, interactive: boolean): Promise<OpenedTutorial | undefined> {
  const shipped = vscode.Uri.joinPath(extensionUri, 'media', 'tutorial', TUTORIAL_FILE);
  const bytes = await vscode.workspace.fs.readFile(shipped);
  const folder = await pickFolder(args, interactive);
  if (folder === 'cancelled') return undefined;

  if (!folder) {
    const document = await vscode.workspace.openNotebookDocument('jupyter-notebook', notebookDataFromIpynb(new TextDecoder().decode(bytes)));
    return { uri: document.uri.toString(), created: false, ...(await show(document, args.cell)) };
  }

  let target = vscode.Uri.joinPath(folder, TUTORIAL_FILE);
  let created = false;
  const existing = await readOrUndefined(target);
  if (!existing) {
    await createFile(target, bytes);
    created = true;
  } else if (!Buffer.from(existing).equals(Buffer.from(bytes))) {
    // Someone's edits, or an older tutorial: keep it, and let the user choose.
    let choice = args.ifExists ?? 'open';
    if (interactive) {
      const open = 'Open It';
      const copy = 'Open a Fresh Copy';
      const answer = await vscode.window.showInformationMessage(
        `${TUTORIAL_FILE} is already in ${vscode.workspace.asRelativePath(folder, true) || folder.fsPath} and differs from the shipped tutorial (your edits are kept either way).`,
        { modal: true },
        open,
        copy,
      );
      if (!answer) return undefined;
      choice = answer === copy ? 'copy' : 'open';
    }
    if (choice === 'copy') {
      const name = await freeTutorialName(async (n) => (await readOrUndefined(vscode.Uri.joinPath(folder, n))) !== undefined);
      target = vscode.Uri.joinPath(folder, name);
      await createFile(target, bytes);
      created = true;
    }
  }
  const document = await vscode.workspace.openNotebookDocument(target);
  return { uri: target.toString(), created, ...(await show(document, args.cell)) };
}

/** Shows the notebook; with a cell name, scrolled to that class with the cursor on its time loop (`for t in …`), just above the gate lines. */
async function show(document: vscode.NotebookDocument, cellName: string | undefined): Promise<Pick<OpenedTutorial, 'cellUri' | 'stillOpening'>> {
  const cell = cellName
    ? document.getCells().find((c) => c.kind === vscode.NotebookCellKind.Code && new RegExp(`^class ${cellName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'm').test(c.document.getText()))
    : undefined;
  if (!cell) return (await showNotebook(document)) ? {} : { stillOpening: true };
  const range = new vscode.NotebookRange(cell.index, cell.index + 1);
  const notebookEditor = await showNotebook(document, { selections: [range] });
  if (!notebookEditor) return { cellUri: cell.document.uri.toString(), stillOpening: true };
  notebookEditor.revealRange(range, vscode.NotebookEditorRevealType.AtTop);
  // The cell's text editor exists once the notebook has rendered it.
  const lines = cell.document.getText().split('\n');
  const line = Math.max(
    0,
    lines.findIndex((l) => /^\s*for t in\b/.test(l)),
  );
  for (let attempt = 0; attempt < 30; attempt++) {
    const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === cell.document.uri.toString());
    if (editor) {
      await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, selection: new vscode.Range(line, 4, line, 4) });
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { cellUri: cell.document.uri.toString() };
}

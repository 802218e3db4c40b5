// The detected recurrent cells of open documents, computed once per document version and
// shared by the CodeLens, the gate decorations, the cursor ↔ equation sync and the inline
// results. Big files are skipped (no detection above MAX_DETECT_CHARS) so they cost nothing.
import * as vscode from 'vscode';
import { detectCells, type DetectedCell, type DetectLanguage } from '../detect';

/** Files larger than this (characters, ~1 MB) get no lenses or decorations. */
export const MAX_DETECT_CHARS = 1_000_000;

const LANGUAGES: Record<string, DetectLanguage> = {
  python: 'python',
  typescript: 'typescript',
  typescriptreact: 'typescript',
  javascript: 'javascript',
  javascriptreact: 'javascript',
};

/** Where the providers apply: Python, TS and JS files, and Python cells of a Jupyter notebook. */
export const CODE_SELECTOR: vscode.DocumentSelector = [
  ...Object.keys(LANGUAGES).map((language) => ({ language, scheme: 'file' })),
  ...Object.keys(LANGUAGES).map((language) => ({ language, scheme: 'untitled' })),
  { notebookType: 'jupyter-notebook', language: 'python' },
  { language: 'python', scheme: 'vscode-notebook-cell' },
];

export function detectLanguageOf(document: vscode.TextDocument): DetectLanguage | undefined {
  return LANGUAGES[document.languageId];
}

/** A TS/JS file whose cells the lens runs as written: it imports or requires TF.js. */
export function usesTfjs(text: string): boolean {
  return /@tensorflow\/tfjs/.test(text);
}

export class DetectedCells implements vscode.Disposable {
  private readonly cache = new Map<string, { version: number; cells: DetectedCell[] }>();
  private readonly warned = new Set<string>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly log: (line: string) => void) {
    this.subscriptions = [vscode.workspace.onDidCloseTextDocument((d) => this.cache.delete(d.uri.toString()))];
  }

  /** Whether cellsOf(document) is answered from the cache (no detection to run). */
  isFresh(document: vscode.TextDocument): boolean {
    return !detectLanguageOf(document) || this.cache.get(document.uri.toString())?.version === document.version;
  }

  /** The cells in `document` (empty for other languages, files over the cap, or code the detector cannot read). */
  cellsOf(document: vscode.TextDocument): DetectedCell[] {
    const language = detectLanguageOf(document);
    if (!language) return [];
    const key = document.uri.toString();
    const cached = this.cache.get(key);
    if (cached && cached.version === document.version) return cached.cells;
    let cells: DetectedCell[] = [];
    // offsetAt(end) is the length without building the text of a huge file.
    const length = document.offsetAt(document.lineAt(document.lineCount - 1).range.end);
    if (length > MAX_DETECT_CHARS) {
      if (!this.warned.has(key)) this.log(`codelens: ${document.uri.fsPath || key} has ${length} characters (over ${MAX_DETECT_CHARS}); no cell detection there.`);
      this.warned.add(key);
    } else {
      try {
        cells = detectCells(document.getText(), language);
      } catch (error) {
        if (!this.warned.has(key)) this.log(`codelens: cell detection failed on ${key}: ${(error as Error).message}`);
        this.warned.add(key);
      }
    }
    this.cache.set(key, { version: document.version, cells });
    return cells;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.cache.clear();
  }
}

/** The 0-based editor line range of 1-based detector lines. */
export function lineRange(document: vscode.TextDocument, firstLine: number, lastLine = firstLine): vscode.Range {
  const start = Math.max(0, Math.min(document.lineCount - 1, firstLine - 1));
  const end = Math.max(start, Math.min(document.lineCount - 1, lastLine - 1));
  return new vscode.Range(start, 0, end, document.lineAt(end).range.end.character);
}

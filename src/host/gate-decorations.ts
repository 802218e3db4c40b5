// Gate lines carry a quiet after-text naming what they compute ("forget gate f_t") and a
// hover with the equation, both switched by `lstmLab.gateDecorations`.
import * as vscode from 'vscode';
import { gateAtLine, type DetectedCell, type GateName } from '../detect';
import { CODE_SELECTOR, DetectedCells, lineRange } from './detected-cells';
import { equationForGate, GATE_TEXT, gateLineText, latexToUnicode, planForCell } from './core/lens-plan';

export const GATE_DECORATIONS_SETTING = 'gateDecorations';

export function gateDecorationsEnabled(): boolean {
  return vscode.workspace.getConfiguration('lstmLab').get<boolean>(GATE_DECORATIONS_SETTING, true) !== false;
}

/** Each gate line of the cells: 1-based line → the gates computed there, in equation order. */
export function gateLines(cells: readonly DetectedCell[]): Map<number, GateName[]> {
  const out = new Map<number, GateName[]>();
  for (const cell of cells) {
    const hit = new Set<number>(Object.values(cell.gates).flat());
    for (const line of [...hit].sort((a, b) => a - b)) {
      const found = gateAtLine([cell], line);
      if (found && !out.has(line)) out.set(line, found.gates);
    }
  }
  return out;
}

export class GateDecorations implements vscode.Disposable {
  private readonly decoration = vscode.window.createTextEditorDecorationType({
    after: { color: new vscode.ThemeColor('editorCodeLens.foreground'), margin: '0 0 0 2em', fontStyle: 'italic' },
  });
  private readonly subscriptions: vscode.Disposable[];
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** What each editor shows, for tests: uri → [{line, text}]. */
  private readonly shown = new Map<string, { line: number; text: string }[]>();

  constructor(private readonly cells: DetectedCells) {
    this.subscriptions = [
      vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach((e) => this.render(e))),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (!e.contentChanges.length) return;
        // Debounced: typing re-detects at most every 250 ms.
        const key = e.document.uri.toString();
        clearTimeout(this.timers.get(key));
        this.timers.set(
          key,
          setTimeout(() => {
            this.timers.delete(key);
            for (const editor of vscode.window.visibleTextEditors) if (editor.document === e.document) this.render(editor);
          }, 250),
        );
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`lstmLab.${GATE_DECORATIONS_SETTING}`)) this.renderAll();
      }),
      vscode.languages.registerHoverProvider(CODE_SELECTOR, { provideHover: (document, position) => this.hover(document, position) }),
    ];
    this.renderAll();
  }

  renderAll(): void {
    for (const editor of vscode.window.visibleTextEditors) this.render(editor);
  }

  decorationsOf(uri: string): { line: number; text: string }[] {
    return this.shown.get(uri) ?? [];
  }

  private render(editor: vscode.TextEditor): void {
    const key = editor.document.uri.toString();
    const lines = gateDecorationsEnabled() ? gateLines(this.cells.cellsOf(editor.document)) : new Map<number, GateName[]>();
    const shown = [...lines].map(([line, gates]) => ({ line, text: gateLineText(gates) }));
    if (shown.length) this.shown.set(key, shown);
    else this.shown.delete(key);
    editor.setDecorations(
      this.decoration,
      shown.map(({ line, text }) => {
        const end = lineRange(editor.document, line).end;
        return { range: new vscode.Range(end, end), renderOptions: { after: { contentText: text } } };
      }),
    );
  }

  private hover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    if (!gateDecorationsEnabled()) return undefined;
    const hit = gateAtLine(this.cells.cellsOf(document), position.line + 1);
    if (!hit) return undefined;
    const plan = planForCell(hit.cell);
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**${hit.gates.map((g) => GATE_TEXT[g]).join(', ')}** · \`${hit.cell.name}\` (${plan.description})\n\n`);
    const equations = hit.gates.map((g) => equationForGate(plan.equations?.lines, g)).filter((l) => l !== undefined);
    if (equations.length) md.appendCodeblock(equations.map((l) => latexToUnicode(l.latex)).join('\n'), 'text');
    md.appendMarkdown("\n\nThe LSTM Lab panel highlights this line's equation; clicking an equation there selects its code.");
    return new vscode.Hover(md, lineRange(document, position.line + 1));
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    for (const t of this.timers.values()) clearTimeout(t);
    this.decoration.dispose();
  }
}

// Gate ↔ equation, both ways. Cursor on a gate line → the panel shows that cell's equations
// and highlights the gate's line (null when the cursor is on no gate line). A click on an
// equation in the panel (revealGate) → the code line(s) computing it are selected and
// revealed in the last editor that showed a detected cell.
import * as vscode from 'vscode';
import { gateAtLine, linesForGate, type DetectedCell, type GateName } from '../detect';
import type { HostToWebview } from '../shared/protocol';
import { DetectedCells, lineRange } from './detected-cells';
import { planForCell } from './core/lens-plan';
import type { PanelProvider } from './panel';

type EquationsMessage = Extract<HostToWebview, { type: 'equations' }>;

export interface RevealResult {
  uri: string;
  cell: string;
  /** 1-based lines selected. */
  lines: number[];
}

export class GateSync implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[];
  private highlighted: GateName | null = null;
  private equations: EquationsMessage | undefined;
  /** The editor document and cell the panel's equations describe. */
  private target: { uri: string; cell: string; start: number } | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly cells: DetectedCells,
    private readonly panel: PanelProvider,
    private readonly log: (line: string) => void,
  ) {
    this.subscriptions = [
      vscode.window.onDidChangeTextEditorSelection((e) => this.followSoon(e.textEditor)),
      vscode.window.onDidChangeActiveTextEditor((editor) => editor && this.follow(editor)),
      panel.onDidRequestRevealGate((gate) => {
        void this.reveal(gate).then(undefined, (error: Error) => this.log(`gate sync: reveal ${gate} failed: ${error.message}`));
      }),
    ];
    if (vscode.window.activeTextEditor) this.follow(vscode.window.activeTextEditor);
  }

  /** What was last sent to the panel (tests read it through lstmLab._gateSync). */
  state(): { highlight: GateName | null; equations?: { cell: string; title: string; gates: GateName[] }; target?: { uri: string; cell: string }; panelTitle?: string } {
    return {
      highlight: this.highlighted,
      // What the panel shows now, whoever sent it (the cursor, or a run starting).
      ...(this.panel.equationsTitle !== undefined ? { panelTitle: this.panel.equationsTitle } : {}),
      ...(this.equations ? { equations: { cell: this.equations.cell, title: this.equations.title, gates: this.equations.lines.map((l) => l.gate) } } : {}),
      ...(this.target ? { target: { uri: this.target.uri, cell: this.target.cell } } : {}),
    };
  }

  /** Shows a cell's equations in the panel (the Equations lens, or the cursor entering a cell). */
  showEquations(document: vscode.TextDocument, cell: DetectedCell): EquationsMessage | undefined {
    this.target = { uri: document.uri.toString(), cell: cell.name, start: cell.range.start };
    const equations = planForCell(cell).equations;
    if (!equations) return undefined;
    const message: EquationsMessage = { type: 'equations', cell: equations.cell, title: equations.title, lines: equations.lines };
    this.equations = message;
    this.panel.showCellEquations(message);
    return message;
  }

  private setHighlight(gate: GateName | null): void {
    if (gate === this.highlighted) return;
    this.highlighted = gate;
    this.panel.highlight(gate);
  }

  /**
   * While typing, every keystroke moves the cursor in a new document version: detection
   * (≈5 ms for a 50-line cell, ≈300 ms for 450 KB) then waits for a 250 ms pause.
   */
  private followSoon(editor: vscode.TextEditor): void {
    clearTimeout(this.timer);
    if (this.cells.isFresh(editor.document)) this.follow(editor);
    else this.timer = setTimeout(() => this.follow(editor), 250);
  }

  private follow(editor: vscode.TextEditor): void {
    const cells = this.cells.cellsOf(editor.document);
    if (!cells.length) {
      // Leaving for an editor without cells (or the output panel) clears the highlight.
      if (editor === vscode.window.activeTextEditor) {
        this.setHighlight(null);
        this.panel.editorLeftCells();
      }
      return;
    }
    const line = editor.selection.active.line + 1;
    const hit = gateAtLine(cells, line);
    if (!hit) {
      const inside = cells.find((c) => line >= c.range.start && line <= c.range.end);
      if (inside) this.showEquations(editor.document, inside);
      else if (!this.target || this.target.uri !== editor.document.uri.toString()) this.target = { uri: editor.document.uri.toString(), cell: cells[0].name, start: cells[0].range.start };
      this.setHighlight(null);
      return;
    }
    const shown = this.showEquations(editor.document, hit.cell);
    // Highlight only a gate the shown equations have (a line computing several gates at once has none of its own).
    this.setHighlight(shown?.lines.some((l) => l.gate === hit.gate) ? hit.gate : null);
  }

  /** Selects and reveals the lines computing `gate` in the target editor. */
  async reveal(gate: GateName): Promise<RevealResult | undefined> {
    const target = this.target;
    if (!target) {
      void vscode.window.setStatusBarMessage('LSTM Lab: open a file with a recurrent cell (or put the cursor in one) to find the code of an equation.', 6000);
      return undefined;
    }
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === target.uri) ?? (await vscode.workspace.openTextDocument(vscode.Uri.parse(target.uri)));
    const candidates = this.cells.cellsOf(document).filter((c) => c.name === target.cell);
    const cell = candidates.sort((a, b) => Math.abs(a.range.start - target.start) - Math.abs(b.range.start - target.start))[0];
    if (!cell) {
      void vscode.window.setStatusBarMessage(`LSTM Lab: ${target.cell} is no longer in ${vscode.workspace.asRelativePath(document.uri)}.`, 6000);
      return undefined;
    }
    const lines = linesForGate(cell, gate);
    if (!lines.length) {
      void vscode.window.setStatusBarMessage(`LSTM Lab: no line of ${cell.name} computes ${gate}_t.`, 6000);
      return undefined;
    }
    const editor = await this.editorFor(document);
    // Each line from its first non-blank character: the statement, not its indentation.
    editor.selections = lines.map((l) => {
      const line = document.lineAt(lineRange(document, l).start.line);
      return new vscode.Selection(line.lineNumber, line.firstNonWhitespaceCharacterIndex, line.lineNumber, line.range.end.character);
    });
    editor.revealRange(lineRange(document, lines[0], lines[lines.length - 1]), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return { uri: target.uri, cell: cell.name, lines };
  }

  private async editorFor(document: vscode.TextDocument): Promise<vscode.TextEditor> {
    const visible = vscode.window.visibleTextEditors.find((e) => e.document === document);
    if (document.uri.scheme === 'vscode-notebook-cell') {
      // A notebook cell: bring its notebook forward with that cell selected.
      const notebook = vscode.workspace.notebookDocuments.find((nb) => nb.getCells().some((c) => c.document === document));
      if (notebook) {
        const index = notebook.getCells().findIndex((c) => c.document === document);
        await vscode.window.showNotebookDocument(notebook, { selections: [new vscode.NotebookRange(index, index + 1)], preserveFocus: false });
        const shown = vscode.window.visibleTextEditors.find((e) => e.document === document);
        if (shown) return shown;
      }
    }
    return vscode.window.showTextDocument(document, { viewColumn: visible?.viewColumn, preserveFocus: false });
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const s of this.subscriptions) s.dispose();
  }
}

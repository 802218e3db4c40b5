// The editor diagnostics of checks of the user's own cells: the departing gate's line, the
// line their code raised on, the harness's warnings. Each check replaces its own earlier
// ones; an edit to a document drops the diagnostics in it (they described the old text; the
// lens checks the new one).
import * as vscode from 'vscode';
import { lineRange } from './detected-cells';

export interface PlacedDiagnostic {
  document: vscode.TextDocument;
  /** 1-based. */
  line: number;
  message: string;
  severity: 'error' | 'warning';
  code: string;
}

export class UserCodeDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('lstm-lab');
  /** uri → check (document uri + cell name) → its diagnostics in that uri. */
  private readonly byUri = new Map<string, Map<string, vscode.Diagnostic[]>>();
  private readonly subscription: vscode.Disposable;

  constructor() {
    this.subscription = vscode.workspace.onDidChangeTextDocument((e) => {
      const key = e.document.uri.toString();
      if (!e.contentChanges.length || !this.byUri.has(key)) return;
      this.byUri.delete(key);
      this.collection.delete(e.document.uri);
    });
  }

  /** Replaces the diagnostics of one check (`check` names it: the same cell checked again replaces them). */
  set(check: string, placed: readonly PlacedDiagnostic[]): void {
    const touched = new Map<string, vscode.Uri>();
    for (const [uri, checks] of this.byUri) {
      if (checks.delete(check)) touched.set(uri, vscode.Uri.parse(uri));
    }
    for (const p of placed) {
      const key = p.document.uri.toString();
      const line = lineRange(p.document, p.line);
      // From the first character of code: a squiggle under the indentation points at nothing.
      const range = line.with({ start: line.start.with({ character: p.document.lineAt(line.start.line).firstNonWhitespaceCharacterIndex }) });
      const diagnostic = new vscode.Diagnostic(range, p.message, p.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
      diagnostic.source = 'LSTM Lab';
      diagnostic.code = p.code;
      const checks = this.byUri.get(key) ?? new Map<string, vscode.Diagnostic[]>();
      checks.set(check, [...(checks.get(check) ?? []), diagnostic]);
      this.byUri.set(key, checks);
      touched.set(key, p.document.uri);
    }
    for (const [key, uri] of touched) this.collection.set(uri, [...(this.byUri.get(key)?.values() ?? [])].flat());
  }

  dispose(): void {
    this.subscription.dispose();
    this.collection.dispose();
    this.byUri.clear();
  }
}

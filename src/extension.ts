// Entry point: only wires things together (the host modules in src/host do the work).
import type * as vscode from 'vscode';

export function activate(_context: vscode.ExtensionContext): void {
  // Filled in by the host: commands, panel, worker, CodeLens.
}

export function deactivate(): void {}

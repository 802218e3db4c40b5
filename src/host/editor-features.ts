// Wires the code-side features together: detection cache, CodeLens and its commands, gate
// decorations and hovers, cursor ↔ equation sync, inline results; plus hidden commands
// through which the integration tests read what they show.
import * as vscode from 'vscode';
import type { GateName } from '../detect';
import { DetectedCells } from './detected-cells';
import { registerCellCommands } from './cell-lens';
import { GateDecorations } from './gate-decorations';
import { GateSync } from './gate-sync';
import { InlineResults } from './inline-results';
import type { PanelProvider } from './panel';
import { registerCheckCell } from './check-cell';
import type { RunManager } from './core/run-manager';
import type { UserCodeRunner } from './user-code';

export function registerEditorFeatures(deps: {
  panel: PanelProvider;
  manager: RunManager;
  userCode: UserCodeRunner;
  output: vscode.OutputChannel;
  log: (line: string) => void;
  checkedCell: (classText: string) => void;
}): vscode.Disposable[] {
  const cells = new DetectedCells(deps.log);
  const inline = new InlineResults(cells);
  const decorations = new GateDecorations(cells);
  const sync = new GateSync(cells, deps.panel, deps.log);
  return [
    cells,
    inline,
    decorations,
    sync,
    ...registerCellCommands({ cells, inline, sync, showPanel: (section) => deps.panel.reveal(section), log: deps.log }),
    // The probe lens on Python cells: the user's own code, run and checked in Python.
    ...registerCheckCell({ cells, inline, sync, panel: deps.panel, manager: deps.manager, runner: deps.userCode, output: deps.output, log: deps.log, checkedCell: deps.checkedCell }),
    // Test-only (hidden from the palette): what the editor and the panel were given.
    vscode.commands.registerCommand('lstmLab._inlineSummaries', () => inline.list()),
    vscode.commands.registerCommand('lstmLab._gateSync', () => sync.state()),
    vscode.commands.registerCommand('lstmLab._gateDecorations', (uri: string) => decorations.decorationsOf(uri)),
    // The handler of the panel's revealGate message, callable without clicking in the webview.
    vscode.commands.registerCommand('lstmLab._revealGate', (gate: GateName) => sync.reveal(gate)),
  ];
}

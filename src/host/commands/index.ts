// The palette commands, one file each. Each takes an optional argument object that skips its
// pickers (tests and other modules drive them that way) and resolves with what it produced:
// the finished run record(s), the sampled text, the files written. All run in the one error
// wrapper of `wrapper.ts`. To add a command: a file here with a `register…(deps)` function,
// one line below, and its entry in package.json.
import * as vscode from 'vscode';
import { registerCompare } from './compare';
import { storageDirOf, type CommandDeps } from './context';
import { registerExportRun } from './export-run';
import { registerProbe } from './probe';
import { registerClearRuns } from './clear-runs';
import { registerOpenChartsInEditor } from './open-charts-in-editor';
import { registerOpenTutorial } from './open-tutorial';
import { registerShowPanel } from './show-panel';
import { registerStop } from './stop';
import { registerSample } from './sample';
import { registerTrain } from './train';

export { rawSettings, storageDirOf, type CommandDeps } from './context';

export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  return [
    registerTrain(deps),
    registerCompare(deps),
    registerProbe(deps),
    registerSample(deps),
    registerStop(deps),
    registerShowPanel(deps),
    registerExportRun(deps),
    registerClearRuns(deps),
    registerOpenTutorial(deps),
    registerOpenChartsInEditor(deps),
    // Test-only: hidden from the palette (package.json menus.commandPalette when: false).
    vscode.commands.registerCommand('lstmLab._workerPid', () => deps.worker.pid),
    vscode.commands.registerCommand('lstmLab._runs', () => deps.manager.list()),
    vscode.commands.registerCommand('lstmLab._storageDir', () => storageDirOf(deps.context)),
  ];
}

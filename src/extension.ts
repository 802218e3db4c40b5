// Entry point: only wires things together (the host modules in src/host do the work).
import * as vscode from 'vscode';
import { ChartsEditor } from './host/charts-editor';
import { registerEditorFeatures } from './host/editor-features';
import { registerCommands, storageDirOf } from './host/commands/index';
import { registerInspect } from './host/inspect';
import { PANEL_VIEW_ID, PanelProvider } from './host/panel';
import { RunManager } from './host/core/run-manager';
import { RunsStore } from './host/core/runs-store';
import { createStatusBar } from './host/status-bar';
import { trainedAsTitle } from './host/core/lens-plan';
import { TUTORIAL_FILE } from './host/tutorial';
import { trackWalkthrough, type WalkthroughMilestone } from './host/walkthrough';
import { WorkerClient } from './host/core/worker-client';
import { UserCodeRunner } from './host/user-code';
import { rawSettings } from './host/commands/index';
import { readSettings } from './host/core/config';

export interface LstmLabApi {
  manager: RunManager;
  panel: PanelProvider;
  chartsEditor: ChartsEditor;
  worker: WorkerClient;
  /** Walkthrough steps the user has done in this window (their context keys are set). */
  walkthrough: () => WalkthroughMilestone[];
  log: (line: string) => void;
  /** The last lines written to the output channel (tests print them when something fails). */
  recentLog: () => string[];
}

let manager: RunManager | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<LstmLabApi> {
  const output = vscode.window.createOutputChannel('LSTM Lab');
  context.subscriptions.push(output);
  const recent: string[] = [];
  const log = (line: string) => {
    const stamped = `[${new Date().toISOString().slice(11, 19)}] ${line}`;
    output.appendLine(stamped);
    recent.push(stamped);
    if (recent.length > 200) recent.shift();
  };

  const dist = vscode.Uri.joinPath(context.extensionUri, 'dist').fsPath;
  const workerOptions = {
    workerPath: vscode.Uri.joinPath(context.extensionUri, 'dist', 'worker.js').fsPath,
    wasmDir: `${dist}/wasm`,
    corpusDir: `${dist}/corpus`,
    backend: () => readSettings(rawSettings()).settings.backend,
    log,
  };
  const worker = new WorkerClient(workerOptions);
  context.subscriptions.push({ dispose: () => worker.dispose() });

  const store = new RunsStore(storageDirOf(context), { onError: (e) => void vscode.window.showErrorMessage(e.message) });
  manager = new RunManager(store, worker);
  const warnings = await manager.load();
  for (const w of warnings) log(`warning: ${w}`);
  if (warnings.length) void vscode.window.showWarningMessage(`LSTM Lab: ${warnings.length} saved run(s) could not be read and were skipped (see the LSTM Lab output).`);
  log(`storage: ${store.root} (${manager.list().length} runs loaded)`);

  const panel = new PanelProvider(context.extensionUri, () => manager?.list() ?? [], log, context.workspaceState);
  context.subscriptions.push(panel, vscode.window.registerWebviewViewProvider(PANEL_VIEW_ID, panel));
  // The same page in an editor tab, brought back after a reload.
  const chartsEditor = new ChartsEditor(context.extensionUri, panel, log);
  context.subscriptions.push(chartsEditor.register());
  // Getting Started: steps are ticked by what the user really did.
  const walkthrough = trackWalkthrough({ manager, panel, shippedTutorial: vscode.Uri.joinPath(context.extensionUri, 'media', 'tutorial', TUTORIAL_FILE), log });
  context.subscriptions.push(...walkthrough.disposables);
  context.subscriptions.push(
    manager.on({
      runUpdated: (run) => {
        panel.post({ type: 'runUpdated', run });
        if (run.status === 'running' && run.config)
          panel.showRunEquations(run.id, run.config.cell, run.config.forgetGate, run.codeCell?.role === 'trained-as' ? trainedAsTitle(run.codeCell.name, run.config.cell) : undefined);
      },
      runDeleted: () => panel.post({ type: 'runs', runs: manager?.list() ?? [] }),
      progress: (runId, progress) => panel.post({ type: 'progress', runId, progress }),
      probeSeries: (runId, series) => panel.post({ type: 'probeSeries', runId, series }),
      log,
      warn: (message) => void vscode.window.showErrorMessage(message),
    }),
  );
  // The user's own cells: Python ones in a Python child (dist/python holds its harness), TF.js ones in a worker of their own (never the training worker).
  const userCode = new UserCodeRunner({
    harnessPath: vscode.Uri.joinPath(context.extensionUri, 'dist', 'python', 'lstmlab_harness.py').fsPath,
    output,
    log,
    tfjsWorker: { ...workerOptions, log: (line) => log(`[your TF.js cell] ${line}`) },
  });
  context.subscriptions.push(userCode);
  context.subscriptions.push(createStatusBar(manager), ...registerCommands({ context, manager, worker, userCode, panel, chartsEditor, walkthrough, output, log }));
  // CodeLens, gate decorations and hovers, cursor ↔ equation sync, inline results.
  context.subscriptions.push(...registerEditorFeatures({ panel, manager, userCode, output, log, checkedCell: walkthrough.checkedCell }));
  // Looking inside a trained run: Inspect Selection, the panel's inspect requests, saturation.
  context.subscriptions.push(...registerInspect({ manager, panel, log }));

  const m = manager;
  // Settings are read at each run; warn about a bad one as soon as it is set.
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('lstmLab')) return;
      const { errors } = readSettings(rawSettings());
      if (errors.length) void vscode.window.showWarningMessage(`LSTM Lab: ${errors.join(' ')}`);
      // A new backend applies to the next worker: end an idle one now (a busy one finishes first).
      if (e.affectsConfiguration('lstmLab.backend') && !m.busy && worker.stopIdle()) log('backend setting changed: the next run starts a new worker');
    }),
  );
  context.subscriptions.push({ dispose: () => m.dispose() });
  return { manager, panel, chartsEditor, worker, walkthrough: walkthrough.reached, log, recentLog: () => [...recent] };
}

export function deactivate(): void {
  manager = undefined;
}

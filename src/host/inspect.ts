// Looking inside a trained run from the editor and the panel: the panel's inspect
// requests and the "Inspect Selection" command go to the worker through the run manager's
// queue (all tensors stay there), and the answers come back to the panel; the trainer's gate
// saturation reports are forwarded to the panel as they arrive.
import * as vscode from 'vscode';
import type { ActivationCapture } from '../shared/inspect-types';
import type { InspectRequest, InspectResult, RunRecord } from '../shared/protocol';
import { registerCommand, TRAIN_MODEL, UserError } from './commands/wrapper';
import type { PanelProvider } from './panel';
import type { RunManager } from './core/run-manager';

export interface InspectDeps {
  manager: RunManager;
  panel: PanelProvider;
  log: (line: string) => void;
}

export interface InspectSelectionArgs {
  /** Text to read; default the active editor's selection (or its current line when nothing is selected). */
  text?: string;
  /** Run whose checkpoint reads it; default the latest finished train run with a checkpoint. */
  runId?: string;
}

/** The runs the panel can inspect: train runs that left a checkpoint, newest first. */
export function inspectableRuns(runs: readonly RunRecord[]): RunRecord[] {
  return runs.filter((r) => r.kind === 'train' && r.checkpoint && r.status !== 'running' && r.status !== 'queued').sort((a, b) => b.createdAt - a.createdAt);
}

/** The checkpoint of a run, or an error that says what to do. */
export function checkpointOfRun(run: RunRecord | undefined, runId: string): string {
  if (!run) throw new Error(`there is no run ${runId}; pick a finished training run.`);
  if (run.kind !== 'train') throw new Error(`"${run.title}" is a gradient probe, not a trained model; pick a finished training run.`);
  if (run.status === 'running' || run.status === 'queued') throw new Error(`"${run.title}" is still ${run.status}; inspect it when it has finished.`);
  if (!run.checkpoint) throw new Error(`"${run.title}" has no checkpoint (it ${run.status === 'failed' ? 'failed' : 'stopped'} before saving one); train a run to the end of an epoch first.`);
  return run.checkpoint;
}

export function registerInspect(deps: InspectDeps): vscode.Disposable[] {
  const { manager, panel, log } = deps;
  let selectionCounter = 0;

  const inspect = (runId: string, request: InspectRequest): Promise<InspectResult> => {
    const checkpoint = checkpointOfRun(manager.get(runId), runId);
    return manager.inspect({ ...request, checkpoint });
  };

  return [
    manager.on({ saturation: (runId, report) => panel.post({ type: 'saturation', runId, report }) }),

    // The answer goes to the webview that asked (the side view and the editor tab number their requests alike).
    panel.onDidRequestInspect(async ({ message, reply }) => {
      try {
        const result = await inspect(message.runId, message.request);
        reply({ type: 'inspectResult', requestId: message.requestId, runId: message.runId, result });
      } catch (error) {
        const text = (error as Error).message;
        log(`inspect ${message.request.kind} on ${message.runId}: ${text}`);
        reply({ type: 'inspectError', requestId: message.requestId, message: text });
      }
    }),

    registerCommand<InspectSelectionArgs, ActivationCapture>('lstmLab.inspectSelection', log, async (args) => {
      let text = args?.text;
      if (text === undefined) {
        const editor = vscode.window.activeTextEditor;
        if (!editor) throw new UserError("open an editor and select the text to inspect (or type it in the panel's Inspect section).");
        text = editor.selection.isEmpty ? editor.document.lineAt(editor.selection.active.line).text : editor.document.getText(editor.selection);
      }
      if (!text.trim()) throw new UserError('the selection is empty; select some text (a sentence is enough) and run Inspect Selection again.');
      const runs = inspectableRuns(manager.list());
      const runId = args?.runId ?? runs[0]?.id;
      if (!runId) throw new UserError('no trained model yet: train one first to look inside it (the Quick preset takes about a minute).', [TRAIN_MODEL], 'info');
      checkpointOfRun(manager.get(runId), runId);
      await panel.show();
      await waitForReady(panel, 10_000);
      // The command asks and holds the answer; the panel is only told (a push: docs/architecture.md says why), under an id no webview asked for.
      const requestId = `selection-${++selectionCounter}`;
      panel.post({ type: 'inspectText', text, runId });
      try {
        const result = await inspect(runId, { kind: 'capture', text });
        panel.post({ type: 'inspectResult', requestId, runId, result });
        return result.kind === 'capture' ? result.capture : undefined;
      } catch (error) {
        panel.post({ type: 'inspectError', requestId, message: (error as Error).message });
        throw error;
      }
    }),

    // Test-only (hidden from the palette): any inspection of a run, through the worker.
    vscode.commands.registerCommand('lstmLab._inspect', (runId: string, request: InspectRequest) => inspect(runId, request)),
  ];
}

async function waitForReady(panel: PanelProvider, timeoutMs: number): Promise<void> {
  if (panel.isReady) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      subscription.dispose();
      resolve();
    }, timeoutMs);
    const subscription = panel.onDidBecomeReady(() => {
      clearTimeout(timer);
      subscription.dispose();
      resolve();
    });
  });
}

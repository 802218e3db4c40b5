// What every command gets: the extension's long-lived parts, and the settings as plain values.
import * as vscode from 'vscode';
import type { ChartsEditor } from '../charts-editor';
import type { RawSettings } from '../core/config';
import type { PanelProvider } from '../panel';
import type { RunManager } from '../core/run-manager';
import type { UserCodeRunner } from '../user-code';
import type { WalkthroughProgress } from '../walkthrough';
import type { WorkerClient } from '../core/worker-client';

export interface CommandDeps {
  context: vscode.ExtensionContext;
  manager: RunManager;
  worker: WorkerClient;
  /** The user's own cells, run in Python (Stop ends them too). */
  userCode: UserCodeRunner;
  panel: PanelProvider;
  /** The panel's page in an editor tab. */
  chartsEditor: ChartsEditor;
  /** Ticks the Getting Started steps. */
  walkthrough: WalkthroughProgress;
  output: vscode.OutputChannel;
  log: (line: string) => void;
}

/** Reads `lstmLab.*` as plain values (the pure config module checks them). */
export function rawSettings(): RawSettings {
  const config = vscode.workspace.getConfiguration('lstmLab');
  const keys = ['hiddenSize', 'embeddingSize', 'batchSize', 'seqLen', 'epochs', 'learningRate', 'seed', 'backend', 'defaultPreset', 'probeSteps'];
  return Object.fromEntries(keys.map((k) => [k, config.get<unknown>(k)]));
}

export function storageDirOf(context: vscode.ExtensionContext): string {
  return (context.storageUri ?? context.globalStorageUri).fsPath;
}

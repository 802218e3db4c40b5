// LSTM Lab: Export Run… — a run's data as CSV files, and the panel's charts as PNGs.
import * as path from 'node:path';
import { promises as fsp } from 'node:fs';
import * as vscode from 'vscode';
import type { RunRecord } from '../../shared/protocol';
import { runToCsv } from '../core/export';
import type { CommandDeps } from './context';
import { registerCommand, TRAIN_MODEL, UserError } from './wrapper';

export interface ExportArgs {
  runId?: string;
  /** Exactly this folder (the command otherwise asks, and makes a subfolder per run in the one picked). */
  folder?: string;
  /** Also ask the panel for PNGs of its charts (default true). */
  images?: boolean;
}

async function pickRun(deps: CommandDeps, args: ExportArgs | undefined, interactive: boolean): Promise<RunRecord | undefined> {
  const runs = deps.manager.list();
  if (runs.length === 0) throw new UserError('there is no run to export yet: train a model or probe the gradient first.', [TRAIN_MODEL], 'info');
  const run = args?.runId ? deps.manager.get(args.runId) : undefined;
  if (args?.runId && !run) throw new UserError(`there is no run ${args.runId}.`);
  if (run) return run;
  if (!interactive) return runs[runs.length - 1];
  const pick = await vscode.window.showQuickPick(
    [...runs].reverse().map((r) => ({ label: r.title, description: `${r.status} · ${new Date(r.createdAt).toLocaleString()}`, run: r })),
    { title: 'LSTM Lab: export which run?' },
  );
  return pick?.run;
}

/** Writes the panel's chart PNGs and inspection CSVs; returns the files written. */
async function writeChartFiles(deps: CommandDeps, run: RunRecord, folder: string): Promise<string[]> {
  const written: string[] = [];
  const { images, csv } = await deps.panel.requestChartExport(run.id);
  for (const image of images) {
    const file = path.join(folder, `${run.id}-${image.name.replace(/\.png$/, '').replace(/[^A-Za-z0-9_.-]/g, '_')}.png`);
    await fsp.writeFile(file, Buffer.from(image.pngDataUrl.slice('data:image/png;base64,'.length), 'base64'));
    written.push(file);
  }
  // The inspection views' data (gate activations, gradient flow, h0 probe, sample, saturation).
  for (const file of csv) {
    const target = path.join(folder, `${run.id}-${file.name.replace(/[^A-Za-z0-9_.-]/g, '_')}`);
    await fsp.writeFile(target, file.text, 'utf8');
    written.push(target);
  }
  return written;
}

export function registerExportRun(deps: CommandDeps): vscode.Disposable {
  return registerCommand<ExportArgs, string[]>('lstmLab.exportRun', deps.log, async (args, interactive) => {
    const run = await pickRun(deps, args, interactive);
    if (!run) return undefined;
    let folder = args?.folder;
    if (!folder) {
      // Nine files or more (one CSV can be megabytes): into a folder of their own, never loose in the workspace.
      const subfolder = `lstm-lab-${run.id.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
      const picked = await vscode.window.showOpenDialog({
        title: `LSTM Lab: export "${run.title}" — choose where; its files go into a new folder ${subfolder}`,
        canSelectFiles: false,
        canSelectFolders: true,
        openLabel: `Export into ${subfolder}`,
        ...(vscode.workspace.workspaceFolders?.[0] ? { defaultUri: vscode.workspace.workspaceFolders[0].uri } : {}),
      });
      if (!picked?.[0]) return undefined;
      folder = path.join(picked[0].fsPath, subfolder);
    }
    await fsp.mkdir(folder, { recursive: true });
    const written: string[] = [];
    for (const [name, content] of Object.entries(runToCsv(run))) {
      const file = path.join(folder, name);
      await fsp.writeFile(file, content, 'utf8');
      written.push(file);
    }
    if (args?.images !== false) {
      try {
        written.push(...(await writeChartFiles(deps, run, folder)));
      } catch (error) {
        void vscode.window.showWarningMessage(`LSTM Lab: the CSV files were written, but not the chart images: ${(error as Error).message}`);
      }
    }
    deps.log(`exported ${run.id}: ${written.join(', ')}`);
    if (interactive) {
      const target = folder;
      void vscode.window
        .showInformationMessage(`LSTM Lab: exported ${written.length} files to ${target}.`, 'Reveal')
        .then((c) => c && vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(target)));
    }
    return written;
  });
}

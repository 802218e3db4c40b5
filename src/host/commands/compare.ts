// LSTM Lab: Compare Architectures — the notebook's four models on the same data and seed: one
// progress item for the whole comparison, then its table as a rendered Markdown preview.
import * as path from 'node:path';
import { promises as fsp } from 'node:fs';
import * as vscode from 'vscode';
import type { CellKind, CorpusSpec } from '../../shared/types';
import type { RunRecord } from '../../shared/protocol';
import type { Preset } from '../core/config';
import { comparisonTable } from '../core/export';
import { SEED_NOTEBOOK_COMPARISON } from '../../shared/catalog';
import { storageDirOf, type CommandDeps } from './context';
import { corpusName, corpusOfArg, pickCorpusStep, type CorpusArg } from './corpus';
import { pickStep, runSteps } from './multi-step';
import { pickOverrides, startTraining, type StartedRun, type TrainOverrides } from './runs';
import { registerCommand } from './wrapper';

export interface CompareArgs extends TrainOverrides {
  preset?: Preset;
  corpus?: CorpusArg;
  cells?: CellKind[];
}

const COMPARE_PRESETS: (vscode.QuickPickItem & { preset: Preset })[] = [
  { label: 'Quick', description: 'the four models, sequences of 100, ~50 batches each — a few minutes', preset: 'quick' },
  { label: 'Notebook', description: "the four models, the notebook's full epoch each — hours on one CPU thread", preset: 'notebook' },
  { label: 'Custom', description: 'from your lstmLab.* settings', preset: 'custom' },
];

/** One cancellable progress item for all the runs: "2/4 NaiveLSTM · batch 12/50 · loss 3.105". */
function showComparisonProgress(deps: CommandDeps, title: string, started: StartedRun[]): Promise<RunRecord[]> {
  const all = Promise.all(started.map((s) => s.finished));
  const ids = started.map((s) => s.run.id);
  void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `LSTM Lab: ${title}`, cancellable: true }, async (progress, token) => {
    token.onCancellationRequested(() => ids.forEach((id) => deps.manager.stop(id)));
    let reported = 0;
    const sub = deps.manager.on({
      progress: (id, p) => {
        const index = ids.indexOf(id);
        if (index < 0) return;
        const run = started[index].run;
        const total = p.batchesPerEpoch * (run.config?.epochs ?? 1);
        const overall = (index + (total > 0 ? Math.min(1, p.step / total) : 0)) / ids.length;
        progress.report({
          message: `${index + 1}/${ids.length} ${run.title.split(' · ')[0]} · batch ${p.batch}/${p.batchesPerEpoch} · loss ${p.loss.toFixed(3)}`,
          increment: (overall - reported) * 100,
        });
        reported = overall;
      },
    });
    progress.report({ message: deps.manager.busy && !ids.includes(deps.manager.activeRun()?.id ?? '') ? 'queued behind the current run…' : 'starting the worker…' });
    try {
      await all;
    } finally {
      sub.dispose();
    }
  });
  return all;
}

/** The table as a Markdown file in the extension's storage, opened as a rendered preview. */
async function showTable(deps: CommandDeps, heading: string, table: string): Promise<void> {
  const folder = path.join(storageDirOf(deps.context), 'comparisons');
  await fsp.mkdir(folder, { recursive: true });
  const file = path.join(folder, `comparison-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.md`);
  await fsp.writeFile(file, `# ${heading}\n\n${table}`, 'utf8');
  await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(file));
}

export function registerCompare(deps: CommandDeps): vscode.Disposable {
  return registerCommand<CompareArgs, RunRecord[]>('lstmLab.compare', deps.log, async (args, interactive) => {
    let corpus: CorpusSpec | undefined = args?.corpus ? corpusOfArg(args.corpus) : undefined;
    let preset: Preset = args?.preset ?? 'quick';
    if (interactive && !(args?.corpus && args.preset)) {
      const title = "LSTM Lab: Compare the notebook's four models (same data and seed)";
      const ok = await runSteps([
        async () => {
          const picked = await pickStep({ title, step: 1, totalSteps: 2, items: COMPARE_PRESETS.map((p) => ({ ...p, picked: p.preset === preset })), placeholder: 'How long a run for each model?' });
          if (picked === undefined || picked === 'back') return picked;
          preset = picked[0].preset;
          return 'next';
        },
        async () => {
          const picked = await pickCorpusStep(title, 2, 2);
          if (picked === undefined || picked === 'back') return picked;
          corpus = picked;
          return 'next';
        },
      ]);
      if (!ok) return undefined;
    }
    corpus ??= { kind: 'brown' };
    const cells = args?.cells ?? [...SEED_NOTEBOOK_COMPARISON];
    const started = startTraining(deps, cells, preset, corpus, pickOverrides(args ?? {}), { quiet: true });
    void deps.panel.show();
    const heading = `Comparison of ${cells.length} models (${preset}, ${corpusName(corpus)}, seed ${started[0]?.run.config?.seed ?? 0})`;
    const runs = await showComparisonProgress(deps, `comparing ${cells.length} models (${preset}, ${corpusName(corpus)})`, started);
    const table = comparisonTable(runs);
    deps.output.appendLine(`${heading}:\n${table}`);
    const done = runs.filter((r) => r.status === 'done' && r.epochs.length > 0);
    const best = done.sort((a, b) => a.epochs[a.epochs.length - 1].valLoss - b.epochs[b.epochs.length - 1].valLoss)[0];
    const summary = best ? `best val loss ${best.epochs[best.epochs.length - 1].valLoss.toFixed(3)} (${best.title.split(' · ')[0]})` : '';
    if (interactive) {
      await showTable(deps, heading, table);
      const outcome = best ? `comparison done — ${done.length}/${runs.length} models finished, ${summary}` : 'comparison ended — no model finished; the table says why';
      void vscode.window.showInformationMessage(`LSTM Lab: ${outcome}.`, 'Show Panel').then((c) => c && deps.panel.show({ preserveFocus: false }));
    }
    return runs;
  });
}

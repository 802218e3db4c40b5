// LSTM Lab: Compare Architectures — the notebook's four models on the same data and seed, and
// a table of their results.
import * as vscode from 'vscode';
import type { CellKind } from '../../engine/types';
import type { RunRecord } from '../../protocol';
import type { Preset } from '../config';
import { comparisonTable } from '../export';
import { NOTEBOOK_COMPARISON } from '../../shared/catalog';
import type { CommandDeps } from './context';
import { corpusName, resolveCorpus, type CorpusArg } from './corpus';
import { pickOverrides, startTraining, type TrainOverrides } from './runs';
import { registerCommand } from './wrapper';

export interface CompareArgs extends TrainOverrides {
  preset?: Preset;
  corpus?: CorpusArg;
  cells?: CellKind[];
}

export function registerCompare(deps: CommandDeps): vscode.Disposable {
  return registerCommand<CompareArgs, RunRecord[]>('lstmLab.compare', deps.log, async (args, interactive) => {
    const corpus = await resolveCorpus(args?.corpus, interactive);
    if (!corpus) return undefined;
    let preset: Preset = args?.preset ?? 'quick';
    if (interactive) {
      const pick = await vscode.window.showQuickPick(
        [
          { label: 'Quick', description: 'the four models, sequences of 100, ~50 batches each — a few minutes', preset: 'quick' as Preset },
          { label: 'Notebook', description: "the four models, the notebook's full epoch each — hours on one CPU thread", preset: 'notebook' as Preset },
          { label: 'Custom', description: 'from your lstmLab.* settings', preset: 'custom' as Preset },
        ],
        { title: "LSTM Lab: compare the notebook's four models on the same data and seed" },
      );
      if (!pick) return undefined;
      preset = pick.preset;
    }
    const started = startTraining(deps, args?.cells ?? [...NOTEBOOK_COMPARISON], preset, corpus, pickOverrides(args ?? {}));
    void deps.panel.show();
    const runs = await Promise.all(started.map((s) => s.finished));
    const table = comparisonTable(runs);
    deps.output.appendLine(`Comparison (${preset}, ${corpusName(corpus)}, seed ${runs[0]?.config?.seed ?? 0}):\n${table}`);
    if (interactive) {
      const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: `# LSTM Lab: the notebook's four models (${preset}, ${corpusName(corpus)})\n\n${table}` });
      await vscode.window.showTextDocument(doc, { preview: false });
    }
    return runs;
  });
}

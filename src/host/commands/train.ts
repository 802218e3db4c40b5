// LSTM Lab: Train Model… — the cell(s), the corpus and the preset, then one run per cell.
import * as vscode from 'vscode';
import type { CellKind } from '../../engine/types';
import type { RunRecord } from '../../protocol';
import { PRESETS, readSettings, type Preset } from '../config';
import { CELL_CATALOG, CELL_KINDS } from '../../shared/catalog';
import { rawSettings, type CommandDeps } from './context';
import { resolveCorpus, type CorpusArg } from './corpus';
import { pickOverrides, startTraining, type TrainOverrides } from './runs';
import { registerCommand } from './wrapper';

export interface TrainArgs extends TrainOverrides {
  cell?: CellKind;
  cells?: CellKind[];
  preset?: Preset;
  corpus?: CorpusArg;
  /** false: resolve as soon as the run is queued (with its queued record). Default true. */
  wait?: boolean;
  resumeFrom?: string;
}

export function registerTrain(deps: CommandDeps): vscode.Disposable {
  return registerCommand<TrainArgs, RunRecord | RunRecord[]>('lstmLab.train', deps.log, async (args, interactive) => {
    let cells: CellKind[];
    if (args?.cells?.length) cells = args.cells;
    else if (args?.cell) cells = [args.cell];
    else if (!interactive) cells = ['fused-lstm'];
    else {
      const picks = await vscode.window.showQuickPick(
        CELL_KINDS.map((kind) => ({ label: CELL_CATALOG[kind].title, description: kind, cellKind: kind, picked: kind === 'fused-lstm' })),
        { title: 'LSTM Lab: train which cell(s)?', canPickMany: true, placeHolder: 'Pick one or more; several run one after the other on the same data.' },
      );
      if (!picks?.length) return undefined;
      cells = picks.map((p) => p.cellKind);
    }
    const corpus = await resolveCorpus(args?.corpus, interactive);
    if (!corpus) return undefined;
    let preset: Preset;
    if (args?.preset) preset = args.preset;
    else if (!interactive) preset = readSettings(rawSettings()).settings.defaultPreset;
    else {
      const defaultPreset = readSettings(rawSettings()).settings.defaultPreset;
      const descriptions: Record<Preset, string> = {
        quick: 'sequences of 100, about 50 batches — under a minute',
        notebook: "the notebook's exact configuration, one full epoch (long)",
        custom: 'from your lstmLab.* settings',
      };
      const pick = await vscode.window.showQuickPick(
        PRESETS.map((p) => ({ label: p[0].toUpperCase() + p.slice(1), description: descriptions[p], preset: p, picked: p === defaultPreset })),
        { title: 'LSTM Lab: preset' },
      );
      if (!pick) return undefined;
      preset = pick.preset;
    }
    const started = startTraining(deps, cells, preset, corpus, pickOverrides(args ?? {}), args?.resumeFrom);
    void deps.panel.show();
    if (args?.wait === false) return started.length === 1 ? started[0].run : started.map((s) => s.run);
    const finished = await Promise.all(started.map((s) => s.finished));
    return finished.length === 1 ? finished[0] : finished;
  });
}

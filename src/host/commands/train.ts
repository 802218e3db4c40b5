// LSTM Lab: Train Model… — a three-step input (preset, cells, corpus; Back goes one step
// back), then one run per cell.
import * as vscode from 'vscode';
import type { CellKind, CorpusSpec } from '../../shared/types';
import type { RunRecord } from '../../shared/protocol';
import { PRESETS, readSettings, type Preset } from '../core/config';
import { CELL_CATALOG, CELL_KINDS, tutorialCellsNote } from '../../shared/catalog';
import { rawSettings, type CommandDeps } from './context';
import { corpusOfArg, pickCorpusStep, type CorpusArg } from './corpus';
import { pickStep, runSteps } from './multi-step';
import { pickOverrides, startTraining, type TrainOverrides } from './runs';
import { registerCommand } from './wrapper';

export interface TrainArgs extends TrainOverrides {
  cell?: CellKind;
  cells?: CellKind[];
  preset?: Preset;
  corpus?: CorpusArg;
  /** The runs' name instead of the engine cell's (the CodeLens passes the user's class). */
  name?: string;
  /** The CodeLens: the user's cell whose structure the built-in cell trains. */
  codeCell?: RunRecord['codeCell'];
  /** false: resolve as soon as the run is queued (with its queued record). Default true. */
  wait?: boolean;
  resumeFrom?: string;
}

export const PRESET_DESCRIPTIONS: Record<Preset, string> = {
  quick: 'sequences of 100, about 50 batches — under a minute',
  notebook: "the notebook's exact configuration, one full epoch (long)",
  custom: 'from your lstmLab.* settings',
};

export function presetItems(defaultPreset: Preset): (vscode.QuickPickItem & { preset: Preset })[] {
  return PRESETS.map((p) => ({ label: p[0].toUpperCase() + p.slice(1), description: PRESET_DESCRIPTIONS[p], preset: p, picked: p === defaultPreset }));
}

interface Choices {
  preset?: Preset;
  cells?: CellKind[];
  corpus?: CorpusSpec;
}

/** Asks for what the arguments do not say; false when the user cancels. */
async function askChoices(choices: Choices): Promise<boolean> {
  const title = 'LSTM Lab: Train Model';
  const total = 3;
  const defaultPreset = readSettings(rawSettings()).settings.defaultPreset;
  return runSteps([
    async () => {
      const picked = await pickStep({ title, step: 1, totalSteps: total, items: presetItems(choices.preset ?? defaultPreset), placeholder: 'How long a run? (Quick is enough to see the loss fall)' });
      if (picked === undefined || picked === 'back') return picked;
      choices.preset = picked[0].preset;
      return 'next';
    },
    async () => {
      const current = choices.cells ?? ['fused-lstm'];
      const items = CELL_KINDS.map((kind) => ({ label: CELL_CATALOG[kind].title, description: kind, detail: tutorialCellsNote(kind), cellKind: kind, picked: current.includes(kind) }));
      const picked = await pickStep({ title, step: 2, totalSteps: total, items, canPickMany: true, placeholder: 'Which cell(s)? Several run one after the other on the same data.' });
      if (picked === undefined || picked === 'back') return picked;
      choices.cells = picked.map((p) => p.cellKind);
      return 'next';
    },
    async () => {
      const corpus = await pickCorpusStep(title, 3, total);
      if (corpus === undefined || corpus === 'back') return corpus;
      choices.corpus = corpus;
      return 'next';
    },
  ]);
}

export function registerTrain(deps: CommandDeps): vscode.Disposable {
  return registerCommand<TrainArgs, RunRecord | RunRecord[]>('lstmLab.train', deps.log, async (args, interactive) => {
    const choices: Choices = {
      preset: args?.preset,
      cells: args?.cells?.length ? args.cells : args?.cell ? [args.cell] : undefined,
      corpus: args?.corpus ? corpusOfArg(args.corpus) : undefined,
    };
    if (interactive && !(choices.preset && choices.cells && choices.corpus)) {
      if (!(await askChoices(choices))) return undefined;
    }
    const preset = choices.preset ?? readSettings(rawSettings()).settings.defaultPreset;
    const started = startTraining(deps, choices.cells ?? ['fused-lstm'], preset, choices.corpus ?? { kind: 'brown' }, pickOverrides(args ?? {}), {
      ...(args?.resumeFrom ? { resumeFrom: args.resumeFrom } : {}),
      ...(args?.name ? { name: args.name } : {}),
      ...(args?.codeCell ? { codeCell: args.codeCell } : {}),
    });
    void deps.panel.show();
    if (args?.wait === false) return started.length === 1 ? started[0].run : started.map((s) => s.run);
    const finished = await Promise.all(started.map((s) => s.finished));
    return finished.length === 1 ? finished[0] : finished;
  });
}

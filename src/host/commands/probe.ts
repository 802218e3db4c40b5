// LSTM Lab: Probe Gradient Flow… — ‖∂loss_t/∂h0‖ for the notebook's five series, or for the
// cells and forget-bias values the user picks.
import * as vscode from 'vscode';
import type { CellKind, ProbeSeriesSpec } from '../../shared/types';
import { DEFAULT_PROBE_SERIES } from '../../shared/types';
import type { RunRecord } from '../../shared/protocol';
import { buildProbeConfig, parseForgetBiases, probeSeriesName } from '../core/config';
import { CELL_CATALOG, CELL_KINDS, hasForgetGate, NO_FORGET_GATE_TITLE, tutorialCellsNote } from '../../shared/catalog';
import { rawSettings, type CommandDeps } from './context';
import { corpusOfArg, type CorpusArg } from './corpus';
import { reportFinished, seriesFor, showProgress } from './runs';
import { OPEN_SETTINGS, registerCommand, UserError } from './wrapper';

export interface ProbeArgs {
  series?: ProbeSeriesSpec[];
  cells?: CellKind[];
  forgetBiases?: number[];
  steps?: number;
  corpus?: CorpusArg;
  checkpoint?: string;
  /** Names the run after the cell it probes (the CodeLens passes the user's class). */
  name?: string;
  /** The CodeLens: the user's cell the built-in cell stands in for. */
  codeCell?: RunRecord['codeCell'];
  wait?: boolean;
}

interface CellPick extends vscode.QuickPickItem {
  cellKind: CellKind;
  noForget?: boolean;
}

/** Asks for the series; undefined when the user cancels. */
async function pickSeries(): Promise<ProbeSeriesSpec[] | 'default' | undefined> {
  const choice = await vscode.window.showQuickPick(
    [
      { label: "The notebook's five series", description: 'SimpleRNN; LSTM without forget gate; forget bias +1, 0, −1', custom: false },
      { label: 'Choose cells and forget-bias values…', custom: true },
    ],
    { title: 'LSTM Lab: probe gradient flow ‖∂loss_t/∂h0‖' },
  );
  if (!choice) return undefined;
  if (!choice.custom) return 'default';
  const notebookKinds = new Set(DEFAULT_PROBE_SERIES.map((s) => s.cell));
  const cellPicks: CellPick[] = [
    ...CELL_KINDS.map((kind): CellPick => ({ label: CELL_CATALOG[kind].title, description: kind, detail: tutorialCellsNote(kind), cellKind: kind, picked: notebookKinds.has(kind) })),
    { label: NO_FORGET_GATE_TITLE, cellKind: 'naive-lstm', noForget: true },
  ];
  const cells = await vscode.window.showQuickPick(cellPicks, { canPickMany: true, title: 'LSTM Lab: Probe Gradient Flow — which cells?' });
  if (!cells?.length) return undefined;
  const needsBias = cells.some((c) => hasForgetGate(c.cellKind) && !c.noForget);
  let biases = [0];
  if (needsBias) {
    const text = await vscode.window.showInputBox({
      title: 'LSTM Lab: Probe Gradient Flow — forget-gate bias values',
      prompt: 'Numbers separated by commas; one series per value for each LSTM.',
      value: '1, 0, -1',
      validateInput: (v) => parseForgetBiases(v).error,
    });
    if (text === undefined) return undefined;
    biases = parseForgetBiases(text).values ?? [0];
  }
  const series: ProbeSeriesSpec[] = [];
  for (const c of cells) {
    if (c.noForget) series.push({ name: probeSeriesName(c.cellKind, false, 0), cell: c.cellKind, forgetGate: false, forgetBias: 0 });
    else series.push(...seriesFor([c.cellKind], biases));
  }
  return series;
}

export function registerProbe(deps: CommandDeps): vscode.Disposable {
  const { manager, log } = deps;
  return registerCommand<ProbeArgs, RunRecord>('lstmLab.probe', log, async (args, interactive) => {
    let series: ProbeSeriesSpec[] | undefined = args?.series;
    if (!series && (args?.cells || args?.forgetBiases)) series = seriesFor(args.cells ?? ['naive-lstm'], args.forgetBiases ?? [1, 0, -1]);
    if (!series && interactive) {
      const picked = await pickSeries();
      if (!picked) return undefined;
      if (picked !== 'default') series = picked;
    }
    const corpus = corpusOfArg(args?.corpus);
    const { config, errors } = buildProbeConfig({ series: series ?? DEFAULT_PROBE_SERIES, steps: args?.steps, corpus, checkpoint: args?.checkpoint }, rawSettings());
    if (!config) throw new UserError(errors.join(' '), [OPEN_SETTINGS]);
    const title = `${args?.name ? `${args.name} · ` : ''}gradient probe · ${config.series.length} series · ${config.steps} steps`;
    const started = manager.probe(config, title, args?.codeCell);
    log(`[${started.run.id}] queued: ${title}: ${config.series.map((s) => s.name).join('; ')}`);
    showProgress(deps, started.run, started.finished);
    void started.finished.then((run) => reportFinished(deps, run));
    void deps.panel.show();
    if (args?.wait === false) return started.run;
    return started.finished;
  });
}

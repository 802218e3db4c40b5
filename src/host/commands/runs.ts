// Starting runs from the commands: checking their configurations, naming them, and showing
// their progress and their end.
import * as vscode from 'vscode';
import type { BatchProgress, CellKind, CorpusSpec, ProbeSeriesSpec, TrainConfig } from '../../shared/types';
import { machineMemoryLimitMB } from '../../engine/validate';
import type { RunRecord } from '../../shared/protocol';
import { buildTrainConfig, probeSeriesName, type Preset } from '../core/config';
import { CELL_CATALOG, hasForgetGate } from '../../shared/catalog';
import { rawSettings, type CommandDeps } from './context';
import { corpusName } from './corpus';
import { OPEN_SETTINGS, UserError } from './wrapper';

/** A queued run and the promise of its end. */
export interface StartedRun {
  run: RunRecord;
  finished: Promise<RunRecord>;
}

export type TrainOverrides = Partial<Pick<TrainConfig, 'hiddenSize' | 'embeddingSize' | 'batchSize' | 'seqLen' | 'epochs' | 'maxBatches' | 'learningRate' | 'seed' | 'forgetBias' | 'forgetGate'>>;

const OVERRIDE_KEYS = ['hiddenSize', 'embeddingSize', 'batchSize', 'seqLen', 'epochs', 'maxBatches', 'learningRate', 'seed', 'forgetBias', 'forgetGate'] as const;

/** Only the training overrides of an argument object (which also holds other fields). */
export function pickOverrides(args: TrainOverrides): TrainOverrides {
  const out: Record<string, unknown> = {};
  for (const k of OVERRIDE_KEYS) if (args[k] !== undefined) out[k] = args[k];
  return out as TrainOverrides;
}

function configOrThrow(cell: CellKind, preset: Preset, corpus: CorpusSpec, overrides: TrainOverrides): TrainConfig {
  const { config, errors } = buildTrainConfig({ cell, preset, corpus, overrides }, rawSettings(), machineMemoryLimitMB());
  if (!config) throw new UserError(errors.join(' '), [OPEN_SETTINGS]);
  return config;
}

/** Shows a (short) run's cancellable progress notification until it finishes (cancel = Stop): probes. */
export function showProgress(deps: CommandDeps, run: RunRecord, finished: Promise<RunRecord>): void {
  const { manager } = deps;
  void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `LSTM Lab: ${run.title}`, cancellable: true }, async (progress, token) => {
    token.onCancellationRequested(() => manager.stop(run.id));
    let lastFraction = 0;
    const sub = manager.on({
      progress: (id, p: BatchProgress) => {
        if (id !== run.id) return;
        const total = p.batchesPerEpoch * (run.config?.epochs ?? 1);
        const fraction = total > 0 ? Math.min(1, p.step / total) : 0;
        progress.report({
          message: `epoch ${p.epoch}, batch ${p.batch}/${p.batchesPerEpoch} · loss ${p.loss.toFixed(3)} · ${Math.round(p.charsPerSecond)} chars/s`,
          increment: (fraction - lastFraction) * 100,
        });
        lastFraction = fraction;
      },
      probeSeries: (id, series) => {
        if (id !== run.id) return;
        const total = run.probeConfig?.series.length ?? 1;
        progress.report({ message: `${series.name} done (${run.probeSeries.length}/${total})`, increment: 100 / total });
      },
      runUpdated: (r) => {
        if (r.id === run.id && r.status === 'running' && lastFraction === 0) progress.report({ message: `running on ${r.backend ?? 'the worker'}…` });
      },
    });
    progress.report({ message: manager.busy && manager.activeRun()?.id !== run.id ? 'queued behind the current run…' : 'starting the worker…' });
    try {
      await finished;
    } finally {
      sub.dispose();
    }
  });
}

/** "done — val loss 2.957 (3.1 bits/char)", or what a probe produced. */
export function finishedSummary(run: RunRecord): string {
  const last = run.epochs[run.epochs.length - 1];
  // A probe's title already counts its series and steps ("gradient probe · 5 series · 100 steps").
  if (run.kind === 'probe') return 'done';
  return last ? `done — val loss ${last.valLoss.toFixed(3)} (${last.bitsPerChar.toFixed(2)} bits/char)` : 'done';
}

/** Says how a run ended, with a button to where its result is. */
export function reportFinished(deps: CommandDeps, run: RunRecord): void {
  if (run.status === 'done') {
    void vscode.window
      .showInformationMessage(`LSTM Lab: ${run.title} ${finishedSummary(run)}`, 'Show')
      .then((c) => c && deps.panel.reveal(run.kind === 'probe' ? 'gradient' : 'loss', { preserveFocus: false }));
  } else if (run.status === 'failed') {
    void vscode.window.showErrorMessage(`LSTM Lab: ${run.title} failed: ${run.reason ?? 'unknown reason'}`, 'Show Log').then((c) => c && deps.output.show(true));
  } else if (run.status === 'cancelled') {
    void vscode.window.setStatusBarMessage(`LSTM Lab: ${run.title} stopped; its data so far is kept.`, 8000);
  }
}

export interface StartOptions {
  resumeFrom?: string;
  /** The runs' name instead of the engine cell's (e.g. the user's own class from a lens). */
  name?: string;
  /** The caller shows one progress item and one message for all the runs (Compare). */
  quiet?: boolean;
  /** The user's cell a lens trains with LSTM Lab's built-in cell of its structure. */
  codeCell?: RunRecord['codeCell'];
}

/** Queues one run per cell (after checking every configuration, so one bad value starts nothing). */
export function startTraining(deps: CommandDeps, cells: CellKind[], preset: Preset, corpus: CorpusSpec, overrides: TrainOverrides, options: StartOptions = {}): StartedRun[] {
  const configs = cells.map((cell) => configOrThrow(cell, preset, corpus, overrides));
  return configs.map((config) => {
    const title = `${options.name ?? CELL_CATALOG[config.cell].shortName} · ${preset} · ${corpusName(corpus)}`;
    const started = deps.manager.train(config, title, options.resumeFrom, options.codeCell);
    deps.log(
      `[${started.run.id}] queued: ${title} (hidden ${config.hiddenSize}, embedding ${config.embeddingSize}, batch ${config.batchSize}, seq ${config.seqLen}, epochs ${config.epochs}${config.maxBatches ? `, ≤${config.maxBatches} batches` : ''}, lr ${config.learningRate}, seed ${config.seed})`,
    );
    // No progress notification: it would cover the editor (the gate lines a learner reads) for the
    // whole run. The status bar shows the live loss and a Stop item; a notification says the result.
    if (!options.quiet) void started.finished.then((run) => reportFinished(deps, run));
    return started;
  });
}

/** One probe series per cell and forget-bias value (a SimpleRNN has no forget gate: one series). */
export function seriesFor(cells: CellKind[], biases: number[]): ProbeSeriesSpec[] {
  const out: ProbeSeriesSpec[] = [];
  for (const cell of cells) {
    if (!hasForgetGate(cell)) out.push({ name: probeSeriesName(cell, false, 0), cell, forgetGate: false, forgetBias: 0 });
    else for (const b of biases) out.push({ name: probeSeriesName(cell, true, b), cell, forgetGate: true, forgetBias: b });
  }
  return out;
}

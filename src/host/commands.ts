// The palette commands. Each takes an optional argument object that skips its pickers (tests
// and other modules drive them that way) and resolves with what it produced: the finished
// run record(s), the sampled text, the files written.
import * as path from 'node:path';
import { promises as fsp } from 'node:fs';
import * as vscode from 'vscode';
import type { BatchProgress, CellKind, CorpusSpec, ProbeSeriesSpec, TrainConfig } from '../engine/types';
import { DEFAULT_PROBE_SERIES } from '../engine/types';
import type { RunRecord } from '../protocol';
import { CELL_CATALOG, CELL_KINDS, hasForgetGate, NOTEBOOK_COMPARISON, NO_FORGET_GATE_TITLE } from '../shared/catalog';
import { buildProbeConfig, buildTrainConfig, parseForgetBiases, probeSeriesName, PRESETS, readSettings, type Preset, type RawSettings } from './config';
import { machineMemoryLimitMB } from '../engine/validate';
import { comparisonTable, runToCsv } from './export';
import type { PanelProvider } from './panel';
import type { RunManager } from './run-manager';
import type { WorkerClient } from './worker-client';


type CorpusArg = CorpusSpec | { kind: 'editor' };
type TrainOverrides = Partial<Pick<TrainConfig, 'hiddenSize' | 'embeddingSize' | 'batchSize' | 'seqLen' | 'epochs' | 'maxBatches' | 'learningRate' | 'seed' | 'forgetBias' | 'forgetGate'>>;

export interface TrainArgs extends TrainOverrides {
  cell?: CellKind;
  cells?: CellKind[];
  preset?: Preset;
  corpus?: CorpusArg;
  /** false: resolve as soon as the run is queued (with its queued record). Default true. */
  wait?: boolean;
  resumeFrom?: string;
}
export interface CompareArgs extends TrainOverrides {
  preset?: Preset;
  corpus?: CorpusArg;
  cells?: CellKind[];
}
export interface ProbeArgs {
  series?: ProbeSeriesSpec[];
  cells?: CellKind[];
  forgetBiases?: number[];
  steps?: number;
  corpus?: CorpusArg;
  checkpoint?: string;
  wait?: boolean;
}
export interface SampleArgs {
  runId?: string;
  temperature?: number;
  prime?: string;
  length?: number;
  seed?: number;
  /** Open the text in a new untitled editor (default true). */
  openEditor?: boolean;
}
export interface ExportArgs {
  runId?: string;
  folder?: string;
  /** Also ask the panel for PNGs of its charts (default true). */
  images?: boolean;
}

export interface CommandDeps {
  context: vscode.ExtensionContext;
  manager: RunManager;
  worker: WorkerClient;
  panel: PanelProvider;
  output: vscode.OutputChannel;
  log: (line: string) => void;
}

/** Reads `lstmLab.*` as plain values (the pure config module checks them). */
export function rawSettings(): RawSettings {
  const config = vscode.workspace.getConfiguration('lstmLab');
  const keys = ['hiddenSize', 'embeddingSize', 'batchSize', 'seqLen', 'epochs', 'learningRate', 'seed', 'backend', 'defaultPreset', 'probeSteps'];
  return Object.fromEntries(keys.map((k) => [k, config.get<unknown>(k)]));
}

interface CellPick extends vscode.QuickPickItem {
  cellKind: CellKind;
  noForget?: boolean;
}

/** A problem the user must fix: shown as an error with a button to the settings; rejected to a caller that passed arguments. */
class UserError extends Error {}

export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  const { manager, panel, log } = deps;

  /** Wraps a command: UI calls get messages, API calls (an argument object) get rejections too. */
  const command = <A, R>(id: string, handler: (args: A | undefined) => Promise<R>) =>
    vscode.commands.registerCommand(id, async (args?: A) => {
      const fromApi = args !== undefined && args !== null && typeof args === 'object';
      try {
        return await handler(fromApi ? args : undefined);
      } catch (error) {
        const message = (error as Error).message;
        log(`${id}: ${message}`);
        if (error instanceof UserError) {
          void vscode.window.showErrorMessage(`LSTM Lab: ${message}`, 'Open Settings').then((choice) => {
            if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', 'lstmLab');
          });
        } else {
          void vscode.window.showErrorMessage(`LSTM Lab: ${message}`);
        }
        if (fromApi) throw error;
        return undefined;
      }
    });

  async function resolveCorpus(arg: CorpusArg | undefined, interactive: boolean): Promise<CorpusSpec | undefined> {
    if (arg && arg.kind !== 'editor') return arg;
    if (arg?.kind === 'editor') return editorCorpus();
    if (!interactive) return { kind: 'brown' };
    const pick = await vscode.window.showQuickPick(
      [
        { label: '$(book) Brown corpus', description: 'the notebook\'s text: 1.1M words of 1961 American English', value: 'brown' as const },
        { label: '$(file-text) Text of the active editor', description: vscode.window.activeTextEditor ? path.basename(vscode.window.activeTextEditor.document.fileName) : 'no editor is open', value: 'editor' as const },
        { label: '$(folder-opened) A text file…', value: 'file' as const },
      ],
      { title: 'LSTM Lab: corpus', placeHolder: 'Which text should the model learn?' },
    );
    if (!pick) return undefined;
    if (pick.value === 'brown') return { kind: 'brown' };
    if (pick.value === 'editor') return editorCorpus();
    const files = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Train on this file', filters: { Text: ['txt', 'md', 'py', 'ts', 'js', 'csv', '*'] } });
    if (!files?.[0]) return undefined;
    return { kind: 'file', path: files[0].fsPath };
  }

  function editorCorpus(): CorpusSpec {
    const editor = vscode.window.activeTextEditor;
    if (!editor) throw new UserError('no editor is open to train on; open a text file first, or choose the Brown corpus.');
    const text = editor.document.getText();
    if (!text.trim()) throw new UserError(`${path.basename(editor.document.fileName)} is empty; open a file with some text in it, or choose the Brown corpus.`);
    return { kind: 'text', text, name: path.basename(editor.document.fileName) || 'untitled' };
  }

  function corpusName(corpus: CorpusSpec): string {
    return corpus.kind === 'brown' ? 'Brown' : corpus.kind === 'file' ? path.basename(corpus.path) : corpus.name;
  }

  function configOrThrow(cell: CellKind, preset: Preset, corpus: CorpusSpec, overrides: TrainOverrides): TrainConfig {
    const { config, errors } = buildTrainConfig({ cell, preset, corpus, overrides }, rawSettings(), machineMemoryLimitMB());
    if (!config) throw new UserError(errors.join(' '));
    return config;
  }

  function pickOverrides(args: TrainOverrides): TrainOverrides {
    const keys = ['hiddenSize', 'embeddingSize', 'batchSize', 'seqLen', 'epochs', 'maxBatches', 'learningRate', 'seed', 'forgetBias', 'forgetGate'] as const;
    const out: Record<string, unknown> = {};
    for (const k of keys) if (args[k] !== undefined) out[k] = args[k];
    return out as TrainOverrides;
  }

  /** Shows a run's cancellable progress notification until it finishes (cancel = Stop). */
  function showProgress(run: RunRecord, finished: Promise<RunRecord>): void {
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `LSTM Lab: ${run.title}`, cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => manager.stop(run.id));
        let lastFraction = 0;
        const sub = manager.on({
          progress: (id, p: BatchProgress) => {
            if (id !== run.id) return;
            const total = p.batchesPerEpoch * (run.config?.epochs ?? 1);
            const fraction = total > 0 ? Math.min(1, p.step / total) : 0;
            progress.report({ message: `epoch ${p.epoch}, batch ${p.batch}/${p.batchesPerEpoch} · loss ${p.loss.toFixed(3)} · ${Math.round(p.charsPerSecond)} chars/s`, increment: (fraction - lastFraction) * 100 });
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
      },
    );
  }

  function reportFinished(run: RunRecord): void {
    if (run.status === 'done') {
      const last = run.epochs[run.epochs.length - 1];
      void vscode.window.setStatusBarMessage(`LSTM Lab: ${run.title} done${last ? ` — val loss ${last.valLoss.toFixed(3)}` : ''}`, 8000);
    } else if (run.status === 'failed') {
      void vscode.window.showErrorMessage(`LSTM Lab: ${run.title} failed: ${run.reason ?? 'unknown reason'}`, 'Show Log').then((c) => c && deps.output.show(true));
    } else if (run.status === 'cancelled') {
      void vscode.window.setStatusBarMessage(`LSTM Lab: ${run.title} stopped; its data so far is kept.`, 8000);
    }
  }

  async function startTraining(cells: CellKind[], preset: Preset, corpus: CorpusSpec, overrides: TrainOverrides, resumeFrom?: string) {
    // Check every configuration before queuing any, so one bad value starts nothing.
    const configs = cells.map((cell) => configOrThrow(cell, preset, corpus, overrides));
    return configs.map((config) => {
      const title = `${CELL_CATALOG[config.cell].shortName} · ${preset} · ${corpusName(corpus)}`;
      const started = manager.train(config, title, resumeFrom);
      log(`[${started.run.id}] queued: ${title} (hidden ${config.hiddenSize}, embedding ${config.embeddingSize}, batch ${config.batchSize}, seq ${config.seqLen}, epochs ${config.epochs}${config.maxBatches ? `, ≤${config.maxBatches} batches` : ''}, lr ${config.learningRate}, seed ${config.seed})`);
      showProgress(started.run, started.finished);
      void started.finished.then(reportFinished);
      return started;
    });
  }

  const disposables: vscode.Disposable[] = [];

  disposables.push(
    command<TrainArgs, RunRecord | RunRecord[] | undefined>('lstmLab.train', async (args) => {
      const interactive = args === undefined;
      let cells: CellKind[];
      if (args?.cells?.length) cells = args.cells;
      else if (args?.cell) cells = [args.cell];
      else if (!interactive) cells = ['fused-lstm'];
      else {
        const picks = await vscode.window.showQuickPick(
          CELL_KINDS.map((kind): CellPick => ({ label: CELL_CATALOG[kind].title, description: kind, cellKind: kind, picked: kind === 'fused-lstm' })),
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
          notebook: 'the notebook\'s exact configuration, one full epoch (long)',
          custom: 'from your lstmLab.* settings',
        };
        const pick = await vscode.window.showQuickPick(
          PRESETS.map((p) => ({ label: p[0].toUpperCase() + p.slice(1), description: descriptions[p], preset: p, picked: p === defaultPreset })),
          { title: 'LSTM Lab: preset' },
        );
        if (!pick) return undefined;
        preset = pick.preset;
      }
      const started = await startTraining(cells, preset, corpus, pickOverrides(args ?? {}), args?.resumeFrom);
      void panel.show();
      if (args?.wait === false) return started.length === 1 ? started[0].run : started.map((s) => s.run);
      const finished = await Promise.all(started.map((s) => s.finished));
      return finished.length === 1 ? finished[0] : finished;
    }),

    command<CompareArgs, RunRecord[] | undefined>('lstmLab.compare', async (args) => {
      const interactive = args === undefined;
      const corpus = await resolveCorpus(args?.corpus, interactive);
      if (!corpus) return undefined;
      let preset: Preset = args?.preset ?? 'quick';
      if (interactive) {
        const pick = await vscode.window.showQuickPick(
          [
            { label: 'Quick', description: 'the four models, sequences of 100, ~50 batches each — a few minutes', preset: 'quick' as Preset },
            { label: 'Notebook', description: 'the four models, the notebook\'s full epoch each — hours on one CPU thread', preset: 'notebook' as Preset },
            { label: 'Custom', description: 'from your lstmLab.* settings', preset: 'custom' as Preset },
          ],
          { title: 'LSTM Lab: compare the notebook\'s four models on the same data and seed' },
        );
        if (!pick) return undefined;
        preset = pick.preset;
      }
      const started = await startTraining(args?.cells ?? [...NOTEBOOK_COMPARISON], preset, corpus, pickOverrides(args ?? {}));
      void panel.show();
      const runs = await Promise.all(started.map((s) => s.finished));
      const table = comparisonTable(runs);
      deps.output.appendLine(`Comparison (${preset}, ${corpusName(corpus)}, seed ${runs[0]?.config?.seed ?? 0}):\n${table}`);
      if (interactive) {
        const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: `# LSTM Lab: the notebook's four models (${preset}, ${corpusName(corpus)})\n\n${table}` });
        await vscode.window.showTextDocument(doc, { preview: false });
      }
      return runs;
    }),

    command<ProbeArgs, RunRecord | undefined>('lstmLab.probe', async (args) => {
      const interactive = args === undefined;
      let series: ProbeSeriesSpec[] | undefined = args?.series;
      if (!series && (args?.cells || args?.forgetBiases)) series = seriesFor(args.cells ?? ['naive-lstm'], args.forgetBiases ?? [1, 0, -1]);
      if (!series && interactive) {
        const choice = await vscode.window.showQuickPick(
          [
            { label: 'The notebook\'s five series', description: 'SimpleRNN; LSTM without forget gate; forget bias +1, 0, −1', custom: false },
            { label: 'Choose cells and forget-bias values…', custom: true },
          ],
          { title: 'LSTM Lab: probe gradient flow ‖∂loss_t/∂h0‖' },
        );
        if (!choice) return undefined;
        if (choice.custom) {
          const notebookKinds = new Set(DEFAULT_PROBE_SERIES.map((s) => s.cell));
          const cellPicks: CellPick[] = [
            ...CELL_KINDS.map((kind): CellPick => ({ label: CELL_CATALOG[kind].title, description: kind, cellKind: kind, picked: notebookKinds.has(kind) })),
            { label: NO_FORGET_GATE_TITLE, cellKind: 'naive-lstm', noForget: true },
          ];
          const cells = await vscode.window.showQuickPick(
            cellPicks,
            { canPickMany: true, title: 'Which cells?' },
          );
          if (!cells?.length) return undefined;
          const needsBias = cells.some((c) => hasForgetGate(c.cellKind) && !c.noForget);
          let biases = [0];
          if (needsBias) {
            const text = await vscode.window.showInputBox({
              title: 'Forget-gate bias values',
              prompt: 'Numbers separated by commas; one series per value for each LSTM.',
              value: '1, 0, -1',
              validateInput: (v) => parseForgetBiases(v).error,
            });
            if (text === undefined) return undefined;
            biases = parseForgetBiases(text).values ?? [0];
          }
          series = [];
          for (const c of cells) {
            if (c.noForget) series.push({ name: probeSeriesName(c.cellKind, false, 0), cell: c.cellKind, forgetGate: false, forgetBias: 0 });
            else series.push(...seriesFor([c.cellKind], biases));
          }
        }
      }
      const corpus = args?.corpus ? await resolveCorpus(args.corpus, false) : { kind: 'brown' as const };
      const { config, errors } = buildProbeConfig({ series: series ?? DEFAULT_PROBE_SERIES, steps: args?.steps, corpus, checkpoint: args?.checkpoint }, rawSettings());
      if (!config) throw new UserError(errors.join(' '));
      const title = `gradient probe · ${config.series.length} series · ${config.steps} steps`;
      const started = manager.probe(config, title);
      log(`[${started.run.id}] queued: ${title}: ${config.series.map((s) => s.name).join('; ')}`);
      showProgress(started.run, started.finished);
      void started.finished.then(reportFinished);
      void panel.show();
      if (args?.wait === false) return started.run;
      return started.finished;
    }),

    command<SampleArgs, string | undefined>('lstmLab.sample', async (args) => {
      const interactive = args === undefined;
      const candidates = manager.list().filter((r) => r.kind === 'train' && r.checkpoint && r.status !== 'running' && r.status !== 'queued');
      let run = args?.runId ? manager.get(args.runId) : undefined;
      if (args?.runId && !run) throw new UserError(`there is no run ${args.runId}.`);
      if (!run) {
        if (candidates.length === 0) throw new UserError('no trained model to sample from yet: run LSTM Lab: Train Model… first (a Quick run is enough).');
        if (!interactive) run = candidates[candidates.length - 1];
        else {
          const pick = await vscode.window.showQuickPick(
            candidates.reverse().map((r) => ({ label: r.title, description: `${r.status}${r.epochs.length ? ` · val loss ${r.epochs[r.epochs.length - 1].valLoss.toFixed(3)}` : ''}`, run: r })),
            { title: 'LSTM Lab: sample from which model?' },
          );
          if (!pick) return undefined;
          run = pick.run;
        }
      }
      if (!run.checkpoint) throw new UserError(`${run.title} has no checkpoint to sample from (it stopped before its first one was written).`);
      let temperature = args?.temperature ?? 0.8;
      let prime = args?.prime ?? 'the ';
      if (interactive) {
        const t = await vscode.window.showInputBox({
          title: 'Temperature',
          prompt: 'Lower is more conservative, higher more adventurous (0.05–5).',
          value: '0.8',
          validateInput: (v) => (Number.isFinite(Number(v)) && Number(v) >= 0.05 && Number(v) <= 5 ? undefined : 'Enter a number from 0.05 to 5.'),
        });
        if (t === undefined) return undefined;
        temperature = Number(t);
        const p = await vscode.window.showInputBox({ title: 'Priming text', prompt: 'The model continues this text.', value: prime });
        if (p === undefined) return undefined;
        prime = p;
      }
      if (!(Number.isFinite(temperature) && temperature >= 0.05 && temperature <= 5)) throw new UserError(`temperature is ${temperature}; it must be a number from 0.05 to 5.`);
      const length = args?.length ?? 500;
      if (!(Number.isInteger(length) && length >= 1 && length <= 100_000)) throw new UserError(`length is ${length}; it must be an integer from 1 to 100000.`);
      const text = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `LSTM Lab: sampling from ${run.title}` }, () =>
        manager.sample({ checkpoint: run.checkpoint!, length, temperature, prime, ...(args?.seed !== undefined ? { seed: args.seed } : {}) }),
      );
      if (args?.openEditor !== false) {
        const doc = await vscode.workspace.openTextDocument({ language: 'plaintext', content: text });
        await vscode.window.showTextDocument(doc, { preview: false });
      }
      return text;
    }),

    command<{ runId?: string }, string[]>('lstmLab.stop', async (args) => {
      const stopped = manager.stop(args?.runId);
      if (stopped.length === 0 && args === undefined) void vscode.window.showInformationMessage('LSTM Lab: nothing is running.');
      return stopped.map((r) => r.id);
    }),

    command<unknown, void>('lstmLab.showPanel', () => panel.show()),

    command<ExportArgs, string[] | undefined>('lstmLab.exportRun', async (args) => {
      const interactive = args === undefined;
      const runs = manager.list();
      if (runs.length === 0) throw new UserError('there is no run to export yet.');
      let run = args?.runId ? manager.get(args.runId) : undefined;
      if (args?.runId && !run) throw new UserError(`there is no run ${args.runId}.`);
      if (!run) {
        if (!interactive) run = runs[runs.length - 1];
        else {
          const pick = await vscode.window.showQuickPick(
            [...runs].reverse().map((r) => ({ label: r.title, description: `${r.status} · ${new Date(r.createdAt).toLocaleString()}`, run: r })),
            { title: 'LSTM Lab: export which run?' },
          );
          if (!pick) return undefined;
          run = pick.run;
        }
      }
      let folder = args?.folder;
      if (!folder) {
        const picked = await vscode.window.showOpenDialog({ canSelectFiles: false, canSelectFolders: true, openLabel: 'Export here' });
        if (!picked?.[0]) return undefined;
        folder = picked[0].fsPath;
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
          const { images, csv } = await panel.requestChartExport(run.id);
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
        } catch (error) {
          void vscode.window.showWarningMessage(`LSTM Lab: the CSV files were written, but not the chart images: ${(error as Error).message}`);
        }
      }
      log(`exported ${run.id}: ${written.join(', ')}`);
      if (interactive) {
        void vscode.window.showInformationMessage(`LSTM Lab: exported ${written.length} files to ${folder}.`, 'Reveal').then((c) => c && vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(folder!)));
      }
      return written;
    }),

    command<{ confirm?: boolean }, number | undefined>('lstmLab.clearRuns', async (args) => {
      const count = manager.list().filter((r) => r.status !== 'running' && r.status !== 'queued').length;
      if (count === 0) {
        if (args === undefined) void vscode.window.showInformationMessage('LSTM Lab: there are no finished runs to clear.');
        return 0;
      }
      const confirmed =
        args?.confirm === true ||
        (args === undefined && (await vscode.window.showWarningMessage(`Delete ${count} run(s) and their checkpoints? This cannot be undone.`, { modal: true }, 'Delete')) === 'Delete');
      if (!confirmed) return undefined;
      const removed = await manager.clear();
      deps.panel.post({ type: 'runs', runs: manager.list() });
      return removed;
    }),

    // Test-only: hidden from the palette (package.json menus.commandPalette when: false).
    vscode.commands.registerCommand('lstmLab._workerPid', () => deps.worker.pid),
    vscode.commands.registerCommand('lstmLab._runs', () => manager.list()),
    vscode.commands.registerCommand('lstmLab._storageDir', () => storageDirOf(deps.context)),
  );
  return disposables;
}

function seriesFor(cells: CellKind[], biases: number[]): ProbeSeriesSpec[] {
  const out: ProbeSeriesSpec[] = [];
  for (const cell of cells) {
    if (!hasForgetGate(cell)) out.push({ name: probeSeriesName(cell, false, 0), cell, forgetGate: false, forgetBias: 0 });
    else for (const b of biases) out.push({ name: probeSeriesName(cell, true, b), cell, forgetGate: true, forgetBias: b });
  }
  return out;
}

export function storageDirOf(context: vscode.ExtensionContext): string {
  return (context.storageUri ?? context.globalStorageUri).fsPath;
}

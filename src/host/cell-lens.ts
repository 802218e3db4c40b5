// CodeLens above each detected recurrent cell ("Probe gradient (built-in NaiveLSTM stand-in)",
// "Train", "Equations") and the commands they run. The run uses LSTM Lab's built-in cell of
// the same kind and layout, and says so wherever its result shows (run name, legend, inline
// summary, run card, equations header); a forget-bias literal and a use_forget_gate flag in
// the code are honoured, and the user picks them when the code does not say. Called with an argument
// object that has no `interactive: true` (tests, other modules), the commands show no UI.
import * as vscode from 'vscode';
import { detectForgetBiases, type DetectedCell } from '../detect';
import type { CorpusSpec } from '../shared/types';
import type { PanelSection, RunRecord } from '../shared/protocol';
import { hasForgetGate } from '../shared/catalog';
import { CODE_SELECTOR, DetectedCells, detectLanguageOf, usesTfjs } from './detected-cells';
import {
  builtInExplained,
  builtInName,
  forgetBiasPrompt,
  forgetBiasTitle,
  lensTitles,
  planForCell,
  probeSeriesFor,
  STAND_IN_PREFIX,
  standInName,
  trainedAsName,
  trainPresetPrompt,
  type CodeForgetBias,
} from './core/lens-plan';
import { parseForgetBiases, type Preset } from './core/config';
import { presetItems } from './commands/train';
import type { GateSync } from './gate-sync';
import type { InlineResults } from './inline-results';
import { delegate, registerCommand, UserError } from './commands/wrapper';

export interface CellCommandArgs {
  /** The document (file or notebook cell) URI, as a string. */
  uri?: string;
  /** The cell's name (class or function, '<module>'). */
  cell?: string;
  /** Its 1-based first line when the lens was made (tells apart cells of the same name). */
  line?: number;
  /** Set by the lenses: ask the user what the code does not say. */
  interactive?: boolean;
  /** Probe: forget-bias values (one series each); default the code's literal, else asked, else 0. */
  forgetBiases?: number[];
  /** Train: one forget-bias value. */
  forgetBias?: number;
  /** With an optional forget gate (use_forget_gate): true/false runs only that; default both (probe) / with (train). */
  forgetGate?: boolean;
  /** Probe: offered when the user's own code cannot run (no Python, no torch, untrusted). Every probe from this command is of the built-in stand-in, and says so. */
  standIn?: boolean;
  steps?: number;
  corpus?: CorpusSpec;
  preset?: Preset;
  maxBatches?: number;
  seqLen?: number;
  hiddenSize?: number;
  embeddingSize?: number;
  batchSize?: number;
  epochs?: number;
}

export interface CellTarget {
  document: vscode.TextDocument;
  cell: DetectedCell;
}

export class CellCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private timer: NodeJS.Timeout | undefined;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly cells: DetectedCells) {
    // VS Code asks again after edits by itself; this debounced nudge covers edits in other
    // notebook cells and settings changes, at most every 300 ms.
    this.subscription = vscode.workspace.onDidChangeTextDocument((e) => {
      if (!e.contentChanges.length || !detectLanguageOf(e.document)) return;
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.changed.fire(), 300);
    });
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const cells = this.cells.cellsOf(document);
    // Python cells and TF.js cells: the probe lens runs the user's code as written (and checks it); other TS/JS cells probe the engine's cell of the same kind.
    const yours = cells.length > 0 && (document.languageId === 'python' || usesTfjs(document.getText()));
    return cells.flatMap((cell) => {
      const range = new vscode.Range(cell.range.start - 1, 0, cell.range.start - 1, 0);
      const titles = lensTitles(cell, yours);
      const args: CellCommandArgs = { uri: document.uri.toString(), cell: cell.name, line: cell.range.start, interactive: true };
      const plan = planForCell(cell);
      const probe = yours
        ? {
            title: titles.probe,
            command: 'lstmLab.checkCell',
            arguments: [args],
            tooltip: `Run ${cell.name} as written${document.languageId === 'python' ? ' in Python' : ' with TF.js'}: ‖∂loss_t/∂h0‖ of your code beside the reference cell's, and whether it computes the panel's equations`,
          }
        : {
            title: titles.probe,
            command: 'lstmLab.probeCell',
            arguments: [args],
            tooltip: `Probe the gradient to h0 (‖∂loss_t/∂h0‖) of LSTM Lab's built-in ${builtInName(plan)} in place of ${cell.name} (your code does not run). ${builtInExplained(plan)}.`,
          };
      return [
        new vscode.CodeLens(range, probe),
        new vscode.CodeLens(range, {
          title: titles.train,
          command: 'lstmLab.trainCell',
          arguments: [args],
          tooltip: `Train a character-level language model with ${cell.name}'s structure (${plan.description}), as LSTM Lab's built-in ${builtInName(plan)}: same equations, PyTorch-free. ${builtInExplained(plan)}.`,
        }),
        new vscode.CodeLens(range, { title: titles.equations, command: 'lstmLab.showEquations', arguments: [args], tooltip: `Show ${cell.name}'s equations in the LSTM Lab panel` }),
      ];
    });
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.changed.dispose();
    this.subscription.dispose();
  }
}

/** A problem with what was asked: shown to the user, rejected to an API caller. */
export class CellCommandError extends UserError {}

/** The document and cell a cell command is about: the one its arguments name, else the one under the cursor. */
export async function resolveTarget(cells: DetectedCells, args: CellCommandArgs): Promise<CellTarget> {
  let document: vscode.TextDocument | undefined;
  if (args.uri) {
    document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === args.uri);
    if (!document) {
      try {
        document = await vscode.workspace.openTextDocument(vscode.Uri.parse(args.uri));
      } catch (error) {
        throw new CellCommandError(`cannot open ${args.uri}: ${(error as Error).message}`);
      }
    }
  } else {
    document = vscode.window.activeTextEditor?.document;
    if (!document) throw new CellCommandError('no editor is open; open a Python, TypeScript or JavaScript file (or a notebook) with a recurrent cell.');
  }
  const found = cells.cellsOf(document);
  const where = vscode.workspace.asRelativePath(document.uri);
  if (!found.length) {
    throw new CellCommandError(
      detectLanguageOf(document) ? `no recurrent cell (LSTM, RNN, GRU) was found in ${where}.` : `${where} is ${document.languageId}; LSTM Lab finds cells in Python, TypeScript and JavaScript.`,
    );
  }
  let cell: DetectedCell | undefined;
  if (args.cell !== undefined) {
    const named = found.filter((c) => c.name === args.cell);
    const line = args.line ?? 0;
    cell = named.sort((a, b) => Math.abs(a.range.start - line) - Math.abs(b.range.start - line))[0];
    if (!cell) throw new CellCommandError(`there is no cell ${args.cell} in ${where} any more (found: ${found.map((c) => c.name).join(', ')}).`);
  } else {
    // The palette: the cell under the cursor, else the first.
    const cursor = vscode.window.activeTextEditor?.document === document ? vscode.window.activeTextEditor.selection.active.line + 1 : 0;
    cell = found.find((c) => cursor >= c.range.start && cursor <= c.range.end) ?? found[0];
  }
  return { document, cell };
}

export function registerCellCommands(deps: {
  cells: DetectedCells;
  inline: InlineResults;
  sync: GateSync;
  showPanel: (section: PanelSection) => Thenable<void> | Promise<void>;
  log: (line: string) => void;
}): vscode.Disposable[] {
  const { cells, inline, sync, log } = deps;
  const lenses = new CellCodeLensProvider(cells);

  /** Every cell command runs in the shared wrapper; from the palette or a menu there is no argument object. */
  const command = <R>(id: string, handler: (args: CellCommandArgs, interactive: boolean) => Promise<R | undefined>) =>
    registerCommand<CellCommandArgs, R>(id, log, (args, interactive) => handler(args ?? {}, interactive));

  /** Forget-bias literals elsewhere in the file or notebook (the notebook sets b_f in cells of its own): the suggested values. */
  function suggestedBiases(document: vscode.TextDocument): number[] {
    const language = detectLanguageOf(document);
    if (!language) return [];
    const notebook = vscode.workspace.notebookDocuments.find((nb) => nb.getCells().some((c) => c.document === document));
    const sources = notebook
      ? notebook
          .getCells()
          .filter((c) => c.kind === vscode.NotebookCellKind.Code)
          .map((c) => c.document.getText())
      : [document.getText()];
    const values = new Set<number>();
    for (const source of sources) {
      try {
        for (const a of detectForgetBiases(source, language)) values.add(a.value);
      } catch {
        // A cell the scanner cannot read suggests nothing.
      }
    }
    return [...values];
  }

  /** The forget-bias literal the code of the cell itself sets, with its line when the detector places it. */
  function codeBias(target: CellTarget): CodeForgetBias | undefined {
    const { cell, document } = target;
    if (cell.forgetBias === undefined) return undefined;
    const language = detectLanguageOf(document);
    let found;
    try {
      found = language ? detectForgetBiases(document.getText(), language).find((a) => a.line >= cell.range.start && a.line <= cell.range.end && a.value === cell.forgetBias) : undefined;
    } catch {
      // Without its line the value is still said.
    }
    return found ? { value: found.value, line: found.line, text: found.text.length > 60 ? `${found.text.slice(0, 57)}…` : found.text } : { value: cell.forgetBias };
  }

  async function askBiases(target: CellTarget, many: boolean): Promise<number[] | undefined> {
    const { prompt, value } = forgetBiasPrompt({ many, code: codeBias(target), elsewhere: suggestedBiases(target.document) });
    const text = await vscode.window.showInputBox({
      title: forgetBiasTitle(target.cell.name, many),
      prompt,
      value,
      validateInput: (v) => {
        const parsed = parseForgetBiases(v);
        if (parsed.error) return parsed.error;
        return !many && (parsed.values?.length ?? 0) > 1 ? 'Enter one value for training.' : undefined;
      },
    });
    return text === undefined ? undefined : parseForgetBiases(text).values;
  }

  return [
    command<RunRecord>('lstmLab.probeCell', async (args, interactive) => {
      const target = await resolveTarget(cells, args);
      const plan = planForCell(target.cell);
      const { engineCell } = plan;
      let forgetGate: 'on' | 'off' | 'both' = plan.forgetGate === 'optional' ? (args.forgetGate === undefined ? 'both' : args.forgetGate ? 'on' : 'off') : plan.forgetGate;
      if (!hasForgetGate(engineCell)) forgetGate = 'off';
      let biases = args.forgetBiases ?? (target.cell.forgetBias !== undefined ? [target.cell.forgetBias] : undefined);
      if (!biases && forgetGate !== 'off') {
        biases = interactive ? await askBiases(target, true) : [0];
        if (!biases) return undefined;
      }
      const series = probeSeriesFor(plan, biases ?? [], forgetGate);
      inline.setPending(target.document, target.cell, `probing the ${builtInName(plan)} stand-in`);
      // Said in the run's name and every series' name (the chart's legend): this is LSTM Lab's own cell of the same kind, not the user's code.
      const prefix = standInName(target.cell.name);
      let run: RunRecord | undefined;
      try {
        run = await delegate<RunRecord>('lstmLab.probe', {
          series: series.map((s) => ({ ...s, name: `${prefix}: ${s.name}` })),
          name: `${builtInName(plan)}, ${prefix}`,
          codeCell: { name: target.cell.name, role: 'stand-in' },
          ...(args.steps !== undefined ? { steps: args.steps } : {}),
          ...(args.corpus ? { corpus: args.corpus } : {}),
          wait: true,
        });
      } finally {
        if (!run) inline.clear(target.document, target.cell);
      }
      if (!run) return undefined;
      // Series names in the summary without the prefix: the summary says "stand-in" once, on the cell's own line (the lens above and the hover in full).
      inline.setProbe(target.document, target.cell, { ...run, probeSeries: run.probeSeries.map((s) => ({ ...s, name: s.name.replace(`${prefix}: `, '') })) }, STAND_IN_PREFIX);
      return run;
    }),

    command<RunRecord>('lstmLab.trainCell', async (args, interactive) => {
      const target = await resolveTarget(cells, args);
      const plan = planForCell(target.cell);
      const { engineCell } = plan;
      const overrides: Record<string, unknown> = {};
      if (hasForgetGate(engineCell)) {
        let forgetGate = plan.forgetGate === 'off' ? false : plan.forgetGate === 'on' ? true : args.forgetGate;
        if (forgetGate === undefined) {
          if (!interactive) forgetGate = true;
          else {
            const pick = await vscode.window.showQuickPick(
              [
                { label: 'With the forget gate', description: 'c = f⊙c + i⊙g', value: true },
                { label: 'Without the forget gate (1997)', description: 'c = c + i⊙g', value: false },
              ],
              { title: `LSTM Lab: ${target.cell.name} has an optional forget gate; train which?` },
            );
            if (!pick) return undefined;
            forgetGate = pick.value;
          }
        }
        overrides.forgetGate = forgetGate;
        // The code's literal unless the caller gave one; asked (prefilled with the code's value, said to be the code's) from a lens.
        let bias = args.forgetBias ?? (interactive ? undefined : target.cell.forgetBias);
        if (bias === undefined && forgetGate) {
          if (!interactive) bias = 0;
          else {
            const values = await askBiases(target, false);
            if (!values) return undefined;
            bias = values[0];
          }
        }
        overrides.forgetBias = bias ?? 0;
      }
      let preset = args.preset;
      if (!preset && interactive) {
        const pick = await vscode.window.showQuickPick(presetItems('quick'), trainPresetPrompt(target.cell.name, plan));
        if (!pick) return undefined;
        preset = pick.preset;
      }
      for (const key of ['maxBatches', 'seqLen', 'hiddenSize', 'embeddingSize', 'batchSize', 'epochs'] as const) if (args[key] !== undefined) overrides[key] = args[key];
      inline.setPending(target.document, target.cell, `training as the built-in ${builtInName(plan)}`);
      let run: RunRecord | undefined;
      try {
        run = await delegate<RunRecord>('lstmLab.train', {
          cell: engineCell,
          name: trainedAsName(target.cell.name, plan),
          codeCell: { name: target.cell.name, role: 'trained-as' },
          ...(preset ? { preset } : {}),
          ...(args.corpus ? { corpus: args.corpus } : {}),
          ...overrides,
          wait: true,
        });
      } finally {
        if (!run) inline.clear(target.document, target.cell);
      }
      if (!run) return undefined;
      inline.setTrain(target.document, target.cell, run);
      return run;
    }),

    command('lstmLab.showEquations', async (args) => {
      const target = await resolveTarget(cells, args);
      const message = sync.showEquations(target.document, target.cell);
      if (!message) throw new CellCommandError(`no equations for ${target.cell.name}.`);
      await deps.showPanel('equations');
      return message;
    }),

    lenses,
    vscode.languages.registerCodeLensProvider(CODE_SELECTOR, lenses),
  ];
}

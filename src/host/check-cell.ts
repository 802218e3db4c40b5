// LSTM Lab: Probe and Check Your Cell — the probe lens on a Python cell (a .py file or a
// notebook cell) or a TF.js cell (a .ts/.js file). It runs the user's code as written (trusted
// workspaces only) in a Python child, or for TF.js in a TF.js worker of its own, then shows
// what came back: the verdict after the cell's header line, a squiggle on the departing gate's
// line (or on the line that raised), their gradient series beside the reference cell's in the
// panel's chart, and the verdict beside the equations.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DetectedCell } from '../detect';
import { missingTorchMessage, PythonNotFoundError, PythonRunError, type CellPlan, type CellResult, type PythonInfo } from '../python';
import { detectLanguageOf, lineRange, usesTfjs, type DetectedCells } from './detected-cells';
import { CellCommandError, resolveTarget, type CellCommandArgs } from './cell-lens';
import { registerCommand, UserError, type Fix } from './commands/wrapper';
import type { GateSync } from './gate-sync';
import type { InlineResults } from './inline-results';
import type { PanelProvider } from './panel';
import type { RunManager } from './core/run-manager';
import { CellRunError, type UserCodeRunner } from './user-code';
import { UserCodeDiagnostics, type PlacedDiagnostic } from './user-code-diagnostics';
import { departingGate, diagnosticsOf, planForFileCell, planForNotebookCell, planForTfjsFileCell, userProbeRun, verdictDetails, verdictSummary } from './core/user-code-report';

export interface CheckCellDeps {
  cells: DetectedCells;
  inline: InlineResults;
  sync: GateSync;
  panel: PanelProvider;
  manager: RunManager;
  runner: UserCodeRunner;
  output: vscode.OutputChannel;
  log: (line: string) => void;
  /** A verdict came back for this recurrent cell's text (the walkthrough ticks its step for the user's own code). */
  checkedCell: (classText: string) => void;
}

/** What the command resolves with (tests read it). */
export interface CheckCellOutcome {
  cell: string;
  /** The Python that ran it, or "TF.js worker" for a TS/JS cell. */
  python: string;
  result: CellResult;
  /** The probe run added to the runs (the panel's gradient chart draws it). */
  runId?: string;
  diagnostics: { uri: string; line: number; message: string; severity: string }[];
}

/** A cell located in its file or notebook: the plan the child runs, and the document of each unit. */
interface Located {
  plan: CellPlan;
  /** The document of each unit of plan.input.units (the file, or each notebook code cell up to the target). */
  unitDocuments: vscode.TextDocument[];
  /** For messages: "lstm_cell.py:8", "notebook.ipynb cell 10, line 1" (cells counted from 1, as the notebook editor's status bar does). */
  where: string;
}

const PYTHON_SETTING_FIX: Fix = { label: 'Set lstmLab.pythonPath', command: 'workbench.action.openSettings', args: ['lstmLab.pythonPath'] };
const TIMEOUT_SETTING_FIX: Fix = { label: 'Change the Timeout', command: 'workbench.action.openSettings', args: ['lstmLab.userCodeTimeoutSeconds'] };
const SHOW_OUTPUT_FIX: Fix = { label: 'Show Output', command: 'lstmLab._showOutput' };
const TRUST_FIX: Fix = { label: 'Manage Workspace Trust', command: 'workbench.trust.manage' };

function standInFix(args: CellCommandArgs): Fix {
  return { label: 'Probe the Built-in Stand-in', command: 'lstmLab.probeCell', args: [{ ...args, interactive: true, standIn: true }] };
}

function locate(document: vscode.TextDocument, cell: DetectedCell): Located {
  const notebook = vscode.workspace.notebookDocuments.find((nb) => nb.getCells().some((c) => c.document === document));
  if (notebook) {
    const all = notebook.getCells();
    const index = all.findIndex((c) => c.document === document);
    const code = all.slice(0, index + 1).filter((c) => c.kind === vscode.NotebookCellKind.Code);
    const plan = planForNotebookCell(
      all.map((c) => ({ code: c.kind === vscode.NotebookCellKind.Code, text: c.document.getText() })),
      index,
      cell.name,
      cell.range.start,
    );
    if (!plan) throw new CellCommandError(`${cell.name} is no longer in this notebook cell; edit or re-run it.`);
    return { plan, unitDocuments: code.map((c) => c.document), where: `${path.basename(notebook.uri.path)} cell ${index + 1}, line ${cell.range.start}` };
  }
  // The editor's text, saved or not: what the user sees is what runs.
  const file = document.isUntitled ? document.uri.path : document.uri.fsPath;
  const plan = planForFileCell(file, document.getText(), cell.name, cell.range.start);
  if (!plan) throw new CellCommandError(`${cell.name} is no longer in ${vscode.workspace.asRelativePath(document.uri)}.`);
  return { plan, unitDocuments: [document], where: `${path.basename(document.uri.path)}:${cell.range.start}` };
}

/** A TS/JS cell: the file's own text, saved or not, as one unit the TF.js worker runs. */
function locateTfjs(document: vscode.TextDocument, cell: DetectedCell, language: 'typescript' | 'javascript'): Located {
  const file = document.isUntitled ? document.uri.path : document.uri.fsPath;
  const plan = planForTfjsFileCell(file, document.getText(), language, cell.name, cell.range.start);
  if (!plan) throw new CellCommandError(`${cell.name} is no longer in ${vscode.workspace.asRelativePath(document.uri)}.`);
  return { plan, unitDocuments: [document], where: `${path.basename(document.uri.path)}:${cell.range.start}` };
}

/** Refuses (with the fix) when this Python cannot run the code: no torch for torch code, neither torch nor numpy at all. */
function checkLibraries(python: PythonInfo, located: Located, args: CellCommandArgs): void {
  const usesTorch = located.plan.input.units.some((u) => /^\s*(import\s+torch|from\s+torch[\s.])/m.test(u.code));
  if (python.torch || (!usesTorch && python.numpy)) return;
  throw new UserError(missingTorchMessage(python) ?? `${python.path} cannot import torch.`, [PYTHON_SETTING_FIX, standInFix(args)]);
}

export function registerCheckCell(deps: CheckCellDeps): vscode.Disposable[] {
  const { cells, inline, sync, panel, manager, runner, output, log, checkedCell } = deps;
  const diagnostics = new UserCodeDiagnostics();

  async function findPython(document: vscode.TextDocument, args: CellCommandArgs): Promise<PythonInfo> {
    try {
      return await runner.environment.find(document.uri);
    } catch (error) {
      if (error instanceof PythonNotFoundError) throw new UserError(`${error.message} Or probe the built-in stand-in (not your code).`, [PYTHON_SETTING_FIX, standInFix(args)]);
      throw error;
    }
  }

  /** Runs `job` under a cancellable notification (Cancel = Stop); a stop, a timeout or a dead child become the message that says so. */
  async function underProgress(document: vscode.TextDocument, cell: DetectedCell, label: string, process: string, job: () => Promise<CellResult>): Promise<CellResult> {
    inline.setPending(document, cell, 'running your code');
    try {
      return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `LSTM Lab: running your ${cell.name}`, cancellable: true }, (_progress, token) => {
        token.onCancellationRequested(() => runner.stop());
        return job();
      });
    } catch (error) {
      inline.clear(document, cell);
      output.appendLine(`■ ${label}: ${(error as Error).message}`);
      if (!(error instanceof PythonRunError) && !(error instanceof CellRunError)) throw error;
      if (error.reason === 'stopped') throw new UserError(`${label} was stopped; its ${process} was ended.`, [], 'info');
      if (error.reason === 'timeout') throw new UserError(`${error.message} Raise lstmLab.userCodeTimeoutSeconds if your cell needs longer.`, [TIMEOUT_SETTING_FIX, SHOW_OUTPUT_FIX]);
      throw new UserError(`${error.message} (full text in the LSTM Lab output).`, [SHOW_OUTPUT_FIX]);
    }
  }

  function run(python: PythonInfo, located: Located, document: vscode.TextDocument, cell: DetectedCell, label: string): Promise<CellResult> {
    output.appendLine(`▶ ${label}: running your code with ${python.path} (Python ${python.version}, torch ${python.torch ?? 'not installed'}, numpy ${python.numpy ?? 'not installed'})`);
    return underProgress(document, cell, label, 'Python process', () => runner.check(python, located.plan.input, label, document.uri));
  }

  function runTfjs(located: Located, document: vscode.TextDocument, cell: DetectedCell, label: string): Promise<CellResult> {
    output.appendLine(`▶ ${label}: running your code in LSTM Lab's TF.js worker (transpiled with TypeScript; console output below)`);
    return underProgress(document, cell, label, 'TF.js worker', () => runner.checkTfjs(located.plan.input, label, document.uri));
  }

  function report(label: string, result: CellResult): void {
    output.appendLine(`${result.verdict === 'matches' ? '✓' : result.verdict === 'differs' ? '✗' : '?'} ${label}: ${result.message}`);
    for (const w of result.warnings) output.appendLine(`  warning${w.line ? ` (line ${w.line})` : ''}: ${w.message}`);
    if (result.error?.traceback) output.appendLine(result.error.traceback.trimEnd());
    if (result.probe && 'unavailable' in result.probe) output.appendLine(`  no gradient probe: ${result.probe.unavailable}`);
    const timings = Object.entries(result.timings).map(([k, s]) => `${k} ${s.toFixed(2)} s`);
    if (timings.length) output.appendLine(`  took ${timings.join(', ')}`);
  }

  function place(located: Located, result: CellResult): PlacedDiagnostic[] {
    return diagnosticsOf(located.plan, result).flatMap((d) => {
      const document = located.unitDocuments[d.unit];
      return document ? [{ document, line: d.line, message: d.message, severity: d.severity, code: d.code }] : [];
    });
  }

  const check = registerCommand<CellCommandArgs, CheckCellOutcome>('lstmLab.checkCell', log, async (raw, interactive) => {
    const args = raw ?? {};
    if (!vscode.workspace.isTrusted) {
      throw new UserError(
        "this workspace is not trusted, so LSTM Lab does not run code from it. Trust the workspace to probe and check your own cell, or probe the built-in stand-in (LSTM Lab's own cell, not your code).",
        [TRUST_FIX, standInFix(args)],
      );
    }
    const { document, cell } = await resolveTarget(cells, args);
    const language = detectLanguageOf(document);
    let located: Located;
    let result: CellResult;
    let ranWith: string;
    if (language === 'typescript' || language === 'javascript') {
      if (!usesTfjs(document.getText())) {
        throw new CellCommandError(
          `${cell.name} does not use TF.js (no import or require of @tensorflow/tfjs); LSTM Lab runs your own TS/JS cells when they are written with TF.js. The built-in stand-in probes LSTM Lab's own cell of its kind.`,
          [standInFix(args)],
        );
      }
      located = locateTfjs(document, cell, language);
      ranWith = 'TF.js worker';
      result = await runTfjs(located, document, cell, `${cell.name} (${located.where})`);
    } else if (language === 'python') {
      located = locate(document, cell);
      const python = await findPython(document, args);
      checkLibraries(python, located, args);
      ranWith = python.path;
      result = await run(python, located, document, cell, `${cell.name} (${located.where})`);
    } else {
      throw new CellCommandError(`${cell.name} is ${document.languageId}; LSTM Lab runs your own cells in Python (.py files and notebooks) and TF.js (.ts and .js files).`, [standInFix(args)]);
    }
    const label = `${cell.name} (${located.where})`;
    report(label, result);
    const placed = place(located, result);
    diagnostics.set(`${document.uri.toString()}#${cell.name}`, placed);
    const probeRun = userProbeRun(located.plan, result, located.where);
    if (probeRun) manager.addFinished(probeRun);
    inline.setCheck(document, cell, verdictSummary(result), verdictDetails(result), probeRun);
    sync.showEquations(document, cell);
    panel.post({ type: 'codeVerdict', verdict: { cell: label, verdict: result.verdict, message: result.message, gate: departingGate(result) } });
    checkedCell(document.getText(lineRange(document, cell.range.start, cell.range.end)));
    if (interactive) {
      // Where the answer is: the marked equation for "differs", else their gradient beside the reference's.
      void panel.reveal(result.verdict === 'differs' ? 'equations' : 'gradient', { preserveFocus: true });
      if (result.error) {
        const where = placed.find((p) => p.code === 'error');
        const message = `LSTM Lab: ${cell.name} raised or could not be called${where ? ` (line ${where.line})` : ''}: ${result.error.message}`;
        void vscode.window.showWarningMessage(message, SHOW_OUTPUT_FIX.label).then((choice) => choice && output.show(true));
      }
    }
    return {
      cell: cell.name,
      python: ranWith,
      result,
      ...(probeRun ? { runId: probeRun.id } : {}),
      diagnostics: placed.map((p) => ({ uri: p.document.uri.toString(), line: p.line, message: p.message, severity: p.severity })),
    };
  });

  return [
    diagnostics,
    check,
    vscode.commands.registerCommand('lstmLab._showOutput', () => output.show(true)),
    // Test-only (hidden from the palette): the verdict the panel shows, and the Python child's pid.
    vscode.commands.registerCommand('lstmLab._codeVerdict', () => panel.codeVerdict),
    vscode.commands.registerCommand('lstmLab._userCodePid', () => runner.pid),
    vscode.commands.registerCommand('lstmLab._tfjsCellPid', () => runner.tfjsPid),
  ];
}

// One-line results of runs started from a lens, shown after the cell's header line, with a
// sparkline of the series in their hover. A summary describes the code as it was when the
// run started: once the cell's text changes it is removed (moving the cell keeps it).
import * as vscode from 'vscode';
import type { DetectedCell } from '../detect';
import type { RunRecord } from '../shared/protocol';
import { DetectedCells, lineRange } from './detected-cells';
import { formatNumber, INLINE_MARGIN_EM, inlineSummaryBudget, probeSummary, trainedAsTitle, trainSummary } from './core/lens-plan';
import { SPARKLINE_COLORS, sparklineSvg, svgDataUri } from './core/sparkline';

export interface InlineSummary {
  uri: string;
  cell: string;
  /** 1-based header line of the cell, where the after-text is. */
  line: number;
  text: string;
  /** The hover's Markdown source. */
  hover: string;
  runId?: string;
  pending: boolean;
}

interface Entry extends InlineSummary {
  /** The cell's text when the run started; any change to it removes the summary. */
  cellText: string;
}

const escapeMd = (text: string) => text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');

/** The panel's palette for the current theme (light themes get the darker colours). */
function palette(): readonly string[] {
  const kind = vscode.window.activeColorTheme.kind;
  return kind === vscode.ColorThemeKind.Light || kind === vscode.ColorThemeKind.HighContrastLight ? SPARKLINE_COLORS.light : SPARKLINE_COLORS.dark;
}

function probeHover(cellName: string, run: RunRecord): string {
  const series = run.probeSeries;
  const colors = palette();
  const svg = sparklineSvg(
    series.map((s, i) => ({ values: s.norms, label: s.name, color: colors[i % colors.length] })),
    { width: 240, height: 60, log: true, padding: 3 },
  );
  const rows = series.map((s, i) => `| <span style="color:${colors[i % colors.length]};">■</span> ${escapeMd(s.name)} | ${formatNumber(s.norms[0])} | ${formatNumber(s.norms[s.norms.length - 1])} |`);
  const what =
    run.codeCell?.role === 'stand-in' ? `built-in stand-in probe: LSTM Lab's own cell of the same kind in place of \`${cellName}\` (your code did not run)` : `gradient probe of \`${cellName}\``;
  return [
    `**LSTM Lab** · ${what} · ${run.status}${run.backend ? ` on ${run.backend}` : ''}`,
    '',
    `![‖∂loss_t/∂h0‖ per step, log scale](${svgDataUri(svg)})`,
    '',
    '‖∂loss_t/∂h₀‖₂ for t = 1 … ' + (run.probeConfig?.steps ?? series[0]?.norms.length ?? 0) + ' (log scale)',
    '',
    'In words: how strongly the loss t characters later still depends on the initial hidden state h₀ — the size of its gradient. ' +
      'It shrinks as t grows; the slower it shrinks, the longer the cell remembers. The line above the code reads “gradient to h0: first step → last step” for each series.',
    '',
    '| series | t = 1 | last |',
    '|---|---:|---:|',
    ...rows,
  ].join('\n');
}

function trainHover(cellName: string, run: RunRecord): string {
  const svg = sparklineSvg([{ values: run.batches.map((b) => b.loss), label: 'training loss' }], { width: 240, height: 60, padding: 3, palette: palette() });
  const last = run.epochs[run.epochs.length - 1];
  return [
    `**LSTM Lab** · training of ${run.codeCell?.role === 'trained-as' && run.config ? escapeMd(trainedAsTitle(cellName, run.config.cell)) : `\`${cellName}\``} · ${run.status}${run.backend ? ` on ${run.backend}` : ''}`,
    '',
    `![training loss per batch](${svgDataUri(svg)})`,
    '',
    `training loss per batch (${run.batches.length} batches${run.batches.length ? `: ${formatNumber(run.batches[0].loss)} → ${formatNumber(run.batches[run.batches.length - 1].loss)}` : ''})` +
      (last ? ` · validation loss ${formatNumber(last.valLoss)} (${formatNumber(last.bitsPerChar)} bits/char)` : ''),
    run.reason ? `\n${escapeMd(run.reason)}` : '',
  ].join('\n');
}

export class InlineResults implements vscode.Disposable {
  private readonly entries = new Map<string, Entry[]>();
  private readonly decoration = vscode.window.createTextEditorDecorationType({
    after: { color: new vscode.ThemeColor('editorCodeLens.foreground'), margin: `0 0 0 ${INLINE_MARGIN_EM}em`, fontStyle: 'italic' },
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
  });
  private readonly subscriptions: vscode.Disposable[];
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly cells: DetectedCells) {
    this.subscriptions = [
      vscode.workspace.onDidChangeTextDocument((e) => {
        const key = e.document.uri.toString();
        if (!e.contentChanges.length || !this.entries.has(key)) return;
        // Re-detect after a 250 ms pause in typing, not on every keystroke.
        clearTimeout(this.timers.get(key));
        this.timers.set(
          key,
          setTimeout(() => {
            this.timers.delete(key);
            this.reconcile(e.document);
          }, 250),
        );
      }),
      // Reopened after a close: the file may have changed meanwhile.
      vscode.workspace.onDidOpenTextDocument((document) => {
        if (this.entries.has(document.uri.toString())) this.reconcile(document);
      }),
      vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach((e) => this.render(e))),
    ];
  }

  /** Shows that a run is under way (replaced by its summary when it ends). */
  setPending(document: vscode.TextDocument, cell: DetectedCell, what: string): void {
    // Plain text: a decoration's after-text cannot show codicons, and ⧗ is missing from common fonts.
    this.put(document, cell, { text: `LSTM Lab: ${what}…`, hover: `**LSTM Lab** · ${escapeMd(what)} of \`${cell.name}\` is running; its result will appear here.`, pending: true });
  }

  /**
   * A probe's summary; `prefix` says what ran when it was not the user's code ("stand-in · ").
   * As long as what is left of the header line on screen allows; the whole of it on hover.
   */
  setProbe(document: vscode.TextDocument, cell: DetectedCell, run: RunRecord, prefix = ''): void {
    const budget = inlineSummaryBudget(document.getText(lineRange(document, cell.range.start)));
    const summary = (maxChars: number) =>
      run.status === 'failed'
        ? `${prefix}gradient probe failed: ${run.reason ?? 'unknown reason'}`
        : probeSummary(run.probeSeries, run.probeConfig?.steps ?? 0, prefix, maxChars) + (run.status === 'done' ? '' : ` · ${run.status}`);
    const text = summary(budget);
    const full = summary(Number.POSITIVE_INFINITY);
    const hover = probeHover(cell.name, run);
    this.put(document, cell, { text, hover: full === text ? hover : `${escapeMd(full)}\n\n${hover}`, runId: run.id, pending: false });
  }

  /** The check of the user's own code: the verdict, with the details (and their probe's sparkline) in the hover. */
  setCheck(document: vscode.TextDocument, cell: DetectedCell, text: string, details: string, run?: RunRecord): void {
    const hover = [`**LSTM Lab** · your code, \`${cell.name}\``, '', escapeMd(details), ...(run ? ['', probeHover(cell.name, run)] : [])].join('\n');
    this.put(document, cell, { text, hover, pending: false, ...(run ? { runId: run.id } : {}) });
  }

  setTrain(document: vscode.TextDocument, cell: DetectedCell, run: RunRecord): void {
    this.put(document, cell, { text: trainSummary(run), hover: trainHover(cell.name, run), runId: run.id, pending: false });
  }

  /** Removes the summary of a cell (a run that could not start). */
  clear(document: vscode.TextDocument, cell: DetectedCell): void {
    const key = document.uri.toString();
    const list = (this.entries.get(key) ?? []).filter((e) => e.cell !== cell.name);
    this.entries.set(key, list);
    this.renderDocument(document);
  }

  list(): InlineSummary[] {
    return [...this.entries.values()].flat().map(({ cellText: _cellText, ...summary }) => summary);
  }

  private put(document: vscode.TextDocument, cell: DetectedCell, summary: Pick<InlineSummary, 'text' | 'hover' | 'pending' | 'runId'>): void {
    const key = document.uri.toString();
    const list = (this.entries.get(key) ?? []).filter((e) => e.cell !== cell.name);
    list.push({ uri: key, cell: cell.name, line: cell.range.start, cellText: document.getText(lineRange(document, cell.range.start, cell.range.end)), ...summary });
    this.entries.set(key, list);
    this.renderDocument(document);
  }

  /** After an edit: drop the summaries whose cell changed or vanished, move the others with their cell. */
  private reconcile(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    const cells = this.cells.cellsOf(document);
    const kept = (this.entries.get(key) ?? []).flatMap((entry) => {
      const candidates = cells.filter((c) => c.name === entry.cell);
      const same = candidates.find((c) => document.getText(lineRange(document, c.range.start, c.range.end)) === entry.cellText);
      return same ? [{ ...entry, line: same.range.start }] : [];
    });
    if (kept.length) this.entries.set(key, kept);
    else this.entries.delete(key);
    this.renderDocument(document);
  }

  private renderDocument(document: vscode.TextDocument): void {
    for (const editor of vscode.window.visibleTextEditors) if (editor.document === document) this.render(editor);
  }

  private render(editor: vscode.TextEditor): void {
    const list = this.entries.get(editor.document.uri.toString()) ?? [];
    editor.setDecorations(
      this.decoration,
      list.map((entry) => {
        // The whole header line carries the hover, so pointing at the line or its after-text shows it.
        const range = lineRange(editor.document, entry.line);
        const hover = new vscode.MarkdownString(entry.hover);
        hover.supportHtml = true; // the coloured legend squares
        return { range, hoverMessage: hover, renderOptions: { after: { contentText: entry.text } } };
      }),
    );
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    for (const t of this.timers.values()) clearTimeout(t);
    this.decoration.dispose();
    this.entries.clear();
  }
}

// The runs table: one row per run, the notebook's comparison columns. The first column's
// checkbox says whether the run is on a chart (train runs: the loss chart, any number;
// probe runs: the gradient chart, one at a time).
import type { RunRecord } from '../src/shared/protocol';
import { el } from './dom';
import { DETAIL_COLUMNS, RUN_COLUMNS, runRow, TRAIN_ONLY_COLUMNS, type ProbeFact } from './run-rows';

export interface RunsViewCallbacks {
  onToggleTrainRun(runId: string, shown: boolean): void;
  onSelectProbeRun(runId: string): void;
}

interface CheckboxElement extends HTMLElement {
  checked: boolean;
}

export class RunsView {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;
  private readonly empty: HTMLElement;

  constructor(private readonly callbacks: RunsViewCallbacks) {
    // A plain table, themed like VS Code's: columns size to their content (vscode-table fixes
    // percentages, which truncates the notebook's ten columns in a side bar) and it scrolls.
    const header = el('tr', {}, el('th', { scope: 'col', 'data-column': 'run' }, 'Run'), ...RUN_COLUMNS.map((c) => el('th', { scope: 'col', 'data-column': c.key }, c.title)));
    this.body = el('tbody');
    const table = el('table', { class: 'runs-table' }, el('thead', {}, header), this.body);
    this.empty = el('p', { class: 'empty-note' }, 'No runs yet. Train, Compare or Probe to start one.');
    this.element = el('div', { class: 'runs' }, el('div', { class: 'runs-scroll' }, table), this.empty);
  }

  render(runs: readonly RunRecord[], hiddenRunIds: ReadonlySet<string>, shownProbeRunId: string | undefined): void {
    this.empty.hidden = runs.length > 0;
    this.element.classList.toggle('has-runs', runs.length > 0);
    const rows = runs.map((run) => {
      const row = runRow(run);
      const shown = run.kind === 'train' ? !hiddenRunIds.has(run.id) : run.id === shownProbeRunId;
      const checkbox = el('vscode-checkbox', { class: 'run-shown', title: run.kind === 'train' ? 'Show on the loss chart' : 'Show on the gradient chart' }) as CheckboxElement;
      checkbox.checked = shown;
      checkbox.addEventListener('change', () => {
        if (run.kind === 'train') this.callbacks.onToggleTrainRun(run.id, checkbox.checked);
        else this.callbacks.onSelectProbeRun(run.id);
      });
      const title = el('span', { class: 'run-title' }, row.title);
      // Under the name: when it started (two runs of one name differ there), and in a table of
      // medium width what the hidden Cell, Backend and Configuration columns would say.
      const known = DETAIL_COLUMNS.filter((key) => row[key] !== '—');
      const details = known.map((key) => el('span', { class: 'run-detail', 'data-detail': key }, ` · ${row[key]}`));
      const name = el('span', { class: 'run-name' }, title, el('span', { class: 'run-sub' }, el('span', { class: 'run-started' }, `started ${row.started}`), ...details));
      name.title = [row.title, `started ${row.started}`, ...known.map((key) => row[key])].join('\n');
      const cells: HTMLElement[] = [];
      for (const column of RUN_COLUMNS) {
        // A probe has no losses: its facts take the place of those columns (one cell spanning them).
        if (row.probeFacts && TRAIN_ONLY_COLUMNS.includes(column.key)) {
          if (column.key === TRAIN_ONLY_COLUMNS[0]) cells.push(probeFactsCell(row.probeFacts));
          continue;
        }
        // A probe of the user's own code has no backend or configuration of ours: no "—" for them.
        const notApplicable = row.probeFacts !== undefined && row[column.key] === '—';
        const cell = el('td', { 'data-column': column.key, 'data-label': column.title, class: notApplicable ? 'not-applicable' : undefined }, notApplicable ? '' : row[column.key]);
        if (column.key === 'status') {
          cell.classList.add(`status-${run.status}`);
          cell.title = row.status;
        }
        if (column.key === 'configuration') cell.title = row.configuration;
        cells.push(cell);
      }
      return el('tr', { 'data-run-id': run.id, 'data-kind': run.kind }, el('td', { 'data-column': 'run' }, el('span', { class: 'run-cell' }, checkbox, name)), ...cells);
    });
    this.body.replaceChildren(...rows);
  }
}

/**
 * The probe's facts in one cell spanning the loss columns: "Series: 5", "Steps: 100", … A line
 * may break after a label (the space outside it), so a narrow table wraps a long fact instead
 * of growing past its box.
 */
function probeFactsCell(facts: readonly ProbeFact[]): HTMLElement {
  const fact = (f: ProbeFact) =>
    el('span', { class: 'probe-fact', 'data-fact': f.label }, el('span', { class: 'probe-fact-label' }, `${f.label}:`), ' ', ...f.items.map((item) => el('span', { class: 'probe-fact-item' }, item)));
  const cell = el('td', { 'data-column': 'probe', colspan: String(TRAIN_ONLY_COLUMNS.length) }, ...facts.map(fact));
  cell.title = facts.map((f) => `${f.label}: ${f.items.join(' · ')}`).join('\n');
  return cell;
}

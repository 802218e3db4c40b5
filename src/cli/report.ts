// Results as the user reads them: the notebook-style table, the --json shapes,
// CSV, and a self-contained HTML report (chart.js inlined) with the loss charts drawn by the
// same configuration functions as the VS Code panel.
import type { BatchProgress, ProbeConfig, ProbeResult, TrainResult } from '../shared/types';
import type { RunRecord } from '../shared/protocol';
import { CELL_CATALOG, hasForgetGate, isCellKind } from '../shared/catalog';
import { readChartJsUmd } from '../engine/paths';
import { gradientChartConfig, lossChartConfig, LIGHT_THEME_COLORS, undrawnNote } from '../shared/chart-configs';
import { formatClock } from './progress';
import { formatNumber, textTable } from '../shared/table';

/** `train --json`, plus status/reason so a stopped run is never mistaken for a finished one. */
export function trainJson(result: TrainResult) {
  const { chars, trainInstances, valInstances, vocabSize } = result.corpus;
  return {
    backend: result.backend,
    ...(result.compute ? { compute: result.compute } : {}),
    cell: result.cell,
    config: result.config,
    corpus: { chars, trainInstances, valInstances, vocabSize },
    epochs: result.epochs.map(({ trainLoss, valLoss, bitsPerChar, seconds, charsPerSecond, peakRssMB }) => ({ trainLoss, valLoss, bitsPerChar, seconds, charsPerSecond, peakRssMB })),
    checkpoint: result.checkpoint ?? null,
    status: result.status,
    ...(result.reason ? { reason: result.reason } : {}),
  };
}

/** `probe --json`: what ran (config) and every series with its norms. */
export function probeJson(result: ProbeResult, config: ProbeConfig) {
  const { steps, batchSize, embeddingSize, hiddenSize, seed, corpus } = config;
  return {
    backend: result.backend,
    config: { steps, batchSize, embeddingSize, hiddenSize, seed, corpus, checkpoint: config.checkpoint ?? null },
    steps: result.steps,
    series: result.series.map(({ name, cell, forgetGate, forgetBias, keepTrainedForgetBias, norms, seconds }) => ({
      name,
      cell,
      forgetGate,
      forgetBias,
      trainedForgetBias: keepTrainedForgetBias === true,
      norms,
      seconds,
    })),
  };
}

export function modelName(result: TrainResult): string {
  const kind = result.cell;
  let name = isCellKind(kind) ? CELL_CATALOG[kind].seedNotebookName : kind;
  if (!isCellKind(result.config.cell) || hasForgetGate(result.config.cell)) {
    if (!result.config.forgetGate) name += ' (no forget gate)';
    else if (result.config.forgetBias !== 0) name += ` (b_f = ${result.config.forgetBias})`;
  }
  return name;
}

const fixed = (value: number, digits = 3) => (Number.isFinite(value) ? value.toFixed(digits) : String(value));

/** The notebook's results table (model, epoch time, train loss, val loss) with our extra columns. */
export function resultsTable(results: readonly TrainResult[], firstLosses?: ReadonlyMap<TrainResult, { first: number; last: number }>): string {
  const header = ['model', 'epoch time', 'train loss', 'val loss', 'bits/char', 'chars/s', 'peak RSS', 'status'];
  if (firstLosses) header.splice(4, 0, 'batch loss first → last');
  const rows: string[][] = [];
  for (const result of results) {
    const name = modelName(result);
    const epochs = result.epochs.length > 0 ? result.epochs : [undefined];
    epochs.forEach((epoch) => {
      const row = [
        result.epochs.length > 1 && epoch ? `${name}, epoch ${epoch.epoch}` : name,
        epoch ? formatClock(epoch.seconds) : '—',
        epoch ? fixed(epoch.trainLoss) : '—',
        epoch ? fixed(epoch.valLoss) : '—',
        epoch ? fixed(epoch.bitsPerChar) : '—',
        epoch ? formatNumber(epoch.charsPerSecond) : '—',
        epoch ? `${formatNumber(epoch.peakRssMB)} MB` : '—',
        result.status,
      ];
      const losses = firstLosses?.get(result);
      if (firstLosses) row.splice(4, 0, losses ? `${fixed(losses.first)} → ${fixed(losses.last)}` : '—');
      rows.push(row);
    });
  }
  return textTable(
    header,
    rows,
    header.map((h) => h !== 'model' && h !== 'status'),
  );
}

const CSV_COLUMNS = [
  'cell',
  'model',
  'status',
  'backend',
  'epoch',
  'trainLoss',
  'valLoss',
  'bitsPerChar',
  'seconds',
  'charsPerSecond',
  'peakRssMB',
  'seqLen',
  'batchSize',
  'hiddenSize',
  'embeddingSize',
  'learningRate',
  'maxBatches',
  'seed',
  'corpusChars',
  'vocabSize',
] as const;

function csvField(value: unknown): string {
  const text = value === undefined || value === null ? '' : String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One row per run and epoch. */
export function resultsCsv(results: readonly TrainResult[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of results) {
    for (const e of r.epochs.length > 0 ? r.epochs : [undefined]) {
      const row: Record<(typeof CSV_COLUMNS)[number], unknown> = {
        cell: r.cell,
        model: modelName(r),
        status: r.status,
        backend: r.backend,
        epoch: e?.epoch,
        trainLoss: e?.trainLoss,
        valLoss: e?.valLoss,
        bitsPerChar: e?.bitsPerChar,
        seconds: e?.seconds,
        charsPerSecond: e?.charsPerSecond,
        peakRssMB: e?.peakRssMB,
        seqLen: r.config.seqLen,
        batchSize: r.config.batchSize,
        hiddenSize: r.config.hiddenSize,
        embeddingSize: r.config.embeddingSize,
        learningRate: r.config.learningRate,
        maxBatches: r.config.maxBatches,
        seed: r.config.seed,
        corpusChars: r.corpus.chars,
        vocabSize: r.corpus.vocabSize,
      };
      lines.push(CSV_COLUMNS.map((c) => csvField(row[c])).join(','));
    }
  }
  return lines.join('\n') + '\n';
}

/** A finished run as the panel's RunRecord, so the panel's chart configuration can draw it. */
export function runRecordOf(result: TrainResult, batches: BatchProgress[], index: number): RunRecord {
  return {
    id: `run-${index}`,
    kind: 'train',
    title: modelName(result),
    status: result.status,
    createdAt: 0,
    backend: result.backend,
    config: result.config,
    corpus: result.corpus,
    batches,
    epochs: result.epochs,
    probeSeries: [],
    ...(result.checkpoint ? { checkpoint: result.checkpoint } : {}),
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON safe to place inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export interface HtmlReportInput {
  title: string;
  subtitle: string;
  runs?: { result: TrainResult; batches: BatchProgress[] }[];
  probe?: ProbeResult;
  /** Extra plain-text tables shown above the charts (e.g. the probe's norms). */
  tables?: string[];
}

/** A single self-contained HTML file: the table(s) and chart.js charts (chart.js inlined). */
export function htmlReport(input: HtmlReportInput): string {
  const chartJs = readChartJsUmd();
  const charts: { id: string; heading: string; config: unknown; note?: string }[] = [];
  let tables = '';
  if (input.runs && input.runs.length > 0) {
    const records = input.runs.map((run, k) => runRecordOf(run.result, run.batches, k));
    charts.push({ id: 'loss-step', heading: 'Loss by training step', config: lossChartConfig(records, { xAxis: 'step', colors: LIGHT_THEME_COLORS }) });
    charts.push({ id: 'loss-time', heading: 'Loss by wall-clock time', config: lossChartConfig(records, { xAxis: 'time', colors: LIGHT_THEME_COLORS }) });
    tables += `<pre class="table">${escapeHtml(resultsTable(input.runs.map((r) => r.result)))}</pre>`;
  }
  for (const table of input.tables ?? []) tables += `<pre class="table">${escapeHtml(table)}</pre>`;
  if (input.probe) {
    charts.push({
      id: 'gradient',
      heading: '‖∂loss_t/∂h₀‖₂ by step (log scale)',
      config: gradientChartConfig(input.probe.series, { logScale: true, colors: LIGHT_THEME_COLORS }),
      note: undrawnNote(input.probe.series, true),
    });
  }
  const chartHtml = charts.map((c) => `<h2>${escapeHtml(c.heading)}</h2><div class="chart"><canvas id="${c.id}"></canvas></div>${c.note ? `<p>${escapeHtml(c.note)}</p>` : ''}`).join('\n');
  const script = chartJs
    ? `<script>${chartJs.replace(/<\/script/gi, '<\\/script')}</script>
<script>
const charts = ${scriptJson(charts.map((c) => ({ id: c.id, config: c.config })))};
for (const c of charts) { c.config.options = Object.assign({}, c.config.options, { animation: false, maintainAspectRatio: false }); new Chart(document.getElementById(c.id), c.config); }
</script>`
    : '<p class="warning">chart.js was not found next to this tool (node_modules/chart.js), so the charts are missing; the figures are in the table and in the JSON/CSV files.</p>';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(input.title)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; max-width: 1100px; }
pre.table { font-size: 13px; background: #f6f6f6; padding: 1em; overflow-x: auto; }
.chart { position: relative; height: 380px; }
.warning { color: #a00; }
</style>
</head>
<body>
<h1>${escapeHtml(input.title)}</h1>
<p>${escapeHtml(input.subtitle)}</p>
${tables}
${chartHtml}
${script}
</body>
</html>
`;
}

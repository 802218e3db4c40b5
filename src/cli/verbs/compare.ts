// lstm-lab compare: the notebook's comparison — naive-lstm, builtin-lstm, simple-rnn and
// fused-lstm trained on the same data with the same seed — as a table, JSON, CSV and an
// HTML report with the loss charts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initBackend } from '../../engine/backend';
import { cellKinds } from '../../engine/cells/registry';
import { NOTEBOOK_COMPARISON } from '../../shared/catalog';
import { train } from '../../engine/trainer';
import type { BatchProgress, CellKind, TrainResult } from '../../engine/types';
import { backendPreferenceOf, checkTrainSettings, formatOptions, interruptController, JSON_OPTION, parseArgs, printJson, QUIET_OPTION, timestampForPath, trainConfigOf, TRAINING_OPTIONS, UsageError, type CliVerb, type OptionSpec } from '../args';
import { ProgressBar, trainProgress } from '../progress';
import { htmlReport, resultsCsv, resultsTable, trainJson } from '../report';

const OPTIONS: OptionSpec[] = [
  { name: 'cells', type: 'string', value: 'A,B,…', help: `cells to compare, comma-separated (default ${NOTEBOOK_COMPARISON.join(',')})` },
  ...TRAINING_OPTIONS,
  { name: 'out', type: 'string', value: 'DIR', help: 'folder for compare.json, compare.csv, report.html and checkpoints (default runs/compare-<time>)' },
  JSON_OPTION,
  QUIET_OPTION,
];

export const name = 'compare';
export const summary = "the notebook's comparison: naive, built-in, simple RNN and fused cells on the same data";
export const usage = `Usage: lstm-lab compare [options]

Trains each cell in turn on the same corpus, split, batch order and seed, then prints the
notebook's results table and writes DIR/compare.json, DIR/compare.csv and DIR/report.html
(loss charts; open it in a browser). Ctrl-C stops the current run and skips the rest.

Options:
${formatOptions(OPTIONS)}

Example: lstm-lab compare --max-batches 20 --seq-len 100`;

function cellsOf(value: unknown): CellKind[] {
  if (value === undefined) return [...NOTEBOOK_COMPARISON];
  const known = cellKinds();
  const cells = String(value).split(',').map((c) => c.trim()).filter((c) => c !== '');
  for (const cell of cells) if (!known.includes(cell as CellKind)) throw new UsageError(`--cells: unknown cell "${cell}"; known cells: ${known.join(', ')}.`);
  if (cells.length === 0) throw new UsageError('--cells needs at least one cell.');
  return cells as CellKind[];
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs(argv, OPTIONS);
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}".`);
  const cells = cellsOf(values['cells']);
  checkTrainSettings(trainConfigOf(values, cells[0]!));
  const json = values['json'] === true;
  const bar = new ProgressBar(process.stderr, values['quiet'] !== true);
  const backend = await initBackend(backendPreferenceOf(values));
  const out = path.resolve(String(values['out'] ?? path.join('runs', `compare-${timestampForPath()}`)));
  fs.mkdirSync(out, { recursive: true });
  bar.line(`lstm-lab compare: ${cells.join(', ')} on the ${backend} backend → ${out}`);
  const interrupt = interruptController(() => bar.line('Stopping after this batch; the remaining cells are skipped (Ctrl-C again to quit now)…'));
  const runs: { result: TrainResult; batches: BatchProgress[] }[] = [];
  try {
    for (const cell of cells) {
      if (interrupt.interrupted()) break;
      const config = trainConfigOf(values, cell);
      const batches: BatchProgress[] = [];
      const report = trainProgress(bar, cell, config.epochs);
      const result = await train(config, {
        signal: interrupt.signal,
        checkpointDir: path.join(out, 'checkpoints', cell),
        onEvent: (event) => {
          if (event.type === 'progress') batches.push(event.progress);
          report(event);
        },
      });
      if (result.reason) bar.line(`${cell}: ${result.status}: ${result.reason}`);
      runs.push({ result, batches });
    }
  } finally {
    interrupt.dispose();
  }
  bar.clear();
  const results = runs.map((r) => r.result);
  const summary = { backend, runs: results.map(trainJson) };
  fs.writeFileSync(path.join(out, 'compare.json'), JSON.stringify(summary, null, 2) + '\n');
  fs.writeFileSync(path.join(out, 'compare.csv'), resultsCsv(results));
  const first = results[0];
  const subtitle = first
    ? `${first.corpus.name}: ${first.corpus.chars.toLocaleString('en-US')} characters, seqLen ${first.config.seqLen}, batch ${first.config.batchSize}, hidden ${first.config.hiddenSize}, embedding ${first.config.embeddingSize}, lr ${first.config.learningRate}, seed ${first.config.seed}${first.config.maxBatches ? `, at most ${first.config.maxBatches} batches per epoch` : ''}; backend ${backend}.`
    : `backend ${backend}`;
  fs.writeFileSync(path.join(out, 'report.html'), htmlReport({ title: 'LSTM Lab — cell comparison', subtitle, runs }));
  const losses = new Map(runs.filter((r) => r.batches.length > 0).map((r) => [r.result, { first: r.batches[0]!.loss, last: r.batches[r.batches.length - 1]!.loss }] as const));
  if (json) printJson(summary);
  else {
    process.stdout.write(`\n${resultsTable(results, losses)}\n\nbackend: ${backend} · written: ${path.join(out, 'compare.json')}, compare.csv, report.html\n`);
  }
  if (interrupt.interrupted()) return 130;
  return results.every((r) => r.status === 'done') ? 0 : 1;
}

export const verb: CliVerb = { name, summary, usage, run };

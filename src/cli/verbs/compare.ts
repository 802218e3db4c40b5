// lstm-lab compare: the notebook's comparison — naive-lstm, builtin-lstm, simple-rnn and
// fused-lstm trained on the same data with the same seed — as a table, JSON, CSV and an
// HTML report with the loss charts.
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initBackend } from '../../engine/backend';
import { cellKinds } from '../../engine/cells/registry';
import { SEED_NOTEBOOK_COMPARISON } from '../../shared/catalog';
import { InputError } from '../../engine/errors';
import { train, type TrainEvent } from '../../engine/trainer';
import type { BatchProgress, CellKind, TrainResult } from '../../shared/types';
import { cliEntry } from '../child';
import { checkOutputFolder } from './train';
import {
  backendPreferenceOf,
  checkTrainSettings,
  FORCE_OPTION,
  formatOptions,
  interruptController,
  JSON_OPTION,
  parseArgs,
  printJson,
  QUIET_OPTION,
  timestampForPath,
  trainConfigOf,
  TRAINING_OPTIONS,
  UsageError,
  type CliVerb,
  type OptionSpec,
  type OptionValues,
} from '../args';
import { ProgressBar, trainProgress } from '../progress';
import { htmlReport, resultsCsv, resultsTable, trainJson } from '../report';

const OPTIONS: OptionSpec[] = [
  { name: 'cells', type: 'string', value: 'A,B,…', help: `cells to compare, comma-separated (default ${SEED_NOTEBOOK_COMPARISON.join(',')})` },
  ...TRAINING_OPTIONS,
  { name: 'out', type: 'string', value: 'DIR', help: 'folder for compare.json, compare.csv, report.html and checkpoints (default runs/compare-<time>)' },
  FORCE_OPTION,
  JSON_OPTION,
  QUIET_OPTION,
];

export const name = 'compare';
export const summary = "the notebook's comparison: naive, built-in, simple RNN and fused cells on the same data";
export const usage = `Usage: lstm-lab compare [options]

Trains each cell in turn on the same corpus, split, batch order and seed, then prints the
notebook's results table and writes DIR/compare.json, DIR/compare.csv and DIR/report.html
(loss charts; open it in a browser). Each cell trains in a process of its own, so its peak
memory (peak RSS) is its own. Ctrl-C stops the current run and skips the rest.

Options:
${formatOptions(OPTIONS)}

Example: lstm-lab compare --max-batches 20 --seq-len 100`;

function cellsOf(value: unknown): CellKind[] {
  if (value === undefined) return [...SEED_NOTEBOOK_COMPARISON];
  const known = cellKinds();
  const cells = String(value)
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '');
  for (const cell of cells) if (!known.includes(cell as CellKind)) throw new UsageError(`--cells: unknown cell "${cell}"; known cells: ${known.join(', ')}.`);
  if (cells.length === 0) throw new UsageError('--cells needs at least one cell.');
  return cells as CellKind[];
}

/** Internal: a child process trains this one cell and reports over IPC (so its peak memory is its own). */
const CHILD_OPTION: OptionSpec = { name: 'child-cell', type: 'string', value: 'KIND', help: '(internal) train one cell and report to the parent' };

type ChildMessage = { type: 'event'; event: TrainEvent } | { type: 'result'; result: TrainResult } | { type: 'error'; message: string; input: boolean };

type CellRun = { result: TrainResult; batches: BatchProgress[] };

function checkpointDirOf(out: string, cell: CellKind): string {
  return path.join(out, 'checkpoints', cell);
}

/** The child's side: trains one cell, sends every event and the result; Ctrl-C (or the parent) stops it after a batch. */
async function runChildCell(values: OptionValues, cell: CellKind, out: string): Promise<number> {
  const send = (message: ChildMessage) => new Promise<void>((resolve) => (process.send ? process.send(message, () => resolve()) : resolve()));
  const controller = new AbortController();
  const stop = () => controller.abort();
  const orphaned = () => process.exit(130); // the parent quit (a second Ctrl-C)
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('disconnect', orphaned);
  try {
    await initBackend(backendPreferenceOf(values));
    const result = await train(trainConfigOf(values, cell), { signal: controller.signal, checkpointDir: checkpointDirOf(out, cell), onEvent: (event) => void send({ type: 'event', event }) });
    await send({ type: 'result', result });
  } catch (error) {
    await send({ type: 'error', message: error instanceof Error ? error.message : String(error), input: error instanceof InputError });
  } finally {
    process.off('disconnect', orphaned);
    process.disconnect?.();
  }
  return 0;
}

/** The parent's side: one child per cell, its events relayed to the progress display. */
function trainInChild(entry: string, argv: string[], cell: CellKind, out: string, onEvent: (event: TrainEvent) => void, onChild: (child: ChildProcess | undefined) => void): Promise<TrainResult> {
  return new Promise((resolve, reject) => {
    const child = fork(entry, ['compare', ...argv, '--out', out, '--child-cell', cell], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    onChild(child);
    let settled = false;
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'event') return onEvent(message.event);
      settled = true;
      if (message.type === 'result') resolve(message.result);
      else reject(message.input ? new InputError(message.message) : new Error(message.message));
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      onChild(undefined);
      if (!settled) reject(new Error(`training ${cell} stopped without a result (its process exited with ${signal ?? `code ${code}`}).`));
    });
  });
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs(argv, [...OPTIONS, CHILD_OPTION]);
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}".`);
  const out = path.resolve(String(values['out'] ?? path.join('runs', `compare-${timestampForPath()}`)));
  if (values['child-cell'] !== undefined) return runChildCell(values, values['child-cell'] as CellKind, out);
  const cells = cellsOf(values['cells']);
  checkTrainSettings(trainConfigOf(values, cells[0]!));
  for (const cell of cells) checkOutputFolder(checkpointDirOf(out, cell), values['force'] === true, `--out ${out}: its checkpoint folder`);
  const json = values['json'] === true;
  const bar = new ProgressBar(process.stderr, values['quiet'] !== true);
  // Each cell trains in a process of its own (when this is the CLI), so its peak memory is its own.
  const entry = cliEntry();
  const backend = await initBackend(backendPreferenceOf(values));
  bar.line(`lstm-lab compare: ${cells.join(', ')} on the ${backend} backend${entry ? ', one process per cell' : ''} → ${out}`);
  let child: ChildProcess | undefined;
  const interrupt = interruptController(() => {
    bar.line('Stopping after this batch; the remaining cells are skipped (Ctrl-C again to quit now)…');
    child?.kill('SIGINT');
  });
  const runs: CellRun[] = [];
  try {
    for (const cell of cells) {
      if (interrupt.interrupted()) break;
      const config = trainConfigOf(values, cell);
      const batches: BatchProgress[] = [];
      const report = trainProgress(bar, cell, config.epochs);
      const onEvent = (event: TrainEvent) => {
        if (event.type === 'progress') batches.push(event.progress);
        report(event);
      };
      const result = entry
        ? await trainInChild(entry, argv, cell, out, onEvent, (running) => (child = running))
        : await train(config, { signal: interrupt.signal, checkpointDir: checkpointDirOf(out, cell), onEvent });
      if (result.reason) {
        // Why a run stopped is not progress: on stderr even with --quiet.
        bar.clear();
        process.stderr.write(`lstm-lab compare: ${cell} ${result.status}: ${result.reason}\n`);
      }
      runs.push({ result, batches });
    }
  } finally {
    interrupt.dispose();
  }
  bar.clear();
  const results = runs.map((r) => r.result);
  const summary = { backend, runs: results.map(trainJson) };
  fs.mkdirSync(out, { recursive: true });
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
    process.stdout.write(
      `\n${resultsTable(results, losses)}\n\nbackend: ${backend} · written: ${path.join(out, 'compare.json')}, compare.csv, report.html; checkpoints (for sample, inspect, probe --checkpoint, train --resume) in ${path.join(out, 'checkpoints', '<cell>')}\n`,
    );
  }
  if (interrupt.interrupted()) return 130;
  return results.every((r) => r.status === 'done') ? 0 : 1;
}

export const verb: CliVerb = { name, summary, usage, run };

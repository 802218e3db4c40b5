// lstm-lab train: one training run of the notebook's language model.
import * as path from 'node:path';
import { initBackend } from '../../engine/backend';
import { cellKinds } from '../../engine/cells/registry';
import { train } from '../../engine/trainer';
import type { CellKind } from '../../engine/types';
import { backendPreferenceOf, checkTrainSettings, formatOptions, interruptController, JSON_OPTION, parseArgs, printJson, QUIET_OPTION, threadsOf, THREADS_OPTION, timestampForPath, trainConfigOf, TRAINING_OPTIONS, UsageError, type CliVerb, type OptionSpec } from '../args';
import { ProgressBar, trainProgress } from '../progress';
import { resultsTable, trainJson } from '../report';

const OPTIONS: OptionSpec[] = [
  { name: 'cell', type: 'string', value: 'KIND', help: 'cell to train (default naive-lstm)', choices: cellKinds() },
  ...TRAINING_OPTIONS,
  THREADS_OPTION,
  { name: 'out', type: 'string', value: 'DIR', help: 'checkpoint folder (default runs/train-<cell>-<time>)' },
  { name: 'resume', type: 'string', value: 'DIR', help: 'continue from this checkpoint folder' },
  JSON_OPTION,
  QUIET_OPTION,
];

export const name = 'train';
export const summary = "train the notebook's character language model with one cell";
export const usage = `Usage: lstm-lab train [--cell KIND] [options]

Trains embedding → cell → linear on the Brown corpus (or --corpus PATH) with Adam, prints
progress on stderr and the notebook's results table at the end. Ctrl-C stops after the
current batch and keeps the results and a checkpoint (resume with --resume DIR).

Options:
${formatOptions(OPTIONS)}

Example: lstm-lab train --cell fused-lstm --max-batches 20 --seq-len 100`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs(argv, OPTIONS);
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}".`);
  const cell = (values['cell'] as CellKind | undefined) ?? 'naive-lstm';
  const config = trainConfigOf(values, cell);
  const threads = threadsOf(values);
  checkTrainSettings(config);
  const json = values['json'] === true;
  const bar = new ProgressBar(process.stderr, values['quiet'] !== true);
  const backend = await initBackend(backendPreferenceOf(values));
  bar.line(`lstm-lab train: ${cell} on the ${backend} backend`);
  const out = path.resolve(String(values['out'] ?? path.join('runs', `train-${cell}-${timestampForPath()}`)));
  const interrupt = interruptController(() => bar.line('Stopping after this batch (Ctrl-C again to quit now)…'));
  try {
    const result = await train(config, {
      signal: interrupt.signal,
      ...(threads ? { threads } : {}),
      checkpointDir: out,
      ...(values['resume'] ? { resumeFrom: path.resolve(String(values['resume'])) } : {}),
      onEvent: trainProgress(bar, cell, config.epochs),
    });
    bar.clear();
    if (json) printJson(trainJson(result));
    else {
      process.stdout.write(`\n${resultsTable([result])}\n\nbackend: ${result.backend}${result.compute ? ` · computed by ${result.compute.description}` : ''} · checkpoint: ${result.checkpoint ?? 'none'}\n`);
      if (result.reason) process.stdout.write(`${result.status}: ${result.reason}\n`);
    }
    return result.status === 'done' ? 0 : result.status === 'cancelled' ? 130 : 1;
  } finally {
    interrupt.dispose();
  }
}

export const verb: CliVerb = { name, summary, usage, run };

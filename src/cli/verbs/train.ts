// lstm-lab train: one training run of the notebook's language model, or the continuation of
// one (--resume), which takes the checkpoint's settings unless told otherwise.
import * as path from 'node:path';
import { initBackend } from '../../engine/backend';
import { cellKinds } from '../../engine/cells/registry';
import { hasCheckpoint, loadCheckpoint, type Checkpoint } from '../../engine/checkpoint';
import { train } from '../../engine/trainer';
import type { CellKind, TrainConfig } from '../../shared/types';
import {
  backendPreferenceOf,
  checkTrainSettings,
  refuseForgetGateFlags,
  FORCE_OPTION,
  formatOptions,
  interruptController,
  JSON_OPTION,
  parseArgs,
  printJson,
  QUIET_OPTION,
  threadsOf,
  THREADS_OPTION,
  timestampForPath,
  trainConfigOf,
  TRAINING_OPTIONS,
  UsageError,
  type CliVerb,
  type OptionSpec,
  type OptionValues,
} from '../args';
import { ProgressBar, trainProgress } from '../progress';
import { resultsTable, trainJson } from '../report';

const OPTIONS: OptionSpec[] = [
  { name: 'cell', type: 'string', value: 'KIND', help: "cell to train (default naive-lstm; resuming, the checkpoint's)", choices: cellKinds() },
  ...TRAINING_OPTIONS,
  THREADS_OPTION,
  { name: 'out', type: 'string', value: 'DIR', help: 'checkpoint folder (default runs/train-<cell>-<time>)' },
  { name: 'resume', type: 'string', value: 'DIR', help: 'continue from this checkpoint folder, with its settings (--epochs, --max-batches and --lr may change)' },
  FORCE_OPTION,
  JSON_OPTION,
  QUIET_OPTION,
];

export const name = 'train';
export const summary = "train the notebook's character language model with one cell";
export const usage = `Usage: lstm-lab train [--cell KIND] [options]
       lstm-lab train --resume DIR [--epochs N] [--out DIR]

Trains embedding → cell → linear on the Brown corpus (or --corpus PATH) with Adam, prints
progress on stderr and the notebook's results table at the end. Ctrl-C stops after the
current batch and keeps the results and a checkpoint (continue it with --resume DIR).
A resumed run keeps the checkpoint's cell, sizes, text, sequence length, batch size and
seed; --epochs counts the epochs in all (give more than it has done). A folder that already
holds a checkpoint is never replaced without --force.

Options:
${formatOptions(OPTIONS)}

Examples: lstm-lab train --cell fused-lstm --max-batches 20 --seq-len 100
          lstm-lab train --resume runs/train-fused-lstm-… --epochs 2`;

/** Settings a resumed run must share with its checkpoint: flag → the config key it sets. */
const FIXED_ON_RESUME: readonly [string, keyof TrainConfig][] = [
  ['cell', 'cell'],
  ['hidden', 'hiddenSize'],
  ['embedding', 'embeddingSize'],
  ['no-forget-gate', 'forgetGate'],
  ['forget-bias', 'forgetBias'],
  ['seq-len', 'seqLen'],
  ['batch-size', 'batchSize'],
  ['val-fraction', 'valFraction'],
  ['seed', 'seed'],
  ['corpus', 'corpus'],
];

const shown = (value: unknown) => (typeof value === 'object' && value !== null && 'kind' in value ? ((value as { path?: string }).path ?? String((value as { kind: string }).kind)) : String(value));

/** The checkpoint's configuration with the flags that may change; refuses the ones that may not. */
export function resumeConfig(values: OptionValues, checkpoint: Checkpoint): { config: TrainConfig; notes: string[] } {
  const saved = checkpoint.config;
  const config = trainConfigOf(values, (values['cell'] as CellKind | undefined) ?? saved.cell, saved);
  const conflicts = FIXED_ON_RESUME.filter(([flag, key]) => values[flag] !== undefined && JSON.stringify(config[key]) !== JSON.stringify(saved[key])).map(([flag, key]) =>
    `--${flag} ${flag === 'no-forget-gate' ? '' : `${shown(config[key])} `}(the checkpoint has ${key} ${shown(saved[key])})`.replace('  ', ' '),
  );
  if (conflicts.length > 0) {
    throw new UsageError(`a resumed run keeps its checkpoint's settings, and these differ: ${conflicts.join('; ')}. Leave them out to continue the run, or start a new run without --resume.`);
  }
  const done = checkpoint.position.completedEpochs;
  if (checkpoint.position.batchesIntoEpoch === 0 && config.epochs <= done) {
    throw new UsageError(`the checkpoint has already trained ${done} epoch${done === 1 ? '' : 's'}; give --epochs ${done + 1} or more to train further.`);
  }
  const notes: string[] = [];
  for (const [flag, key] of [
    ['lr', 'learningRate'],
    ['max-batches', 'maxBatches'],
    ['epochs', 'epochs'],
  ] as const) {
    if (values[flag] !== undefined && config[key] !== saved[key]) notes.push(`--${flag} ${String(config[key])} (the checkpoint had ${String(saved[key] ?? 'none')})`);
  }
  return { config, notes };
}

/** Refuses to write into a folder holding a checkpoint unless --force. */
export function checkOutputFolder(out: string, force: boolean, what = '--out'): void {
  if (!force && hasCheckpoint(out)) throw new UsageError(`${what} ${out} already holds a checkpoint; choose another folder, or add --force to replace it.`);
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs(argv, OPTIONS);
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}".`);
  const resumeFrom = values['resume'] === undefined ? undefined : path.resolve(String(values['resume']));
  const resumed = resumeFrom ? resumeConfig(values, loadCheckpoint(resumeFrom)) : undefined;
  const config = resumed?.config ?? trainConfigOf(values, (values['cell'] as CellKind | undefined) ?? 'naive-lstm');
  const cell = config.cell;
  refuseForgetGateFlags(values, cell);
  checkTrainSettings(config);
  const threads = threadsOf(values);
  const out = path.resolve(String(values['out'] ?? path.join('runs', `train-${cell}-${timestampForPath()}`)));
  checkOutputFolder(out, values['force'] === true);
  const json = values['json'] === true;
  const bar = new ProgressBar(process.stderr, values['quiet'] !== true);
  const backend = await initBackend(backendPreferenceOf(values));
  bar.line(`lstm-lab train: ${cell} on the ${backend} backend${resumeFrom ? `, resuming ${resumeFrom}` : ''} → ${out}`);
  for (const note of resumed?.notes ?? []) bar.line(`  changed on resume: ${note}`);
  const interrupt = interruptController(() => bar.line('Stopping after this batch (Ctrl-C again to quit now)…'));
  try {
    const result = await train(config, {
      signal: interrupt.signal,
      ...(threads ? { threads } : {}),
      checkpointDir: out,
      ...(resumeFrom ? { resumeFrom } : {}),
      onEvent: trainProgress(bar, cell, config.epochs),
    });
    bar.clear();
    if (json) printJson(trainJson(result));
    else {
      process.stdout.write(
        `\n${resultsTable([result])}\n\nbackend: ${result.backend}${result.compute ? ` · computed by ${result.compute.description}` : ''} · checkpoint: ${result.checkpoint ?? 'none'}\n`,
      );
      if (result.reason) process.stderr.write(`lstm-lab train: ${result.status}: ${result.reason}\n`);
    }
    return result.status === 'done' ? 0 : result.status === 'cancelled' ? 130 : 1;
  } finally {
    interrupt.dispose();
  }
}

export const verb: CliVerb = { name, summary, usage, run };

// lstm-lab sample: generate text from a trained checkpoint.
import * as path from 'node:path';
import { initBackend } from '../../engine/backend';
import { loadCheckpoint } from '../../engine/checkpoint';
import { primeChanges, sample, validateSampleConfig } from '../../engine/sampler';
import type { SampleConfig } from '../../shared/types';
import { BACKEND_OPTION, backendPreferenceOf, formatOptions, JSON_OPTION, parseArgs, printJson, QUIET_OPTION, UsageError, type CliVerb, type OptionSpec } from '../args';

const OPTIONS: OptionSpec[] = [
  { name: 'checkpoint', type: 'string', value: 'DIR', help: 'checkpoint folder written by train or compare (required)' },
  { name: 'length', type: 'integer', value: 'N', help: 'characters to generate (default 300)' },
  { name: 'temperature', type: 'number', value: 'T', help: 'sampling temperature: 0 = most likely character, 1 = the model (default 0.8)' },
  { name: 'prime', type: 'string', value: 'TEXT', help: 'text to start from (default none)', freeText: true },
  { name: 'seed', type: 'integer', value: 'N', help: 'seed of the sampling (default 0)' },
  BACKEND_OPTION,
  JSON_OPTION,
  QUIET_OPTION,
];

export const name = 'sample';
export const summary = 'generate text from a checkpoint';
export const usage = `Usage: lstm-lab sample --checkpoint DIR [options]

Runs the priming text through the trained model, then draws each next character from
softmax(logits / temperature). Prints the priming text followed by the generated text on
stdout; which model and backend ran, and what the model changed in the prime (it reads
lower-cased text; characters it never saw are read as "unknown"), on stderr.

Options:
${formatOptions(OPTIONS)}

Example: lstm-lab sample --checkpoint runs/train-naive-lstm-… --prime "the jury " --length 200`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs(argv, OPTIONS);
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}".`);
  if (values['checkpoint'] === undefined) throw new UsageError('--checkpoint DIR is required (a folder written by lstm-lab train).');
  const config: SampleConfig = {
    checkpoint: path.resolve(String(values['checkpoint'])),
    length: values['length'] === undefined ? 300 : Number(values['length']),
    temperature: values['temperature'] === undefined ? 0.8 : Number(values['temperature']),
    prime: values['prime'] === undefined ? '' : String(values['prime']),
    seed: values['seed'] === undefined ? 0 : Number(values['seed']),
  };
  const problems = validateSampleConfig(config);
  if (problems.length > 0) throw new UsageError(`Invalid settings:\n- ${problems.join('\n- ')}`);
  const backend = await initBackend(backendPreferenceOf(values));
  const checkpoint = loadCheckpoint(config.checkpoint);
  const { lowerCased, unknown } = primeChanges(config.prime, checkpoint.vocab);
  const notes = [
    ...(lowerCased ? ['the model reads the prime lower-cased, as it was trained'] : []),
    ...(unknown.length > 0
      ? [
          `${unknown.length} of the prime's characters ${unknown.length === 1 ? 'is' : 'are'} not in the model's vocabulary and are read as "unknown": ${unknown.map((c) => JSON.stringify(c)).join(' ')}`,
        ]
      : []),
  ];
  if (values['quiet'] !== true) {
    process.stderr.write(`lstm-lab sample: ${checkpoint.cell.kind} from ${config.checkpoint} on the ${backend} backend, temperature ${config.temperature}, seed ${config.seed}\n`);
    for (const note of notes) process.stderr.write(`lstm-lab sample: note: ${note}\n`);
  }
  const text = await sample(config, checkpoint);
  const generated = text.slice(config.prime.length);
  if (values['json'] === true)
    printJson({
      backend,
      checkpoint: config.checkpoint,
      cell: checkpoint.cell.kind,
      prime: config.prime,
      temperature: config.temperature,
      length: config.length,
      seed: config.seed,
      generated,
      text,
      notes,
    });
  else process.stdout.write(text + '\n');
  return 0;
}

export const verb: CliVerb = { name, summary, usage, run };

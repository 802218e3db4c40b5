// A small, strict command-line option parser shared by the verbs: every option is declared
// (name, type, help); unknown options, missing or malformed values are usage errors (exit 2).
import * as path from 'node:path';
import type { BackendPreference, CorpusSpec, TrainConfig } from '../engine/types';
import { NOTEBOOK_TRAIN_CONFIG } from '../engine/types';
import { machineMemoryLimitMB, memoryProblem, validateTrainConfig } from '../engine/validate';

export type OptionType = 'string' | 'number' | 'integer' | 'boolean';

export interface OptionSpec {
  /** Without the leading dashes, e.g. "seq-len". */
  name: string;
  type: OptionType;
  /** Placeholder shown in the usage, e.g. "N", "DIR". */
  value?: string;
  help: string;
  /** Accepted values (strings only). */
  choices?: readonly string[];
}

export type OptionValues = Record<string, string | number | boolean | undefined>;

/** A mistake in how the command was called: main prints it with the verb's usage and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface ParsedArgs {
  values: OptionValues;
  positionals: string[];
}

export function parseArgs(argv: readonly string[], specs: readonly OptionSpec[]): ParsedArgs {
  const byName = new Map(specs.map((spec) => [spec.name, spec] as const));
  const values: OptionValues = {};
  const positionals: string[] = [];
  for (let k = 0; k < argv.length; k++) {
    const token = argv[k]!;
    if (token === '--') {
      positionals.push(...argv.slice(k + 1));
      break;
    }
    if (!token.startsWith('--')) {
      if (token.startsWith('-') && token.length > 1 && !/^-\d/.test(token)) throw new UsageError(`Unknown option ${token}. Options are written --name (e.g. --seq-len 100).`);
      positionals.push(token);
      continue;
    }
    const equals = token.indexOf('=');
    const name = token.slice(2, equals === -1 ? undefined : equals);
    const spec = byName.get(name);
    if (!spec) throw new UsageError(`Unknown option --${name}.`);
    if (spec.type === 'boolean') {
      if (equals !== -1) throw new UsageError(`--${name} is a switch and takes no value.`);
      values[name] = true;
      continue;
    }
    let raw: string | undefined;
    if (equals !== -1) raw = token.slice(equals + 1);
    else {
      raw = argv[k + 1];
      // A value may start with '-' only when it is a number (--forget-bias -1).
      if (raw === undefined || (raw.startsWith('--') && !/^--?\d/.test(raw))) throw new UsageError(`--${name} needs a value (${spec.value ?? spec.type}).`);
      k++;
    }
    values[name] = convert(spec, raw);
  }
  return { values, positionals };
}

function convert(spec: OptionSpec, raw: string): string | number {
  if (spec.type === 'string') {
    if (raw === '') throw new UsageError(`--${spec.name} needs a non-empty value.`);
    if (spec.choices && !spec.choices.includes(raw)) throw new UsageError(`--${spec.name} must be one of ${spec.choices.join(', ')}; got "${raw}".`);
    return raw;
  }
  const value = Number(raw);
  if (raw.trim() === '' || Number.isNaN(value)) throw new UsageError(`--${spec.name} must be a number; got "${raw}".`);
  if (!Number.isFinite(value)) throw new UsageError(`--${spec.name} must be a finite number; got "${raw}".`);
  if (spec.type === 'integer' && !Number.isInteger(value)) throw new UsageError(`--${spec.name} must be a whole number; got "${raw}".`);
  return value;
}

/** The option list of a usage text, one line per option. */
export function formatOptions(specs: readonly OptionSpec[]): string {
  const left = specs.map((spec) => `  --${spec.name}${spec.type === 'boolean' ? '' : ` ${spec.value ?? spec.type.toUpperCase()}`}`);
  const width = Math.max(...left.map((l) => l.length)) + 2;
  return specs.map((spec, k) => `${left[k]!.padEnd(width)}${spec.help}${spec.choices ? ` (${spec.choices.join('|')})` : ''}`).join('\n');
}

// ───────────── options shared by the verbs that train or probe ─────────────

export const BACKEND_OPTION: OptionSpec = { name: 'backend', type: 'string', value: 'NAME', help: 'TF.js backend to use (default auto: native, else wasm, else cpu)', choices: ['auto', 'native', 'tensorflow', 'wasm', 'cpu'] };
export const JSON_OPTION: OptionSpec = { name: 'json', type: 'boolean', help: 'print exactly one JSON object on stdout (progress still goes to stderr)' };
export const QUIET_OPTION: OptionSpec = { name: 'quiet', type: 'boolean', help: 'no progress on stderr' };
export const CORPUS_OPTION: OptionSpec = { name: 'corpus', type: 'string', value: 'brown|PATH', help: 'the Brown corpus (default) or a UTF-8 text file' };
export const SEED_OPTION: OptionSpec = { name: 'seed', type: 'integer', value: 'N', help: `seed for the split, batch order and initial weights (default ${NOTEBOOK_TRAIN_CONFIG.seed})` };

export const TRAINING_OPTIONS: readonly OptionSpec[] = [
  { name: 'no-forget-gate', type: 'boolean', help: 'LSTMs: the 1997 LSTM without a forget gate (c = c + i⊙g)' },
  { name: 'forget-bias', type: 'number', value: 'B', help: 'LSTMs: initial forget-gate bias b_f (default 0)' },
  CORPUS_OPTION,
  { name: 'epochs', type: 'integer', value: 'N', help: `epochs (default ${NOTEBOOK_TRAIN_CONFIG.epochs})` },
  { name: 'max-batches', type: 'integer', value: 'N', help: 'cap on training batches per epoch, for quick runs (validation is capped in proportion)' },
  { name: 'seq-len', type: 'integer', value: 'T', help: `characters per instance (default ${NOTEBOOK_TRAIN_CONFIG.seqLen})` },
  { name: 'batch-size', type: 'integer', value: 'B', help: `instances per batch (default ${NOTEBOOK_TRAIN_CONFIG.batchSize})` },
  { name: 'hidden', type: 'integer', value: 'H', help: `hidden size (default ${NOTEBOOK_TRAIN_CONFIG.hiddenSize})` },
  { name: 'embedding', type: 'integer', value: 'E', help: `embedding size (default ${NOTEBOOK_TRAIN_CONFIG.embeddingSize})` },
  { name: 'lr', type: 'number', value: 'RATE', help: `Adam learning rate (default ${NOTEBOOK_TRAIN_CONFIG.learningRate})` },
  { name: 'val-fraction', type: 'number', value: 'F', help: `fraction held out for validation (default ${NOTEBOOK_TRAIN_CONFIG.valFraction})` },
  SEED_OPTION,
  BACKEND_OPTION,
];

export function corpusSpecOf(values: OptionValues): CorpusSpec {
  const corpus = values['corpus'];
  return corpus === undefined || corpus === 'brown' ? { kind: 'brown' } : { kind: 'file', path: path.resolve(String(corpus)) };
}

export function backendPreferenceOf(values: OptionValues): BackendPreference {
  const backend = values['backend'];
  if (backend === undefined) return 'auto';
  return backend === 'tensorflow' ? 'native' : (backend as BackendPreference);
}

/** A TrainConfig from the notebook's defaults and the options given. */
export function trainConfigOf(values: OptionValues, cell: TrainConfig['cell']): TrainConfig {
  const number = (name: string, fallback: number) => (values[name] === undefined ? fallback : Number(values[name]));
  const config: TrainConfig = {
    ...NOTEBOOK_TRAIN_CONFIG,
    cell,
    forgetGate: values['no-forget-gate'] !== true,
    forgetBias: number('forget-bias', NOTEBOOK_TRAIN_CONFIG.forgetBias),
    epochs: number('epochs', NOTEBOOK_TRAIN_CONFIG.epochs),
    seqLen: number('seq-len', NOTEBOOK_TRAIN_CONFIG.seqLen),
    batchSize: number('batch-size', NOTEBOOK_TRAIN_CONFIG.batchSize),
    hiddenSize: number('hidden', NOTEBOOK_TRAIN_CONFIG.hiddenSize),
    embeddingSize: number('embedding', NOTEBOOK_TRAIN_CONFIG.embeddingSize),
    learningRate: number('lr', NOTEBOOK_TRAIN_CONFIG.learningRate),
    valFraction: number('val-fraction', NOTEBOOK_TRAIN_CONFIG.valFraction),
    seed: number('seed', NOTEBOOK_TRAIN_CONFIG.seed),
    corpus: corpusSpecOf(values),
  };
  if (values['max-batches'] !== undefined) config.maxBatches = Number(values['max-batches']);
  return config;
}

// ───────────── the verb contract (main.ts dispatches through a table of these) ─────────────

export interface CliVerb {
  name: string;
  /** One line for the verb list. */
  summary: string;
  /** The full usage text printed by --help and after a usage error. */
  usage: string;
  /** Runs the verb; resolves with the process exit code (0 ok, 1 failed, 2 usage, 130 interrupted). */
  run(argv: string[]): Promise<number>;
}

/** Writes the one JSON object of --json on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2) + '\n');
}

/** A timestamp usable in folder names: 20261129-125301. */
export function timestampForPath(date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}-${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`;
}

/**
 * An AbortController that the first Ctrl-C (SIGINT) or SIGTERM aborts, so a run stops between
 * batches and keeps its results; a second Ctrl-C exits at once. Call dispose() when done.
 */
export function interruptController(onFirst?: () => void): { signal: AbortSignal; dispose(): void; interrupted(): boolean } {
  const controller = new AbortController();
  const handler = () => {
    if (controller.signal.aborted) process.exit(130);
    onFirst?.();
    controller.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    interrupted: () => controller.signal.aborted,
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

const FLAG_OF_SETTING: Record<string, string> = {
  seqLen: '--seq-len',
  batchSize: '--batch-size',
  hiddenSize: '--hidden',
  embeddingSize: '--embedding',
  learningRate: '--lr',
  valFraction: '--val-fraction',
  maxBatches: '--max-batches',
  forgetBias: '--forget-bias',
  epochs: '--epochs',
  seed: '--seed',
};

/** "seqLen must be …" → "--seq-len (seqLen) must be …", so a CLI user sees the option to change. */
/**
 * Refuses (exit 2) a training configuration the engine would refuse, or one whose memory
 * estimate exceeds what this machine can give, before TF.js starts.
 */
export function checkTrainSettings(config: TrainConfig, memoryLimitMB = machineMemoryLimitMB()): void {
  const problems = validateTrainConfig(config).map(withFlagName);
  if (problems.length === 0) {
    const memory = memoryProblem(config, memoryLimitMB, { batchSize: '--batch-size', seqLen: '--seq-len', hiddenSize: '--hidden' });
    if (memory) problems.push(memory);
  }
  if (problems.length > 0) throw new UsageError(`Invalid settings:\n- ${problems.join('\n- ')}`);
}

export function withFlagName(problem: string): string {
  const setting = /^(\w+)/.exec(problem)?.[1];
  const flag = setting ? FLAG_OF_SETTING[setting] : undefined;
  return flag ? `${flag} (${setting})${problem.slice(setting!.length)}` : problem;
}

// Command-line options for the verbs, on Node's util.parseArgs: every option is declared (name,
// type, help); on top of parseArgs we add typed conversion (numbers, whole numbers, choices),
// "did you mean" for unknown options, --help anywhere (but not as an option's value: `--prime -h`
// is a prime), and negative numbers as values (`--forget-bias -1`). Every mistake is a
// UsageError (exit 2).
import * as path from 'node:path';
import { parseArgs as nodeParseArgs } from 'node:util';
import type { BackendPreference, CorpusSpec, TrainConfig } from '../shared/types';
import { SEED_NOTEBOOK_TRAIN_CONFIG } from '../shared/types';
import { hasForgetGate, type CellKind } from '../shared/catalog';
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
  /** Free text (a prime, a text to read): its value may start with a dash, e.g. --prime "-h". */
  freeText?: boolean;
}

export type OptionValues = Record<string, string | number | boolean | undefined>;

/** A mistake in how the command was called: main prints it with a pointer to --help and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Thrown by parseArgs when --help or -h is given as an option: main prints the verb's usage. */
export class HelpRequested extends Error {
  override name = 'HelpRequested';
}

export interface ParsedArgs {
  values: OptionValues;
  positionals: string[];
}

const NUMBER_PATTERN = /^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/** Edit distance counting a swap of two neighbours as one edit (trian → train), for "did you mean". */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** The word of `known` a mistyped `word` most likely meant, if one is close. */
export function closestWord(word: string, known: readonly string[]): string | undefined {
  let best: { word: string; distance: number } | undefined;
  for (const candidate of known) {
    const prefix = word.length >= 3 && (candidate.startsWith(word) || word.startsWith(candidate));
    const d = prefix ? 1 : distance(word, candidate);
    if (!best || d < best.distance) best = { word: candidate, distance: d };
  }
  return best && best.distance <= Math.min(2, Math.floor(word.length / 3)) ? best.word : undefined;
}

function unknownOption(raw: string, specs: readonly OptionSpec[]): UsageError {
  const name = raw.replace(/^-+/, '').replace(/=.*$/, '');
  const guess = closestWord(
    name,
    specs.map((spec) => spec.name),
  );
  if (!raw.startsWith('--')) return new UsageError(`Unknown option ${raw}. Options are written --name (e.g. --seq-len 100)${guess ? `; did you mean --${guess}?` : '.'}`);
  return new UsageError(`Unknown option --${name}.${guess ? ` Did you mean --${guess}?` : ''}`);
}

export function parseArgs(argv: readonly string[], specs: readonly OptionSpec[]): ParsedArgs {
  const byName = new Map(specs.map((spec) => [spec.name, spec] as const));
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = { help: { type: 'boolean', short: 'h' } };
  for (const spec of specs) options[spec.name] = { type: spec.type === 'boolean' ? 'boolean' : 'string' };
  // Not strict: parseArgs then takes "-1" and "-h" as values, and we give our own messages below.
  const { tokens } = nodeParseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  if (tokens.some((token) => token.kind === 'option' && token.name === 'help')) throw new HelpRequested();
  const values: OptionValues = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value);
    if (token.kind !== 'option') continue;
    const spec = byName.get(token.name);
    if (!spec) throw unknownOption(token.rawName.startsWith('--') ? token.rawName : (argv[token.index] ?? token.rawName), specs);
    if (spec.type === 'boolean') {
      if (token.value !== undefined) throw new UsageError(`--${spec.name} is a switch and takes no value.`);
      values[spec.name] = true;
      continue;
    }
    const raw = token.value;
    // A separate value may start with a dash only when it is a number (--forget-bias -1) or free text.
    const dashed = raw !== undefined && !token.inlineValue && raw.startsWith('-') && !NUMBER_PATTERN.test(raw) && !spec.freeText;
    if (raw === undefined || dashed) throw new UsageError(`--${spec.name} needs a value (${spec.value ?? spec.type}).`);
    values[spec.name] = convert(spec, raw);
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

export const BACKEND_OPTION: OptionSpec = {
  name: 'backend',
  type: 'string',
  value: 'NAME',
  help: 'TF.js backend to use (default auto: native, else wasm, else cpu; LSTM_LAB_BACKEND sets the default)',
  choices: ['auto', 'native', 'tensorflow', 'wasm', 'cpu'],
};
export const JSON_OPTION: OptionSpec = { name: 'json', type: 'boolean', help: 'print exactly one JSON object on stdout (progress still goes to stderr)' };
export const QUIET_OPTION: OptionSpec = { name: 'quiet', type: 'boolean', help: 'no progress on stderr' };
export const CORPUS_OPTION: OptionSpec = { name: 'corpus', type: 'string', value: 'brown|PATH', help: 'the Brown corpus (default) or a UTF-8 text file' };
export const THREADS_OPTION: OptionSpec = { name: 'threads', type: 'integer', value: 'N', help: "fast-lstm: threads computing each batch on LSTM Lab's wasm kernel (default: every core)" };
/** --threads as a number, refused below 1. */
export function threadsOf(values: OptionValues): number | undefined {
  if (values['threads'] === undefined) return undefined;
  const threads = Number(values['threads']);
  if (!Number.isInteger(threads) || threads < 1) throw new UsageError(`--threads must be a whole number ≥ 1 (threads computing each batch), got ${String(values['threads'])}.`);
  return threads;
}
export const SEED_OPTION: OptionSpec = { name: 'seed', type: 'integer', value: 'N', help: `seed for the split, batch order and initial weights (default ${SEED_NOTEBOOK_TRAIN_CONFIG.seed})` };

export const TRAINING_OPTIONS: readonly OptionSpec[] = [
  { name: 'no-forget-gate', type: 'boolean', help: 'LSTMs: the 1997 LSTM without a forget gate (c = c + i⊙g)' },
  { name: 'forget-bias', type: 'number', value: 'B', help: 'LSTMs: initial forget-gate bias b_f (default 0)' },
  CORPUS_OPTION,
  { name: 'epochs', type: 'integer', value: 'N', help: `epochs (default ${SEED_NOTEBOOK_TRAIN_CONFIG.epochs})` },
  { name: 'max-batches', type: 'integer', value: 'N', help: 'cap on training batches per epoch, for quick runs (validation is capped in proportion)' },
  { name: 'seq-len', type: 'integer', value: 'T', help: `characters per instance (default ${SEED_NOTEBOOK_TRAIN_CONFIG.seqLen})` },
  { name: 'batch-size', type: 'integer', value: 'B', help: `instances per batch (default ${SEED_NOTEBOOK_TRAIN_CONFIG.batchSize})` },
  { name: 'hidden', type: 'integer', value: 'H', help: `hidden size (default ${SEED_NOTEBOOK_TRAIN_CONFIG.hiddenSize})` },
  { name: 'embedding', type: 'integer', value: 'E', help: `embedding size (default ${SEED_NOTEBOOK_TRAIN_CONFIG.embeddingSize})` },
  { name: 'lr', type: 'number', value: 'RATE', help: `Adam learning rate (default ${SEED_NOTEBOOK_TRAIN_CONFIG.learningRate})` },
  { name: 'val-fraction', type: 'number', value: 'F', help: `fraction held out for validation (default ${SEED_NOTEBOOK_TRAIN_CONFIG.valFraction})` },
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

/** A TrainConfig from the options given, the rest from `base` (the notebook's configuration, or a checkpoint's). */
export function trainConfigOf(values: OptionValues, cell: TrainConfig['cell'], base: Omit<TrainConfig, 'cell' | 'corpus'> & { corpus?: CorpusSpec } = SEED_NOTEBOOK_TRAIN_CONFIG): TrainConfig {
  const number = (name: string, fallback: number) => (values[name] === undefined ? fallback : Number(values[name]));
  const config: TrainConfig = {
    ...base,
    cell,
    forgetGate: values['no-forget-gate'] === true ? false : base.forgetGate,
    forgetBias: number('forget-bias', base.forgetBias),
    epochs: number('epochs', base.epochs),
    seqLen: number('seq-len', base.seqLen),
    batchSize: number('batch-size', base.batchSize),
    hiddenSize: number('hidden', base.hiddenSize),
    embeddingSize: number('embedding', base.embeddingSize),
    learningRate: number('lr', base.learningRate),
    valFraction: number('val-fraction', base.valFraction),
    seed: number('seed', base.seed),
    corpus: values['corpus'] === undefined && base.corpus ? base.corpus : corpusSpecOf(values),
  };
  if (values['max-batches'] !== undefined) config.maxBatches = Number(values['max-batches']);
  return config;
}

/** Refuses --forget-bias / --no-forget-gate for a cell that has no forget gate, instead of ignoring them. */
export function refuseForgetGateFlags(values: OptionValues, cell: CellKind): void {
  const given = ['forget-bias', 'no-forget-gate'].filter((name) => values[name] !== undefined).map((name) => `--${name}`);
  if (given.length > 0 && !hasForgetGate(cell)) {
    throw new UsageError(
      `${given.join(' and ')} ${given.length === 1 ? 'applies' : 'apply'} to LSTM cells; ${cell} has no forget gate. Leave ${given.length === 1 ? 'it' : 'them'} out, or choose an LSTM with --cell.`,
    );
  }
}

export const FORCE_OPTION: OptionSpec = { name: 'force', type: 'boolean', help: 'replace the results already in --out' };

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

/** "seqLen must be …" → "--seq-len (seqLen) must be …", so a CLI user sees the option to change. */
export function withFlagName(problem: string): string {
  const setting = /^(\w+)/.exec(problem)?.[1];
  const flag = setting ? FLAG_OF_SETTING[setting] : undefined;
  return flag ? `${flag} (${setting})${problem.slice(setting!.length)}` : problem;
}

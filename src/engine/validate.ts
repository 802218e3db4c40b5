// The rules a training configuration must follow, and the memory it will need — with no
// TF.js import, so the extension host (which must never load TF.js), the CLI and the
// trainer all check the same rules before any tensor exists.
import * as os from 'node:os';
import { CELL_KINDS } from '../shared/catalog';
import type { TrainConfig } from '../shared/types';

/** Every cell kind the engine knows (from the catalog, which has no TF.js). */
export const TRAIN_CELL_KINDS: readonly string[] = CELL_KINDS;

/** Every problem with a training configuration, each naming the setting and what it accepts. Empty = valid. */
export function validateTrainConfig(config: TrainConfig): string[] {
  const problems: string[] = [];
  const positiveInt = (name: string, value: unknown, hint: string) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) problems.push(`${name} must be a positive integer (${hint}); got ${String(value)}.`);
  };
  if (!TRAIN_CELL_KINDS.includes(config.cell)) problems.push(`cell must be one of ${TRAIN_CELL_KINDS.join(', ')}; got ${String(config.cell)}.`);
  positiveInt('hiddenSize', config.hiddenSize, 'notebook: 125');
  positiveInt('embeddingSize', config.embeddingSize, 'notebook: 50');
  positiveInt('batchSize', config.batchSize, 'notebook: 32');
  positiveInt('epochs', config.epochs, '1 or more');
  if (typeof config.seqLen !== 'number' || !Number.isInteger(config.seqLen) || config.seqLen < 2) {
    problems.push(`seqLen must be an integer ≥ 2 (characters per training instance; notebook: 500); got ${String(config.seqLen)}.`);
  }
  if (config.maxBatches !== undefined) positiveInt('maxBatches', config.maxBatches, 'training batches per epoch, or leave it unset for the whole epoch');
  if (typeof config.learningRate !== 'number' || !Number.isFinite(config.learningRate) || config.learningRate <= 0) {
    problems.push(`learningRate must be a finite number > 0 (notebook: 0.001); got ${String(config.learningRate)}.`);
  }
  if (typeof config.forgetBias !== 'number' || !Number.isFinite(config.forgetBias)) problems.push(`forgetBias must be a finite number (e.g. 1, 0, -1); got ${String(config.forgetBias)}.`);
  if (typeof config.forgetGate !== 'boolean') problems.push(`forgetGate must be true or false; got ${String(config.forgetGate)}.`);
  if (typeof config.seed !== 'number' || !Number.isFinite(config.seed)) problems.push(`seed must be a finite number; got ${String(config.seed)}.`);
  if (typeof config.valFraction !== 'number' || !(config.valFraction > 0 && config.valFraction < 1)) {
    problems.push(`valFraction must be strictly between 0 and 1 (notebook: 0.1); got ${String(config.valFraction)}.`);
  }
  const corpus = config.corpus as { kind?: unknown; path?: unknown; text?: unknown } | undefined;
  if (!corpus || !['brown', 'file', 'text'].includes(String(corpus.kind))) problems.push(`corpus must be {kind:'brown'}, {kind:'file', path} or {kind:'text', text, name}.`);
  else if (corpus.kind === 'file' && (typeof corpus.path !== 'string' || corpus.path === '')) problems.push('corpus.path must name a text file.');
  else if (corpus.kind === 'text' && typeof corpus.text !== 'string') problems.push('corpus.text must be a string.');
  return problems;
}

/** Most memory a training run may plan on: TF.js's wasm heap is 32-bit (4 GB at most). */
export const MEMORY_LIMIT_MB = 4096;

/** What this machine can give a training run: the wasm heap's 4 GB, or three quarters of the RAM when that is less. */
export function machineMemoryLimitMB(): number {
  return Math.min(MEMORY_LIMIT_MB, (os.totalmem() / 2 ** 20) * 0.75);
}

/** Characters assumed in the vocabulary before the corpus is read (Brown's is about 60). */
const TYPICAL_VOCAB = 100;

/**
 * A rough upper estimate of training memory: the gradient tape keeps, per time step, the
 * gate activations and states (≈ 12 tensors of B×H floats for an LSTM), the embedded input
 * and the logits (B×V, and their gradient); plus a fixed base for TF.js and the corpus.
 * Measured here: 1–1.5 GB peak RSS at the notebook's B=32, T=500, H=125, which this
 * estimate puts at ≈ 1 GB.
 */
export function estimateTrainMemoryMB(config: Pick<TrainConfig, 'batchSize' | 'seqLen' | 'hiddenSize' | 'embeddingSize'> & { vocabSize?: number }): number {
  const vocab = config.vocabSize ?? TYPICAL_VOCAB;
  const floatsPerStep = config.batchSize * (12 * config.hiddenSize + 2 * config.embeddingSize + 2 * vocab);
  const tapeBytes = 4 * 6 * floatsPerStep * config.seqLen; // 4 bytes × ~6 copies: forward values, gradients, wasm heap copies
  const paramBytes = 4 * 8 * (4 * config.hiddenSize * (config.hiddenSize + config.embeddingSize + 1) + vocab * (config.embeddingSize + config.hiddenSize + 1));
  return 300 + (tapeBytes + paramBytes) / (1024 * 1024);
}

/**
 * The refusal of a configuration whose estimate exceeds `limitMB`, naming the sizes to lower
 * (`names` maps a setting to what the user calls it: "lstmLab.batchSize", "--batch-size"), or
 * undefined when it fits.
 */
export function memoryProblem(
  config: Pick<TrainConfig, 'batchSize' | 'seqLen' | 'hiddenSize' | 'embeddingSize'> & { vocabSize?: number },
  limitMB: number,
  names: { batchSize: string; seqLen: string; hiddenSize: string } = { batchSize: 'batchSize', seqLen: 'seqLen', hiddenSize: 'hiddenSize' },
  activity = 'training',
): string | undefined {
  const estimate = estimateTrainMemoryMB(config);
  if (!(estimate > limitMB)) return undefined;
  const n = (value: number) => Math.round(value).toLocaleString('en-US');
  const vocab = config.vocabSize ? ` × vocabulary ${n(config.vocabSize)}` : '';
  return `this configuration needs about ${n(estimate)} MB for ${activity} (batch ${n(config.batchSize)} × sequence ${n(config.seqLen)} × hidden ${n(config.hiddenSize)}${vocab}), more than the ${n(limitMB)} MB a run may use here (the wasm heap holds 4 GB at most); lower ${names.batchSize}, ${names.seqLen} or ${names.hiddenSize}.`;
}

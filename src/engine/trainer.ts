// Trains the notebook's language model with Adam, batch by batch, reporting progress per
// batch and a summary per epoch; cancellable between batches; stops on a non-finite loss
// without applying it; writes a checkpoint after every epoch (and on cancel) and resumes
// from one.
import * as tf from '@tensorflow/tfjs';
import type { BackendName, BatchProgress, CorpusStats, EpochSummary, TrainConfig, TrainResult } from '../shared/types';
import { activeBackend, initBackend } from './backend';
import { loadCorpus, PADDING_ID, type Batch, type Corpus } from './corpus';
import { gradientSourceFor, type GradientSource } from './batch-gradients';
import { LanguageModel } from './model';
import { measureSaturation } from './inspect';
import type { SaturationReport } from '../shared/inspect-types';
import { InputError } from './errors';
import { machineMemoryLimitMB, memoryProblem, validateTrainConfig } from './validate';
import { CHECKPOINT_VERSION, decodeFloat32, encodeFloat32, loadCheckpoint, saveCheckpoint, type Checkpoint, type SavedTensor, type TrainingPosition } from './checkpoint';

export type TrainEvent =
  | { type: 'corpus'; stats: CorpusStats; /** e.g. a file read only up to the size cap. */ warnings?: string[] }
  | { type: 'progress'; progress: BatchProgress }
  | { type: 'epoch'; summary: EpochSummary }
  /** After each validation batch, so a long validation shows progress too. */
  | { type: 'validation'; epoch: number; batch: number; batches: number }
  | { type: 'checkpoint'; path: string };

export interface TrainOptions {
  signal?: AbortSignal;
  onEvent?: (event: TrainEvent) => void;
  /** Directory to write the checkpoint into (checkpoint.json), after every epoch and on cancel. */
  checkpointDir?: string;
  /** A checkpoint directory to continue from. */
  resumeFrom?: string;
  corpusDir?: string;
  /** LSTMs: gate saturation on the batch just trained every `saturationEvery` batches, and on the first validation batch after each epoch (inspect.ts). Not measured when absent. */
  onSaturation?: (report: SaturationReport) => void;
  /** Batches between saturation reports (default 20). */
  saturationEvery?: number;
  /** Threads computing each batch where LSTM Lab's own kernel applies (fast-lstm); default every core. */
  threads?: number;
  /** Refuse a configuration whose memory estimate (with the corpus's vocabulary) exceeds this (default: machineMemoryLimitMB()). */
  memoryLimitMB?: number;
}

/** Resuming on a text with more than this fraction of characters outside the checkpoint's vocabulary is refused. */
export const MAX_UNKNOWN_FRACTION_ON_RESUME = 0.01;

/** A batch loss above this many times ln(vocabulary size) stops training as diverged. */
export const DIVERGED_LOSS_FACTOR = 10;

// The rules live in validate.ts (no TF.js) so the host and the CLI check the same ones.
export { validateTrainConfig };

function peakRssSampler(): { sample(): void; peakMB(): number; reset(): void } {
  let peak = 0;
  return {
    sample() {
      peak = Math.max(peak, process.memoryUsage().rss);
    },
    peakMB: () => Math.round((peak / 2 ** 20) * 10) / 10,
    reset() {
      peak = process.memoryUsage().rss;
    },
  };
}

function countTargets(batch: Batch): number {
  let count = 0;
  for (let k = 0; k < batch.targets.length; k++) if (batch.targets[k] !== PADDING_ID) count++;
  return count;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

async function currentBackend(): Promise<BackendName> {
  try {
    return activeBackend();
  } catch {
    return initBackend('auto');
  }
}

function checkResumeCompatible(config: TrainConfig, checkpoint: Checkpoint, from: string): void {
  const mismatches: string[] = [];
  if (checkpoint.cell.kind !== config.cell) mismatches.push(`cell is ${checkpoint.cell.kind} there, ${config.cell} here`);
  if (checkpoint.cell.hiddenSize !== config.hiddenSize) mismatches.push(`hiddenSize is ${checkpoint.cell.hiddenSize} there, ${config.hiddenSize} here`);
  if (checkpoint.cell.inputSize !== config.embeddingSize) mismatches.push(`embeddingSize is ${checkpoint.cell.inputSize} there, ${config.embeddingSize} here`);
  if (checkpoint.cell.forgetGate !== config.forgetGate) mismatches.push(`forgetGate is ${checkpoint.cell.forgetGate} there, ${config.forgetGate} here`);
  if (mismatches.length > 0) {
    throw new InputError(`Cannot resume from ${from}: ${mismatches.join('; ')}. Resume with the checkpoint's settings, or start a new run.`);
  }
}

interface PreparedRun {
  backend: BackendName;
  corpus: Corpus;
  /** The checkpoint being resumed, when there is one. */
  resumed?: Checkpoint;
}

/** Everything checked before a model exists: the configuration, the checkpoint to resume, the corpus, memory. */
async function prepareRun(config: TrainConfig, options: TrainOptions): Promise<PreparedRun> {
  const problems = validateTrainConfig(config);
  if (problems.length > 0) throw new Error(`Invalid training configuration:\n- ${problems.join('\n- ')}`);
  if (options.threads !== undefined && (!Number.isInteger(options.threads) || options.threads < 1)) {
    throw new InputError(`threads must be a positive integer (threads computing each batch), got ${options.threads}.`);
  }
  const resumed = options.resumeFrom ? loadCheckpoint(options.resumeFrom) : undefined;
  if (resumed) checkResumeCompatible(config, resumed, options.resumeFrom!);
  const backend = await currentBackend();

  const corpus = await loadCorpus(config.corpus, { seqLen: config.seqLen, valFraction: config.valFraction, seed: config.seed }, { corpusDir: options.corpusDir, vocab: resumed?.vocab });
  if (config.batchSize > corpus.stats.trainInstances) {
    throw new InputError(
      `batchSize ${config.batchSize} is larger than the ${corpus.stats.trainInstances} training instances of "${corpus.stats.name}" at seqLen ${config.seqLen}. Use a batch size of at most ${corpus.stats.trainInstances}, a shorter seqLen or a longer text.`,
    );
  }
  // A checkpoint's vocabulary on another text: most of it would become "unknown" and train nothing useful.
  if (resumed && corpus.unknownChars > MAX_UNKNOWN_FRACTION_ON_RESUME * corpus.stats.chars) {
    throw new InputError(
      `Cannot resume from ${options.resumeFrom}: ${((100 * corpus.unknownChars) / corpus.stats.chars).toFixed(1)}% of the characters of "${corpus.stats.name}" (${corpus.unknownChars} of ${corpus.stats.chars}) are not in the checkpoint's vocabulary of ${resumed.vocab.length} (it was trained on "${resumed.corpus?.name ?? 'another text'}"). Resume on the text it was trained on, or start a new run on this one.`,
    );
  }
  // Now the vocabulary is known (thousands of characters for a non-Latin text), the logits' share of memory is too.
  const memory = memoryProblem({ ...config, vocabSize: corpus.vocab.length }, options.memoryLimitMB ?? machineMemoryLimitMB());
  if (memory) throw new InputError(`"${corpus.stats.name}" has ${corpus.vocab.length.toLocaleString('en-US')} distinct characters, and ${memory}`);
  return { backend, corpus, ...(resumed ? { resumed } : {}) };
}

/** The language model and Adam: fresh, or with the resumed checkpoint's weights and optimiser state. */
async function createModelAndOptimizer(config: TrainConfig, { corpus, resumed }: PreparedRun): Promise<{ model: LanguageModel; optimizer: tf.Optimizer }> {
  const model = new LanguageModel(
    {
      vocabSize: corpus.vocab.length,
      embeddingSize: config.embeddingSize,
      hiddenSize: config.hiddenSize,
      cell: config.cell,
      forgetGate: config.forgetGate,
      forgetBias: config.forgetBias,
      seed: config.seed,
    },
    resumed?.weights,
  );
  const optimizer: tf.Optimizer = tf.train.adam(config.learningRate);
  if (resumed?.optimizer) {
    const state = resumed.optimizer.state;
    await optimizer.setWeights(
      state.map((saved) => ({
        name: saved.name,
        tensor: tf.tensor(
          decodeFloat32(
            saved.base64,
            saved.shape.reduce((a, b) => a * b, 1),
            saved.name,
          ),
          saved.shape,
        ),
      })),
    );
  }
  return { model, optimizer };
}

/** Training and validation batches per epoch: maxBatches caps training, and validation in proportion (never below one batch). */
function batchesPerEpochOf(config: TrainConfig, corpus: Corpus): { train: number; validation: number } {
  const trainBatchCount = corpus.trainBatchCount(config.batchSize);
  const train = Math.min(trainBatchCount, config.maxBatches ?? Infinity);
  const valBatchCount = corpus.valBatchCount(config.batchSize);
  const validation = config.maxBatches === undefined ? valBatchCount : Math.max(1, Math.min(valBatchCount, Math.ceil((valBatchCount * train) / trainBatchCount)));
  return { train, validation };
}

/** Why a batch's loss means training diverged (a non-finite loss, or one far above guessing uniformly), or undefined. */
function divergence(loss: number, vocabSize: number, where: { step: number; epoch: number; batch: number }): string | undefined {
  // Every fresh model starts near ln V; a learning rate of 10 gives losses of 40–200 here, never NaN.
  const divergedAbove = DIVERGED_LOSS_FACTOR * Math.log(vocabSize);
  if (Number.isFinite(loss) && loss <= divergedAbove) return undefined;
  const at = `at step ${where.step} (epoch ${where.epoch}, batch ${where.batch})`;
  return Number.isFinite(loss)
    ? `The loss reached ${loss.toFixed(1)} ${at}, more than ${DIVERGED_LOSS_FACTOR} × ln(${vocabSize}) = ${divergedAbove.toFixed(1)} (${DIVERGED_LOSS_FACTOR} times the loss of guessing every character uniformly)`
    : `The loss became ${loss} ${at}`;
}

/** The mean validation loss over every non-padding character of the first `batches` validation batches. */
async function validationLoss(
  source: GradientSource,
  model: LanguageModel,
  corpus: Corpus,
  config: TrainConfig,
  batches: number,
  hooks: { aborted(): boolean; onFirstBatch?: (batch: Batch) => void; onBatch?: (index: number) => void; sample(): void },
): Promise<number | 'cancelled'> {
  let lossSum = 0;
  let chars = 0;
  let index = 0;
  for (const batch of corpus.valBatches(config.batchSize)) {
    if (++index > batches) break;
    if (index === 1) hooks.onFirstBatch?.(batch);
    await yieldToEventLoop();
    if (hooks.aborted()) return 'cancelled';
    const count = countTargets(batch);
    lossSum += (await source.loss(batch)).loss * count;
    chars += count;
    hooks.sample();
    hooks.onBatch?.(index);
  }
  return lossSum / Math.max(chars, 1);
}

/** Trains `config`; resolves with the result (done, cancelled or failed). Throws on an invalid config or corpus. */
export async function train(config: TrainConfig, options: TrainOptions = {}): Promise<TrainResult> {
  const prepared = await prepareRun(config, options);
  const { backend, corpus, resumed } = prepared;
  const emit = (event: TrainEvent) => options.onEvent?.(event);
  const saturationEvery = options.saturationEvery ?? 20;
  if (!Number.isInteger(saturationEvery) || saturationEvery < 1) throw new Error(`saturationEvery must be a positive integer (batches between saturation reports); got ${saturationEvery}.`);
  emit({ type: 'corpus', stats: corpus.stats, ...(corpus.warnings.length > 0 ? { warnings: corpus.warnings } : {}) });

  const { model, optimizer } = await createModelAndOptimizer(config, prepared);
  let source: GradientSource;
  try {
    source = gradientSourceFor(model, backend, { threads: options.threads });
  } catch (error) {
    optimizer.dispose();
    model.dispose();
    throw error;
  }
  const compute = { description: source.description, threads: source.threads };
  const epochs: EpochSummary[] = resumed ? resumed.epochs.slice() : [];
  const position: TrainingPosition = resumed ? { ...resumed.position } : { completedEpochs: 0, batchesIntoEpoch: 0, step: 0, partialLossSum: 0, partialChars: 0, partialSeconds: 0 };
  const perEpoch = batchesPerEpochOf(config, corpus);
  const rss = peakRssSampler();
  const runStarted = Date.now();
  // Resuming, the last good point is the checkpoint resumed from until this run writes one.
  let lastCheckpoint: string | undefined = options.resumeFrom;

  const writeCheckpoint = async (): Promise<void> => {
    if (!options.checkpointDir) return;
    const optimizerWeights = await optimizer.getWeights();
    const state: SavedTensor[] = [];
    for (const named of optimizerWeights) state.push({ name: named.name, shape: named.tensor.shape, base64: encodeFloat32(await named.tensor.data()) });
    const checkpoint: Checkpoint = {
      format: 'lstm-lab-checkpoint',
      version: CHECKPOINT_VERSION,
      savedAt: new Date().toISOString(),
      backend,
      config,
      corpus: corpus.stats,
      vocab: corpus.vocab,
      cell: { kind: config.cell, inputSize: config.embeddingSize, hiddenSize: config.hiddenSize, forgetGate: config.forgetGate, forgetBias: config.forgetBias },
      weights: model.exportWeights(),
      optimizer: { kind: 'adam', learningRate: config.learningRate, state },
      position: { ...position },
      epochs,
    };
    lastCheckpoint = saveCheckpoint(options.checkpointDir, checkpoint);
    emit({ type: 'checkpoint', path: lastCheckpoint });
  };

  const result = (status: TrainResult['status'], reason?: string): TrainResult => ({
    backend,
    compute,
    cell: config.cell,
    config,
    corpus: corpus.stats,
    epochs,
    checkpoint: lastCheckpoint,
    status,
    ...(reason ? { reason } : {}),
  });
  const saturation = (scope: 'batch' | 'epoch', epoch: number, batch: Batch) =>
    options.onSaturation?.({ scope, epoch, batch: position.batchesIntoEpoch, step: position.step, ...measureSaturation(model, batch.inputs, batch.batchSize, batch.seqLen) });

  try {
    for (let epoch = position.completedEpochs + 1; epoch <= config.epochs; epoch++) {
      const skip = position.batchesIntoEpoch;
      const resumedSeconds = position.partialSeconds; // time already spent on this epoch before a resume
      const epochStarted = Date.now();
      rss.reset();
      let batchIndex = 0;
      for (const batch of corpus.trainBatches(config.batchSize, epoch)) {
        batchIndex++;
        if (batchIndex > perEpoch.train) break;
        if (batchIndex <= skip) continue;
        await yieldToEventLoop(); // lets an abort arrive between batches
        if (options.signal?.aborted) {
          await writeCheckpoint();
          return result('cancelled', `Cancelled at step ${position.step} (epoch ${epoch}, batch ${batchIndex - 1} of ${perEpoch.train}).`);
        }
        const batchStarted = performance.now();
        const { loss, grads } = await source.gradients(batch);
        const diverged = divergence(loss, corpus.vocab.length, { step: position.step + 1, epoch, batch: batchIndex });
        if (diverged) {
          tf.dispose(grads);
          return result(
            'failed',
            `${diverged}: training diverged, so it stopped without applying that step${lastCheckpoint ? ` (the last good checkpoint is ${lastCheckpoint})` : ''}. Lower the learning rate (now ${config.learningRate}; try ${config.learningRate / 10}).`,
          );
        }
        optimizer.applyGradients(grads);
        tf.dispose(grads);
        const seconds = (performance.now() - batchStarted) / 1000;
        const chars = countTargets(batch);
        position.step++;
        position.batchesIntoEpoch = batchIndex;
        position.partialLossSum += loss;
        position.partialChars += chars;
        position.partialSeconds += seconds;
        rss.sample();
        emit({
          type: 'progress',
          progress: { epoch, batch: batchIndex, batchesPerEpoch: perEpoch.train, step: position.step, loss, charsPerSecond: chars / Math.max(seconds, 1e-9), elapsedMs: Date.now() - runStarted },
        });
        if (batchIndex % saturationEvery === 0) saturation('batch', epoch, batch);
      }

      const valLoss = await validationLoss(source, model, corpus, config, perEpoch.validation, {
        aborted: () => options.signal?.aborted === true,
        onFirstBatch: (batch) => saturation('epoch', epoch, batch),
        onBatch: (index) => emit({ type: 'validation', epoch, batch: index, batches: perEpoch.validation }),
        sample: () => rss.sample(),
      });
      if (valLoss === 'cancelled') {
        await writeCheckpoint();
        return result('cancelled', `Cancelled during validation of epoch ${epoch} (after step ${position.step}).`);
      }
      if (!Number.isFinite(valLoss)) {
        return result('failed', `The validation loss became ${valLoss} in epoch ${epoch}: training diverged. Lower the learning rate (now ${config.learningRate}; try ${config.learningRate / 10}).`);
      }
      const summary: EpochSummary = {
        epoch,
        trainLoss: position.partialLossSum / Math.max(1, position.batchesIntoEpoch),
        valLoss,
        bitsPerChar: valLoss / Math.LN2,
        seconds: resumedSeconds + (Date.now() - epochStarted) / 1000,
        charsPerSecond: position.partialChars / Math.max(position.partialSeconds, 1e-9),
        peakRssMB: rss.peakMB(),
      };
      epochs.push(summary);
      emit({ type: 'epoch', summary });
      position.completedEpochs = epoch;
      position.batchesIntoEpoch = 0;
      position.partialLossSum = 0;
      position.partialChars = 0;
      position.partialSeconds = 0;
      await writeCheckpoint();
    }
    return result('done');
  } finally {
    await source.dispose();
    optimizer.dispose();
    model.dispose();
  }
}

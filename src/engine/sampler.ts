// Generates text from a checkpoint: the priming string is run through the model, then each
// next character is drawn from softmax(logits / temperature) with a seeded generator.
import * as tf from '@tensorflow/tfjs';
import type { SampleConfig } from '../shared/types';
import type { CellState } from './cells/types';
import { activeBackend, initBackend } from './backend';
import { loadCheckpoint, type Checkpoint } from './checkpoint';
import { PADDING_ID, UNKNOWN_ID } from './corpus';
import { languageModelFromCheckpoint, type LanguageModel } from './model';
import { mulberry32, deriveSeed } from './random';

/** The longest text one call generates (it runs one step per character). */
export const MAX_SAMPLE_LENGTH = 100_000;

/** Problems with a sampling configuration, each naming the setting and its accepted range. */
export function validateSampleConfig(config: SampleConfig): string[] {
  const problems: string[] = [];
  if (typeof config.checkpoint !== 'string' || config.checkpoint === '') problems.push('checkpoint must name a checkpoint folder (written by train).');
  if (!Number.isInteger(config.length) || config.length < 1 || config.length > MAX_SAMPLE_LENGTH) {
    problems.push(`length must be an integer from 1 to ${MAX_SAMPLE_LENGTH} (characters to generate); got ${String(config.length)}.`);
  }
  if (typeof config.temperature !== 'number' || !Number.isFinite(config.temperature) || config.temperature < 0) {
    problems.push(`temperature must be a finite number ≥ 0 (0 = always the most likely character, 1 = the model's distribution); got ${String(config.temperature)}.`);
  }
  if (typeof config.prime !== 'string') problems.push('prime must be a string (it may be empty).');
  if (config.seed !== undefined && !Number.isFinite(config.seed)) problems.push(`seed must be a finite number; got ${String(config.seed)}.`);
  return problems;
}

/** Draws an index from softmax(logits / temperature), never padding or unknown; temperature 0 = argmax. */
export function drawCharacter(logits: Float32Array, temperature: number, random: () => number): number {
  let best = -1;
  for (let id = 0; id < logits.length; id++) {
    if (id === PADDING_ID || id === UNKNOWN_ID) continue;
    if (best < 0 || logits[id]! > logits[best]!) best = id;
  }
  if (temperature === 0 || best < 0) return best;
  const weights = new Float64Array(logits.length);
  let total = 0;
  for (let id = 0; id < logits.length; id++) {
    if (id === PADDING_ID || id === UNKNOWN_ID) continue;
    // Subtracting the maximum keeps exp() finite at any temperature.
    weights[id] = Math.exp((logits[id]! - logits[best]!) / temperature);
    total += weights[id]!;
  }
  let threshold = random() * total;
  for (let id = 0; id < logits.length; id++) {
    threshold -= weights[id]!;
    if (weights[id]! > 0 && threshold <= 0) return id;
  }
  return best;
}

/** Runs `ids` through the model from `state`; returns the new state and the last position's logits. (Also used by inspect's sampleWithProbabilities.) */
export function feed(model: LanguageModel, ids: number[], state?: CellState): { state: CellState; logits: Float32Array } {
  let next: CellState | undefined;
  const logits = tf.tidy(() => {
    const x = model.embed(tf.tensor2d([ids], [1, ids.length], 'int32'));
    const { final } = model.cell.forward(x, state);
    tf.keep(final.h);
    if (final.c) tf.keep(final.c);
    next = final;
    return model.project(final.h);
  });
  const values = Float32Array.from(logits.dataSync());
  logits.dispose();
  return { state: next!, logits: values };
}

/** The priming string's vocabulary ids (lower-cased, unknown characters as UNKNOWN_ID). */
export function primingIds(prime: string, vocab: string[]): number[] {
  const idOf = new Map(vocab.map((character, id) => [character, id] as const));
  const lowered = prime.toLowerCase();
  // With no priming string, start from a space (the separator between words and lines).
  return [...(lowered === '' ? ' ' : lowered)].map((character) => idOf.get(character) ?? UNKNOWN_ID);
}

/** What the model does to a priming text before reading it: lower-cases it, and reads characters outside its vocabulary as "unknown". */
export function primeChanges(prime: string, vocab: string[]): { lowerCased: boolean; unknown: string[] } {
  const known = new Set(vocab.slice(2)); // not padding, not the unknown token
  const unknown = [...new Set([...prime.toLowerCase()].filter((character) => !known.has(character)))];
  return { lowerCased: prime !== prime.toLowerCase(), unknown };
}

/** Frees a recurrent state's tensors (h, and c for LSTMs). */
export function disposeState(state: CellState): void {
  tf.dispose([state.h, ...(state.c ? [state.c] : [])]);
}

/** The priming string followed by `length` generated characters. */
export async function sample(config: SampleConfig, loaded?: Checkpoint): Promise<string> {
  const problems = validateSampleConfig(config);
  if (problems.length > 0) throw new Error(`Invalid sampling configuration:\n- ${problems.join('\n- ')}`);
  try {
    activeBackend();
  } catch {
    await initBackend('auto');
  }
  const checkpoint = loaded ?? loadCheckpoint(config.checkpoint);
  const vocab = checkpoint.vocab;
  const model = languageModelFromCheckpoint(checkpoint);
  const random = mulberry32(deriveSeed(config.seed ?? 0, 'sample'));
  try {
    let { state, logits } = feed(model, primingIds(config.prime, vocab));
    let generated = '';
    for (let k = 0; k < config.length; k++) {
      const id = drawCharacter(logits, config.temperature, random);
      generated += vocab[id];
      const next = feed(model, [id], state);
      disposeState(state);
      ({ state, logits } = next);
      if (k % 200 === 199) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    disposeState(state);
    return config.prime + generated;
  } finally {
    model.dispose();
  }
}

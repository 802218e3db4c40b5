// Sampling with each character's probability and the model's most likely alternatives.
import { loadCheckpoint, type Checkpoint } from '../checkpoint';
import { PADDING_ID, UNKNOWN_ID } from '../corpus';
import { deriveSeed, mulberry32 } from '../random';
import { disposeState, drawCharacter, feed, primingIds, validateSampleConfig } from '../sampler';
import type { SampleConfig } from '../../shared/types';
import type { CharacterProbability, SampleStep, SampleWithProbabilities } from '../../shared/inspect-types';
import { withModel } from './source';

export interface SampleWithProbabilitiesConfig extends SampleConfig {
  /** How many of the most likely characters to list per step (default 5). */
  top?: number;
}

/** softmax(logits) in float64 (temperature 1, every id). */
function softmax(logits: Float32Array): Float64Array {
  let max = -Infinity;
  for (const value of logits) max = Math.max(max, value);
  const out = new Float64Array(logits.length);
  let total = 0;
  for (let id = 0; id < logits.length; id++) total += out[id] = Math.exp(logits[id]! - max);
  for (let id = 0; id < logits.length; id++) out[id]! /= total;
  return out;
}

/** The probability drawCharacter gave `chosen`: softmax(logits / temperature) over ids other than padding and unknown; 1 at temperature 0. */
function samplingProbability(logits: Float32Array, temperature: number, chosen: number): number {
  if (temperature === 0) return 1;
  let max = -Infinity;
  for (let id = 0; id < logits.length; id++) if (id !== PADDING_ID && id !== UNKNOWN_ID) max = Math.max(max, logits[id]!);
  let total = 0;
  for (let id = 0; id < logits.length; id++) if (id !== PADDING_ID && id !== UNKNOWN_ID) total += Math.exp((logits[id]! - max) / temperature);
  return Math.exp((logits[chosen]! - max) / temperature) / total;
}

/**
 * sample()'s text (the same characters for the same config: same feeding, same draws from the
 * same seeded stream) with, for each generated character, its probability and the model's
 * most likely alternatives.
 */
export async function sampleWithProbabilities(config: SampleWithProbabilitiesConfig, loaded?: Checkpoint): Promise<SampleWithProbabilities> {
  const problems = validateSampleConfig(config);
  const top = config.top ?? 5;
  if (!Number.isInteger(top) || top < 1) problems.push(`top must be a positive integer (alternatives listed per character); got ${String(config.top)}.`);
  if (problems.length > 0) throw new Error(`Invalid sampling configuration:\n- ${problems.join('\n- ')}`);
  const checkpoint = loaded ?? loadCheckpoint(config.checkpoint);
  return withModel(checkpoint, async ({ model, vocab }) => {
    const random = mulberry32(deriveSeed(config.seed ?? 0, 'sample'));
    let { state, logits } = feed(model, primingIds(config.prime, vocab));
    const steps: SampleStep[] = [];
    let generated = '';
    try {
      for (let k = 0; k < config.length; k++) {
        const id = drawCharacter(logits, config.temperature, random);
        const probabilities = softmax(logits);
        const ranked: CharacterProbability[] = [];
        for (let other = 0; other < logits.length; other++) {
          if (other !== PADDING_ID && other !== UNKNOWN_ID) ranked.push({ char: vocab[other]!, p: probabilities[other]! });
        }
        ranked.sort((a, b) => b.p - a.p);
        steps.push({ char: vocab[id]!, probability: probabilities[id]!, samplingProbability: samplingProbability(logits, config.temperature, id), top: ranked.slice(0, top) });
        generated += vocab[id];
        const next = feed(model, [id], state);
        disposeState(state);
        ({ state, logits } = next);
        if (k % 200 === 199) await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } finally {
      disposeState(state);
    }
    return { prime: config.prime, temperature: config.temperature, text: config.prime + generated, steps };
  });
}

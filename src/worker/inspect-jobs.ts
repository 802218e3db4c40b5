// The worker's side of "look inside a trained run": one InspectJob in, one plain-JSON
// InspectResult out, computed by the engine's inspect functions on the run's checkpoint.
// The checkpoint of the last job is kept loaded, so a capture followed by a gradient flow or
// a sample on the same run does not read and parse its weights again (reloaded when its
// files change on disk).
import * as fs from 'node:fs';
import { loadCheckpoint, type Checkpoint } from '../engine/checkpoint';
import { captureActivations, gradientFlow, probeTrained, sampleWithProbabilities } from '../engine/inspect';
import type { InspectJob, InspectResult } from '../shared/protocol';

/** Longest sample the panel may ask for (characters generated one step at a time). */
export const MAX_PANEL_SAMPLE_LENGTH = 2000;

let cached: { path: string; modified: number; checkpoint: Checkpoint } | undefined;

function checkpointOf(path: string): Checkpoint {
  let modified = Number.NaN;
  try {
    modified = fs.statSync(path).mtimeMs;
  } catch {
    // loadCheckpoint says what is missing.
  }
  if (cached?.path !== path || cached.modified !== modified) cached = { path, modified, checkpoint: loadCheckpoint(path) };
  return cached.checkpoint;
}

export async function runInspectJob(job: InspectJob, options: { signal?: AbortSignal; corpusDir?: string } = {}): Promise<InspectResult> {
  const checkpoint = checkpointOf(job.checkpoint);
  switch (job.kind) {
    case 'capture':
      return { kind: 'capture', capture: await captureActivations(checkpoint, job.text) };
    case 'gradientFlow':
      return { kind: 'gradientFlow', flow: await gradientFlow(checkpoint, job.text, { signal: options.signal }) };
    case 'probeTrained':
      return { kind: 'probeTrained', probe: await probeTrained(checkpoint, { steps: job.steps, batchSize: job.batchSize, corpusDir: options.corpusDir, signal: options.signal }) };
    case 'sample': {
      if (!Number.isInteger(job.length) || job.length < 1 || job.length > MAX_PANEL_SAMPLE_LENGTH) {
        throw new Error(`sample length must be a whole number from 1 to ${MAX_PANEL_SAMPLE_LENGTH} characters; got ${job.length}.`);
      }
      const sample = await sampleWithProbabilities(
        { checkpoint: job.checkpoint, prime: job.prime, temperature: job.temperature, length: job.length, ...(job.seed !== undefined ? { seed: job.seed } : {}) },
        checkpoint,
      );
      return { kind: 'sample', sample };
    }
  }
}

// The small training setup several unit tests share: test/fixtures/text/small.txt
// (1,7xx characters → at seqLen 20, 88 instances, 79 for training: 20 batches of 4 per
// epoch) and a tiny naive-lstm configuration on it. Each test file states what it changes.
import * as path from 'node:path';
import type { TrainConfig } from '../../../src/shared/types';

export const smallText = path.resolve(__dirname, '../../fixtures/text/small.txt');

/** naive-lstm, H 16, E 8, batches of 4 × 20 characters, one epoch, seed 7, on small.txt; `overrides` win. */
export function smallTextConfig(overrides: Partial<TrainConfig> = {}): TrainConfig {
  return {
    cell: 'naive-lstm',
    forgetGate: true,
    forgetBias: 0,
    hiddenSize: 16,
    embeddingSize: 8,
    batchSize: 4,
    seqLen: 20,
    epochs: 1,
    learningRate: 0.01,
    seed: 7,
    valFraction: 0.1,
    corpus: { kind: 'file', path: smallText },
    ...overrides,
  };
}

// The CLI's progress display on a terminal: every redraw fits the terminal's width (a line
// that wraps cannot be redrawn in place), and validation shows progress of its own instead
// of a bar stuck at "~0:00 left". Driven by a real (tiny) training run.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { ProgressBar, trainProgress } from '../../src/cli/progress';
import { initBackend } from '../../src/engine/backend';
import { train } from '../../src/engine/trainer';
import { SEED_NOTEBOOK_TRAIN_CONFIG } from '../../src/shared/types';

const smallText = path.resolve(__dirname, '../fixtures/text/small.txt');

describe('lstm-lab progress display', () => {
  it('keeps every redrawn line within the terminal width and reports validation batches', async () => {
    await initBackend('wasm');
    const writes: string[] = [];
    const terminal = { isTTY: true, columns: 52, write: (text: string) => writes.push(text) };
    const bar = new ProgressBar(terminal);
    const config = {
      ...SEED_NOTEBOOK_TRAIN_CONFIG,
      cell: 'simple-rnn' as const,
      corpus: { kind: 'file' as const, path: smallText },
      seqLen: 12,
      batchSize: 4,
      hiddenSize: 6,
      embeddingSize: 4,
      valFraction: 0.3,
    };
    const result = await train(config, { onEvent: trainProgress(bar, 'builtin-lstm', 1) });
    assert.equal(result.status, 'done');
    const redraws = writes.filter((w) => w.startsWith('\r\x1b[2K') && w.length > 5).map((w) => w.slice(5));
    assert.ok(
      redraws.some((line) => line.includes('loss')),
      'training batches drawn',
    );
    for (const line of redraws) assert.ok(Array.from(line).length <= 51, `${Array.from(line).length} columns: ${line}`);
    const validation = redraws.filter((line) => line.includes('validating'));
    assert.ok(validation.length >= 2, 'validation reports its batches');
    const last = /(\d+)\/(\d+)/.exec(validation[validation.length - 1]!.replace(/^.*\] /, ''));
    assert.ok(last && last[1] === last[2], `the last validation redraw is complete: ${validation[validation.length - 1]}`);
  });
});

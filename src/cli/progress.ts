// Progress on stderr: a redrawn bar on a terminal, a line every few seconds otherwise
// (logs, CI), so stdout stays free for results and --json.
import type { TrainEvent } from '../engine/trainer';
import { formatNumber } from '../shared/table';

export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  /** The terminal's width; the bar's line never exceeds it (a wrapped line cannot be redrawn). */
  columns?: number;
}

const BAR_WIDTH = 24;
const MIN_BAR_WIDTH = 5;

/** Characters as a terminal shows them (one column each here: no wide glyphs in our lines). */
const columnsOf = (text: string) => Array.from(text).length;

/** `text` cut to `width` columns, with an ellipsis when cut. */
function fit(text: string, width: number): string {
  const characters = Array.from(text);
  return characters.length <= width ? text : characters.slice(0, Math.max(0, width - 1)).join('') + '…';
}
const PLAIN_INTERVAL_MS = 5000;

export function formatRate(charsPerSecond: number): string {
  return `${formatNumber(charsPerSecond)} chars/s`;
}

export function formatClock(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const whole = Math.round(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const secs = String(whole % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${secs}` : `${minutes}:${secs}`;
}

export class ProgressBar {
  private lastPlain = 0;
  private drawn = false;

  constructor(
    private readonly out: ProgressOutput = process.stderr,
    private readonly enabled = true,
  ) {}

  /** Redraws the bar (terminal) or prints a line at most every few seconds (not a terminal). */
  update(label: string, done: number, total: number, detail: string, force = false): void {
    if (!this.enabled) return;
    const fraction = total > 0 ? Math.min(1, done / total) : 0;
    if (this.out.isTTY) {
      // One column short of the width: writing the last column wraps on some terminals.
      const width = Math.max(20, (this.out.columns ?? 80) - 1);
      const counts = `${done}/${total}`;
      const barWidth = Math.max(MIN_BAR_WIDTH, Math.min(BAR_WIDTH, width - columnsOf(`${label} [] ${counts} ${detail}`)));
      const filled = Math.round(fraction * barWidth);
      this.out.write(`\r\x1b[2K${fit(`${label} [${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)}] ${counts} ${detail}`, width)}`);
      this.drawn = true;
      return;
    }
    const now = Date.now();
    if (force || done === total || now - this.lastPlain >= PLAIN_INTERVAL_MS) {
      this.lastPlain = now;
      this.out.write(`${label} ${done}/${total} ${detail}\n`);
    }
  }

  /** Prints a message on its own line (clearing the bar first). */
  line(message: string): void {
    if (!this.enabled) return;
    this.clear();
    this.out.write(message + '\n');
  }

  clear(): void {
    if (this.drawn && this.out.isTTY) this.out.write('\r\x1b[2K');
    this.drawn = false;
  }
}

/** Turns trainer events into the bar: batch, loss, chars/s and time left in the epoch. */
export function trainProgress(bar: ProgressBar, label: string, totalEpochs: number): (event: TrainEvent) => void {
  return (event) => {
    switch (event.type) {
      case 'corpus': {
        const s = event.stats;
        bar.line(
          `${label}: corpus ${s.name}: ${formatNumber(s.chars)} chars, ${formatNumber(s.trainInstances)} training / ${formatNumber(s.valInstances)} validation instances, vocabulary ${formatNumber(s.vocabSize)}`,
        );
        for (const warning of event.warnings ?? []) bar.line(`${label}: warning: ${warning}`);
        break;
      }
      case 'progress': {
        const p = event.progress;
        const perBatch = p.elapsedMs / 1000 / Math.max(1, p.step);
        const left = (p.batchesPerEpoch - p.batch) * perBatch;
        bar.update(`${label} epoch ${p.epoch}/${totalEpochs}`, p.batch, p.batchesPerEpoch, `loss ${p.loss.toFixed(3)} · ${formatRate(p.charsPerSecond)} · ~${formatClock(left)} left`);
        break;
      }
      case 'epoch': {
        const e = event.summary;
        bar.line(
          `${label} epoch ${e.epoch}: train loss ${e.trainLoss.toFixed(3)}, val loss ${e.valLoss.toFixed(3)} (${e.bitsPerChar.toFixed(3)} bits/char), ${formatClock(e.seconds)}, ${formatRate(e.charsPerSecond)}, peak RSS ${formatNumber(e.peakRssMB)} MB`,
        );
        break;
      }
      case 'validation':
        bar.update(`${label} epoch ${event.epoch}/${totalEpochs} validating`, event.batch, event.batches, '');
        break;
      case 'checkpoint':
        bar.line(`${label}: checkpoint written to ${event.path}`);
        break;
    }
  };
}

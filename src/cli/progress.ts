// Progress on stderr: a redrawn bar on a terminal, a line every few seconds otherwise
// (logs, CI), so stdout stays free for results and --json.
import type { TrainEvent } from '../engine/trainer';

export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

const BAR_WIDTH = 24;
const PLAIN_INTERVAL_MS = 5000;

export function formatRate(charsPerSecond: number): string {
  return `${Math.round(charsPerSecond).toLocaleString('en-US')} chars/s`;
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
      const filled = Math.round(fraction * BAR_WIDTH);
      this.out.write(`\r\x1b[2K${label} [${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}] ${done}/${total} ${detail}`);
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
        bar.line(`${label}: corpus ${s.name}: ${s.chars.toLocaleString('en-US')} chars, ${s.trainInstances} training / ${s.valInstances} validation instances, vocabulary ${s.vocabSize}`);
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
        bar.line(`${label} epoch ${e.epoch}: train loss ${e.trainLoss.toFixed(3)}, val loss ${e.valLoss.toFixed(3)} (${e.bitsPerChar.toFixed(3)} bits/char), ${formatClock(e.seconds)}, ${formatRate(e.charsPerSecond)}, peak RSS ${Math.round(e.peakRssMB)} MB`);
        break;
      }
      case 'checkpoint':
        bar.line(`${label}: checkpoint written to ${event.path}`);
        break;
    }
  };
}

// A run as CSV files (pure: unit tests and the Export command share it).
import type { RunRecord } from '../../shared/protocol';

function csvField(value: unknown): string {
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : String(value)) : String(value ?? '');
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csv(header: string[], rows: unknown[][]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\n') + '\n';
}

/** Every series of a run, one CSV per series kind: file name → contents. */
export function runToCsv(run: RunRecord): Record<string, string> {
  const files: Record<string, string> = {};
  const base = run.id.replace(/[^A-Za-z0-9_.-]/g, '_');
  if (run.kind === 'train') {
    files[`${base}-batches.csv`] = csv(
      ['epoch', 'batch', 'step', 'loss', 'chars_per_second', 'elapsed_ms'],
      run.batches.map((b) => [b.epoch, b.batch, b.step, b.loss, b.charsPerSecond, b.elapsedMs]),
    );
    files[`${base}-epochs.csv`] = csv(
      ['epoch', 'train_loss', 'val_loss', 'bits_per_char', 'seconds', 'chars_per_second', 'peak_rss_mb'],
      run.epochs.map((e) => [e.epoch, e.trainLoss, e.valLoss, e.bitsPerChar, e.seconds, e.charsPerSecond, e.peakRssMB]),
    );
  } else {
    const steps = Math.max(0, ...run.probeSeries.map((s) => s.norms.length));
    const rows: unknown[][] = [];
    for (let t = 0; t < steps; t++) rows.push([t + 1, ...run.probeSeries.map((s) => (t < s.norms.length ? s.norms[t] : ''))]);
    files[`${base}-gradient-norms.csv`] = csv(['step', ...run.probeSeries.map((s) => s.name)], rows);
  }
  return files;
}

/** What a run trained on: "1 epoch" when it ran whole epochs, else "50 batches" (a Quick run is not an epoch). */
function trainedOn(run: RunRecord): string {
  const last = run.batches[run.batches.length - 1];
  if (!last) return '—';
  const wholeEpochs = run.config?.maxBatches === undefined && last.batch === last.batchesPerEpoch;
  return wholeEpochs ? `${last.epoch} epoch${last.epoch === 1 ? '' : 's'}` : `${last.step} batch${last.step === 1 ? '' : 'es'}`;
}

/** The notebook's comparison table, as Markdown, for the runs of one comparison. */
export function comparisonTable(runs: RunRecord[]): string {
  const header = '| model | trained on | time | train loss (epoch avg.) | val loss | bits/char | chars/s | peak MB | backend | status |\n|---|---|---|---|---|---|---|---|---|---|';
  const rows = runs.map((r) => {
    const last = r.epochs[r.epochs.length - 1];
    const seconds = r.epochs.reduce((s, e) => s + e.seconds, 0);
    const time = r.epochs.length ? `${Math.floor(seconds / 60)}:${String(Math.round(seconds % 60)).padStart(2, '0')}` : '—';
    const fmt = (v: number | undefined, d = 3) => (v === undefined ? '—' : v.toFixed(d));
    const status = r.reason && r.status !== 'done' ? `${r.status}: ${r.reason}` : r.status;
    return `| ${r.title} | ${trainedOn(r)} | ${time} | ${fmt(last?.trainLoss)} | ${fmt(last?.valLoss)} | ${fmt(last?.bitsPerChar)} | ${last ? Math.round(last.charsPerSecond) : '—'} | ${last ? Math.round(last.peakRssMB) : '—'} | ${r.backend ?? '—'} | ${status.replace(/\|/g, '\\|')} |`;
  });
  return `${header}\n${rows.join('\n')}\n`;
}

// One row of the runs table — the notebook's comparison table — as plain strings, so the
// formatting is testable without a DOM and the panel only has to place text.
import type { RunRecord } from '../src/shared/protocol';
import type { TrainConfig } from '../src/shared/types';
import { CELL_CATALOG, hasForgetGate, isCellKind } from '../src/shared/catalog';

// The notebook's comparison (time, losses) first: a side bar shows the first few columns.
export const RUN_COLUMNS = [
  { key: 'epochTime', title: 'Time' },
  { key: 'trainLoss', title: 'Train loss' },
  { key: 'valLoss', title: 'Val loss' },
  { key: 'bitsPerChar', title: 'Bits/char' },
  { key: 'charsPerSecond', title: 'Chars/s' },
  { key: 'peakMemory', title: 'Peak memory' },
  { key: 'status', title: 'Status' },
  { key: 'cell', title: 'Cell' },
  { key: 'backend', title: 'Backend' },
  { key: 'configuration', title: 'Configuration' },
] as const;

export type RunColumnKey = (typeof RUN_COLUMNS)[number]['key'];
export type RunRow = Record<RunColumnKey, string> & { id: string; title: string; statusReason?: string };


const BACKEND_NAMES: Record<string, string> = { tensorflow: 'tfjs-node', wasm: 'wasm', cpu: 'cpu' };

/** m:ss like the notebook's table (17:04), h:mm:ss past an hour. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

function fixed(value: number | undefined, digits: number): string {
  return value !== undefined && Number.isFinite(value) ? value.toFixed(digits) : '—';
}

function rate(charsPerSecond: number | undefined): string {
  if (charsPerSecond === undefined || !Number.isFinite(charsPerSecond)) return '—';
  return charsPerSecond >= 10_000 ? `${(charsPerSecond / 1000).toFixed(1)} k` : String(Math.round(charsPerSecond));
}

function signed(n: number): string {
  return n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '0';
}

/** Compact configuration, e.g. "brown · E50 H125 B32 T500 · lr 0.001 · b_f +1 · 2 ep". */
export function describeConfig(config: TrainConfig, corpusName?: string): string {
  const parts: string[] = [];
  parts.push(corpusName ?? (config.corpus.kind === 'brown' ? 'brown' : config.corpus.kind === 'text' ? config.corpus.name : config.corpus.path));
  parts.push(`E${config.embeddingSize} H${config.hiddenSize} B${config.batchSize} T${config.seqLen}`);
  parts.push(`lr ${config.learningRate}`);
  if (!isCellKind(config.cell) || hasForgetGate(config.cell)) parts.push(config.forgetGate ? `b_f ${signed(config.forgetBias)}` : 'no forget gate');
  parts.push(`${config.epochs} ep${config.maxBatches !== undefined ? ` × ≤${config.maxBatches} batches` : ''}`);
  return parts.join(' · ');
}

function statusText(run: RunRecord): string {
  const last = run.batches[run.batches.length - 1];
  if (run.status === 'running' && run.kind === 'train' && last) {
    return `running — epoch ${last.epoch}, ${last.batch}/${last.batchesPerEpoch}`;
  }
  if (run.status === 'running' && run.kind === 'probe') {
    const total = run.probeConfig?.series.length;
    return `running — ${run.probeSeries.length}${total !== undefined ? `/${total}` : ''} series`;
  }
  return run.reason && (run.status === 'failed' || run.status === 'cancelled' || run.status === 'interrupted') ? `${run.status}: ${run.reason}` : run.status;
}

export function runRow(run: RunRecord): RunRow {
  const lastEpoch = run.epochs[run.epochs.length - 1];
  const lastBatch = run.batches[run.batches.length - 1];
  const base = { id: run.id, title: run.title, statusReason: run.reason, backend: run.backend ? BACKEND_NAMES[run.backend] ?? run.backend : '—', status: statusText(run) };
  if (run.kind === 'probe') {
    const steps = run.probeConfig?.steps ?? run.probeSeries[0]?.norms.length;
    const seconds = run.probeSeries.reduce((sum, s) => sum + s.seconds, 0);
    return {
      ...base,
      cell: 'gradient probe',
      configuration: `${run.probeSeries.map((s) => s.name).join(', ') || '—'}${steps !== undefined ? ` · ${steps} steps` : ''}`,
      epochTime: run.probeSeries.length > 0 ? formatDuration(seconds) : '—',
      trainLoss: '—',
      valLoss: '—',
      bitsPerChar: '—',
      charsPerSecond: '—',
      peakMemory: '—',
    };
  }
  const peak = run.epochs.reduce((max, e) => Math.max(max, e.peakRssMB), Number.NEGATIVE_INFINITY);
  return {
    ...base,
    // The names the notebook uses, so the table reads like the notebook's own.
    cell: run.config ? (isCellKind(run.config.cell) ? CELL_CATALOG[run.config.cell].shortName : run.config.cell) : '—',
    configuration: run.config ? describeConfig(run.config, run.corpus?.name) : '—',
    // While the first epoch runs, its time so far; afterwards the last epoch's.
    epochTime: lastEpoch ? formatDuration(lastEpoch.seconds) : lastBatch ? `${formatDuration(lastBatch.elapsedMs / 1000)}…` : '—',
    trainLoss: lastEpoch ? fixed(lastEpoch.trainLoss, 3) : lastBatch ? `${fixed(lastBatch.loss, 3)}…` : '—',
    valLoss: fixed(lastEpoch?.valLoss, 3),
    bitsPerChar: fixed(lastEpoch?.bitsPerChar, 3),
    charsPerSecond: rate(lastEpoch?.charsPerSecond ?? lastBatch?.charsPerSecond),
    peakMemory: Number.isFinite(peak) ? `${Math.round(peak)} MB` : '—',
  };
}

/**
 * The panel's summary line when nothing runs: the last run and how it ended, with its final
 * losses ("done — val loss 2.957 (3.10 bits/char)") so the result is where the eye is.
 */
export function idleSummary(runs: readonly RunRecord[]): string {
  const latest = runs[runs.length - 1];
  if (!latest) return 'Ready. Train a model, compare architectures or probe gradient flow.';
  const last = latest.epochs[latest.epochs.length - 1];
  let outcome: string = latest.status;
  if (latest.status === 'done' && latest.kind === 'train' && last) outcome = `done — val loss ${fixed(last.valLoss, 3)} (${fixed(last.bitsPerChar, 2)} bits/char), train loss ${fixed(last.trainLoss, 3)}`;
  else if (latest.status === 'done' && latest.kind === 'probe') outcome = `done — ${latest.probeSeries.length} series`;
  else if (latest.reason && latest.status !== 'done') outcome = `${latest.status}: ${latest.reason}`;
  const backend = latest.backend ? ` on ${BACKEND_NAMES[latest.backend] ?? latest.backend}` : '';
  return `${runs.length} run${runs.length === 1 ? '' : 's'} · last: ${latest.title}${backend} — ${outcome}`;
}

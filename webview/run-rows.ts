// One row of the runs table — the notebook's comparison table — as plain strings, so the
// formatting is testable without a DOM and the panel only has to place text.
import type { RunRecord } from '../src/shared/protocol';
import type { ProbeConfig, TrainConfig } from '../src/shared/types';
import { CELL_CATALOG, hasForgetGate, isCellKind } from '../src/shared/catalog';
import { startClock } from '../src/shared/chart-configs';

/**
 * The train loss shown is the mean over the epoch's batches, from the first (untrained) to the
 * last, so it sits above the validation loss measured after the epoch: said wherever it appears.
 */
export const TRAIN_LOSS_NOTE = 'average over the epoch';

// The notebook's comparison (time, losses) first: a side bar shows the first few columns.
export const RUN_COLUMNS = [
  { key: 'epochTime', title: 'Time' },
  { key: 'trainLoss', title: 'Train loss (epoch avg.)' },
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
/** The columns only a training run fills: a probe's row shows its own facts in their place. */
export const TRAIN_ONLY_COLUMNS: readonly RunColumnKey[] = ['trainLoss', 'valLoss', 'bitsPerChar', 'charsPerSecond', 'peakMemory'];

/** One thing a probe run says about itself ("Series: 5"), shown where a training run's losses are; a list (one value per series) has several items. */
export interface ProbeFact {
  label: string;
  items: string[];
}

/** The columns that say what ran (not how it went): a table of medium width folds them under the run's name. */
export const DETAIL_COLUMNS: readonly RunColumnKey[] = ['cell', 'backend', 'configuration'];

export type RunRow = Record<RunColumnKey, string> & { id: string; title: string; started: string; statusReason?: string; probeFacts?: ProbeFact[] };

const BACKEND_NAMES: Record<string, string> = { tensorflow: 'tfjs-node', wasm: 'wasm', cpu: 'cpu' };

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * When a run started, in local time, so that two runs of the same name (two probes of one cell)
 * are told apart: "22:41:05" today, "Nov 29, 22:41" another day.
 */
export function formatStarted(ms: number, now: number = Date.now()): string {
  if (!Number.isFinite(ms)) return '—';
  const date = new Date(ms);
  if (date.toDateString() === new Date(now).toDateString()) return `${startClock(ms)}:${pad2(date.getSeconds())}`;
  return `${MONTHS[date.getMonth()]} ${date.getDate()}, ${startClock(ms)}`;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

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

/** "Brown · E50 H125 B32 · seed 0", plus "trained weights" when the probe read a checkpoint. */
function describeProbeConfig(config: ProbeConfig): string {
  const corpus = config.corpus.kind === 'brown' ? 'Brown' : config.corpus.kind === 'text' ? config.corpus.name : config.corpus.path;
  return [corpus, `E${config.embeddingSize} H${config.hiddenSize} B${config.batchSize}`, `seed ${config.seed}`, ...(config.checkpoint ? ['trained weights'] : [])].join(' · ');
}

/** A gradient norm in a few characters: 0.842, 12.5, 3.2e-31. */
function formatNorm(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  return Math.abs(value) < 0.01 || Math.abs(value) >= 1e4 ? value.toExponential(1) : value.toPrecision(3);
}

/**
 * What a probe run holds, for its row: how many series and steps, the forget-bias variants it
 * compares (when it has LSTM series), and each series' gradient norm at its last step — the
 * number the gradient chart ends on.
 */
export function probeFacts(run: RunRecord): ProbeFact[] {
  const planned = run.probeConfig?.series.length;
  const done = run.probeSeries.length;
  const facts: ProbeFact[] = [{ label: 'Series', items: [planned !== undefined && planned !== done ? `${done} of ${planned}` : String(done)] }];
  const steps = run.probeConfig?.steps ?? run.probeSeries[0]?.norms.length;
  if (steps !== undefined) facts.push({ label: 'Steps', items: [String(steps)] });
  const specs = run.probeConfig?.series ?? run.probeSeries;
  const gated = specs.filter((s) => isCellKind(s.cell) && hasForgetGate(s.cell));
  if (gated.length > 0) {
    const biases = [...new Set(gated.filter((s) => s.forgetGate).map((s) => (s.keepTrainedForgetBias ? 'trained' : signed(s.forgetBias))))];
    const without = gated.filter((s) => !s.forgetGate).length;
    const parts = [...(biases.length ? [biases.join(', ')] : []), ...(without ? ['none (no forget gate)'] : [])];
    facts.push({ label: 'Forget bias', items: [parts.join('; ')] });
  }
  const ends = run.probeSeries.filter((s) => s.norms.length > 0);
  if (ends.length > 0) {
    const lastStep = Math.max(...ends.map((s) => s.norms.length));
    facts.push({ label: `‖∂loss/∂h₀‖ at step ${lastStep}`, items: ends.map((s) => `${s.name} ${formatNorm(s.norms[s.norms.length - 1])}`) });
  }
  return facts;
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

/** A lens's run names the user's cell beside the built-in one that ran: "NaiveLSTM (built-in stand-in for lstmStep)". */
function withCodeCell(run: RunRecord, cell: string): string {
  if (!run.codeCell) return cell;
  return run.codeCell.role === 'stand-in' ? `${cell} (built-in stand-in for ${run.codeCell.name})` : `${cell} (built-in, trained with ${run.codeCell.name}'s structure)`;
}

export function runRow(run: RunRecord): RunRow {
  const lastEpoch = run.epochs[run.epochs.length - 1];
  const lastBatch = run.batches[run.batches.length - 1];
  const base = {
    id: run.id,
    title: run.title,
    started: formatStarted(run.startedAt ?? run.createdAt),
    statusReason: run.reason,
    backend: run.backend ? (BACKEND_NAMES[run.backend] ?? run.backend) : '—',
    status: statusText(run),
  };
  if (run.kind === 'probe') {
    const seconds = run.probeSeries.reduce((sum, s) => sum + s.seconds, 0);
    const cells = [...new Set((run.probeConfig?.series ?? run.probeSeries).map((s) => (isCellKind(s.cell) ? CELL_CATALOG[s.cell].shortName : s.cell)))];
    return {
      ...base,
      cell: withCodeCell(run, cells.join(', ') || '—'),
      configuration: run.probeConfig ? describeProbeConfig(run.probeConfig) : '—',
      epochTime: run.probeSeries.length > 0 ? formatDuration(seconds) : '—',
      trainLoss: '',
      valLoss: '',
      bitsPerChar: '',
      charsPerSecond: '',
      peakMemory: '',
      probeFacts: probeFacts(run),
    };
  }
  const peak = run.epochs.reduce((max, e) => Math.max(max, e.peakRssMB), Number.NEGATIVE_INFINITY);
  return {
    ...base,
    // The names the notebook uses, so the table reads like the notebook's own.
    cell: withCodeCell(run, run.config ? (isCellKind(run.config.cell) ? CELL_CATALOG[run.config.cell].shortName : run.config.cell) : '—'),
    configuration: run.config ? describeConfig(run.config, run.corpus?.name) : '—',
    // While the first epoch runs, its time so far and the last batch's loss, said in words (a
    // trailing "…" read as a value cut short); afterwards the last epoch's.
    epochTime: lastEpoch ? formatDuration(lastEpoch.seconds) : lastBatch ? `${formatDuration(lastBatch.elapsedMs / 1000)} so far` : '—',
    trainLoss: lastEpoch ? fixed(lastEpoch.trainLoss, 3) : lastBatch ? `${fixed(lastBatch.loss, 3)} (last batch)` : '—',
    valLoss: fixed(lastEpoch?.valLoss, 3),
    bitsPerChar: fixed(lastEpoch?.bitsPerChar, 3),
    charsPerSecond: rate(lastEpoch?.charsPerSecond ?? lastBatch?.charsPerSecond),
    peakMemory: Number.isFinite(peak) ? `${Math.round(peak)} MB` : '—',
  };
}

/** "done — 5 series", or just "done" when the probe's title already counts them. */
export function probeDone(run: RunRecord): string {
  const count = `${run.probeSeries.length} series`;
  return run.title.includes(count) ? 'done' : `done — ${count}`;
}

/** What a run is called in the summary line: the user's cell for a lens run, else the cell's short name. */
function shortName(run: RunRecord): string {
  if (run.kind === 'probe') return run.codeCell?.role === 'stand-in' ? `Stand-in probe for ${run.codeCell.name}` : 'Gradient probe';
  if (run.codeCell) return run.codeCell.name;
  return run.config && isCellKind(run.config.cell) ? CELL_CATALOG[run.config.cell].shortName : run.title;
}

function backendName(run: RunRecord): string | undefined {
  return run.backend ? (BACKEND_NAMES[run.backend] ?? run.backend) : undefined;
}

/**
 * The panel's summary line, short and plain, and its hover with the details. Running: what and
 * how far ("Training NaiveLSTM: batch 23 of 50, loss 3.124"); else the latest run's result
 * ("NaiveLSTM done: val loss 2.957 · 3.10 bits/char") or how it ended, followed by the last
 * trained model's loss when the latest run is not it (a probe after training). The hover names the run
 * in full, its backend and speed, and how many runs there are; the Runs table has the rest.
 */
export function panelSummary(runs: readonly RunRecord[]): { text: string; detail: string } {
  const latest = runs[runs.length - 1];
  if (!latest) return { text: 'Ready. Train a model, compare architectures or probe gradient flow.', detail: 'No runs yet.' };
  const active = runs.filter((r) => r.status === 'running' || r.status === 'queued');
  const running = active.find((r) => r.status === 'running');
  if (running) {
    const queued = active.length > 1 ? ` (+${active.length - 1} queued)` : '';
    return { text: runningText(running) + queued, detail: runningDetail(running, active.length - 1) };
  }
  if (active.length > 0) return { text: `${shortName(active[0])}: queued${active.length > 1 ? ` (${active.length - 1} more)` : ''}`, detail: idleSummary(runs) };
  // A probe (or a failed run) after training leaves the last trained model's loss in view beside its own result.
  const trained = lastTrained(runs);
  const earlier = trained && trained !== latest ? ` · ${shortName(trained)} ${trainedLosses(trained)}` : '';
  return { text: outcomeText(latest) + earlier, detail: idleSummary(runs) };
}

/** The last training run that finished with validation losses, the model the panel's losses are about. */
function lastTrained(runs: readonly RunRecord[]): RunRecord | undefined {
  for (let k = runs.length - 1; k >= 0; k--) if (runs[k].status === 'done' && runs[k].kind === 'train' && runs[k].epochs.length > 0) return runs[k];
  return undefined;
}

/** "val loss 2.957 · 3.10 bits/char": a finished training run's final validation loss. */
function trainedLosses(run: RunRecord): string {
  const last = run.epochs[run.epochs.length - 1];
  return `val loss ${fixed(last?.valLoss, 3)} · ${fixed(last?.bitsPerChar, 2)} bits/char`;
}

function runningText(run: RunRecord): string {
  if (run.kind === 'probe') {
    const total = run.probeConfig?.series.length;
    return `Probing the gradient: ${run.probeSeries.length}${total !== undefined ? ` of ${total}` : ''} series done`;
  }
  const last = run.batches[run.batches.length - 1];
  if (!last) return `Training ${shortName(run)}: starting`;
  return `Training ${shortName(run)}: batch ${last.batch} of ${last.batchesPerEpoch}${last.epoch > 1 ? ` (epoch ${last.epoch})` : ''}, loss ${fixed(last.loss, 3)}`;
}

/** The running run in full: its title, the built-in cell it runs, backend, progress and speed. */
function runningDetail(run: RunRecord, queued: number): string {
  const last = run.batches[run.batches.length - 1];
  const cell = run.config && isCellKind(run.config.cell) ? CELL_CATALOG[run.config.cell].shortName : undefined;
  const parts = [`Running ${run.title}${cell && !run.title.includes(cell) ? ` (${cell})` : ''}`];
  const backend = backendName(run);
  if (backend) parts.push(`backend ${backend}`);
  if (last) parts.push(`epoch ${last.epoch}, batch ${last.batch}/${last.batchesPerEpoch}`, `loss ${fixed(last.loss, 3)}`, `${Math.round(last.charsPerSecond)} chars/s`);
  if (run.kind === 'probe') parts.push(`${run.probeSeries.length} series so far`);
  if (queued > 0) parts.push(`${queued} more queued`);
  return parts.join(' · ');
}

/** How the latest run ended, in a few words: its final losses when it trained to the end. */
function outcomeText(run: RunRecord): string {
  const last = run.epochs[run.epochs.length - 1];
  const name = shortName(run);
  if (run.status === 'done' && run.kind === 'train' && last) return `${name} done: ${trainedLosses(run)}`;
  if (run.status === 'done' && run.kind === 'probe') return `${name} done: ${run.probeSeries.length} series`;
  return run.reason && run.status !== 'done' ? `${name} ${run.status}: ${run.reason}` : `${name} ${run.status}`;
}

/**
 * The summary line's hover when nothing runs: the last run and how it ended, with its final
 * losses ("done — val loss 2.957 (3.10 bits/char)").
 */
export function idleSummary(runs: readonly RunRecord[]): string {
  const latest = runs[runs.length - 1];
  if (!latest) return 'No runs yet.';
  const trained = lastTrained(runs);
  let outcome: string = latest.status;
  if (latest === trained) outcome = trainedOutcome(latest);
  else if (latest.status === 'done' && latest.kind === 'probe') outcome = probeDone(latest);
  else if (latest.reason && latest.status !== 'done') outcome = `${latest.status}: ${latest.reason}`;
  const backend = backendName(latest);
  const earlier = trained && trained !== latest ? ` · last trained: ${trained.title} — ${trainedOutcome(trained)}` : '';
  return `${runs.length} run${runs.length === 1 ? '' : 's'} · last: ${latest.title}${backend ? ` on ${backend}` : ''} — ${outcome}${earlier}`;
}

/** "done — val loss 2.957 (3.10 bits/char), train loss 3.012 (average over the epoch)". */
function trainedOutcome(run: RunRecord): string {
  const last = run.epochs[run.epochs.length - 1];
  return `done — val loss ${fixed(last?.valLoss, 3)} (${fixed(last?.bitsPerChar, 2)} bits/char), train loss ${fixed(last?.trainLoss, 3)} (${TRAIN_LOSS_NOTE})`;
}

// Every run, one JSON file per run under <storage>/runs, written atomically (temporary file,
// then rename) so a crash or a full disk never leaves a half-written run behind.
// No vscode import: the extension passes its storage folder; unit tests pass a temp folder.
import { promises as fsp } from 'node:fs';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BatchProgress } from '../../shared/types';
import { isRunRecord, type RunRecord } from '../../shared/protocol';
import { fileErrorCause } from '../../shared/fs-errors';

/** Most per-batch points kept in a record; beyond it every other point is dropped (the chart thins further). */
export const MAX_BATCH_POINTS = 4000;

export interface LoadResult {
  runs: RunRecord[];
  /** One message per run file that could not be read (the others still load). */
  warnings: string[];
}

// NaN and ±Infinity are real outcomes (a diverged loss, an exploded gradient) but JSON turns
// them into null; they are written as strings and read back as numbers.
const NON_FINITE: Record<string, number> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY };
function replacer(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}
function reviver(key: string, value: unknown): unknown {
  if (typeof value === 'string' && value in NON_FINITE && NUMERIC_KEYS.has(key)) return NON_FINITE[value];
  if (Array.isArray(value) && key === 'norms') return value.map((v) => (typeof v === 'string' && v in NON_FINITE ? NON_FINITE[v] : v));
  return value;
}
const NUMERIC_KEYS = new Set(['loss', 'trainLoss', 'valLoss', 'bitsPerChar', 'charsPerSecond', 'seconds', 'peakRssMB', 'elapsedMs', 'forgetBias', 'learningRate']);

export function serializeRun(run: RunRecord): string {
  return JSON.stringify(run, replacer, 1);
}

export function parseRun(text: string): RunRecord {
  const value: unknown = JSON.parse(text, reviver);
  if (!isRunRecord(value)) throw new Error('the file is JSON but not a run record (fields missing or of the wrong type)');
  return value;
}

/** Appends a batch to a run, halving the kept points when the record grows past MAX_BATCH_POINTS. */
export function appendBatch(run: RunRecord, progress: BatchProgress, limit = MAX_BATCH_POINTS): void {
  run.batches.push(progress);
  if (run.batches.length > limit) {
    const last = run.batches[run.batches.length - 1];
    run.batches = run.batches.filter((_, i) => i % 2 === 0);
    if (run.batches[run.batches.length - 1] !== last) run.batches.push(last);
  }
}

function describeFsError(error: unknown, action: string, target: string): Error {
  const hint = fileErrorCause(error);
  return new Error(`LSTM Lab could not ${action} ${target}: ${hint}. The run continues in memory but is not saved.`);
}

export class RunsStore {
  readonly runsDir: string;
  readonly checkpointsDir: string;
  private readonly pending = new Map<string, RunRecord>();
  private timer: NodeJS.Timeout | undefined;
  /** Per-run write chains, so two saves of one run never rename out of order. */
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    readonly root: string,
    private readonly options: { throttleMs?: number; onError?: (error: Error) => void } = {},
  ) {
    this.runsDir = path.join(root, 'runs');
    this.checkpointsDir = path.join(root, 'checkpoints');
  }

  fileOf(id: string): string {
    return path.join(this.runsDir, `${safeId(id)}.json`);
  }

  /** The per-run folder for its checkpoints (created on demand). */
  checkpointDirOf(id: string): string {
    return path.join(this.checkpointsDir, safeId(id));
  }

  /**
   * Reads every run. A run that was queued or running when the window closed comes back
   * `interrupted` (with its data so far) and is written back so. A file that cannot be read
   * or parsed is skipped with a warning naming it; the others still load.
   */
  async load(): Promise<LoadResult> {
    const warnings: string[] = [];
    let names: string[];
    try {
      names = (await fsp.readdir(this.runsDir)).filter((n) => n.endsWith('.json'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { runs: [], warnings };
      return { runs: [], warnings: [`could not read the runs folder ${this.runsDir}: ${(error as Error).message}`] };
    }
    // Temporary files left by a crash mid-write: the run's previous .json is intact, drop them.
    for (const stale of (await fsp.readdir(this.runsDir)).filter((n) => n.endsWith('.tmp'))) {
      await fsp.rm(path.join(this.runsDir, stale), { force: true }).catch(() => undefined);
    }
    const runs: RunRecord[] = [];
    for (const name of names) {
      const file = path.join(this.runsDir, name);
      try {
        const run = parseRun(await fsp.readFile(file, 'utf8'));
        if (run.status === 'running' || run.status === 'queued') {
          const was = run.status;
          run.status = 'interrupted';
          run.reason = was === 'running' ? 'VS Code closed or reloaded while this run was training; its data so far is kept.' : 'VS Code closed or reloaded before this queued run started.';
          await this.save(run).catch((e: Error) => warnings.push(e.message));
        }
        runs.push(run);
      } catch (error) {
        warnings.push(`skipped the damaged run file ${file}: ${(error as Error).message}`);
      }
    }
    runs.sort((a, b) => a.createdAt - b.createdAt);
    return { runs, warnings };
  }

  /** Writes a run now, atomically. Rejects with a clear message (full disk, read-only storage). */
  save(run: RunRecord): Promise<void> {
    this.pending.delete(run.id);
    const text = serializeRun(run);
    const previous = this.chains.get(run.id) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.writeAtomic(this.fileOf(run.id), text));
    this.chains.set(run.id, next);
    void next
      .finally(() => {
        if (this.chains.get(run.id) === next) this.chains.delete(run.id);
      })
      .catch(() => undefined);
    return next;
  }

  /** Schedules a write (throttled: progress arrives per batch, the disk hears about it every second or so). */
  update(run: RunRecord): void {
    this.pending.set(run.id, run);
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.options.throttleMs ?? 1000);
  }

  /** Writes every scheduled run now and waits for all writes in flight. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const runs = [...this.pending.values()];
    this.pending.clear();
    await Promise.all(runs.map((r) => this.save(r).catch((e: Error) => this.options.onError?.(e))));
    await Promise.all([...this.chains.values()].map((p) => p.catch(() => undefined)));
  }

  async delete(id: string): Promise<void> {
    this.pending.delete(id);
    await this.chains.get(id)?.catch(() => undefined);
    await fsp.rm(this.fileOf(id), { force: true });
    await fsp.rm(this.checkpointDirOf(id), { recursive: true, force: true });
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    // Last chance to save progress on deactivate: synchronous, still atomic.
    for (const run of this.pending.values()) {
      try {
        writeAtomicSync(this.fileOf(run.id), serializeRun(run));
      } catch (error) {
        this.options.onError?.(describeFsError(error, 'save the run to', this.fileOf(run.id)));
      }
    }
    this.pending.clear();
  }

  private async writeAtomic(file: string, text: string): Promise<void> {
    const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      await fsp.mkdir(path.dirname(file), { recursive: true });
      const handle = await fsp.open(temp, 'w');
      try {
        await handle.writeFile(text, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fsp.rename(temp, file);
    } catch (error) {
      await fsp.rm(temp, { force: true }).catch(() => undefined);
      throw describeFsError(error, 'save the run to', file);
    }
  }
}

function writeAtomicSync(file: string, text: string): void {
  const temp = `${file}.${process.pid}.sync.tmp`;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(temp, text, 'utf8');
  fs.renameSync(temp, file);
}

/** Run ids become file names: keep them to a safe alphabet. */
function safeId(id: string): string {
  return id.replace(/[^A-Za-z0-9_.-]/g, '_');
}

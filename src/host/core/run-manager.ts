// The runs the user started: a FIFO queue (one job in the worker at a time, never
// interleaved), each run's record kept current from the worker's events and saved through
// the store, cancel with a hard stop when the worker does not answer, and the worker's death
// turned into a failed run with the reason. No vscode import (the commands module shows it).
import type { BatchProgress, ProbeConfig, ProbeSeries, SampleConfig, TrainConfig } from '../../shared/types';
import type { SaturationReport } from '../../shared/inspect-types';
import type { InspectJob, InspectResult, RunRecord } from '../../shared/protocol';
import { appendBatch, type RunsStore } from './runs-store';
import { WorkerDiedError, type DoneMessage, type JobEvent, type JobMessage, type WorkerClient } from './worker-client';

export interface RunManagerEvents {
  /** A run's record changed (status, epoch, result); also fired when it is created or deleted (deleted: run undefined). */
  runUpdated?: (run: RunRecord) => void;
  runDeleted?: (id: string) => void;
  progress?: (runId: string, progress: BatchProgress) => void;
  probeSeries?: (runId: string, series: ProbeSeries) => void;
  saturation?: (runId: string, report: SaturationReport) => void;
  log?: (line: string) => void;
  /** Something the user must see (store write failed, …). */
  warn?: (message: string) => void;
}

interface QueuedJob {
  run?: RunRecord;
  message: JobMessage;
  resolve: (value: RunRecord | string | InspectResult) => void;
  reject: (error: Error) => void;
}

/** How long a cancelled job may take to stop by itself before the worker is killed. */
const CANCEL_GRACE_MS = 15_000;

let counter = 0;
export function newRunId(kind: string, now = Date.now()): string {
  counter = (counter + 1) % 1000;
  return `${kind}-${new Date(now).toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${(now % 1000).toString().padStart(3, '0')}${counter.toString().padStart(3, '0')}`;
}

export class RunManager {
  private readonly runs = new Map<string, RunRecord>();
  private readonly queue: QueuedJob[] = [];
  private active: (QueuedJob & { cancelRequested?: boolean; cancelTimer?: NodeJS.Timeout }) | undefined;
  private readonly listeners: RunManagerEvents[] = [];
  /** Set on deactivate: jobs failing because the worker is shut down stay `running` on disk, so the next window shows them interrupted. */
  private disposed = false;

  constructor(
    private readonly store: RunsStore,
    private readonly worker: WorkerClient,
  ) {}

  on(events: RunManagerEvents): { dispose(): void } {
    this.listeners.push(events);
    return { dispose: () => this.listeners.splice(this.listeners.indexOf(events), 1) };
  }

  private emit<K extends keyof RunManagerEvents>(key: K, ...args: Parameters<NonNullable<RunManagerEvents[K]>>): void {
    for (const l of this.listeners) (l[key] as ((...a: unknown[]) => void) | undefined)?.(...args);
  }

  /** Loads the stored runs (running ones come back interrupted); returns warnings about damaged files. */
  async load(): Promise<string[]> {
    const { runs, warnings } = await this.store.load();
    for (const r of runs) this.runs.set(r.id, r);
    return warnings;
  }

  list(): RunRecord[] {
    return [...this.runs.values()].sort((a, b) => a.createdAt - b.createdAt);
  }

  get(id: string): RunRecord | undefined {
    return this.runs.get(id);
  }

  /** The training run that finished last with a validation loss (the status bar's idle text), stored ones included. */
  lastFinishedTraining(): RunRecord | undefined {
    let last: RunRecord | undefined;
    for (const run of this.runs.values()) {
      if (run.kind !== 'train' || run.status !== 'done' || run.epochs.length === 0) continue;
      if (!last || (run.finishedAt ?? run.createdAt) >= (last.finishedAt ?? last.createdAt)) last = run;
    }
    return last;
  }

  /** The run in the worker now, if any. */
  activeRun(): RunRecord | undefined {
    return this.active?.run;
  }

  queuedRuns(): RunRecord[] {
    return this.queue.flatMap((j) => (j.run ? [j.run] : []));
  }

  get busy(): boolean {
    return this.active !== undefined || this.queue.length > 0;
  }

  /** Queues a training run; the promise resolves with its final record (done, cancelled or failed), never rejects. */
  train(config: TrainConfig, title: string, resumeFrom?: string, codeCell?: RunRecord['codeCell']): { run: RunRecord; finished: Promise<RunRecord> } {
    const run: RunRecord = {
      id: newRunId('train'),
      kind: 'train',
      title,
      status: 'queued',
      createdAt: Date.now(),
      config,
      batches: [],
      epochs: [],
      probeSeries: [],
      ...(codeCell ? { codeCell } : {}),
    };
    const message: JobMessage = { type: 'train', id: run.id, config, checkpointDir: this.store.checkpointDirOf(run.id), ...(resumeFrom ? { resumeFrom } : {}) };
    return { run, finished: this.enqueueRun(run, message) };
  }

  probe(config: ProbeConfig, title: string, codeCell?: RunRecord['codeCell']): { run: RunRecord; finished: Promise<RunRecord> } {
    const run: RunRecord = {
      id: newRunId('probe'),
      kind: 'probe',
      title,
      status: 'queued',
      createdAt: Date.now(),
      probeConfig: config,
      batches: [],
      epochs: [],
      probeSeries: [],
      ...(codeCell ? { codeCell } : {}),
    };
    return { run, finished: this.enqueueRun(run, { type: 'probe', id: run.id, config }) };
  }

  /** Adds a run computed outside the worker (the probe of the user's own code, in Python): saved and shown like the others. */
  addFinished(run: RunRecord): void {
    this.runs.set(run.id, run);
    this.changed(run, true);
  }

  /** Sampling is not a run (nothing to chart) but shares the worker's queue. Rejects with the engine's message. */
  sample(config: SampleConfig): Promise<string> {
    return new Promise<RunRecord | string | InspectResult>((resolve, reject) => {
      this.queue.push({ message: { type: 'sample', id: newRunId('sample'), config }, resolve, reject });
      void this.pump();
    }).then((v) => (typeof v === 'string' ? v : ''));
  }

  /** Looking inside a trained run: not a run either, queued like sampling. Rejects with the engine's message. */
  inspect(job: InspectJob): Promise<InspectResult> {
    return new Promise<RunRecord | string | InspectResult>((resolve, reject) => {
      this.queue.push({ message: { type: 'inspect', id: newRunId('inspect'), job }, resolve, reject });
      void this.pump();
    }).then((v) => {
      if (typeof v === 'object' && !('id' in v)) return v;
      throw new Error('the worker answered an inspection with something else.');
    });
  }

  private enqueueRun(run: RunRecord, message: JobMessage): Promise<RunRecord> {
    this.runs.set(run.id, run);
    this.changed(run, true);
    // finish() and fail() resolve a run's job with its record.
    const finished = new Promise<RunRecord | string | InspectResult>((resolve, reject) => {
      this.queue.push({ run, message, resolve, reject });
    }).then(() => run);
    void this.pump();
    return finished;
  }

  /**
   * Stops a run: a queued one is dropped (cancelled), the running one is asked to cancel
   * (it keeps its data so far) and, if the worker does not stop within the grace period, the
   * worker is killed. Without an id: the running run, else every queued run.
   */
  stop(id?: string): RunRecord[] {
    const targets = id ? [id] : this.active?.run ? [this.active.run.id] : this.queuedRuns().map((r) => r.id);
    const stopped: RunRecord[] = [];
    for (const target of targets) {
      const queuedIndex = this.queue.findIndex((j) => j.run?.id === target);
      if (queuedIndex >= 0) {
        const [job] = this.queue.splice(queuedIndex, 1);
        const run = job.run!;
        run.status = 'cancelled';
        run.reason = 'stopped before it started.';
        this.changed(run, true);
        job.resolve(run);
        stopped.push(run);
      } else if (this.active?.run?.id === target && !this.active.cancelRequested) {
        const active = this.active;
        active.cancelRequested = true;
        this.worker.cancel(target);
        this.emit('log', `[${target}] stop requested`);
        active.cancelTimer = setTimeout(() => {
          if (this.active === active) this.worker.kill(`stopped: the worker did not stop within ${CANCEL_GRACE_MS / 1000} s, so it was ended.`);
        }, CANCEL_GRACE_MS);
        stopped.push(active.run!);
      }
    }
    return stopped;
  }

  async delete(id: string): Promise<void> {
    if (this.active?.run?.id === id || this.queue.some((j) => j.run?.id === id)) throw new Error('stop the run before deleting it.');
    this.runs.delete(id);
    await this.store.delete(id);
    this.emit('runDeleted', id);
  }

  /** Deletes every run that is not queued or running. */
  async clear(): Promise<number> {
    const removable = this.list().filter((r) => r.status !== 'queued' && r.status !== 'running');
    for (const r of removable) await this.delete(r.id);
    return removable.length;
  }

  private changed(run: RunRecord, saveNow = false): void {
    if (saveNow) {
      this.store.save(run).catch((error: Error) => this.emit('warn', error.message));
    } else {
      this.store.update(run);
    }
    this.emit('runUpdated', run);
  }

  private async pump(): Promise<void> {
    if (this.active || this.disposed) return;
    const job = this.queue.shift();
    if (!job) return;
    this.active = job;
    const run = job.run;
    try {
      const { backend } = await this.worker.start();
      if (run) {
        run.status = 'running';
        run.backend = backend;
        run.startedAt = Date.now();
        this.changed(run, true);
      }
      const done = await this.worker.run(job.message, (event) => run && this.onEvent(run, event));
      this.finish(job, done);
    } catch (error) {
      this.fail(job, error as Error);
    } finally {
      if (this.active?.cancelTimer) clearTimeout(this.active.cancelTimer);
      this.active = undefined;
      void this.pump();
    }
  }

  private onEvent(run: RunRecord, event: JobEvent): void {
    switch (event.type) {
      case 'corpus':
        run.corpus = event.stats;
        for (const warning of event.warnings ?? []) this.emit('warn', `${run.title}: ${warning}`);
        this.changed(run);
        return;
      case 'progress':
        appendBatch(run, event.progress);
        this.store.update(run);
        this.emit('progress', run.id, event.progress);
        return;
      case 'epoch':
        run.epochs.push(event.summary);
        this.changed(run, true);
        return;
      case 'checkpoint':
        run.checkpoint = event.path;
        this.changed(run);
        return;
      case 'probeSeries':
        run.probeSeries.push(event.series);
        this.store.update(run);
        this.emit('probeSeries', run.id, event.series);
        return;
      case 'saturation':
        (run.saturation ??= []).push(event.report);
        this.store.update(run);
        this.emit('saturation', run.id, event.report);
        return;
      case 'cellOutput':
        return; // a user cell's output: its checks never run through the runs queue (user-code.ts)
      default:
        event satisfies never;
    }
  }

  private finish(job: QueuedJob, done: DoneMessage): void {
    if (this.disposed) return;
    const run = job.run;
    if (done.type === 'sampleDone') {
      job.resolve(done.text);
      return;
    }
    if (done.type === 'inspectDone') {
      job.resolve(done.result);
      return;
    }
    // The user's own cells run in their own worker (user-code.ts), never through the runs queue.
    if (done.type === 'checkCellDone') return job.reject(new Error('a cell check came back through the runs queue, which never sends one.'));
    if (!run) return job.resolve('');
    if (done.type === 'trainDone') {
      const result = done.result;
      run.status = result.status === 'running' || result.status === 'queued' ? 'done' : result.status;
      if (result.reason) run.reason = result.reason;
      run.backend = result.backend;
      run.corpus = result.corpus;
      run.epochs = result.epochs;
      if (result.checkpoint) run.checkpoint = result.checkpoint;
    } else {
      run.status = 'done';
      run.backend = done.result.backend;
      // The final list is authoritative (series arrive one by one; none may be missing).
      run.probeSeries = done.result.series;
    }
    run.finishedAt = Date.now();
    this.changed(run, true);
    job.resolve(run);
  }

  private fail(job: QueuedJob, error: Error): void {
    if (this.disposed) return;
    const run = job.run;
    const cancelled = (this.active === job && (this.active as { cancelRequested?: boolean }).cancelRequested) ?? false;
    if (!run) {
      job.reject(error);
      return;
    }
    if (cancelled) {
      run.status = 'cancelled';
      run.reason = error instanceof WorkerDiedError ? error.reason : 'stopped by the user; the data so far is kept.';
    } else {
      run.status = 'failed';
      run.reason = error instanceof WorkerDiedError ? error.reason : error.message;
    }
    run.finishedAt = Date.now();
    this.emit('log', `[${run.id}] ${run.status}: ${run.reason}`);
    this.changed(run, true);
    job.resolve(run);
  }

  /** Saves everything pending (deactivate). */
  dispose(): void {
    this.disposed = true;
    for (const run of [this.active?.run, ...this.queuedRuns()]) {
      if (run) this.store.update(run); // status stays running/queued: the next load marks it interrupted
    }
    this.store.dispose();
  }
}

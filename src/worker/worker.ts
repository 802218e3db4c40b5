// The worker's message loop, separate from the process entry (main.ts) so it is plain code:
// validates every HostToWorker, runs one job at a time with an AbortController each, streams
// WorkerToHost events, and turns every failure into an `error` message instead of a crash.
import type { BackendName, BackendPreference, ProbeConfig, ProbeResult, SampleConfig, TrainConfig, TrainResult } from '../shared/types';
import type { CellResult, CheckInput } from '../shared/cell-check';
import { isHostToWorker, type HostToWorker, type InspectJob, type InspectResult, type WorkerToHost } from '../shared/protocol';

/** The training events the engine emits: the engine's own type, not a copy that could drift. */
export type { TrainEvent } from '../engine/trainer';
import type { TrainEvent, TrainOptions } from '../engine/trainer';
import type { ProbeOptions } from '../engine/probe';

/** The slice of the engine the worker calls (main.ts passes the engine modules' functions). */
export interface WorkerEngine {
  initBackend(preference: BackendPreference, options: { wasmDir?: string }): Promise<BackendName>;
  // The engine's own option types, so the worker cannot drift from what the engine takes.
  train(config: TrainConfig, options: TrainOptions): Promise<TrainResult>;
  probe(config: ProbeConfig, options: ProbeOptions): Promise<ProbeResult>;
  sample(config: SampleConfig & { corpusDir?: string }): Promise<string>;
  /** Looking inside a trained run (src/worker/inspect-jobs.ts). */
  inspect(job: InspectJob, options: { signal?: AbortSignal; corpusDir?: string }): Promise<InspectResult>;
  /** Runs the user's own TF.js cell and checks it (src/tfjs-cell); synchronous in the user's code: only killing the worker stops a cell that never returns. */
  checkCell(input: CheckInput, options: { onOutput: (text: string) => void }): CellResult;
}

type Job = Extract<HostToWorker, { type: 'train' | 'probe' | 'sample' | 'inspect' | 'checkCell' }>;

export function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    // wasm's allocation failures are out-of-memory in disguise; say so.
    if (/Array buffer allocation failed|Out of memory|memory access out of bounds|Cannot enlarge memory/i.test(error.message)) {
      return `out of memory in the TF.js backend (${error.message}); lower the batch size, sequence length or hidden size.`;
    }
    return error.message || error.name;
  }
  return String(error);
}

export class WorkerLoop {
  private backend: BackendName | undefined;
  private corpusDir: string | undefined;
  private readonly queue: Job[] = [];
  private active: { job: Job; controller: AbortController } | undefined;

  constructor(
    private readonly engine: WorkerEngine,
    private readonly send: (message: WorkerToHost) => void,
    private readonly exit: (code: number) => void,
  ) {}

  /** Entry for every IPC message; never throws. */
  handle(message: unknown): void {
    if (!isHostToWorker(message)) {
      const type = typeof message === 'object' && message !== null && 'type' in message ? String((message as { type: unknown }).type) : typeof message;
      const id = typeof message === 'object' && message !== null && typeof (message as { id?: unknown }).id === 'string' ? (message as { id: string }).id : undefined;
      this.send({ type: 'error', ...(id ? { id } : {}), message: `the worker ignored a malformed '${type}' message (fields missing or of the wrong type).` });
      return;
    }
    switch (message.type) {
      case 'init':
        void this.init(message.backend, message.wasmDir, message.corpusDir);
        return;
      case 'cancel':
        this.cancel(message.id);
        return;
      case 'shutdown':
        this.active?.controller.abort();
        this.exit(0);
        return;
      case 'train':
      case 'probe':
      case 'sample':
      case 'inspect':
      case 'checkCell':
        this.queue.push(message);
        this.pump();
        return;
      default:
        message satisfies never;
    }
  }

  private async init(preference: BackendPreference, wasmDir: string, corpusDir: string): Promise<void> {
    try {
      this.corpusDir = corpusDir || undefined;
      this.backend = await this.engine.initBackend(preference, wasmDir ? { wasmDir } : {});
      this.send({ type: 'log', message: `TF.js backend: ${this.backend} (asked for ${preference}); Node ${process.version}, pid ${process.pid}` });
      this.send({ type: 'ready', backend: this.backend, pid: process.pid });
      this.pump();
    } catch (error) {
      this.send({ type: 'error', message: `the worker could not start TF.js: ${errorMessage(error)}` });
    }
  }

  private cancel(id: string): void {
    if (this.active?.job.id === id) {
      this.active.controller.abort();
      return;
    }
    const index = this.queue.findIndex((j) => j.id === id);
    if (index >= 0) {
      this.queue.splice(index, 1);
      this.send({ type: 'error', id, message: 'cancelled before it started.' });
    }
  }

  private pump(): void {
    if (this.active || !this.backend) return;
    const job = this.queue.shift();
    if (!job) return;
    const controller = new AbortController();
    this.active = { job, controller };
    void this.run(job, controller.signal).finally(() => {
      this.active = undefined;
      this.pump();
    });
  }

  private async run(job: Job, signal: AbortSignal): Promise<void> {
    const { id } = job;
    try {
      switch (job.type) {
        case 'train': {
          const result = await this.engine.train(job.config, {
            signal,
            corpusDir: this.corpusDir,
            checkpointDir: job.checkpointDir,
            ...(job.resumeFrom ? { resumeFrom: job.resumeFrom } : {}),
            onEvent: (event) => this.forward(id, event),
            // Gate saturation about 20 times an epoch (every batch or so on short runs).
            onSaturation: (report) => this.send({ type: 'saturation', id, report }),
            saturationEvery: job.config.maxBatches ? Math.max(1, Math.ceil(job.config.maxBatches / 20)) : 20,
          });
          this.send({ type: 'trainDone', id, result });
          return;
        }
        case 'probe': {
          const result = await this.engine.probe(job.config, {
            signal,
            corpusDir: this.corpusDir,
            onSeries: (series) => this.send({ type: 'probeSeries', id, series }),
          });
          this.send({ type: 'probeDone', id, result });
          return;
        }
        case 'inspect': {
          const result = await this.engine.inspect(job.job, { signal, corpusDir: this.corpusDir });
          this.send({ type: 'inspectDone', id, result });
          return;
        }
        case 'checkCell': {
          const result = this.engine.checkCell(job.input, { onOutput: (text) => this.send({ type: 'cellOutput', id, text }) });
          this.send({ type: 'checkCellDone', id, result });
          return;
        }
        case 'sample': {
          const text = await this.engine.sample({ ...job.config, corpusDir: this.corpusDir });
          this.send({ type: 'sampleDone', id, text });
          return;
        }
        default:
          job satisfies never;
      }
    } catch (error) {
      this.send({ type: 'error', id, message: signal.aborted ? 'cancelled.' : errorMessage(error) });
    }
  }

  private forward(id: string, event: TrainEvent): void {
    switch (event.type) {
      case 'corpus':
        this.send({ type: 'corpus', id, stats: event.stats, ...(event.warnings?.length ? { warnings: event.warnings } : {}) });
        this.send({
          type: 'log',
          message: `[${id}] corpus ${event.stats.name}: ${event.stats.chars} chars, ${event.stats.trainInstances} train / ${event.stats.valInstances} validation instances, vocabulary ${event.stats.vocabSize}`,
        });
        return;
      case 'progress':
        this.send({ type: 'progress', id, progress: event.progress });
        return;
      case 'epoch':
        this.send({ type: 'epoch', id, summary: event.summary });
        this.send({
          type: 'log',
          message: `[${id}] epoch ${event.summary.epoch}: train ${event.summary.trainLoss.toFixed(3)}, val ${event.summary.valLoss.toFixed(3)}, ${event.summary.seconds.toFixed(1)} s, ${Math.round(event.summary.charsPerSecond)} chars/s`,
        });
        return;
      case 'checkpoint':
        this.send({ type: 'checkpoint', id, path: event.path });
        return;
      case 'validation':
        return; // the CLI's progress bar shows it; the panel has no message for it yet
    }
  }
}

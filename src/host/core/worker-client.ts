// Forks dist/worker.js and talks to it with typed, validated messages. Detects the worker's
// death (exit code, signal, out of memory) and fails every job in flight with the reason;
// the next request starts a fresh worker. No vscode import: the host only moves messages.
import { fork, type ChildProcess } from 'node:child_process';
import type { BackendName, BackendPreference } from '../../shared/types';
import { isWorkerToHost, type HostToWorker, type JobAnswer, type JobMessage, type WorkerToHost } from '../../shared/protocol';
import { PendingRequests } from '../../shared/requests';

export type { JobMessage };
export type DoneMessage = JobAnswer;
export type JobEvent = Extract<WorkerToHost, { type: 'corpus' | 'progress' | 'epoch' | 'checkpoint' | 'probeSeries' | 'saturation' | 'cellOutput' }>;

export interface WorkerClientOptions {
  workerPath: string;
  wasmDir: string;
  corpusDir: string;
  /** Read at each (re)start so a settings change applies to the next worker. */
  backend: () => BackendPreference;
  /** V8 heap limit of the worker, MB. */
  maxOldSpaceMB?: number;
  /** How long TF.js may take to start. */
  readyTimeoutMs?: number;
  log?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

/** Raised when the worker died under a job; `reason` is what the user sees. */
export class WorkerDiedError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'WorkerDiedError';
  }
}

interface Session {
  child: ChildProcess;
  ready: Promise<{ backend: BackendName; pid: number }>;
  backend?: BackendName;
  stderrTail: string;
  /** The worker's last error not tied to a job (e.g. "worker crashed: …"), for the exit reason. */
  lastError?: string;
  exiting: boolean;
  readyTimer?: NodeJS.Timeout;
}

export class WorkerClient {
  private session: Session | undefined;
  /** Jobs in flight, by run id: each answered by its done message or an error; its events go to the context. */
  private readonly jobs = new PendingRequests<DoneMessage, (event: JobEvent) => void>('job');
  private disposed = false;

  constructor(private readonly options: WorkerClientOptions) {}

  /** The pid of the running worker, if any (tests kill it on purpose). */
  get pid(): number | undefined {
    return this.session?.child.pid;
  }

  get backend(): BackendName | undefined {
    return this.session?.backend;
  }

  /** Starts the worker if none is alive; resolves when it reported `ready`. */
  start(): Promise<{ backend: BackendName; pid: number }> {
    if (this.disposed) return Promise.reject(new Error('LSTM Lab is shutting down.'));
    if (!this.session) {
      this.session = this.spawn();
      this.send({ type: 'init', backend: this.options.backend(), wasmDir: this.options.wasmDir, corpusDir: this.options.corpusDir });
    }
    return this.session.ready;
  }

  /** Sends a job; events stream to onEvent; resolves with its done message (JOB_ANSWERS), rejects with its error or the worker's death. */
  async run<J extends JobMessage>(job: J, onEvent: (event: JobEvent) => void): Promise<JobAnswer<J['type']>> {
    await this.start();
    // The worker answers a job of type T with JOB_ANSWERS[T] (src/worker/worker.ts).
    return this.jobs.request(() => this.send(job), {
      id: job.id,
      context: onEvent,
      onSendFailed: () => new WorkerDiedError('the worker is not running (it could not be sent the job).'),
    }) as Promise<JobAnswer<J['type']>>;
  }

  cancel(id: string): void {
    this.send({ type: 'cancel', id });
  }

  /** Kills the worker now (a cancel that did not stop it); jobs in flight fail with `reason`. */
  kill(reason: string): void {
    const session = this.session;
    if (!session) return;
    this.failAll(reason);
    session.exiting = true;
    session.child.kill('SIGKILL');
  }

  /** Ends an idle worker gracefully (e.g. the backend setting changed); the next request starts a fresh one. */
  stopIdle(): boolean {
    const session = this.session;
    if (!session || this.jobs.size > 0) return false;
    session.exiting = true;
    this.send({ type: 'shutdown' });
    this.session = undefined;
    const timer = setTimeout(() => session.child.kill('SIGKILL'), 2000);
    timer.unref();
    session.child.once('exit', () => clearTimeout(timer));
    return true;
  }

  dispose(): void {
    this.disposed = true;
    const session = this.session;
    if (!session) return;
    session.exiting = true;
    this.failAll('LSTM Lab was shut down.');
    this.send({ type: 'shutdown' });
    // A worker busy in a long TF.js call may not read the message: make sure it goes.
    const timer = setTimeout(() => session.child.kill('SIGKILL'), 2000);
    timer.unref();
    session.child.once('exit', () => clearTimeout(timer));
  }

  private send(message: HostToWorker): boolean {
    const child = this.session?.child;
    if (!child || !child.connected) return false;
    try {
      child.send(message);
      return true;
    } catch {
      return false;
    }
  }

  private spawn(): Session {
    const maxOldSpace = this.options.maxOldSpaceMB ?? 4096;
    const child = fork(this.options.workerPath, [], {
      // Never inherit the extension host's flags (inspector ports, --max-old-space-size of VS Code).
      execArgv: [`--max-old-space-size=${maxOldSpace}`],
      env: workerEnv({ ...process.env, ...this.options.env }),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // Structured clone keeps NaN and Infinity (a diverged loss) that JSON would turn into null.
      serialization: 'advanced',
    });
    const log = this.options.log ?? (() => undefined);
    let resolveReady!: (value: { backend: BackendName; pid: number }) => void;
    let rejectReady!: (error: Error) => void;
    const ready = new Promise<{ backend: BackendName; pid: number }>((resolve, reject) => {
      resolveReady = resolve;
      rejectReady = reject;
    });
    ready.catch(() => undefined);
    const session: Session = { child, ready, stderrTail: '', exiting: false };
    const readyTimer = setTimeout(() => {
      rejectReady(new WorkerDiedError(`the worker did not become ready within ${Math.round((this.options.readyTimeoutMs ?? 120_000) / 1000)} s.`));
      this.kill('the worker did not start in time.');
    }, this.options.readyTimeoutMs ?? 120_000);
    readyTimer.unref();
    session.readyTimer = readyTimer;

    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) if (line.trim()) log(`[worker] ${line}`);
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      session.stderrTail = (session.stderrTail + chunk).slice(-4000);
      for (const line of chunk.split('\n')) if (line.trim()) log(`[worker stderr] ${line}`);
    });
    child.on('message', (message: unknown) => {
      if (!isWorkerToHost(message)) {
        log(`ignored a malformed message from the worker: ${safeJson(message).slice(0, 200)}`);
        return;
      }
      this.receive(session, message, resolveReady, rejectReady);
    });
    child.on('error', (error) => {
      log(`worker process error: ${error.message}`);
      rejectReady(new WorkerDiedError(`the worker could not be started: ${error.message}`));
    });
    child.on('exit', (code, signal) => {
      clearTimeout(readyTimer);
      const reason = describeExit(code, signal, session.stderrTail, maxOldSpace, session.lastError);
      log(session.exiting ? `worker stopped (${reason})` : `worker died: ${reason}`);
      if (this.session === session) this.session = undefined;
      rejectReady(new WorkerDiedError(reason));
      this.failAll(reason);
    });
    return session;
  }

  private receive(session: Session, message: WorkerToHost, resolveReady: (v: { backend: BackendName; pid: number }) => void, rejectReady: (e: Error) => void): void {
    const log = this.options.log ?? (() => undefined);
    switch (message.type) {
      case 'ready':
        if (session.readyTimer) clearTimeout(session.readyTimer);
        session.backend = message.backend;
        log(`worker ready: pid ${message.pid}, backend ${message.backend}`);
        resolveReady({ backend: message.backend, pid: message.pid });
        return;
      case 'log':
        log(message.message);
        return;
      case 'error': {
        if (!this.jobs.reject(message.id, new Error(message.message))) {
          log(`worker error: ${message.message}`);
          session.lastError = message.message;
          // An error before `ready` is a failed start (e.g. TF.js could not load): no job can run.
          if (!session.backend) {
            rejectReady(new Error(message.message));
            this.kill(message.message);
          }
        }
        return;
      }
      case 'trainDone':
      case 'probeDone':
      case 'sampleDone':
      case 'inspectDone':
      case 'checkCellDone':
        this.jobs.resolve(message.id, message);
        return;
      case 'corpus':
      case 'progress':
      case 'epoch':
      case 'checkpoint':
      case 'probeSeries':
      case 'saturation':
      case 'cellOutput':
        this.jobs.context(message.id)?.(message);
        return;
      default:
        message satisfies never;
    }
  }

  private failAll(reason: string): void {
    this.jobs.rejectAll(new WorkerDiedError(reason));
  }
}

/**
 * The worker's environment: the host's, minus NODE_OPTIONS (loaders, inspectors and heap
 * flags meant for the extension host or a test runner must not reach the worker), and with
 * ELECTRON_RUN_AS_NODE so VS Code's Electron binary runs it as plain Node.
 */
export function workerEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { NODE_OPTIONS: _nodeOptions, ...rest } = env;
  return { ...rest, ELECTRON_RUN_AS_NODE: '1' };
}

/** What the user reads when the worker dies. */
export function describeExit(code: number | null, signal: NodeJS.Signals | null, stderrTail: string, maxOldSpaceMB: number, lastError?: string): string {
  if (/heap out of memory|Allocation failed - JavaScript heap|out of memory/i.test(stderrTail)) {
    return `the worker ran out of memory (JavaScript heap limit ${maxOldSpaceMB} MB); lower the batch size, sequence length or hidden size.`;
  }
  if (signal === 'SIGKILL') return 'the worker was killed by SIGKILL (by a user, or by the system when memory ran out).';
  if (signal) return `the worker was killed by ${signal}.`;
  const detail = lastError ?? stderrTail.trim().split('\n').filter(Boolean).slice(-1)[0];
  return `the worker exited with code ${code ?? 'unknown'}${detail ? ` (${detail.slice(0, 300).replace(/\.$/, '')})` : ''}.`;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

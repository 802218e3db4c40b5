// The host side of the Python child: spawns harness/lstmlab_harness.py in its own process group,
// keeps it warm between checks, restarts it when the imports of the code change (a module the
// user edited must be imported afresh), and kills the whole group on stop or timeout (a cell
// that never returns, or one that started subprocesses). Pure Node: the extension host and the
// CLI both use it.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { parseChildMessage, type CellResult, type CheckInput, type CheckRequest, type Ready, type Unit } from './protocol';

export type { CheckInput } from './protocol';

export interface PythonClientOptions {
  /** The interpreter (from findPython). */
  python: string;
  /** Defaults to the harness shipped beside the bundle (dist/python) or in the sources. */
  harnessPath?: string;
  /** Default limit of one check, in ms (0: none). */
  timeoutMs?: number;
  /** The user's print()/stderr output, and anything the child writes to its own stderr. */
  onOutput?: (text: string, stream: 'stdout' | 'stderr') => void;
}

export interface CheckCallOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Thrown when a check is stopped (Stop, abort signal, timeout, or the child dying). */
export class PythonRunError extends Error {
  constructor(
    message: string,
    readonly reason: 'stopped' | 'timeout' | 'exited' | 'protocol',
  ) {
    super(message);
    this.name = 'PythonRunError';
  }
}

/** Where the harness lies: dist/python/ next to the bundle, or src/python/harness/ when run from sources. */
export function defaultHarnessPath(): string {
  const candidates = [path.join(__dirname, 'python', 'lstmlab_harness.py'), path.join(__dirname, 'harness', 'lstmlab_harness.py'), path.join(__dirname, '..', 'python', 'lstmlab_harness.py')];
  return candidates.find((p) => fs.existsSync(p)) ?? candidates[0];
}

/** The import statements of every unit: when they change, the child is restarted. */
export function importSignature(units: readonly Unit[]): string {
  const lines: string[] = [];
  for (const u of units) for (const line of u.code.split('\n')) if (/^\s*(import|from)\s+\S/.test(line)) lines.push(line.trim());
  return lines.join('\n');
}

interface Pending {
  id: number;
  resolve: (r: CellResult) => void;
  reject: (e: Error) => void;
}

export class PythonClient {
  private child: ChildProcessWithoutNullStreams | undefined;
  private ready: Promise<Ready> | undefined;
  private pending: Pending | undefined;
  private nextId = 1;
  private signature: string | undefined;
  private stderrTail = '';
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: PythonClientOptions) {}

  /** The child's process id while it runs (its process group id too). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the child if needed and resolves when it has imported numpy/torch. */
  start(): Promise<Ready> {
    if (this.ready) return this.ready;
    const harness = this.options.harnessPath ?? defaultHarnessPath();
    const child = spawn(this.options.python, ['-u', harness], { detached: true, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONIOENCODING: 'utf-8' } });
    this.child = child;
    this.stderrTail = '';
    this.ready = new Promise<Ready>((resolve, reject) => {
      let started = false;
      readline.createInterface({ input: child.stdout }).on('line', (line) => {
        const message = parseChildMessage(line);
        if ('invalid' in message) {
          this.fail(new PythonRunError(`The Python child sent an undeclared message (${message.invalid}).`, 'protocol'));
          return;
        }
        switch (message.type) {
          case 'ready':
            started = true;
            resolve(message);
            break;
          case 'print':
            this.options.onOutput?.(message.text, message.stream);
            break;
          case 'result':
            if (this.pending?.id === message.id) this.settle().resolve(message.result);
            break;
          case 'failed':
            if (this.pending && (message.id === null || this.pending.id === message.id))
              this.settle().reject(new PythonRunError(`LSTM Lab's Python harness failed: ${message.message}${message.traceback ? `\n${message.traceback}` : ''}`, 'protocol'));
            break;
        }
      });
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (text: string) => {
        this.stderrTail = (this.stderrTail + text).slice(-4000);
        this.options.onOutput?.(text, 'stderr');
      });
      child.on('error', (error) => {
        if (!started) reject(new PythonRunError(`Cannot start ${this.options.python}: ${error.message}. Set lstmLab.pythonPath (CLI: --python) to a Python 3 executable.`, 'exited'));
        if (this.child === child) this.fail(new PythonRunError(`The Python child failed: ${error.message}`, 'exited'));
      });
      child.on('exit', (code, signal) => {
        const current = this.child === child;
        if (current) this.reset();
        const why = `The Python child exited (${signal ?? `code ${code}`})${this.stderrTail.trim() ? `: ${this.stderrTail.trim().split('\n').slice(-3).join(' ')}` : ''}`;
        if (!started) reject(new PythonRunError(why, 'exited'));
        // A child already stopped (or replaced) has had its check failed by stop().
        if (current) this.fail(new PythonRunError(why, 'exited'));
      });
    });
    // A start that fails is retried by the next call.
    this.ready.catch(() => undefined);
    return this.ready;
  }

  /**
   * Checks (and probes) one cell. Calls are queued: one at a time. The child restarts first
   * when the import statements differ from the previous call's. A timeout or abort kills the
   * child's process group and rejects with PythonRunError; the next call starts a fresh one.
   */
  check(input: CheckInput, call: CheckCallOptions = {}): Promise<CellResult> {
    const run = this.queue.then(() => this.runOne(input, call));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async runOne(input: CheckInput, call: CheckCallOptions): Promise<CellResult> {
    const signature = importSignature(input.units);
    if (this.child && this.signature !== undefined && this.signature !== signature) this.stop('restart');
    this.signature = signature;
    if (call.signal?.aborted) throw new PythonRunError('Stopped before it started.', 'stopped');
    await this.start();
    const child = this.child;
    if (!child) throw new PythonRunError('The Python child is not running.', 'exited');
    const id = this.nextId++;
    const timeoutMs = call.timeoutMs ?? this.options.timeoutMs ?? 0;
    return new Promise<CellResult>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const onAbort = () => this.stop('stopped');
      const cleanup = () => {
        if (timer) clearTimeout(timer);
        call.signal?.removeEventListener('abort', onAbort);
      };
      this.pending = {
        id,
        resolve: (r) => {
          cleanup();
          resolve(r);
        },
        reject: (e) => {
          cleanup();
          reject(e);
        },
      };
      if (timeoutMs > 0) timer = setTimeout(() => this.stop('timeout', timeoutMs), timeoutMs);
      call.signal?.addEventListener('abort', onAbort, { once: true });
      const request: CheckRequest = { type: 'check', id, ...input };
      child.stdin.write(JSON.stringify(request) + '\n');
    });
  }

  /** Kills the child's whole process group; a running check rejects with the reason. */
  stop(reason: 'stopped' | 'timeout' | 'restart' = 'stopped', timeoutMs?: number): void {
    const child = this.child;
    if (!child) return;
    this.reset();
    killGroup(child);
    if (reason === 'timeout') this.fail(new PythonRunError(`The cell did not return within ${Math.round((timeoutMs ?? 0) / 1000)} s; its Python process was stopped.`, 'timeout'));
    else if (reason === 'stopped') this.fail(new PythonRunError('Stopped: the Python process running the cell was killed.', 'stopped'));
  }

  /** Ends the child politely (shutdown message), then kills its group. */
  dispose(): void {
    const child = this.child;
    if (!child) return;
    try {
      child.stdin.end(JSON.stringify({ type: 'shutdown' }) + '\n');
    } catch {
      // already gone
    }
    this.stop('stopped');
  }

  private reset(): void {
    this.child = undefined;
    this.ready = undefined;
  }

  private settle(): Pending {
    const p = this.pending!;
    this.pending = undefined;
    return p;
  }

  private fail(error: Error): void {
    if (this.pending) this.settle().reject(error);
  }
}

function killGroup(child: ChildProcessWithoutNullStreams): void {
  if (child.pid === undefined) return;
  try {
    // Negative pid: the process group the child leads (spawned detached).
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    try {
      child.kill('SIGKILL');
    } catch {
      // already exited
    }
  }
}

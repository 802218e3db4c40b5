// Runs the user's own cells for the extension: Python cells in one warm Python child
// (src/python/client) per interpreter, TF.js cells (.ts/.js) in a TF.js worker of their own
// (tfjs-cell-runner.ts); their print()/console output in the LSTM Lab output channel, the
// timeout setting, and Stop (which kills the Python child's whole process group, or the TF.js
// worker). One cell at a time. All the work happens in the child: the host only sends the
// cell's source and reads back one JSON result.
import * as vscode from 'vscode';
import { PythonClient, PythonRunError, type CellResult, type CheckInput, type PythonInfo } from '../python';
import { PythonEnvironment } from './python-env';
import { CellRunError, TfjsCellRunner } from './core/tfjs-cell-runner';
import type { WorkerClientOptions } from './core/worker-client';

export const DEFAULT_TIMEOUT_SECONDS = 120;

/** lstmLab.userCodeTimeoutSeconds, checked: a positive number (0 or less, or junk: the default). */
export function userCodeTimeoutSeconds(resource?: vscode.Uri): number {
  const value = vscode.workspace.getConfiguration('lstmLab', resource).get<unknown>('userCodeTimeoutSeconds');
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : DEFAULT_TIMEOUT_SECONDS;
}

export { CellRunError };

export class UserCodeRunner implements vscode.Disposable {
  readonly environment: PythonEnvironment;
  private client: { python: string; client: PythonClient } | undefined;
  private running: { label: string; abort: AbortController } | undefined;

  constructor(
    private readonly options: {
      /** dist/python/lstmlab_harness.py of the installed extension. */
      harnessPath: string;
      output: vscode.OutputChannel;
      log: (line: string) => void;
      /** How to start the TF.js worker that runs TF.js cells (dist/worker.js). */
      tfjsWorker: WorkerClientOptions;
    },
  ) {
    this.environment = new PythonEnvironment(options.log);
    this.tfjs = new TfjsCellRunner(options.tfjsWorker);
  }

  private readonly tfjs: TfjsCellRunner;

  /** What is running now ("NaiveLSTM (lstm_cell.py:8)"), if anything. */
  get busy(): string | undefined {
    return this.running?.label;
  }

  /** The Python child's process id while it is up (tests check that Stop ended it). */
  get pid(): number | undefined {
    return this.client?.client.pid;
  }

  /** The TF.js cells' worker's process id while it is up. */
  get tfjsPid(): number | undefined {
    return this.tfjs.pid;
  }

  /**
   * Checks and probes one TF.js cell in the TF.js worker. Rejects with CellRunError when
   * stopped or timed out (the worker is killed: no training run is in it) or when it dies.
   */
  async checkTfjs(input: CheckInput, label: string, resource?: vscode.Uri): Promise<CellResult> {
    if (this.running) throw new Error(`${this.running.label} is still running; stop it (LSTM Lab: Stop) or wait for it to finish.`);
    const abort = new AbortController();
    this.running = { label, abort };
    try {
      return await this.tfjs.check(input, { timeoutMs: userCodeTimeoutSeconds(resource) * 1000, signal: abort.signal, onOutput: (text) => this.options.output.append(text) });
    } finally {
      this.running = undefined;
    }
  }

  /**
   * Checks and probes one cell with `python`. Rejects with PythonRunError when stopped, timed
   * out, or when the child dies; the next call starts a fresh child.
   */
  async check(python: PythonInfo, input: CheckInput, label: string, resource?: vscode.Uri): Promise<CellResult> {
    if (this.running) throw new Error(`${this.running.label} is still running; stop it (LSTM Lab: Stop) or wait for it to finish.`);
    const abort = new AbortController();
    this.running = { label, abort };
    try {
      return await this.clientFor(python.path).check(input, { timeoutMs: userCodeTimeoutSeconds(resource) * 1000, signal: abort.signal });
    } catch (error) {
      // Stopped while the child was still starting: it reports that it exited; say what happened.
      if (abort.signal.aborted && error instanceof PythonRunError) throw new PythonRunError('Stopped: the Python process running the cell was killed.', 'stopped');
      throw error;
    } finally {
      this.running = undefined;
    }
  }

  /** Stops the running cell (kills the Python child's process group); false when nothing ran. */
  stop(): boolean {
    if (!this.running) return false;
    this.options.log(`user code: stopping ${this.running.label}`);
    this.running.abort.abort();
    // The signal reaches a check that has been sent; a child still starting (importing torch) is killed here.
    this.client?.client.stop('stopped');
    return true;
  }

  private clientFor(python: string): PythonClient {
    if (this.client?.python === python) return this.client.client;
    this.client?.client.dispose();
    const output = this.options.output;
    // The user's print() output, as it comes (it is written in pieces, not whole lines).
    const client = new PythonClient({ python, harnessPath: this.options.harnessPath, onOutput: (text) => output.append(text) });
    this.client = { python, client };
    return client;
  }

  dispose(): void {
    this.running?.abort.abort();
    this.client?.client.dispose();
    this.client = undefined;
    this.tfjs.dispose();
    this.environment.dispose();
  }
}

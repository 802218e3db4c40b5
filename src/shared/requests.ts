// The one way a request is paired with its answer, on every channel: the host's jobs to the
// worker (answered by trainDone/probeDone/sampleDone/inspectDone or an error), the panel's
// inspections (inspectResult/inspectError) and the host's chart exports (chartImages). A
// request gets an id, the answer carries it back, and the promise settles exactly once: with
// the answer, with an error, on its timeout, or when the channel goes away (rejectAll).
// No imports: the host, the worker client and the webview all use it.

export interface RequestOptions<Context> {
  /** The request's id when the caller has one (a job's run id); otherwise a fresh one. */
  id?: string;
  /** Kept with the request until it settles (e.g. where its streamed events go, which webview was asked). */
  context?: Context;
  /** Rejects with `onTimeout()` when no answer came within this time. */
  timeoutMs?: number;
  onTimeout?: () => Error;
  /** The error when `send` reports that the request could not be sent. */
  onSendFailed?: () => Error;
}

interface Pending<Answer, Context> {
  resolve: (answer: Answer) => void;
  reject: (error: Error) => void;
  context: Context | undefined;
  timer?: ReturnType<typeof setTimeout>;
}

export class PendingRequests<Answer, Context = undefined> {
  private readonly pending = new Map<string, Pending<Answer, Context>>();
  private counter = 0;

  /** `prefix` names the channel in the ids it makes (`export-3`). */
  constructor(private readonly prefix: string) {}

  /** Registers a request, calls `send(id)` and resolves with the answer given to `resolve(id, …)`. `send` returning false rejects at once. */
  request(send: (id: string) => boolean | void, options: RequestOptions<Context> = {}): Promise<Answer> {
    const id = options.id ?? `${this.prefix}-${++this.counter}`;
    return new Promise<Answer>((resolve, reject) => {
      const entry: Pending<Answer, Context> = { resolve, reject, context: options.context };
      if (options.timeoutMs !== undefined) {
        entry.timer = setTimeout(() => this.reject(id, options.onTimeout?.() ?? new Error(`no answer to ${id} within ${options.timeoutMs} ms.`)), options.timeoutMs);
      }
      this.pending.set(id, entry);
      let sent: boolean | void;
      try {
        sent = send(id);
      } catch (error) {
        this.reject(id, error instanceof Error ? error : new Error(String(error)));
        return;
      }
      if (sent === false) this.reject(id, options.onSendFailed?.() ?? new Error(`${id} could not be sent.`));
    });
  }

  /** Settles request `id` with its answer; false when no such request is waiting (answered already, timed out, or never asked). */
  resolve(id: string | undefined, answer: Answer): boolean {
    const entry = this.take(id);
    entry?.resolve(answer);
    return entry !== undefined;
  }

  /** Settles request `id` with an error; false when no such request is waiting. */
  reject(id: string | undefined, error: Error): boolean {
    const entry = this.take(id);
    entry?.reject(error);
    return entry !== undefined;
  }

  /** Rejects every waiting request (the channel died or closed). */
  rejectAll(error: Error): void {
    for (const id of [...this.pending.keys()]) this.reject(id, error);
  }

  /** The context of a waiting request. */
  context(id: string | undefined): Context | undefined {
    return id === undefined ? undefined : this.pending.get(id)?.context;
  }

  has(id: string | undefined): boolean {
    return id !== undefined && this.pending.has(id);
  }

  get size(): number {
    return this.pending.size;
  }

  private take(id: string | undefined): Pending<Answer, Context> | undefined {
    if (id === undefined) return undefined;
    const entry = this.pending.get(id);
    if (!entry) return undefined;
    this.pending.delete(id);
    if (entry.timer !== undefined) clearTimeout(entry.timer);
    return entry;
  }
}

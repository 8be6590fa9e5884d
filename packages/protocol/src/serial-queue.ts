// One queue of events (the focus has one per conference, the web client one per meeting page):
// every job runs to completion before the next starts, in arrival order, so handlers never
// interleave. `run` hands the job's result or failure to its caller (who answers an IQ with it);
// `post` is fire-and-forget and reports failures to the queue's onError. Closing the queue
// refuses new jobs; jobs already queued still run. No DOM, no Node: shared by browser and server.

/** A job offered to a queue that was closed (its conference ended, its page left). */
export class QueueClosedError extends Error {
  constructor(readonly label: string) {
    super(`the queue is closed (${label})`);
    this.name = 'QueueClosedError';
  }
}

export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Posted jobs that failed (the queue itself never stops). */
  failures = 0;

  constructor(private readonly onError: (err: unknown, label: string) => void = () => {}) {}

  /** Runs `job` after every job queued before it; the returned promise settles as the job does. */
  run<T>(label: string, job: () => T | Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new QueueClosedError(label));
    const result = this.tail.then(() => job());
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Like run, for callers that do not wait: a failure goes to onError; after close, nothing runs. */
  post(label: string, job: () => unknown): void {
    if (this.closed) return;
    this.run(label, job).catch((err: unknown) => {
      this.failures++;
      this.onError(err, label);
    });
  }

  /** Resolves when everything queued so far has run. */
  idle(): Promise<void> {
    return this.tail.then(() => undefined);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    this.closed = true;
  }
}

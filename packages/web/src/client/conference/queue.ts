// One async queue: events (Jingle, presence, user actions touching the peer connection) run one
// after another, in arrival order, so there are no interleavings to reason about. Pure.

export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  /** Failures of tasks nobody awaited (the queue itself never stops). */
  failures = 0;

  constructor(private readonly onError: (err: unknown, what: string) => void = () => {}) {}

  /** Runs `task` after every task queued before it; the returned promise settles with it. */
  run<T>(what: string, task: () => T | Promise<T>): Promise<T> {
    const result = this.tail.then(() => task());
    this.tail = result.catch((err: unknown) => {
      this.failures++;
      this.onError(err, what);
    });
    return result;
  }

  /** Like run, for fire-and-forget callers: failures go to onError only. */
  post(what: string, task: () => unknown): void {
    this.run(what, task).catch(() => {});
  }
}

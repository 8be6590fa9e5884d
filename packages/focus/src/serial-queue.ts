// One queue per conference: every event of a conference (join, leave, Jingle, bridge answers)
// runs to completion before the next starts, so handlers never interleave.
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly onError: (err: unknown, label: string) => void) {}

  /** Runs `job` after everything queued before it; its failure is reported, never propagated to later jobs. */
  run<T>(label: string, job: () => Promise<T>): Promise<T | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    const next = this.tail.then(job).catch((err) => {
      this.onError(err, label);
      return undefined;
    });
    this.tail = next;
    return next;
  }

  /** Resolves when everything queued so far has run. */
  idle(): Promise<void> {
    return this.tail.then(() => undefined);
  }

  close(): void {
    this.closed = true;
  }
}

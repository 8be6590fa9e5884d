// What a process started, in order, with how to stop each: stopped in reverse order, each bounded
// and its failure logged (never thrown), so that one part that hangs or fails on the way down does
// not leave the others running. `parley start` pushes one entry per step as the step succeeds, so
// a failed start and a normal stop unwind the same way.
import type { Logger } from './logger.js';

interface Entry {
  name: string;
  stop: () => Promise<unknown> | unknown;
}

export class StopList {
  private readonly entries: Entry[] = [];
  private stopping?: Promise<void>;

  constructor(
    private readonly log: Logger,
    /** How long one stop may take before it is given up on (logged) and the next one runs. */
    private readonly perStopMs = 15_000,
  ) {}

  push(name: string, stop: () => Promise<unknown> | unknown): void {
    if (this.stopping) throw new Error(`cannot add ${name}: the stop list is already stopping`);
    this.entries.push({ name, stop });
  }

  get names(): string[] {
    return this.entries.map((e) => e.name);
  }

  /** Stops everything, last started first; the same promise for every caller. */
  stopAll(): Promise<void> {
    this.stopping ??= (async () => {
      for (const e of [...this.entries].reverse()) {
        let timer: NodeJS.Timeout | undefined;
        const bound = new Promise<'timeout'>((r) => {
          timer = setTimeout(() => r('timeout'), this.perStopMs);
        });
        try {
          const result = await Promise.race([Promise.resolve().then(e.stop), bound]);
          if (result === 'timeout') this.log.warn('stop.timeout', { part: e.name, ms: this.perStopMs });
        } catch (err) {
          this.log.warn('stop.failed', { part: e.name, error: err as Error });
        } finally {
          clearTimeout(timer);
        }
      }
    })();
    return this.stopping;
  }
}

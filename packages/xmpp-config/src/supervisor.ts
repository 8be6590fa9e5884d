// Keeps one child process running: when it exits without being asked to, it is started again after
// a backoff (doubling from firstMs up to maxMs; back to firstMs once a run lasted resetAfterMs), and
// every exit, attempt and recovery is logged. `parley start` supervises Prosody, the extra bridge
// processes and coturn with it; /health and `parley doctor` read `state` to report "degraded".

export interface SupervisedProcess {
  pid: number;
  /** Resolves with the exit code (null: killed by a signal) when the process ends. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

export type SupervisedState = 'up' | 'restarting' | 'stopped';

/** Structurally a @parley/service Logger (this package does not depend on it). */
export interface SupervisorLog {
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
}

export interface SupervisorOptions<P extends SupervisedProcess> {
  /** In logs and in /health: "prosody", "jvb-2", "turnserver". */
  name: string;
  /** Starts the process and resolves once it is ready (throws when it cannot be). */
  start: () => Promise<P>;
  log: SupervisorLog;
  backoff?: { firstMs?: number; maxMs?: number; resetAfterMs?: number };
  /** Called after each successful restart (not after the first start). */
  onRestarted?: (p: P, downMs: number) => void;
}

export interface SupervisorStatus {
  name: string;
  state: SupervisedState;
  pid?: number;
  restarts: number;
  /** ms from the last unexpected exit to the process being ready again */
  lastRecoveryMs?: number;
}

export class Supervisor<P extends SupervisedProcess> {
  state: SupervisedState = 'up';
  restarts = 0;
  lastRecoveryMs?: number;
  private stopping = false;
  private wake?: () => void;
  private readonly firstMs: number;
  private readonly maxMs: number;
  private readonly resetAfterMs: number;
  private loop?: Promise<void>;

  private constructor(
    private readonly opts: SupervisorOptions<P>,
    public current: P,
  ) {
    this.firstMs = opts.backoff?.firstMs ?? 200;
    this.maxMs = opts.backoff?.maxMs ?? 10_000;
    this.resetAfterMs = opts.backoff?.resetAfterMs ?? 30_000;
  }

  /** Starts the process once (a failure here is thrown: start-up fails as before), then watches it. */
  static async start<P extends SupervisedProcess>(opts: SupervisorOptions<P>): Promise<Supervisor<P>> {
    const s = new Supervisor(opts, await opts.start());
    s.loop = s.watch();
    return s;
  }

  get name(): string {
    return this.opts.name;
  }

  status(): SupervisorStatus {
    return {
      name: this.opts.name,
      state: this.state,
      pid: this.state === 'up' ? this.current.pid : undefined,
      restarts: this.restarts,
      ...(this.lastRecoveryMs !== undefined ? { lastRecoveryMs: this.lastRecoveryMs } : {}),
    };
  }

  private async watch(): Promise<void> {
    const { log, name } = this.opts;
    let delay = this.firstMs;
    for (;;) {
      const startedAt = Date.now();
      const code = await this.current.exited;
      if (this.stopping) return;
      const diedAt = Date.now();
      this.state = 'restarting';
      if (diedAt - startedAt >= this.resetAfterMs) delay = this.firstMs;
      log.warn('supervisor.exited', { name, pid: this.current.pid, code, uptimeMs: diedAt - startedAt });
      for (let attempt = 1; ; attempt++) {
        log.info('supervisor.restarting', { name, attempt, delayMs: delay });
        await this.sleep(delay);
        if (this.stopping) return;
        delay = Math.min(delay * 2, this.maxMs);
        try {
          this.current = await this.opts.start();
        } catch (err) {
          log.warn('supervisor.restart_failed', { name, attempt, error: (err as Error).message });
          continue;
        }
        if (this.stopping) return void (await this.current.stop());
        this.state = 'up';
        this.restarts++;
        this.lastRecoveryMs = Date.now() - diedAt;
        log.info('supervisor.restarted', {
          name,
          pid: this.current.pid,
          attempt,
          restarts: this.restarts,
          downMs: this.lastRecoveryMs,
        });
        this.opts.onRestarted?.(this.current, this.lastRecoveryMs);
        break;
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Stops watching and stops the process (waits for a restart in progress to finish first). */
  async stop(): Promise<void> {
    if (this.stopping) return this.loop;
    this.stopping = true;
    this.wake?.();
    const wasUp = this.state === 'up';
    this.state = 'stopped';
    if (wasUp) await this.current.stop();
    await this.loop;
  }
}

// The test's side of stack-process.ts: starts Prosody, the focus and the real bridge in a child
// process (node --expose-gc) and asks it what they hold. Scripted and headless participants connect
// from the test's process, so their sockets, timers and heap are not in the child's numbers.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TestParticipant, withTimeout, type Target } from '../integration/harness.js';
import type { StackProbe } from './stack-process.js';

const entry = fileURLToPath(new URL('./stack-process.ts', import.meta.url));

export class StackProcess {
  private readonly clients: TestParticipant[] = [];
  private nextProbe = 0;
  private readonly pending = new Map<number, (p: StackProbe) => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly target: Target,
    /** The child's stdout and stderr lines (its start-up errors). */
    readonly output: string[],
  ) {
    child.on('message', (m: { probe?: number; result?: StackProbe }) => {
      if (m.probe !== undefined && m.result) this.pending.get(m.probe)?.(m.result);
    });
  }

  static async start(opts: { idleTimeoutMs?: number } = {}): Promise<StackProcess> {
    const child = fork(entry, [], {
      execArgv: ['--expose-gc', '--import', 'tsx'],
      env: { ...process.env, PARLEY_STACK_IDLE_MS: String(opts.idleTimeoutMs ?? 30_000) },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const output: string[] = [];
    for (const out of [child.stdout!, child.stderr!])
      out.on('data', (d) => output.push(...String(d).split('\n').filter(Boolean)));
    const target = await withTimeout(
      new Promise<Target>((resolve, reject) => {
        child.on('message', (m: { target?: Target }) => m.target && resolve(m.target));
        child.once('exit', (code) =>
          reject(new Error(`stack process exited ${code}: ${output.slice(-20).join('\n')}`)),
        );
      }),
      60_000,
      'the stack process start',
    ).catch((err: Error) => {
      child.kill('SIGKILL');
      throw err;
    });
    return new StackProcess(child, target, output);
  }

  /** A scripted participant connected to this stack (what HeadlessEndpoint.join needs). */
  async participant(name?: string): Promise<TestParticipant> {
    const p = await TestParticipant.connect(this.target, name);
    this.clients.push(p);
    return p;
  }

  get alive(): boolean {
    return this.child.exitCode === null && !this.child.signalCode;
  }

  /** What the focus and bridge hold now (heap after a forced GC in the child). */
  probe(): Promise<StackProbe> {
    const id = this.nextProbe++;
    const answered = new Promise<StackProbe>((resolve) => this.pending.set(id, resolve));
    const dir = process.env.PARLEY_SOAK_SNAPSHOTS;
    this.child.send({ probe: id, ...(dir && { snapshot: `${dir}/probe-${id}.heapsnapshot` }) });
    return withTimeout(answered, 30_000, 'a probe of the stack process').finally(() => this.pending.delete(id));
  }

  /** The last `n` log lines of Prosody, the focus and the bridge (for a failure's message). */
  async recentLogs(n = 60): Promise<string[]> {
    if (!this.alive) return this.output.slice(-n);
    const answer = new Promise<string[]>((resolve) => {
      const on = (m: { logs?: number; lines?: string[] }) => {
        if (m.lines) {
          this.child.off('message', on);
          resolve(m.lines);
        }
      };
      this.child.on('message', on);
    });
    this.child.send({ logs: n });
    return withTimeout(answer, 10_000, 'the stack process logs').catch((e: Error) => [e.message]);
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.clients.map((c) => c.disconnect()));
    if (!this.alive) return;
    const gone = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.send({ close: true });
    await withTimeout(gone, 15_000, 'the stack process exit').catch(() => this.child.kill('SIGKILL'));
  }
}

// The generator of `npm run bench:load` in several processes (load-worker.ts), each driving a share of
// the participants; on a bigger machine more of them keep the generator from being the bottleneck. The
// parent only coordinates: join, (Janus) subscribe, one common window, then it adds up what the workers
// sent, received, and spent, and reads the server's cost from /proc around the window.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { socketDrops, summarize, treeUsage, type Kind, type LoadRow } from './load-traffic.js';

export type WorkerSpec =
  | {
      server: 'parley';
      participants: number;
      room: string;
      target: { domain: string; mucDomain: string; focusJid: string; c2sPort: number };
    }
  | { server: 'janus'; participants: number; room: number; url: string; host: string };

export type ToWorker =
  | { cmd: 'join'; spec: WorkerSpec; names: string[] }
  | { cmd: 'subscribe'; participants: number; feeds: number[] }
  | { cmd: 'go'; seconds: number }
  | { cmd: 'stop' }
  | { cmd: 'close' };

export interface WorkerResult {
  /** Per endpoint of the worker: per sender ssrc, distinct payload indexes received and their latencies. */
  received: { ssrc: number; count: number; latencies: number[] }[][];
  cpuSeconds: number;
  socketDrops: number;
}

export type ToParent =
  | { cmd: 'started' }
  | { cmd: 'joined'; ssrcs: Record<Kind, number>[]; feeds: number[] }
  | { cmd: 'ready' }
  | { cmd: 'sent'; sent: Record<Kind, number> }
  | ({ cmd: 'result' } & WorkerResult)
  | { cmd: 'error'; message: string };

const workerScript = fileURLToPath(new URL('./load-worker.ts', import.meta.url));

class Worker {
  private inbox: ToParent[] = [];
  private wake?: () => void;
  private exited?: string;

  constructor(readonly child: ChildProcess) {
    child.on('message', (m: ToParent) => {
      this.inbox.push(m);
      this.wake?.();
    });
    child.once('exit', (code, signal) => {
      this.exited = `generator process exited (${code ?? signal})`;
      this.wake?.();
    });
  }

  send(m: ToWorker): void {
    this.child.send(m);
  }

  /** The next message, which must be `cmd`; a worker's error, exit or a timeout throws. */
  async next<C extends ToParent['cmd']>(cmd: C, timeoutMs: number): Promise<Extract<ToParent, { cmd: C }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.inbox.shift();
      if (m?.cmd === 'error') throw new Error(`generator process: ${m.message}`);
      if (m) {
        if (m.cmd !== cmd) throw new Error(`generator process said ${m.cmd}, expected ${cmd}`);
        return m as Extract<ToParent, { cmd: C }>;
      }
      if (this.exited) throw new Error(this.exited);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`generator process: no ${cmd} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }
}

/** Forks `count` generator processes and has them join `spec.participants` participants between them. */
export async function startGenerators(count: number, spec: WorkerSpec): Promise<GeneratorPool> {
  const workers = Array.from(
    { length: Math.max(1, Math.min(count, spec.participants)) },
    () => new Worker(fork(workerScript, [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' })),
  );
  const pool = new GeneratorPool(workers);
  try {
    await Promise.all(workers.map((w) => w.next('started', 60_000)));
    // Round robin, joined one process at a time (concurrent joins only load the signaling), then every
    // process subscribes its participants to all others.
    const shares = workers.map((_, w) =>
      Array.from({ length: spec.participants }, (_, i) => i).filter((i) => i % workers.length === w),
    );
    const joined = [];
    for (const [w, worker] of workers.entries()) {
      worker.send({ cmd: 'join', spec, names: shares[w].map((i) => `P${i}`) });
      joined.push(await worker.next('joined', 60_000 + 5_000 * shares[w].length));
    }
    pool.ssrcs = joined.map((j) => j.ssrcs);
    const feeds = joined.flatMap((j) => j.feeds);
    for (const w of workers) w.send({ cmd: 'subscribe', participants: spec.participants, feeds });
    await Promise.all(workers.map((w) => w.next('ready', 60_000 + 5_000 * spec.participants)));
    return pool;
  } catch (e) {
    await pool.close();
    throw e;
  }
}

export class GeneratorPool {
  /** The ssrcs of each worker's participants, in its order. */
  ssrcs: Record<Kind, number>[][] = [];

  constructor(private readonly workers: Worker[]) {}

  /** One window of `seconds` of load through the server whose process tree is rooted at `serverPid`. */
  async measure(server: string, serverPid: number, seconds: number): Promise<LoadRow> {
    const before = treeUsage(serverPid);
    const dropsBefore = socketDrops(serverPid);
    const t0 = performance.now();
    for (const w of this.workers) w.send({ cmd: 'go', seconds });
    const sent = await Promise.all(this.workers.map((w) => w.next('sent', (seconds + 30) * 1000)));
    const window = (performance.now() - t0) / 1000;
    // Packets in flight at the end still count: a moment for stragglers, then everyone stops recording.
    await new Promise((r) => setTimeout(r, 500));
    const after = treeUsage(serverPid);
    const drops = socketDrops(serverPid) - dropsBefore;
    for (const w of this.workers) w.send({ cmd: 'stop' });
    const results = await Promise.all(this.workers.map((w) => w.next('result', 60_000)));
    const endpoints = this.workers.flatMap((_, w) =>
      this.ssrcs[w].map((ssrcs, k) => ({ ssrcs, sent: sent[w].sent, received: results[w].received[k] })),
    );
    return summarize({
      server,
      window,
      endpoints,
      serverCpuSeconds: after.cpu - before.cpu,
      serverRss: after.rss,
      serverSocketDrops: drops,
      generatorCpuSeconds: results.reduce((s, r) => s + r.cpuSeconds, 0),
      generatorSocketDrops: results.reduce((s, r) => s + r.socketDrops, 0),
      generatorProcesses: this.workers.length,
    });
  }

  async close(): Promise<void> {
    await Promise.all(
      this.workers.map(async (w) => {
        if (!w.child.connected) return;
        const gone = new Promise((r) => w.child.once('exit', r));
        w.send({ cmd: 'close' });
        const timer = setTimeout(() => w.child.kill('SIGKILL'), 15_000);
        await gone;
        clearTimeout(timer);
      }),
    );
  }
}

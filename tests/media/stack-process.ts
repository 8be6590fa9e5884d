// The focus and the real bridge (and the test Prosody they use) in a Node process of their own, so
// that a test can count what they hold (open file descriptors, active handles and timers, heap after
// a forced GC) without the test's own clients in the numbers. Run by StackProcess (stack-child.ts)
// with `node --expose-gc --import tsx`; it talks over the fork IPC channel:
//   -> { target }            once the stack is up (where clients connect)
//   <- { probe: id }         -> { probe: id, result: StackProbe }
//   <- { logs: n }           -> { logs: n, lines: the last n log lines of Prosody, focus and bridge }
//   <- { close: true }       stops the stack and exits
import { createHook } from 'node:async_hooks';
import { readdirSync, readlinkSync } from 'node:fs';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';
import { startStack } from '../integration/harness.js';

/** What the focus and bridge hold at one moment; see StackProcess.probe(). */
export interface StackProbe {
  focusConferences: number;
  focusParticipants: number;
  bridgeConferences: number;
  bridgeEndpoints: number;
  /** Transports the bridge's media port routes to (by ICE ufrag) and its ICE-TCP connections. */
  portTransports: number;
  portTcpConnections: number;
  /** Open file descriptors of this process, and how many of them are sockets. */
  fds: number;
  sockets: number;
  /**
   * Active handles by kind (process.getActiveResourcesInfo(): UDPWrap, TCPSocketWrap, ...) and the
   * timers alive (Timeout, Immediate; unref'd ones too).
   */
  resources: Record<string, number>;
  /** V8 heap in use after forced full collections, bytes; and the same without compiled code (which the JIT adds as it goes). */
  heapUsed: number;
  heapWithoutCode: number;
  /** SSRCs the bridge's endpoints keep SRTP state for (both directions, summed). */
  srtpStates: number;
  /** The same by endpoint and SSRC (JSON), to see which ones stay. */
  srtpDetail: string;
  /** Open file descriptors of the Prosody process. */
  prosodyFds: number;
  /** Log lines at level error since the start. */
  errors: string[];
}

// Timers and immediates alive, unref'd ones included (getActiveResourcesInfo lists only ref'd ones):
// a timer is alive from its creation until it fires (setTimeout) or is cleared.
const liveTimers = new Map<number, string>();
createHook({
  init(id, type) {
    if (type === 'Timeout' || type === 'Immediate') liveTimers.set(id, type);
  },
  destroy(id) {
    liveTimers.delete(id);
  },
}).enable();

function fdsOf(pid: number | 'self'): { fds: number; sockets: number } {
  const dir = `/proc/${pid}/fd`;
  let sockets = 0;
  const names = readdirSync(dir);
  for (const n of names) {
    try {
      if (readlinkSync(`${dir}/${n}`).startsWith('socket:')) sockets++;
    } catch {
      // the fd of readdir itself, closed by now
    }
  }
  return { fds: names.length, sockets };
}

async function collectedHeap(): Promise<{ used: number; withoutCode: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('stack-process needs node --expose-gc');
  // Several rounds with turns of the event loop between: finalizers and weak callbacks run late.
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
  const spaces = getHeapSpaceStatistics();
  const code = spaces.filter((x) => x.space_name.startsWith('code')).reduce((n, x) => n + x.space_used_size, 0);
  const used = process.memoryUsage().heapUsed;
  return { used, withoutCode: used - code };
}

async function main(): Promise<void> {
  const stack = await startStack({
    realBridge: true,
    idleTimeoutMs: Number(process.env.PARLEY_STACK_IDLE_MS) || 30_000,
  });
  const sfu = stack.sfu!;
  const errors: string[] = [];
  const errorLevel = /"level":"error"/;
  const send = (m: unknown) => process.send!(m);

  // The last lines stay for a failing test's message (StackProcess.recentLogs()).
  const recent: string[] = [];
  const keepRecent = () => {
    for (const l of stack.logs.splice(0)) {
      if (errorLevel.test(l)) errors.push(l);
      recent.push(l);
    }
    recent.splice(0, recent.length - 400);
  };
  setInterval(keepRecent, 1000).unref();

  const probe = async (): Promise<StackProbe> => {
    // The harness keeps every log line for the tests that read them; here they would only grow.
    keepRecent();
    const conferences = [...stack.focus.manager.conferences.values()];
    const bridgeConferences = [...sfu.bridge.conferences.values()];
    // Private maps of the media port, read for the count only.
    const port = sfu.port as unknown as { byUfrag: Map<string, unknown>; tcpConns: Map<string, unknown> };
    const resources: Record<string, number> = {};
    for (const r of process.getActiveResourcesInfo())
      if (r !== 'Timeout' && r !== 'Immediate') resources[r] = (resources[r] ?? 0) + 1;
    const heap = await collectedHeap();
    for (const type of liveTimers.values()) resources[type] = (resources[type] ?? 0) + 1;
    const own = fdsOf('self');
    const srtp = bridgeConferences.flatMap((c) =>
      [...c.endpoints.values()].map((e) => ({
        endpoint: e.id,
        states: { ...e.srtpStates.in, sentTo: e.srtpStates.out.send },
      })),
    );
    return {
      focusConferences: conferences.length,
      focusParticipants: conferences.reduce((n, c) => n + c.participants.size, 0),
      bridgeConferences: bridgeConferences.length,
      bridgeEndpoints: bridgeConferences.reduce((n, c) => n + c.endpoints.size, 0),
      portTransports: port.byUfrag.size,
      portTcpConnections: port.tcpConns.size,
      fds: own.fds,
      sockets: own.sockets,
      resources,
      heapUsed: heap.used,
      heapWithoutCode: heap.withoutCode,
      srtpStates: srtp.reduce((n, e) => n + Object.values(e.states).reduce((m, l) => m + l.length, 0), 0),
      srtpDetail: JSON.stringify(srtp),
      prosodyFds: fdsOf(stack.prosody.pid).fds,
      errors,
    };
  };

  process.on('message', (m: { probe?: number; snapshot?: string; logs?: number; close?: boolean }) => {
    if (m.logs !== undefined) {
      keepRecent();
      send({ logs: m.logs, lines: recent.slice(-m.logs) });
    }
    if (m.probe !== undefined)
      void probe().then((result) => {
        // PARLEY_SOAK_SNAPSHOTS: a heap snapshot with each probe, to see what grew (Chrome DevTools' comparison).
        if (m.snapshot) writeHeapSnapshot(m.snapshot);
        send({ probe: m.probe, result });
      });
    if (m.close) void stack.close().finally(() => process.exit(0));
  });
  process.on('disconnect', () => void stack.close().finally(() => process.exit(0)));
  send({
    target: { domain: stack.domain, mucDomain: stack.mucDomain, focusJid: stack.focusJid, c2sPort: stack.c2sPort },
  });
}

main().catch((err: Error) => {
  console.error(`stack-process: ${err.stack ?? err.message}`);
  process.exit(1);
});

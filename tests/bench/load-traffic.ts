// The load of `npm run bench:load`, the same for every server: each publisher sends audio 50 pkt/s x 100 B
// and video ~114 pkt/s x 1100 B; payloads carry the sender's ssrc, a packet index and the send time, so
// receivers measure loss (by index) and one-way latency. Also how a server's cost is read from /proc:
// utime+stime and RSS of its process tree, and the drops counted at its UDP sockets.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { RtpHeader, RtpPacket, type MediaStreamTrack } from 'werift';

const MAGIC = 0x4c4f4144; // "LOAD"
const STREAMS = {
  audio: { rate: 50, size: 100, payloadType: 111 },
  video: { rate: 114, size: 1100, payloadType: 100 },
};
const KINDS = ['audio', 'video'] as const;
export type Kind = (typeof KINDS)[number];
const TICK = 100; // USER_HZ: clock ticks per second in /proc/<pid>/stat on Linux

/** What the load needs of a participant, whichever server it is connected to. */
export interface LoadEndpoint {
  audio: MediaStreamTrack;
  video: MediaStreamTrack;
  ssrc(kind: Kind): number;
  /** Calls back with the payload of every RTP packet this participant receives. */
  onPayload(listener: (payload: Buffer) => void): void;
}

/** One row of the benchmark: a meeting size on one server. */
export interface LoadRow {
  server: string;
  participants: number;
  window: number;
  forwardedPerSecond: number;
  serverCpuSeconds: number;
  serverCpuPerSecond: number;
  forwardedPerCpuSecond: number | null;
  lossPercent: number | null;
  latencyP50Ms: number;
  latencyP99Ms: number;
  serverRssMiB: number;
  serverSocketDrops: number;
  generatorCpuSeconds: number;
  generatorSocketDrops: number;
  generatorProcesses: number;
}

/** utime+stime (s) and RSS (bytes) of a process and all its descendants. */
export function treeUsage(root: number): { cpu: number; rss: number } {
  let cpu = 0;
  let rss = 0;
  for (const f of treeStats(root).values()) {
    cpu += (Number(f[11]) + Number(f[12])) / TICK;
    rss += Number(f[21]) * 4096;
  }
  return { cpu, rss };
}

/** /proc/<pid>/stat fields (after the command name) of a process and its descendants, by pid. */
function treeStats(root: number): Map<number, string[]> {
  const stats = new Map<number, string[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const s = readFileSync(`/proc/${d}/stat`, 'utf8');
      stats.set(Number(d), s.slice(s.lastIndexOf(')') + 2).split(' '));
    } catch {}
  }
  const inTree = new Map<number, string[]>();
  for (const [pid, f] of stats) {
    let p: number | undefined = pid;
    while (p && p !== root) p = Number(stats.get(p)?.[1]) || undefined;
    if (p === root) inTree.set(pid, f);
  }
  return inTree;
}

/**
 * Datagrams the kernel dropped at the UDP sockets a process tree holds (the drops column of
 * /proc/<pid>/net/udp{,6}, read in that process's network namespace, for the sockets in its fds).
 */
export function socketDrops(root: number): number {
  const inodes = new Set<string>();
  for (const pid of treeStats(root).keys()) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        const m = /^socket:\[(\d+)\]$/.exec(safeReadlink(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(m[1]);
      }
    } catch {}
  }
  let drops = 0;
  for (const file of ['udp', 'udp6']) {
    let text = '';
    try {
      text = readFileSync(`/proc/${root}/net/${file}`, 'utf8');
    } catch {}
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length > 9 && inodes.has(f[9])) drops += Number(f[f.length - 1]);
    }
  }
  return drops;
}

function safeReadlink(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '';
  }
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const now = () => performance.timeOrigin + performance.now();

/** Starts recording what each endpoint receives; call before the window (packets before it carry no MAGIC). */
export function recordReceived(eps: LoadEndpoint[]) {
  // receiver index -> sender ssrc -> indexes received and their one-way latencies
  const got = eps.map(() => new Map<number, { indexes: Set<number>; latencies: number[] }>());
  const state = { recording: true };
  eps.forEach((ep, i) =>
    ep.onPayload((b) => {
      if (!state.recording || b.length < 20 || b.readUInt32BE(0) !== MAGIC) return;
      const ssrc = b.readUInt32BE(4);
      let r = got[i].get(ssrc);
      if (!r) got[i].set(ssrc, (r = { indexes: new Set(), latencies: [] }));
      r.indexes.add(b.readUInt32BE(8));
      r.latencies.push(now() - b.readDoubleBE(12));
    }),
  );
  return { got, stop: () => (state.recording = false) };
}

function sendOne(ep: LoadEndpoint, kind: Kind, index: number): void {
  const ssrc = ep.ssrc(kind);
  const spec = STREAMS[kind];
  const payload = Buffer.alloc(spec.size);
  payload.writeUInt32BE(MAGIC, 0);
  payload.writeUInt32BE(ssrc >>> 0, 4);
  payload.writeUInt32BE(index, 8);
  payload.writeDoubleBE(now(), 12);
  const header = new RtpHeader({
    sequenceNumber: index & 0xffff,
    timestamp: (index * 960) >>> 0,
    payloadType: spec.payloadType,
    ssrc,
    marker: true,
  });
  ep[kind].writeRtp(new RtpPacket(header, payload));
}

/** Sends the load from every endpoint for `seconds`, paced by the clock; returns packets sent per kind. */
export async function sendFor(eps: LoadEndpoint[], seconds: number): Promise<Record<Kind, number>> {
  const t0 = performance.now();
  const due = { audio: 0, video: 0 };
  // Each stream sends what it is due every 5 ms (by elapsed time, not timer counts, so a late timer catches up).
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = (performance.now() - t0) / 1000;
      for (const kind of KINDS) {
        const target = Math.floor(Math.min(elapsed, seconds) * STREAMS[kind].rate);
        for (; due[kind] < target; due[kind]++) for (const ep of eps) sendOne(ep, kind, due[kind]);
      }
      if (elapsed >= seconds) {
        clearInterval(timer);
        resolve();
      }
    }, 5);
  });
  return due;
}

/** What one participant sent (per kind, its own ssrcs) and received (per sender ssrc) in the window. */
export interface EndpointOutcome {
  ssrcs: Record<Kind, number>;
  sent: Record<Kind, number>;
  received: { ssrc: number; count: number; latencies: number[] }[];
}

/** One row from what every participant sent and received and what the server and the generator spent. */
export function summarize(m: {
  server: string;
  window: number;
  endpoints: EndpointOutcome[];
  serverCpuSeconds: number;
  serverRss: number;
  serverSocketDrops: number;
  generatorCpuSeconds: number;
  generatorSocketDrops: number;
  generatorProcesses: number;
}): LoadRow {
  let expected = 0;
  let arrived = 0;
  const lat: number[] = [];
  for (const receiver of m.endpoints) {
    const bySender = new Map(receiver.received.map((r) => [r.ssrc, r]));
    for (const sender of m.endpoints) {
      if (sender === receiver) continue;
      for (const kind of KINDS) {
        const r = bySender.get(sender.ssrcs[kind]);
        expected += sender.sent[kind];
        arrived += r?.count ?? 0;
        if (r) for (const l of r.latencies) lat.push(l);
      }
    }
  }
  lat.sort((a, b) => a - b);
  const cpu = m.serverCpuSeconds;
  return {
    server: m.server,
    participants: m.endpoints.length,
    window: round(m.window, 2),
    forwardedPerSecond: Math.round(arrived / m.window),
    serverCpuSeconds: round(cpu, 2),
    serverCpuPerSecond: round(cpu / m.window, 3),
    forwardedPerCpuSecond: cpu > 0 ? Math.round(arrived / cpu) : null,
    lossPercent: expected ? round(((expected - arrived) / expected) * 100, 3) : null,
    latencyP50Ms: round(percentile(lat, 50), 2),
    latencyP99Ms: round(percentile(lat, 99), 2),
    serverRssMiB: round(m.serverRss / 2 ** 20, 1),
    serverSocketDrops: m.serverSocketDrops,
    generatorCpuSeconds: round(m.generatorCpuSeconds, 2),
    generatorSocketDrops: m.generatorSocketDrops,
    generatorProcesses: m.generatorProcesses,
  };
}

const round = (x: number, digits: number) => Number(x.toFixed(digits));

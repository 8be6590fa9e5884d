// `npm run bench:load`: synthetic load through a real `parley start` (Prosody + focus + bridge as
// child processes), headless werift endpoints joining through the real signaling path, full mesh.
// Each publisher sends audio 50 pkt/s x 100 B and video ~114 pkt/s x 1100 B; payloads carry the
// sender's ssrc, a packet index and the send time, so loss (by index) and one-way latency are measured
// at the receivers. The server's CPU is the utime+stime of the `parley start` process tree over the
// window (read from /proc), the generator's own CPU is reported apart so it is never taken for the server.
// First version: Parley only, the generator in this one process; Janus side by side is not done yet.
// Usage: node --import tsx tests/bench/load.ts [--sizes 2,4,6] [--seconds 10] [--json]
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLoopbackStun } from '@parley/bridge/testing';
import { RtpHeader, RtpPacket } from 'werift';
import { pickStartPorts, startCli, startFlags } from '../integration/cli-process.js';
import { TestParticipant, waitUntil, type Stack } from '../integration/harness.js';
import { HeadlessEndpoint } from '../media/headless-endpoint.js';

const MAGIC = 0x4c4f4144; // "LOAD"
const AUDIO = { rate: 50, size: 100 };
const VIDEO = { rate: 114, size: 1100 };

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const sizes = arg('sizes', '2,4,6').split(',').map(Number);
const seconds = Number(arg('seconds', '10'));
if (sizes.some((n) => !Number.isInteger(n) || n < 2) || !(seconds > 0)) {
  console.error('bench:load: --sizes takes integers >= 2 (e.g. 2,4,6), --seconds a positive number');
  process.exit(2);
}

const START = '<!-- bench:load -->';
const END = '<!-- /bench:load -->';
const TICK = 100; // USER_HZ: clock ticks per second in /proc/<pid>/stat on Linux

/** utime+stime (s) and RSS (bytes) of a process and all its descendants. */
function treeUsage(root: number): { cpu: number; rss: number } {
  const parent = new Map<number, number>();
  const stats = new Map<number, string[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const s = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(d), Number(f[1]));
      stats.set(Number(d), f);
    } catch {}
  }
  let cpu = 0;
  let rss = 0;
  for (const [pid, f] of stats) {
    let p: number | undefined = pid;
    while (p && p !== root) p = parent.get(p);
    if (p !== root) continue;
    cpu += (Number(f[11]) + Number(f[12])) / TICK;
    rss += Number(f[21]) * 4096;
  }
  return { cpu, rss };
}

/** The drops column of /proc/net/udp for sockets bound to this port. */
function udpDrops(port: number): number {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  let drops = 0;
  for (const file of ['/proc/net/udp', '/proc/net/udp6']) {
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[1]?.endsWith(`:${hex}`)) drops += Number(f[f.length - 1]);
    }
  }
  return drops;
}

interface Received {
  indexes: Set<number>;
  latencies: number[];
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function runSize(n: number) {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-load-'));
  const ports = await pickStartPorts();
  const stun = await startLoopbackStun();
  const server = await startCli(startFlags(dataDir, ports, 'bench.parley.test'));
  const target = {
    domain: 'bench.parley.test',
    mucDomain: 'conference.bench.parley.test',
    focusJid: server.info.focus.jid,
    c2sPort: ports.xmpp,
  };
  const stack = { ...target, participant: (name: string) => TestParticipant.connect(target, name) } as Stack;
  const eps: HeadlessEndpoint[] = [];
  // receiver index -> sender ssrc -> what arrived (only during the window)
  const got = new Map<number, Map<number, Received>>();
  let measuring = false;
  try {
    for (let i = 0; i < n; i++) {
      const ep = await HeadlessEndpoint.join(stack, 'load', `P${i}`, stun.port);
      const mine = new Map<number, Received>();
      got.set(i, mine);
      ep.pc.onTrack.subscribe((track) =>
        track.onReceiveRtp.subscribe((rtp) => {
          const b = rtp.payload;
          if (!measuring || b.length < 20 || b.readUInt32BE(0) !== MAGIC) return;
          const ssrc = b.readUInt32BE(4);
          let r = mine.get(ssrc);
          if (!r) mine.set(ssrc, (r = { indexes: new Set(), latencies: [] }));
          r.indexes.add(b.readUInt32BE(8));
          r.latencies.push(performance.timeOrigin + performance.now() - b.readDoubleBE(12));
        }),
      );
      eps.push(ep);
    }
    await Promise.all(eps.map((e) => e.connected(30_000)));
    await waitUntil(
      'everyone was told about everyone',
      () => eps.every((e) => e.remote!.remoteSourceNames().length === 2 * (n - 1)),
      30_000,
    );
    await Promise.all(eps.map((e) => e.negotiated()));

    const sent = new Map<number, number>(); // ssrc -> packets sent in the window
    const send = (ep: HeadlessEndpoint, kind: 'audio' | 'video', index: number) => {
      const ssrc = ep.ssrc(kind);
      const spec = kind === 'audio' ? AUDIO : VIDEO;
      const payload = Buffer.alloc(spec.size);
      payload.writeUInt32BE(MAGIC, 0);
      payload.writeUInt32BE(ssrc >>> 0, 4);
      payload.writeUInt32BE(index, 8);
      payload.writeDoubleBE(performance.timeOrigin + performance.now(), 12);
      const header = new RtpHeader({
        sequenceNumber: index & 0xffff,
        timestamp: (index * 960) >>> 0,
        payloadType: kind === 'audio' ? 111 : 100,
        ssrc,
        marker: true,
      });
      (kind === 'audio' ? ep.audio : ep.video).writeRtp(new RtpPacket(header, payload));
      sent.set(ssrc, (sent.get(ssrc) ?? 0) + 1);
    };
    const rootPid = server.child.pid!;
    const before = treeUsage(rootPid);
    const dropsBefore = udpDrops(ports.media);
    const genBefore = process.cpuUsage();
    const t0 = performance.now();
    measuring = true;
    // Paced by the clock (not by timer counts): each stream sends what it is due every 5 ms.
    const due = { audio: 0, video: 0 };
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const elapsed = (performance.now() - t0) / 1000;
        if (elapsed >= seconds) {
          clearInterval(timer);
          resolve();
          return;
        }
        for (const kind of ['audio', 'video'] as const) {
          const target = Math.floor(elapsed * (kind === 'audio' ? AUDIO : VIDEO).rate);
          for (; due[kind] < target; due[kind]++) for (const ep of eps) send(ep, kind, due[kind]);
        }
      }, 5);
    });
    const window = (performance.now() - t0) / 1000;
    // Packets in flight at the end still count: wait a moment (bounded) for stragglers, then stop recording.
    await new Promise((r) => setTimeout(r, 500));
    measuring = false;
    const after = treeUsage(rootPid);
    const gen = process.cpuUsage(genBefore);
    const drops = udpDrops(ports.media) - dropsBefore;

    let expected = 0;
    let received = 0;
    const lat: number[] = [];
    for (const [i, mine] of got) {
      for (const [j, ep] of eps.entries()) {
        if (i === j) continue;
        for (const kind of ['audio', 'video'] as const) {
          const ssrc = ep.ssrc(kind);
          const r = mine.get(ssrc);
          expected += sent.get(ssrc) ?? 0;
          received += r?.indexes.size ?? 0;
          if (r) lat.push(...r.latencies);
        }
      }
    }
    lat.sort((a, b) => a - b);
    const cpu = after.cpu - before.cpu;
    return {
      participants: n,
      window: Number(window.toFixed(2)),
      forwardedPerSecond: Math.round(received / window),
      serverCpuSeconds: Number(cpu.toFixed(2)),
      forwardedPerCpuSecond: cpu > 0 ? Math.round(received / cpu) : null,
      lossPercent: expected ? Number((((expected - received) / expected) * 100).toFixed(3)) : null,
      latencyP50Ms: Number(percentile(lat, 50).toFixed(2)),
      latencyP99Ms: Number(percentile(lat, 99).toFixed(2)),
      serverRssMiB: Number((after.rss / 2 ** 20).toFixed(1)),
      socketDrops: drops,
      generatorCpuSeconds: Number(((gen.user + gen.system) / 1e6).toFixed(2)),
    };
  } finally {
    for (const e of eps) await e.close().catch(() => {});
    await server.stop().catch(() => server.child.kill('SIGKILL'));
    await stun.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const rows = [];
for (const n of sizes) {
  process.stderr.write(`bench:load: parley, ${n} participants, ${seconds} s ... `);
  const r = await runSize(n);
  process.stderr.write(`${JSON.stringify(r)}\n`);
  rows.push(r);
}
const columns = [
  'participants',
  'forwarded pkt/s',
  'server CPU s',
  'forwarded pkt per CPU-s',
  'loss %',
  'latency p50 ms',
  'latency p99 ms',
  'server RSS MiB',
  'socket drops',
  'generator CPU s',
];
const result = {
  bench: 'load',
  title: 'Synthetic conference load through `parley start` (Parley only; Janus side by side not yet)',
  command: `npm run bench:load -- --sizes ${sizes.join(',')} --seconds ${seconds}`,
  results: rows,
  tables: [
    {
      caption: `Parley, full mesh, ${seconds} s windows`,
      columns,
      rows: rows.map((r) => [
        r.participants,
        r.forwardedPerSecond,
        r.serverCpuSeconds,
        r.forwardedPerCpuSecond,
        r.lossPercent,
        r.latencyP50Ms,
        r.latencyP99Ms,
        r.serverRssMiB,
        r.socketDrops,
        r.generatorCpuSeconds,
      ]),
    },
  ],
  notes: [
    'Server = the `parley start` process tree (Prosody + focus + bridge), utime+stime from /proc over the window.',
    'Generator (werift endpoints) in one process; its CPU is the last column and shares the same cores.',
    'Loss counts payload indexes not received by each receiver from each other publisher.',
  ],
};
console.log(JSON.stringify(result, null, 2));
writeSection(result);
process.exit(0);

/** Replaces (or appends) this benchmark's section of docs/benchmarks.md, between its markers. */
function writeSection(r: typeof result): void {
  const file = new URL('../../docs/benchmarks.md', import.meta.url);
  const cpus = os.cpus();
  const md = [
    START,
    `## ${r.title}`,
    '',
    `- Command: \`${r.command}\` — date ${new Date().toISOString()}`,
    `- Machine: ${cpus.length} cores (${cpus[0]?.model?.trim() ?? 'unknown CPU'}), load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} at the end (a shared machine: other jobs ran beside it)`,
    '',
  ];
  for (const t of r.tables) {
    // Padded as the formatter pads markdown tables, so that `npm run format:check` stays clean after a run.
    const cells = [t.columns, ...t.rows].map((r) => r.map(String));
    const width = t.columns.map((_, i) => Math.max(3, ...cells.map((r) => r[i].length)));
    const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(width[i])).join(' | ')} |`;
    md.push(`${t.caption}:`, '', line(cells[0]), line(width.map((w) => '-'.repeat(w))));
    for (const row of cells.slice(1)) md.push(line(row));
    md.push('');
  }
  for (const n of r.notes) md.push(`- ${n}`);
  md.push(END);
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const at = old.indexOf(START);
  const end = old.indexOf(END);
  const next =
    at >= 0 && end > at
      ? old.slice(0, at) + md.join('\n') + old.slice(end + END.length)
      : `${old.trimEnd()}\n\n${md.join('\n')}\n`;
  writeFileSync(file, next);
}

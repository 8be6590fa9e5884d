/**
 * Benchmark (not a test): CPU time per packet on the bridge's per-packet path (issue 14).
 * Measured as process CPU time (user + system, every thread, so garbage collection counts), not wall
 * time: these machines are shared, and another job's load stretches wall time but not our CPU time.
 * Rows, for 1100-byte video packets and AES_CM_128_HMAC_SHA1_80:
 *   - SRTP protect and unprotect of one packet, and the plainest implementation (an aes-ctr cipher and
 *     an Hmac per packet, fixtures/reference.ts) for scale;
 *   - forwarding one input packet through a Conference to R receivers (R = 1, 4, 7), whose fake
 *     transports lend a send buffer as MediaPort does;
 *   - one UDP send on a MediaPort (to a sink socket in a child process, so receiving is not counted).
 * `--base <dir>`: the same rows for another checkout's code (e.g. a copy of main, built), interleaved
 * with ours in the same run, so before/after are measured side by side.
 * Run: node --expose-gc --import tsx packages/bridge/src/model/lean-path.bench.ts [--json] [--base <dir>] [packets]
 * (--expose-gc is optional: with it each measurement starts from a collected heap).
 */
import { fork } from 'node:child_process';
import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { IceTransport } from '@parley/protocol';
import { silentLogger } from '@parley/service';
import { buildRtp } from '../srtp/fixtures/util.js';
import { referenceProtectRtp } from '../srtp/fixtures/reference.js';
import type { SrtpKeys } from '../srtp/index.js';

const JSON_OUT = process.argv.includes('--json');
const baseAt = process.argv.indexOf('--base');
const BASE = baseAt >= 0 ? path.resolve(process.argv[baseAt + 1]) : undefined;
const nArg = process.argv.slice(2).find((a, i, all) => /^\d+$/.test(a) && all[i - 1] !== '--base');
const N = Math.max(1000, Number(nArg ?? 6000));
const REPEATS = 7;
const PROFILE = 'AES_CM_128_HMAC_SHA1_80' as const;
const RECEIVERS = [1, 4, 7];
const SSRC = 0x0a0b0c0d;

/** What a checkout's bridge code offers this bench (types kept loose: two versions of the same code). */
interface Code {
  label: string;
  SrtpContext: any;
  Conference: any;
  BridgeCounters: any;
  srtpKeysFromDtls: any;
  MediaPort: any;
}

async function load(root: string, label: string): Promise<Code> {
  const src = (p: string) => import(pathToFileURL(path.join(root, 'packages/bridge/src', p)).href);
  const [srtp, conf, counters, port] = await Promise.all([
    src('srtp/index.ts'),
    src('model/conference.ts'),
    src('model/counters.ts'),
    src('transport/media-port.ts'),
  ]);
  return {
    label,
    SrtpContext: srtp.SrtpContext,
    srtpKeysFromDtls: srtp.srtpKeysFromDtls,
    Conference: conf.Conference,
    BridgeCounters: counters.BridgeCounters,
    MediaPort: port.MediaPort,
  };
}

/** With --expose-gc: each measurement starts from a collected heap, so none pays for another's garbage. */
const collect = (globalThis as { gc?: () => void }).gc ?? (() => {});

/** CPU µs per item: fn(i) for i in [0, n), process CPU time. */
function cpuPer(n: number, fn: (i: number) => void): number {
  collect();
  const c = process.cpuUsage();
  for (let i = 0; i < n; i++) fn(i);
  const u = process.cpuUsage(c);
  return (u.user + u.system) / n;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const r2 = (x: number) => Math.round(x * 100) / 100;

const NO_ICE: IceTransport = { ufrag: 'x', pwd: 'x', rtcpMux: true, candidates: [], fingerprints: [] };

/** An in-memory transport whose DTLS is "done"; lends one send buffer, as MediaPort does; counts RTP sent. */
class LendingTransport {
  readonly local = NO_ICE;
  state = 'new';
  sent = 0;
  private stateCb?: (s: string) => void;
  packetCb?: (b: Buffer) => void;
  private readonly lent = Buffer.allocUnsafeSlow(2048);
  constructor(readonly srtp: { profile: string; keyingMaterial: Buffer; isClient: boolean }) {}
  start(): void {}
  restartIce(): IceTransport {
    return this.local;
  }
  onStateChange(cb: (s: string) => void): void {
    this.stateCb = cb;
  }
  onPacket(cb: (b: Buffer) => void): void {
    this.packetCb = cb;
  }
  send(b: Buffer): void {
    if (b[1] < 192 || b[1] > 223) this.sent++; // RTP only (RTCP PT 192..223)
  }
  lendSendBuffer(bytes: number): Buffer {
    return bytes <= this.lent.length ? this.lent : Buffer.allocUnsafe(bytes);
  }
  onDataChannelOpen(): void {}
  onDataChannelMessage(): void {}
  sendDataChannel(): void {}
  close(): void {
    this.state = 'closed';
  }
  connect(): void {
    this.state = 'connected';
    this.stateCb?.('connected');
  }
}

async function main(): Promise<void> {
  const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
  const codes = [await load(here, 'this tree')];
  if (BASE) codes.push(await load(BASE, `base (${BASE})`));

  const keys: SrtpKeys = { profile: PROFILE, masterKey: randomBytes(16), masterSalt: randomBytes(14) };
  const payload = randomBytes(1100 - 12 - 16 - 10);
  const ext = [
    { id: 3, data: randomBytes(3) },
    { id: 5, data: Buffer.from([0, 1]) },
    { id: 10, data: Buffer.from('1') },
  ];
  const plains = Array.from({ length: N }, (_, i) =>
    buildRtp({ seq: (1000 + i) & 0xffff, ssrc: SSRC, ts: 90000 + 3000 * (i >> 3), pt: 96, payload, ext }),
  );
  const material = randomBytes(60);
  const senderKeys = codes[0].srtpKeysFromDtls(material, PROFILE, true).local;
  const enc = new codes[0].SrtpContext(senderKeys);
  const wire: Buffer[] = plains.map((p) => enc.protectRtp(p));
  const enc2 = new codes[0].SrtpContext(keys);
  const wireKeys: Buffer[] = plains.map((p) => enc2.protectRtp(p));

  const sink = fork(fileURLToPath(import.meta.url), ['--sink'], { execArgv: ['--import', 'tsx'] });
  const sinkPort = await new Promise<number>((r) => sink.once('message', (m) => r(m as number)));
  const ports: any[] = [];
  for (const c of codes) {
    ports.push(await c.MediaPort.open({ udpPort: 0, bindAddress: '127.0.0.1', advertise: ['127.0.0.1'] }));
  }

  const rows: Record<string, Record<string, number[]>> = {};
  const put = (row: string, who: string, v: number) => {
    rows[row] ??= {};
    (rows[row][who] ??= []).push(v);
  };
  for (let k = 0; k < REPEATS + 1; k++) {
    const keep = k > 0; // the first round warms up
    for (const [ci, c] of codes.entries()) {
      const tx = new c.SrtpContext(keys);
      const p = cpuPer(N, (i) => tx.protectRtp(plains[i]));
      const rx = new c.SrtpContext(keys);
      const u = cpuPer(N, (i) => rx.unprotectRtp(wireKeys[i]));
      if (keep) put('SRTP protect, 1 packet', c.label, p);
      if (keep) put('SRTP unprotect, 1 packet', c.label, u);
      // The first forwarding round after other work runs ~10 µs/packet slower (JIT): one unmeasured round first.
      forwardRound(c, material, wire.slice(0, 1000), 1);
      for (const r of RECEIVERS) {
        const v = forwardRound(c, material, wire, r);
        if (keep) put(`forward 1 input packet to ${r} receiver(s)`, c.label, v);
      }
      const s = await sendRound(ports[ci], sinkPort, wire);
      if (keep) put('UDP send of 1 datagram (MediaPort)', c.label, s);
    }
    const ref = cpuPer(Math.min(N, 3000), (i) => referenceProtectRtp(keys, plains[i], 0));
    if (keep) put('SRTP protect, 1 packet', 'plainest (cipher + Hmac per packet)', ref);
  }
  sink.disconnect();
  for (const p of ports) await p.close();

  const labels = [...codes.map((c) => c.label), 'plainest (cipher + Hmac per packet)'];
  const table = Object.entries(rows).map(([row, by]) => {
    const cells = labels.map((l) => (by[l] ? r2(median(by[l])) : '—'));
    const base = BASE ? by[codes[1].label] : undefined;
    const ratio = base ? `${r2(median(base) / median(by[codes[0].label]))}×` : '—';
    return [row, ...cells, ratio];
  });
  const out = {
    bench: 'lean-path',
    title: 'Per-packet path: CPU µs per packet (process CPU time, GC included)',
    command: `node --import tsx packages/bridge/src/model/lean-path.bench.ts --json${BASE ? ` --base ${BASE}` : ''}`,
    node: process.version,
    packets: N,
    tables: [
      {
        caption: `${PROFILE}, 1100-byte packets, ${N} per measurement, median of ${REPEATS} interleaved rounds`,
        columns: ['operation', ...labels.map((l) => `µs CPU: ${l}`), 'base / this tree'],
        rows: table,
      },
    ],
    notes: [
      'CPU time of this process (all threads), so GC and crypto helper threads count; ' +
        'wall time on a shared machine is not comparable between runs.',
      'Forward: Endpoint.onPacket -> unprotect -> Conference.onRtp (SSRC lookup, twcc, loss, cache, extension ' +
        'strip) -> protect per receiver into the lent buffer -> transport.send (counts only: no socket).',
      'UDP send: MediaPort.sendTo of a 1100-byte datagram to a sink in a child process, ' +
        'in bursts of 64 with a yield between bursts.',
    ],
  };
  if (JSON_OUT) console.log(JSON.stringify(out, null, 2));
  else {
    console.log(`${out.title}\n${out.tables[0].caption}`);
    console.log(out.tables[0].columns.join(' | '));
    for (const row of table) console.log(row.join(' | '));
  }
}

/** CPU µs per input packet, 1 sender -> r receivers through a fresh Conference of that checkout. */
function forwardRound(c: Code, material: Buffer, wire: Buffer[], r: number): number {
  const conf = new c.Conference('bench', 'bench', { counters: new c.BridgeCounters(), log: silentLogger });
  const senderT = new LendingTransport({ profile: PROFILE, keyingMaterial: material, isClient: false });
  const sender = conf.createEndpoint('s', senderT, {});
  sender.setSources([
    { type: 'video', id: 's-v0', sources: [{ ssrc: SSRC, name: 's-v0', owner: 's' }], ssrcGroups: [] },
  ]);
  senderT.connect();
  const receivers: LendingTransport[] = [];
  for (let i = 0; i < r; i++) {
    const t = new LendingTransport({ profile: PROFILE, keyingMaterial: randomBytes(60), isClient: false });
    conf.createEndpoint(`r${i}`, t, {});
    t.connect();
    receivers.push(t);
  }
  const feed = senderT.packetCb!;
  const us = cpuPer(wire.length, (i) => {
    feed(wire[i]);
    if ((i & 63) === 63) conf.flushTransportFeedback();
  });
  const sent = receivers.reduce((a, t) => a + t.sent, 0);
  conf.close();
  if (sent !== wire.length * r) throw new Error(`forwarded ${sent} of ${wire.length * r} packets`);
  return us;
}

/** CPU µs per datagram sent by a MediaPort (lent buffer where the port offers one). */
async function sendRound(port: any, sinkPort: number, wire: Buffer[]): Promise<number> {
  const link = port.link;
  const to = { key: `udp:127.0.0.1:${sinkPort}`, kind: 'udp', ip: '127.0.0.1', port: sinkPort };
  collect();
  const c = process.cpuUsage();
  for (let i = 0; i < wire.length; ) {
    for (let j = 0; j < 64 && i < wire.length; j++, i++) {
      const w = wire[i];
      if (link.lendSendBuffer) {
        const b: Buffer = link.lendSendBuffer(w.length);
        w.copy(b);
        link.sendTo(to, b.subarray(0, w.length));
      } else link.sendTo(to, w);
    }
    await new Promise((r) => setImmediate(r));
  }
  const u = process.cpuUsage(c);
  return (u.user + u.system) / wire.length;
}

if (process.argv.includes('--sink')) {
  // Child: a UDP socket that reads and drops everything, so the parent's sends have a live target.
  const s = dgram.createSocket('udp4');
  s.on('message', () => {});
  s.bind(0, '127.0.0.1', () => {
    s.setRecvBufferSize(8 * 1024 * 1024);
    process.send!(s.address().port);
  });
  process.on('disconnect', () => process.exit(0));
} else {
  await main();
}

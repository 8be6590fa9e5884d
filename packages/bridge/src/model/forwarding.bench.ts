/**
 * Benchmark (not a test): the per-packet forwarding path without sockets.
 * One sender -> R receivers (R = 1, 4, 9): pre-encrypted 1100-byte video RTP packets with
 * abs-send-time (3), transport-cc (5) and mid (10) extensions go into the sender's fake transport;
 * the Conference unprotects, strips the leg-specific extensions and protects once per receiver.
 * Side by side, in the same run: "werift-style forwarding" with werift 0.25.2's SrtpSession
 * (decrypt once, parse, drop the same extensions, encrypt per receiver), and an SRTP-only loop
 * (our unprotect once + protect R times, nothing else) to show what share of the time SRTP is.
 * Run: node --import tsx packages/bridge/src/model/forwarding.bench.ts [--json] [packetsPerRound]
 */
import { randomBytes } from 'node:crypto';
import type { Colibri2MediaSource, IceTransport } from '@parley/protocol';
import { silentLogger } from '@parley/service';
import { RtpPacket, type SrtpSession } from 'werift';
import { removeHeaderExtension } from '../rtp/index.js';
import { SrtpContext, keyLengths, srtpKeysFromDtls, type SrtpProfile } from '../srtp/index.js';
import { buildRtp } from '../srtp/fixtures/util.js';
import { weriftSessions } from '../srtp/fixtures/werift.js';
import { Conference } from './conference.js';
import { BridgeCounters } from './counters.js';
import type { MediaTransport, MediaTransportState, SrtpKeying } from './media-transport.js';

const JSON_OUT = process.argv.includes('--json');
const nArg = process.argv.slice(2).find((a) => /^\d+$/.test(a));
const N = Math.max(500, Number(nArg ?? 4000)); // input packets per round (each round needs fresh SRTP replay state)
const ROUNDS = 7; // first round is warm-up; the median of the rest is reported
const PROFILE: SrtpProfile = 'AES_CM_128_HMAC_SHA1_80';
const PKT_BYTES = 1100;
const SENDER_SSRC = 0x0a0b0c0d;
const RECEIVERS = [1, 4, 9];
const FLUSH_EVERY = 64; // transport-cc feedback flush (the bridge does it on a 60 ms timer)
const LEG_SPECIFIC = [5, 10, 11, 12];

const NO_ICE: IceTransport = { ufrag: 'x', pwd: 'x', rtcpMux: true, candidates: [], fingerprints: [] };

/** In-memory MediaTransport: DTLS is "done" with keying material we choose; send() only counts. */
class FakeTransport implements MediaTransport {
  readonly local = NO_ICE;
  state: MediaTransportState = 'new';
  readonly srtp: SrtpKeying;
  sent = 0;
  private stateCb?: (s: MediaTransportState) => void;
  packetCb?: (b: Buffer) => void;
  constructor(keyingMaterial: Buffer) {
    this.srtp = { profile: PROFILE, keyingMaterial, isClient: false };
  }
  start(): void {}
  restartIce(): IceTransport {
    return this.local;
  }
  onStateChange(cb: (s: MediaTransportState) => void): void {
    this.stateCb = cb;
  }
  onPacket(cb: (b: Buffer) => void): void {
    this.packetCb = cb;
  }
  send(b: Buffer): void {
    if (b[1] >= 192 && b[1] <= 223) return;
    this.sent++;
  } // count RTP only (RTCP PT 192..223)
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

// ---- fixtures: one sender's pre-encrypted packets ------------------------------------------------
const l = keyLengths(PROFILE);
const senderMaterial = randomBytes(2 * (l.key + l.salt));
// The endpoint is the DTLS server (isClient false): it unprotects with the client's keys.
const clientKeys = srtpKeysFromDtls(senderMaterial, PROFILE, true).local;
const enc = new SrtpContext(clientKeys);
const payloadLen = PKT_BYTES - 12 - 16 /* ext block */ - keyLengths(PROFILE).tag;
const payload = randomBytes(payloadLen);
const wire: Buffer[] = [];
const strippedPlain: Buffer[] = [];
for (let i = 0; i < N; i++) {
  const abs = Buffer.alloc(3);
  abs.writeUIntBE((i * 1000) & 0xffffff, 0, 3);
  const tcc = Buffer.alloc(2);
  tcc.writeUInt16BE(i & 0xffff, 0);
  const plain = buildRtp({
    seq: (1000 + i) & 0xffff,
    ssrc: SENDER_SSRC,
    ts: 90000 + Math.floor(i / 8) * 3000,
    pt: 96,
    marker: i % 8 === 7,
    payload,
    ext: [
      { id: 3, data: abs },
      { id: 5, data: tcc },
      { id: 10, data: Buffer.from('1') },
    ],
  });
  wire.push(enc.protectRtp(plain));
  strippedPlain.push(removeHeaderExtension(plain, LEG_SPECIFIC));
}
const wireBytes = wire[0].length;

const videoSource = (id: string, ssrc: number): Colibri2MediaSource =>
  ({
    type: 'video',
    id: `${id}-v0`,
    sources: [{ ssrc, name: `${id}-v0`, owner: id }],
    ssrcGroups: [],
  }) as Colibri2MediaSource;

// ---- the three ways of doing the work ------------------------------------------------------------

/** Parley: a fresh Conference of 1 + r endpoints; returns ns for N packets and packets delivered. */
function roundOurs(r: number): { ns: number; out: number; drops: number } {
  const counters = new BridgeCounters();
  const conf = new Conference('bench', 'bench', { counters, log: silentLogger });
  const senderT = new FakeTransport(senderMaterial);
  const sender = conf.createEndpoint('s', senderT, {});
  sender.setSources([videoSource('s', SENDER_SSRC)]);
  senderT.connect();
  const receivers: FakeTransport[] = [];
  for (let i = 0; i < r; i++) {
    const t = new FakeTransport(randomBytes(2 * (l.key + l.salt)));
    conf.createEndpoint(`r${i}`, t, {});
    t.connect();
    receivers.push(t);
  }
  for (const t of receivers) t.sent = 0;
  const feed = senderT.packetCb!;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) {
    feed(wire[i]);
    if (i % FLUSH_EVERY === FLUSH_EVERY - 1) conf.flushTransportFeedback();
  }
  const ns = Number(process.hrtime.bigint() - t0);
  const out = receivers.reduce((a, t) => a + t.sent, 0);
  let drops = 0;
  for (const v of counters.drops.values()) drops += v;
  conf.close();
  return { ns, out, drops };
}

/** werift-style: SrtpSession.decrypt once, RtpPacket.deSerialize, drop the extensions, encrypt per receiver. */
function roundWerift(r: number): { ns: number; out: number; drops: number } {
  const inbound = weriftSessions(
    PROFILE,
    { key: randomBytes(l.key), salt: randomBytes(l.salt) },
    { key: clientKeys.masterKey, salt: clientKeys.masterSalt },
  ).srtp;
  const outs: SrtpSession[] = [];
  for (let i = 0; i < r; i++) {
    const k = { key: randomBytes(l.key), salt: randomBytes(l.salt) };
    outs.push(weriftSessions(PROFILE, k, k).srtp);
  }
  let out = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) {
    const plain = inbound.decrypt(wire[i]);
    const p = RtpPacket.deSerialize(plain);
    p.header.extensions = p.header.extensions.filter((e) => !LEG_SPECIFIC.includes(e.id));
    if (p.header.extensions.length === 0) p.header.extension = false;
    for (const s of outs) {
      const b = s.encrypt(p.payload, p.header);
      if (b.length > 0) out++;
    }
  }
  const ns = Number(process.hrtime.bigint() - t0);
  return { ns, out, drops: 0 };
}

/** SRTP only, ours: unprotect once, protect the (already stripped) packet once per receiver. */
function roundSrtpOnly(r: number): { ns: number; out: number; drops: number } {
  const rx = new SrtpContext(clientKeys);
  const txs: SrtpContext[] = [];
  for (let i = 0; i < r; i++)
    txs.push(new SrtpContext({ profile: PROFILE, masterKey: randomBytes(l.key), masterSalt: randomBytes(l.salt) }));
  let out = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) {
    rx.unprotectRtp(wire[i]);
    const s = strippedPlain[i];
    for (const tx of txs) if (tx.protectRtp(s).length > 0) out++;
  }
  const ns = Number(process.hrtime.bigint() - t0);
  return { ns, out, drops: 0 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round2 = (x: number) => Math.round(x * 100) / 100;

const rows = RECEIVERS.map((r) => {
  const ns = { ours: [] as number[], werift: [] as number[], srtp: [] as number[] };
  let outOurs = 0,
    outWerift = 0,
    drops = 0;
  for (let k = 0; k < ROUNDS; k++) {
    // interleave so drift and GC land on all three alike
    const a = roundOurs(r),
      b = roundWerift(r),
      c = roundSrtpOnly(r);
    if (k === 0) continue;
    ns.ours.push(a.ns);
    ns.werift.push(b.ns);
    ns.srtp.push(c.ns);
    outOurs = a.out;
    outWerift = b.out;
    drops += a.drops;
  }
  const usOurs = median(ns.ours) / N / 1000;
  const usWerift = median(ns.werift) / N / 1000;
  const usSrtp = median(ns.srtp) / N / 1000;
  return {
    receivers: r,
    conferenceSize: r + 1,
    outPerRound: { ours: outOurs, werift: outWerift, expected: N * r },
    droppedInOurs: drops,
    forwardedPps: { ours: Math.round((r * 1e6) / usOurs), werift: Math.round((r * 1e6) / usWerift) },
    inputPps: { ours: Math.round(1e6 / usOurs), werift: Math.round(1e6 / usWerift) },
    usPerInputPacket: { ours: round2(usOurs), werift: round2(usWerift), srtpOnly: round2(usSrtp) },
    ratio: round2(usWerift / usOurs),
    srtpShare: round2(usSrtp / usOurs),
  };
});

const result = {
  bench: 'forwarding',
  title: 'Forwarding path without sockets: 1 sender -> R receivers',
  command: 'node --import tsx packages/bridge/src/model/forwarding.bench.ts --json',
  node: process.version,
  profile: PROFILE,
  packetBytesOnWire: wireBytes,
  packetsPerRound: N,
  rounds: `${ROUNDS} (first is warm-up; median of the rest)`,
  ratio: 'ours / werift (throughput), >1 means Parley is faster',
  rows,
  tables: [
    {
      caption: `${PROFILE}, ${wireBytes}-byte SRTP packets, ${N} input packets per round, median of ${ROUNDS - 1} rounds`,
      columns: [
        'conference',
        'receivers',
        'forwarded pkt/s (Parley)',
        'forwarded pkt/s (werift-style)',
        'ratio Parley/werift',
        'µs per input pkt (Parley)',
        'µs per input pkt (werift-style)',
        'µs SRTP only (Parley)',
        'SRTP share of Parley time',
      ],
      rows: rows.map((x) => [
        x.conferenceSize,
        x.receivers,
        x.forwardedPps.ours,
        x.forwardedPps.werift,
        `${x.ratio}×`,
        x.usPerInputPacket.ours,
        x.usPerInputPacket.werift,
        x.usPerInputPacket.srtpOnly,
        `${Math.round(x.srtpShare * 100)} %`,
      ]),
    },
  ],
  notes: [
    'Parley: Conference + Endpoint on in-memory fake transports; every packet goes through Endpoint.onPacket -> SrtpContext.unprotectRtp -> Conference.onRtp (SSRC lookup, transport-cc record, loss detector, packet cache insert, removeHeaderExtension of ids 5/10) -> SrtpContext.protectRtp per receiver -> transport.send (counts). transport-cc feedback is flushed every 64 input packets, inside the timed loop.',
    'werift-style: what a werift-based SFU does for the same packet: SrtpSession.decrypt once, RtpPacket.deSerialize, drop the same extensions, SrtpSession.encrypt(payload, header) per receiver (no loss detector, cache or twcc: it does less than Parley).',
    'SRTP only: our unprotectRtp once plus protectRtp once per receiver on the stripped packet, nothing else; its share of the Parley time is what SRTP costs, the rest is the forwarding logic.',
    'Single-threaded: one core does all of it; no sockets, so this is the ceiling of the forwarding logic, not of the process.',
  ],
};

if (JSON_OUT) {
  console.log(JSON.stringify(result, null, 2));
} else {
  console.log(result.title);
  console.log(result.tables[0].caption);
  for (const x of rows) {
    console.log(
      `  ${x.conferenceSize} in conference (1 -> ${x.receivers}): Parley ${x.forwardedPps.ours} fwd pkt/s (${x.usPerInputPacket.ours} µs/in), ` +
        `werift-style ${x.forwardedPps.werift} (${x.usPerInputPacket.werift} µs/in), ratio ${x.ratio}×, SRTP share ${Math.round(x.srtpShare * 100)} %` +
        (x.outPerRound.ours !== x.outPerRound.expected
          ? `  [delivered ${x.outPerRound.ours}/${x.outPerRound.expected}, drops ${x.droppedInOurs}]`
          : ''),
    );
  }
}

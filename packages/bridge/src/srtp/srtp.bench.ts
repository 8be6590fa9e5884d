/**
 * Benchmark (not a test): packets/s for protect and unprotect of 1100-byte RTP packets,
 * Parley's SrtpContext vs werift 0.25.2's SrtpSession, in the same run.
 * Run: node --import tsx packages/bridge/src/srtp/srtp.bench.ts [--json] [packetsPerRound]
 * With --json: one JSON object on stdout (read by scripts/bench.mjs); otherwise a human summary.
 */
import { randomBytes } from 'node:crypto';
import { RtpPacket } from 'werift';
import { SrtpContext, keyLengths, type SrtpProfile } from './index.js';
import { buildRtp } from './fixtures/util.js';
import { weriftSessions } from './fixtures/werift.js';

const JSON_OUT = process.argv.includes('--json');
const nArg = process.argv.slice(2).find((a) => /^\d+$/.test(a));
const N = Math.max(1000, Number(nArg ?? 20000));
const PKT_BYTES = 1100;
const SSRC = 0x1234abcd;
const WARMUP = 2000;

function rate(fn: (i: number) => void, n: number): number {
  for (let i = 0; i < WARMUP; i++) fn(i); // warm-up on the first packets
  const t0 = process.hrtime.bigint();
  for (let i = WARMUP; i < WARMUP + n; i++) fn(i);
  const ns = Number(process.hrtime.bigint() - t0);
  return Math.round((n * 1e9) / ns);
}

const REPEATS = 5;
/** Runs each (fresh-state) measurement REPEATS times, interleaved, and returns each one's median rate. */
function interleaved(makers: Array<() => (i: number) => void>, n: number): number[] {
  const runs: number[][] = makers.map(() => []);
  for (let k = 0; k < REPEATS; k++) makers.forEach((make, j) => runs[j].push(rate(make(), n)));
  return runs.map((xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]);
}

function benchProfile(profile: SrtpProfile) {
  const l = keyLengths(profile);
  const k = { key: randomBytes(l.key), salt: randomBytes(l.salt) };
  const keys = { profile, masterKey: k.key, masterSalt: k.salt };
  const payload = randomBytes(PKT_BYTES - 12);
  const plains: Buffer[] = [];
  for (let i = 0; i < N + WARMUP; i++) plains.push(buildRtp({ seq: i & 0xffff, ssrc: SSRC, payload }));
  // werift's send API takes header + payload; parse once outside the timed loop (favours werift).
  const parsed = plains.map((p) => RtpPacket.deSerialize(p));

  const [oursProtect, weriftProtect] = interleaved(
    [
      () => {
        const tx = new SrtpContext(keys);
        return (i) => tx.protectRtp(plains[i]);
      },
      () => {
        const tx = weriftSessions(profile, k, k).srtp;
        return (i) => tx.encrypt(parsed[i].payload, parsed[i].header);
      },
    ],
    N,
  );

  // Ciphertexts to unprotect: a fresh context per repeat, so no replay rejections.
  const enc = new SrtpContext(keys);
  const wire = plains.map((p) => enc.protectRtp(p));
  const [oursUnprotect, weriftUnprotect] = interleaved(
    [
      () => {
        const rx = new SrtpContext(keys);
        return (i) => rx.unprotectRtp(wire[i]);
      },
      () => {
        const rx = weriftSessions(profile, k, k);
        return (i) => rx.unprotectRtp(wire[i]);
      },
    ],
    N,
  );

  const r = (a: number, b: number) => Math.round((a / b) * 100) / 100;
  return {
    profile,
    protect: { ours: oursProtect, werift: weriftProtect, ratio: r(oursProtect, weriftProtect) },
    unprotect: { ours: oursUnprotect, werift: weriftUnprotect, ratio: r(oursUnprotect, weriftUnprotect) },
    usPerPacket: {
      oursProtect: Math.round(1e8 / oursProtect) / 100,
      weriftProtect: Math.round(1e8 / weriftProtect) / 100,
      oursUnprotect: Math.round(1e8 / oursUnprotect) / 100,
      weriftUnprotect: Math.round(1e8 / weriftUnprotect) / 100,
    },
  };
}

const results = (['AES_CM_128_HMAC_SHA1_80', 'AEAD_AES_128_GCM'] as SrtpProfile[]).map(benchProfile);
const out = {
  bench: 'srtp',
  title: 'SRTP protect / unprotect: Parley SrtpContext vs werift 0.25.2 SrtpSession',
  command: 'node --import tsx packages/bridge/src/srtp/srtp.bench.ts --json',
  node: process.version,
  packetBytes: PKT_BYTES,
  packetsPerMeasurement: N,
  unit: 'packets/s',
  ratio: 'ours / werift',
  results,
  tables: [
    {
      caption: `${PKT_BYTES}-byte RTP packets, ${N} per measurement after ${WARMUP} warm-up, median of ${REPEATS} interleaved repeats, one core`,
      columns: [
        'profile',
        'operation',
        'Parley pkt/s',
        'werift pkt/s',
        'ratio Parley/werift',
        'µs/pkt Parley',
        'µs/pkt werift',
      ],
      rows: results.flatMap((r) => [
        [
          r.profile,
          'protect',
          r.protect.ours,
          r.protect.werift,
          `${r.protect.ratio}×`,
          r.usPerPacket.oursProtect,
          r.usPerPacket.weriftProtect,
        ],
        [
          r.profile,
          'unprotect',
          r.unprotect.ours,
          r.unprotect.werift,
          `${r.unprotect.ratio}×`,
          r.usPerPacket.oursUnprotect,
          r.usPerPacket.weriftUnprotect,
        ],
      ]),
    },
  ],
  notes: [
    "werift's protect is given pre-parsed header + payload (parsing is outside its timed loop), which favours werift.",
    'Unprotect includes the replay check (ours) on fresh sequence numbers, so nothing is rejected.',
  ],
};
if (JSON_OUT) {
  console.log(JSON.stringify(out, null, 2));
} else {
  console.log(`${out.title} (${out.tables[0].caption})`);
  for (const r of results) {
    console.log(
      `  ${r.profile}: protect ${r.protect.ours} vs ${r.protect.werift} pkt/s (${r.protect.ratio}×), ` +
        `unprotect ${r.unprotect.ours} vs ${r.unprotect.werift} pkt/s (${r.unprotect.ratio}×)`,
    );
  }
}

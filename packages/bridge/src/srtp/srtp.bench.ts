/**
 * Benchmark (not a test): packets/s for protect and unprotect of 1100-byte RTP packets,
 * Parley's SrtpContext vs werift 0.25.2's SrtpSession, in the same run. Prints JSON.
 * Run: node --import tsx packages/bridge/src/srtp/srtp.bench.ts [packetsPerRound]
 */
import { randomBytes } from 'node:crypto';
import { RtpPacket } from 'werift';
import { SrtpContext, keyLengths, type SrtpProfile } from './index.js';
import { buildRtp } from './fixtures/util.js';
import { weriftSessions } from './fixtures/werift.js';

const N = Math.max(1000, Number(process.argv[2] ?? 20000));
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

function benchProfile(profile: SrtpProfile) {
  const l = keyLengths(profile);
  const k = { key: randomBytes(l.key), salt: randomBytes(l.salt) };
  const keys = { profile, masterKey: k.key, masterSalt: k.salt };
  const payload = randomBytes(PKT_BYTES - 12);
  const plains: Buffer[] = [];
  for (let i = 0; i < N + WARMUP; i++) plains.push(buildRtp({ seq: i & 0xffff, ssrc: SSRC, payload }));
  // werift's send API takes header + payload; parse once outside the timed loop (favours werift).
  const parsed = plains.map((p) => RtpPacket.deSerialize(p));

  const oursTx = new SrtpContext(keys);
  const werift = weriftSessions(profile, k, k);
  const weriftTxSession = weriftSessions(profile, k, k).srtp;

  const oursProtect = rate((i) => oursTx.protectRtp(plains[i]), N);
  const weriftProtect = rate((i) => weriftTxSession.encrypt(parsed[i].payload, parsed[i].header), N);

  // Ciphertexts to unprotect: fresh sequence numbers per receiver, so no replay rejections.
  const enc = new SrtpContext(keys);
  const wire = plains.map((p) => enc.protectRtp(p));
  const oursRx = new SrtpContext(keys);
  const oursUnprotect = rate((i) => oursRx.unprotectRtp(wire[i]), N);
  const weriftUnprotect = rate((i) => werift.unprotectRtp(wire[i]), N);

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
console.log(
  JSON.stringify(
    { node: process.version, packetBytes: PKT_BYTES, packetsPerMeasurement: N, unit: 'packets/s', ratio: 'ours / werift', results },
    null,
    2,
  ),
);

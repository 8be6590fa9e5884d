// 10,000 random (and mutated valid) buffers through every parser: only the module's own error
// types may be thrown, everything else returns a value or undefined.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  audioLevel,
  findHeaderExtension,
  isRtpPacket,
  parseHeaderExtensions,
  removeHeaderExtension,
  rewriteRtp,
  rtpPayload,
  rtpPayloadLength,
  rtpSeq,
  rtpSsrc,
  rtpTimestamp,
  RtpError,
} from './rtp-packet.js';
import { buildNack, buildPli, buildRemb, buildSr, isRtcp, parseRtcp, RtcpError } from './rtcp.js';
import { fromRtx, rtxOsn, toRtx } from './rtx.js';
import { isKeyframe } from './keyframe.js';
import { PacketCache } from './packet-cache.js';
import { LossDetector } from './loss-detector.js';

/** mulberry32 */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// CSRCs, one-byte extensions (audio level, mid "ab"), payload and padding
const rtpSeed = Buffer.from('b26fffffffffffff000000010000000200000003bede00021085a16162000000aabb0002', 'hex');
const rtcpSeed = Buffer.concat([
  buildSr({ ssrc: 1, ntpSec: 2, ntpFrac: 3, rtpTimestamp: 4, packetCount: 5, octetCount: 6 }),
  buildNack(1, 2, [1, 2, 3, 40]),
  buildPli(1, 2),
  buildRemb(1, 1e6, [2]),
]);

function sample(rand: () => number, i: number): Buffer {
  const kind = i % 3;
  if (kind === 0) {
    const b = Buffer.alloc(Math.floor(rand() * 80));
    for (let j = 0; j < b.length; j++) b[j] = Math.floor(rand() * 256);
    if (b.length > 0 && rand() < 0.7) b[0] = (b[0] & 0x3f) | 0x80; // mostly version 2
    return b;
  }
  const base = kind === 1 ? rtpSeed : rtcpSeed;
  const b = Buffer.from(base.subarray(0, Math.floor(rand() * (base.length + 1))));
  const flips = 1 + Math.floor(rand() * 4);
  for (let j = 0; j < flips && b.length > 0; j++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
  return b;
}

function only(err: new (...a: never[]) => Error, fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof err)) throw e;
  }
}

test('fuzz: 10,000 random buffers never crash any parser', () => {
  const rand = prng(0x5eed);
  const cache = new PacketCache({ capacity: 64, now: () => 0 });
  const loss = new LossDetector({ now: () => 0 });
  let rtcpErrors = 0;
  let rtcpOk = 0;
  for (let i = 0; i < 10_000; i++) {
    const b = sample(rand, i);
    isRtpPacket(b);
    rtpPayload(b);
    rtpPayloadLength(b);
    rtpSeq(b);
    rtpSsrc(b);
    rtpTimestamp(b);
    parseHeaderExtensions(b);
    findHeaderExtension(b, 10);
    audioLevel(b);
    only(RtpError, () => removeHeaderExtension(b, [10, 11, 12]));
    only(RtpError, () => rewriteRtp(Buffer.from(b), { seq: 1, ssrc: 2 }));
    only(RtpError, () => toRtx(b, { rtxSsrc: 1, rtxPt: 96, rtxSeq: i & 0xffff }));
    fromRtx(b, { primarySsrc: 1, primaryPt: 100 });
    rtxOsn(b);
    for (const c of ['vp8', 'vp9', 'h264', 'av1'] as const) isKeyframe(b, c);
    isRtcp(b);
    try {
      parseRtcp(b);
      rtcpOk++;
    } catch (e) {
      assert.ok(e instanceof RtcpError, String(e));
      rtcpErrors++;
    }
    cache.insert(b);
    cache.get(i & 0xffff);
    loss.onPacket(rtpSeq(b));
    loss.nacksDue();
  }
  assert.ok(rtcpErrors > 0 && rtcpOk > 0, `${rtcpOk} ok / ${rtcpErrors} errors`);
});

test('fuzz: removeHeaderExtension output is always a valid packet when input is', () => {
  const rand = prng(42);
  let checked = 0;
  for (let i = 0; i < 10_000; i++) {
    const b = sample(rand, 1 + 3 * i);
    if (!isRtpPacket(b) || parseHeaderExtensions(b) === undefined) continue;
    const out = removeHeaderExtension(b, 10);
    assert.ok(isRtpPacket(out), b.toString('hex'));
    assert.deepEqual(rtpPayload(out), rtpPayload(b));
    assert.ok(!parseHeaderExtensions(out)!.some((e) => e.id === 10));
    checked++;
  }
  assert.ok(checked > 100, `only ${checked} valid samples`);
});

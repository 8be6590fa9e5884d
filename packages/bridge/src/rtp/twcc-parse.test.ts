import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachTwccFeedback, parseTwccFeedback, unwrapReferenceTime } from './twcc-parse.js';
import { TwccRecorder } from './twcc-feedback.js';
import { RtpError } from './rtp-packet.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const REF_MAX_MS = 0xffffff * 64;

// Written by hand from the draft's §3.1: V=2 P=1 FMT=15, PT=205, length 8 (36 bytes), base seq
// 0xfffe (wraps to 0 inside), 10 statuses, reference time 0xffffff (the last before its wrap),
// fb count 7. Chunk 1 is a two-bit status vector 11|01 10 00 01 01 00 10 (small, large, lost,
// small, small, lost, large); chunk 2 a run length chunk 0|01|3 (three small deltas). Deltas:
// 0x10, 0xff00 (-64 ms), 0x04, 0xff, 0x7fff (+8191.75 ms), 01 02 03; then 2 bytes of padding.
const HAND_BUILT = hex(`af cd 0008 11111111 22222222 fffe 000a ffffff 07
  d852 2003  10 ff00 04 ff 7fff 01 02 03  0002`);

test('a hand-built feedback: two-bit vector, run length, small/large/negative deltas, seq wrap', () => {
  const fb = parseTwccFeedback(HAND_BUILT);
  assert.equal(fb.senderSsrc, 0x11111111);
  assert.equal(fb.mediaSsrc, 0x22222222);
  assert.equal(fb.baseSeq, 0xfffe);
  assert.equal(fb.referenceTime, 0xffffff);
  assert.equal(fb.fbPktCount, 7);
  const rel = fb.packets.map((p) => ({
    seq: p.seq,
    ms: p.arrivalMs === undefined ? undefined : p.arrivalMs - REF_MAX_MS,
  }));
  assert.deepEqual(rel, [
    { seq: 0xfffe, ms: 4 },
    { seq: 0xffff, ms: -60 },
    { seq: 0, ms: undefined },
    { seq: 1, ms: -59 },
    { seq: 2, ms: -59 + 63.75 },
    { seq: 3, ms: undefined },
    { seq: 4, ms: 4.75 + 8191.75 },
    { seq: 5, ms: 8196.75 },
    { seq: 6, ms: 8197.25 },
    { seq: 7, ms: 8198 },
  ]);
});

// The draft's own chunk examples (§3.1.3, §3.1.4): a run of 221 "not received", then a one-bit
// vector "1 not received, 5 received, 3 not, 3 received, 2 not" (received = small delta).
const DRAFT_CHUNKS = hex(`8f cd 0007 00000001 00000002 0064 00eb 000001 00
  00dd 9f1c  01 01 01 01 01 01 01 01`);
// 20 statuses announced, one chunk of 7 present, then 2 bytes of padding.
const SHORT_CHUNKS = hex('af cd 0005 00000001 00000002 0000 0014 000000 00 c000 0002');

test("the draft's run length and one-bit status vector examples", () => {
  const fb = parseTwccFeedback(DRAFT_CHUNKS);
  assert.equal(fb.packets.length, 221 + 14);
  assert.ok(fb.packets.slice(0, 221).every((p) => p.arrivalMs === undefined));
  const vector = fb.packets.slice(221).map((p) => (p.arrivalMs === undefined ? 0 : 1));
  assert.deepEqual(vector, [0, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0]);
  const times = fb.packets.filter((p) => p.arrivalMs !== undefined).map((p) => p.arrivalMs);
  assert.deepEqual(times, [64.25, 64.5, 64.75, 65, 65.25, 65.5, 65.75, 66]);
  assert.equal(fb.packets[221].seq, 100 + 221);
});

test('malformed feedback throws RtpError naming the problem', () => {
  const cases: Array<[Buffer, RegExp]> = [
    [HAND_BUILT.subarray(0, 19), /shorter than the fixed part/],
    [Buffer.concat([HAND_BUILT.subarray(0, 1), Buffer.from([201]), HAND_BUILT.subarray(2)]), /not RTPFB\/15/],
    [HAND_BUILT.subarray(0, 32), /length field/],
    [patch(HAND_BUILT, 14, [0, 0]), /status count 0/],
    [SHORT_CHUNKS, /chunks end after 7 of 20/],
    [patch(HAND_BUILT, 20, [0xff, 0xff]), /reserved symbol 3/],
    [patch(HAND_BUILT, 22, [0x60, 0x03]), /reserved symbol 3/],
    [patch(HAND_BUILT, 22, [0x20, 0x00]), /length 0/],
    [patch(HAND_BUILT, 22, [0x40, 0x03]), /past the end/], // three large deltas need 6 bytes; 3 are left
    [patch(HAND_BUILT, 35, [40]), /padding/],
  ];
  for (const [buf, why] of cases)
    assert.throws(
      () => parseTwccFeedback(buf),
      (e: Error) => e instanceof RtpError && why.test(e.message),
    );
});

function patch(b: Buffer, at: number, bytes: number[]): Buffer {
  const c = Buffer.from(b);
  bytes.forEach((v, i) => (c[at + i] = v));
  return c;
}

test('round trip: whatever TwccRecorder builds parses back to the same statuses and times', () => {
  const seed = Number(process.env.TWCC_SEED ?? 0x5eed);
  let s = seed;
  const rand = () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x80000000;
  const recorder = new TwccRecorder({ maxPacketBytes: 300 });
  const sent = new Map<number, number>(); // seq -> arrival ms (rounded to 250 µs as the builder does)
  let t = 1_000_000;
  let seq = 65000; // wraps at 65536
  for (let i = 0; i < 3000; i++) {
    seq = (seq + 1) & 0xffff;
    t += rand() < 0.05 ? 100 + rand() * 9000 : rand() * 3; // mostly small gaps, some large deltas
    if (rand() < 0.1) continue; // lost
    const arrival = rand() < 0.03 ? t - rand() * 40 : t; // some arrive "earlier": negative deltas
    recorder.record(seq, arrival);
    sent.set(seq, Math.round(arrival * 4) / 4);
  }
  const seen = new Map<number, number | undefined>();
  let prevRef: number | undefined;
  for (const buf of recorder.buildFeedback(1, 2)) {
    const fb = parseTwccFeedback(buf);
    const ref = unwrapReferenceTime(fb.referenceTime, prevRef);
    prevRef = ref;
    for (const p of fb.packets) {
      const at = p.arrivalMs === undefined ? undefined : p.arrivalMs + (ref - fb.referenceTime) * 64;
      if (at !== undefined || !seen.has(p.seq)) seen.set(p.seq, at);
    }
  }
  for (const [q, ms] of sent) assert.equal(seen.get(q), ms, `seq ${q} (seed ${seed}, TWCC_SEED to replay)`);
  const lost = [...seen].filter(([, ms]) => ms === undefined).length;
  assert.ok(lost > 100, `losses reported as not received (${lost})`);
});

test('reference time unwraps across 2^24', () => {
  assert.equal(unwrapReferenceTime(5, undefined), 5);
  assert.equal(unwrapReferenceTime(2, 0xfffffe), 0x1000002);
  assert.equal(unwrapReferenceTime(0xffffff, 0x1000002), 0xffffff);
});

test('transport-cc packets are found inside a compound RTCP buffer', () => {
  const rr = hex('81c90007 00000001 00000002 00000000 00000000 00000000 00000000 00000000');
  const found: number[] = [];
  forEachTwccFeedback(Buffer.concat([rr, HAND_BUILT, DRAFT_CHUNKS]), (o) => found.push(o));
  assert.deepEqual(found, [rr.length, rr.length + HAND_BUILT.length]);
});

test('random bytes only ever throw RtpError', () => {
  let s = 7;
  const rand = () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x80000000;
  for (let i = 0; i < 5000; i++) {
    const b = Buffer.from(HAND_BUILT);
    for (let k = 0; k < 1 + rand() * 6; k++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
    try {
      parseTwccFeedback(b.subarray(0, Math.floor(rand() * b.length) + 1));
    } catch (e) {
      assert.ok(e instanceof RtpError, String(e));
    }
  }
});

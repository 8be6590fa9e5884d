import { test } from 'node:test';
import assert from 'node:assert/strict';
// werift is used here only, as an independent decoder of our packets.
import {
  RtcpPacketConverter,
  RtcpTransportLayerFeedback,
  RunLengthChunk,
  StatusVectorChunk,
  TransportWideCC,
} from 'werift';
import { TwccRecorder, transportSeq } from './twcc-feedback.js';
import { parseRtcp } from './rtcp.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const S = 0x11111111;
const M = 0x22222222;

function rec(pairs: Array<[number, number]>, opts?: ConstructorParameters<typeof TwccRecorder>[0]): TwccRecorder {
  const r = new TwccRecorder(opts);
  for (const [seq, ms] of pairs) r.record(seq, ms);
  return r;
}
const build = (r: TwccRecorder): string[] => r.buildFeedback(S, M).map((b) => b.toString('hex'));

interface Decoded {
  seq: number;
  received: boolean;
  ms?: number;
}

/** Decodes one feedback packet with werift and cross-checks the header against our parseRtcp. */
function decode(buf: Buffer): Decoded[] {
  assert.equal(buf.length % 4, 0, 'padded to 32 bits');
  assert.ok(buf.length <= 1200, `packet of ${buf.length} bytes`);
  const pkts = RtcpPacketConverter.deSerialize(buf);
  assert.equal(pkts.length, 1, 'werift parsed one packet');
  const fbPkt = pkts[0];
  assert.ok(fbPkt instanceof RtcpTransportLayerFeedback);
  const fb = fbPkt.feedback;
  assert.ok(fb instanceof TransportWideCC);
  const ours = parseRtcp(buf);
  assert.equal(ours.length, 1);
  const p = ours[0];
  assert.equal(p.type, 'twcc');
  if (p.type !== 'twcc') return [];
  assert.equal(p.senderSsrc, fb.senderSsrc);
  assert.equal(p.mediaSsrc, fb.mediaSourceSsrc);
  assert.equal(p.baseSeq, fb.baseSequenceNumber);
  assert.equal(p.packetStatusCount, fb.packetStatusCount);
  assert.equal(p.referenceTime & 0xffffff, fb.referenceTime);
  assert.equal(p.fbPktCount, fb.fbPktCount);

  const statuses: number[] = [];
  for (const c of fb.packetChunks) {
    if (c instanceof RunLengthChunk) for (let i = 0; i < c.runLength; i++) statuses.push(c.packetStatus);
    else if (c instanceof StatusVectorChunk) statuses.push(...c.symbolList);
    else assert.fail('unknown chunk');
  }
  assert.ok(statuses.length >= fb.packetStatusCount);
  statuses.length = fb.packetStatusCount;
  const nReceived = statuses.filter((s) => s === 1 || s === 2).length;
  assert.equal(fb.recvDeltas.length, nReceived);
  // every byte accounted for: header 20 + chunks + deltas, then < 4 bytes of padding
  const deltaBytes = statuses.reduce((a, s) => a + (s === 1 ? 1 : s === 2 ? 2 : 0), 0);
  const used = 20 + 2 * fb.packetChunks.length + deltaBytes;
  assert.equal((used + 3) & ~3, buf.length);

  const ref = (fb.referenceTime << 8) >> 8;
  let us = ref * 64000;
  let k = 0;
  return statuses.map((s, i) => {
    const seq = (fb.baseSequenceNumber + i) & 0xffff;
    assert.notEqual(s, 3, 'no "received without delta"');
    if (s === 0) return { seq, received: false };
    us += fb.recvDeltas[k++].delta;
    return { seq, received: true, ms: us / 1000 };
  });
}

test('all received: one run-length chunk, 1-byte deltas, P bit padding', () => {
  const r = rec([
    [10, 1000],
    [11, 1001],
    [12, 1003.5],
  ]);
  // ref = floor(4000 ticks / 256) = 15; deltas 160, 4, 10 ticks
  assert.deepEqual(build(r), [
    hex('af cd 0006 11111111 22222222 000a 0003 00000f 00 2003 a0 04 0a 0000 03').toString('hex'),
  ]);
  assert.deepEqual(build(r), [], 'forgotten after the build');
});

test('one lost: two-bit status vector', () => {
  const r = rec([
    [10, 1000],
    [12, 1001],
  ]);
  assert.deepEqual(build(r), [hex('8f cd 0005 11111111 22222222 000a 0003 00000f 00 d100 a0 04').toString('hex')]);
});

test('alternating received/lost over 14 packets: one-bit status vector', () => {
  const pairs: Array<[number, number]> = [];
  for (let k = 0; k < 7; k++) pairs.push([2 * k, 1000 + k]);
  const r = rec(pairs);
  // 13 statuses 1010101010101 -> one-bit vector (8..14 symbols, no large delta), last symbol padding
  assert.deepEqual(build(r), [
    hex('af cd 0007 11111111 22222222 0000 000d 00000f 00 aaaa a0 040404040404 0000 03').toString('hex'),
  ]);
});

test('run-length chunk for a long run, then a two-bit vector', () => {
  const pairs: Array<[number, number]> = [];
  for (let k = 0; k < 20; k++) pairs.push([100 + k, 1000 + k]);
  pairs.push([121, 1020]); // 120 lost
  const r = rec(pairs);
  const deltas = 'a0' + '04'.repeat(19) + '04'; // 121 is 1 ms after 119
  // 20+ 4 chunk bytes + 21 delta bytes = 45 -> 48, 3 bytes padding
  assert.deepEqual(build(r), [
    hex(`af cd 000b 11111111 22222222 0064 0016 00000f 00 2014 c400 ${deltas} 0000 03`).toString('hex'),
  ]);
});

test('large delta needs 2 bytes', () => {
  const r = rec([
    [1, 1000],
    [2, 1100],
  ]); // +100 ms = 400 ticks
  assert.deepEqual(build(r), [
    hex('af cd 0006 11111111 22222222 0001 0002 00000f 00 d800 a0 0190 0000 03').toString('hex'),
  ]);
});

test('negative delta (arrival order differs from seq order)', () => {
  const r = rec([
    [2, 1000],
    [1, 1001],
  ]);
  // seq 1 at 4004 ticks: ref 15, delta 164; seq 2 at 4000: delta -4
  assert.deepEqual(build(r), [
    hex('af cd 0006 11111111 22222222 0001 0002 00000f 00 d800 a4 fffc 0000 03').toString('hex'),
  ]);
});

test('delta beyond 16 bits starts a new packet with a new reference time', () => {
  const r = rec([
    [1, 1000],
    [2, 10000],
  ]); // 36000 ticks apart
  assert.deepEqual(build(r), [
    hex('af cd 0005 11111111 22222222 0001 0001 00000f 00 2001 a0 01').toString('hex'),
    // 40000 ticks: ref 156 (0x9c), delta 64; feedback count 1
    hex('af cd 0005 11111111 22222222 0002 0001 00009c 01 2001 40 01').toString('hex'),
  ]);
  const neg = rec([
    [1, 10000],
    [2, 1000],
  ]);
  const out = neg.buildFeedback(S, M).map(decode);
  assert.deepEqual(out.flat(), [
    { seq: 1, received: true, ms: 10000 },
    { seq: 2, received: true, ms: 1000 },
  ]);
});

test('feedback packet count increments and wraps at 256; default SSRCs from options', () => {
  const r = new TwccRecorder({ senderSsrc: 7, mediaSsrc: 9 });
  for (let i = 0; i < 260; i++) {
    r.record(i, 1000 + i);
    const [b] = r.buildFeedback();
    assert.equal(b[19], i & 0xff);
    assert.equal(b.readUInt32BE(4), 7);
    assert.equal(b.readUInt32BE(8), 9);
  }
});

test('reference time is 24 bits, wraps', () => {
  const r = rec([[1, 64 * 0x1000001 + 1]]);
  const [b] = r.buildFeedback(S, M);
  assert.equal(b.readUIntBE(16, 3), 1);
});

test('sequence wrap 65535 -> 0, also reordered across it', () => {
  const r = rec([
    [65534, 1000],
    [0, 1001],
    [65535, 1002],
    [1, 1003],
  ]);
  const out = r.buildFeedback(S, M);
  assert.equal(out.length, 1);
  assert.deepEqual(decode(out[0]), [
    { seq: 65534, received: true, ms: 1000 },
    { seq: 65535, received: true, ms: 1002 },
    { seq: 0, received: true, ms: 1001 },
    { seq: 1, received: true, ms: 1003 },
  ]);
  // continues after the wrap from where the last report ended
  r.record(4, 1010);
  assert.deepEqual(r.buildFeedback(S, M).map(decode).flat(), [
    { seq: 2, received: false },
    { seq: 3, received: false },
    { seq: 4, received: true, ms: 1010 },
  ]);
});

test('reordering within an interval: reported in sequence order', () => {
  const r = rec([
    [5, 1000],
    [3, 1001],
    [4, 1002.25],
  ]);
  assert.deepEqual(r.buildFeedback(S, M).map(decode).flat(), [
    { seq: 3, received: true, ms: 1001 },
    { seq: 4, received: true, ms: 1002.25 },
    { seq: 5, received: true, ms: 1000 },
  ]);
});

test('late packet after its number was reported lost; duplicates dropped', () => {
  const r = rec([
    [1, 1000],
    [2, 1001],
    [2, 1005],
    [4, 1002],
  ]);
  assert.deepEqual(r.buildFeedback(S, M).map(decode).flat(), [
    { seq: 1, received: true, ms: 1000 },
    { seq: 2, received: true, ms: 1001 },
    { seq: 3, received: false },
    { seq: 4, received: true, ms: 1002 },
  ]);
  r.record(3, 1003);
  r.record(2, 1006); // duplicate of an already reported packet
  r.record(5, 1004);
  assert.deepEqual(r.buildFeedback(S, M).map(decode), [
    [{ seq: 3, received: true, ms: 1003 }],
    [{ seq: 5, received: true, ms: 1004 }],
  ]);
  r.record(4, 1007);
  assert.deepEqual(r.buildFeedback(S, M), []);
});

test('big gap: lost run reported with run-length chunks; split by maxPacketsPerFeedback', () => {
  const r = rec([
    [0, 1000],
    [20000, 1001],
  ]);
  const [one, ...rest] = r.buildFeedback(S, M);
  assert.equal(rest.length, 0);
  assert.equal(one.readUInt16BE(14), 20001);
  // one-bit vector (1 received, 13 lost), lost runs of 8191 + 8191 + 3604, 1 received
  assert.equal(one.subarray(20, 30).toString('hex'), 'a000' + '1fff' + '1fff' + '0e14' + '2001');
  const d = decode(one);
  assert.equal(d.filter((x) => x.received).length, 2);

  const small = rec(
    [
      [0, 1000],
      [20000, 1001],
    ],
    { maxPacketsPerFeedback: 1000 },
  );
  const out = small.buildFeedback(S, M);
  assert.equal(out.length, 21);
  const all = out.map(decode).flat();
  assert.equal(all.length, 20001);
  all.forEach((x, i) => assert.equal(x.seq, i));
  assert.deepEqual(
    all.filter((x) => x.received),
    [
      { seq: 0, received: true, ms: 1000 },
      { seq: 20000, received: true, ms: 1001 },
    ],
  );
});

test('size limit: packets never exceed 1200 bytes', () => {
  const r = new TwccRecorder();
  // alternating +100 ms / -99 ms arrivals: every delta is 2 bytes, two-bit vectors
  for (let i = 0; i < 2000; i++) r.record(i, 1000 + (i % 2 ? 100 : 0) + i);
  const out = r.buildFeedback(S, M);
  assert.ok(out.length >= 4, `${out.length} packets`);
  const all = out.map(decode).flat();
  assert.equal(all.length, 2000);
  all.forEach((x, i) => assert.deepEqual(x, { seq: i, received: true, ms: 1000 + (i % 2 ? 100 : 0) + i }));
  for (const b of out) assert.ok(b.length <= 1200);
});

test('1000-packet random scenario decoded by werift', () => {
  let seed = 12345;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const r = new TwccRecorder({ now: () => 0 });
  const truth = new Map<number, number>(); // seq16 -> first arrival ms
  const reported = new Map<number, Decoded>();
  let t = 5000;
  const first = 65000;
  const N = 1000;
  // arrival order: mostly in order, some swapped by a few, ~10% lost, ~2% duplicated
  const seqs: number[] = [];
  for (let i = 0; i < N; i++) if (rnd() > 0.1) seqs.push(i);
  for (let i = 0; i + 3 < seqs.length; i++) {
    if (rnd() < 0.08) {
      const j = Math.min(seqs.length - 1, i + 1 + Math.floor(rnd() * 8));
      [seqs[i], seqs[j]] = [seqs[j], seqs[i]];
    }
  }
  let longStalls = 0;
  let lateFeedback = 0;
  let lastBase: number | undefined;
  const collect = (bufs: Buffer[]): void => {
    for (const b of bufs) {
      const base = b.readUInt16BE(12);
      if (lastBase !== undefined && ((base - lastBase) << 16) >> 16 < 0) lateFeedback++;
      lastBase = base;
      for (const d of decode(b)) {
        const prev = reported.get(d.seq);
        if (prev?.received) assert.fail(`seq ${d.seq} reported again after being received`);
        reported.set(d.seq, d);
      }
    }
  };
  for (let k = 0; k < seqs.length; k++) {
    const seq = (first + seqs[k]) & 0xffff;
    let dt = rnd() * 3;
    if (rnd() < 0.01) dt = rnd() < 0.4 ? 9000 + rnd() * 3000 : 100 + rnd() * 300; // stalls, some beyond 8.19 s
    if (dt > 8192) longStalls++;
    t += dt;
    r.record(seq, t);
    if (!truth.has(seq)) truth.set(seq, t);
    if (rnd() < 0.02) r.record(seq, t + 1); // duplicate
    if (rnd() < 0.08) collect(r.buildFeedback(S, M));
  }
  collect(r.buildFeedback(S, M));
  for (let i = 0; i < N; i++) {
    const seq = (first + i) & 0xffff;
    const d = reported.get(seq);
    const want = truth.get(seq);
    if (want === undefined) {
      if (d) assert.equal(d.received, false, `seq ${seq}`);
      else assert.ok(i < seqs[0] || i > Math.max(...seqs), `seq ${seq} never reported`);
    } else {
      assert.ok(d?.received, `seq ${seq} not reported received`);
      assert.ok(Math.abs((d.ms ?? NaN) - want) <= 0.25, `seq ${seq}: ${d.ms} vs ${want}`);
    }
  }
  assert.equal([...reported.values()].filter((d) => d.received).length, truth.size);
  assert.ok(
    longStalls > 0 && lateFeedback > 0,
    `scenario covers long stalls (${longStalls}) and late packets (${lateFeedback})`,
  );
});

test('transportSeq reads the extension (one- and two-byte profiles)', () => {
  const one = hex('90 60 0001 00000000 12345678 bede 0001 51 abcd 00 c0ffee');
  assert.equal(transportSeq(one), 0xabcd);
  assert.equal(transportSeq(one, 3), undefined);
  const two = hex('90 60 0001 00000000 12345678 1000 0001 05 02 1234 c0ffee');
  assert.equal(transportSeq(two), 0x1234);
  const noExt = hex('80 60 0001 00000000 12345678 c0ffee');
  assert.equal(transportSeq(noExt), undefined);
  const short = hex('90 60 0001 00000000 12345678 bede 0001 50 ab 0000'); // 1-byte element
  assert.equal(transportSeq(short), undefined);
  assert.equal(transportSeq(Buffer.alloc(0)), undefined);
  assert.equal(transportSeq(hex('90 60 0001 00000000 12345678 bede 0009 51 ab')), undefined); // truncated
});

test('garbage: record never throws; nothing recorded -> []', () => {
  const r = new TwccRecorder();
  assert.deepEqual(r.buildFeedback(S, M), []);
  for (let s = 0; s < 65536; s += 7) r.record(s);
  for (const s of [-1, 65536, 70000, 1.5, NaN, Infinity, -Infinity, 2 ** 40]) r.record(s, 1);
  r.record(5, NaN);
  r.record(6, Infinity);
  r.record(7, -1e9);
  r.record(8, 1e12);
  let seed = 1;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  for (let i = 0; i < 500; i++) r.record(Math.floor(rnd() * 65536), rnd() * 1e6);
  const out = r.buildFeedback(S, M);
  assert.ok(out.length > 0);
  for (const b of out) {
    assert.ok(b.length <= 1200);
    assert.equal(parseRtcp(b)[0].type, 'twcc');
  }
  assert.deepEqual(r.buildFeedback(S, M), []);
});

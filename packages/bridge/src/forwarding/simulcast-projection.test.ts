import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rtpPayloadOffset, rtpSeq, rtpSsrc, rtpTimestamp } from '../rtp/rtp-packet.js';
import { isKeyframe } from '../rtp/keyframe.js';
import { parseVp8Descriptor } from '../rtp/vp8-descriptor.js';
import { SimulcastProjection } from './simulcast-projection.js';

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

const HEIGHTS = [180, 360, 720];

/** A VP8 packet of one layer: descriptor with 15-bit picture id and TL0PICIDX, keyframe header, the layer last. */
function vp8Packet(o: {
  ssrc: number;
  seq: number;
  ts: number;
  pic: number;
  tl0: number;
  layer: number;
  start: boolean;
  key: boolean;
}): Buffer {
  const header = Buffer.alloc(12);
  header[0] = 0x80;
  header[1] = 100;
  header.writeUInt16BE(o.seq & 0xffff, 2);
  header.writeUInt32BE(o.ts >>> 0, 4);
  header.writeUInt32BE(o.ssrc, 8);
  const desc = Buffer.from([0x80 | (o.start ? 0x10 : 0), 0xe0, 0x80 | ((o.pic >> 8) & 0x7f), o.pic & 0xff, o.tl0, 0]);
  const h = HEIGHTS[o.layer];
  const vp8 =
    o.start && o.key
      ? Buffer.from([0x50, 0, 0, 0x9d, 0x01, 0x2a, (h * 16) / 9, 0, h & 0xff, h >> 8])
      : Buffer.from([0x51, 0, 0]);
  return Buffer.concat([header, desc, vp8, Buffer.from([o.layer])]);
}

const layerOf = (p: Buffer) => p[p.length - 1];
const pic = (p: Buffer) => parseVp8Descriptor(p.subarray(rtpPayloadOffset(p)))!.pictureId!;
const tl0 = (p: Buffer) => parseVp8Descriptor(p.subarray(rtpPayloadOffset(p)))!.tl0PicIdx!;
const tsDiff = (a: number, b: number) => ((a - b) | 0) as number;

test('layer switches keep seq, timestamp, picture id and TL0PICIDX continuous (seeded, with wrap-around)', () => {
  const seed = Number(process.env.PARLEY_TEST_SEED ?? Math.floor(Math.random() * 2 ** 31));
  const why = `replay with PARLEY_TEST_SEED=${seed}`;
  const rand = prng(seed);
  const int = (n: number) => Math.floor(rand() * n);
  // Start every counter close to its wrap, so that a run crosses it.
  const layers = [0, 1, 2].map((l) => ({
    ssrc: 1000 + l,
    seq: 0xffff - int(300),
    ts: (0xffffffff - int(300_000)) >>> 0,
    pic: 0x7fff - int(100),
    tl0: 0xff - int(50),
    keyEvery: 8 + int(20),
    phase: int(8),
  }));
  const proj = new SimulcastProjection(layers[0].ssrc);
  const sent: { packet: Buffer; layer: number; inSeq: number }[] = [];
  const cache = new Map<string, Buffer>();
  let switches = 0;
  let now = 0;
  for (let frame = 0; frame < 600; frame++) {
    if (frame % 15 === 0) proj.targetLayer = rand() < 0.1 ? -1 : int(3);
    now += 33;
    const order = [0, 1, 2].sort(() => rand() - 0.5);
    for (const l of order) {
      const L = layers[l];
      const key = frame === 0 || (frame + L.phase) % L.keyEvery === 0;
      const count = 1 + l + int(2);
      for (let i = 0; i < count; i++) {
        const packet = vp8Packet({ ...L, layer: l, start: i === 0, key });
        cache.set(`${l}:${L.seq & 0xffff}`, packet);
        const before = proj.currentLayer;
        const out = proj.project({
          layer: l,
          packet,
          keyframe: isKeyframe(packet.subarray(12), 'vp8'),
          vp8: true,
          now,
        });
        if (proj.currentLayer !== before && proj.currentLayer >= 0) {
          switches++;
          assert.ok(key && i === 0, `a switch to layer ${l} happened on a keyframe's first packet (${why})`);
        }
        if (out) sent.push({ packet: out, layer: l, inSeq: L.seq & 0xffff });
        L.seq = (L.seq + 1) & 0xffff;
      }
      L.ts = (L.ts + 3000) >>> 0;
      L.pic = (L.pic + 1) & 0x7fff;
      L.tl0 = (L.tl0 + 1) & 0xff;
    }
  }
  assert.ok(switches >= 10, `the run switched layers (${switches} times; ${why})`);
  assert.ok(sent.length > 300, why);
  for (let i = 1; i < sent.length; i++) {
    const [a, b] = [sent[i - 1].packet, sent[i].packet];
    assert.equal(rtpSsrc(b), layers[0].ssrc, `one SSRC: the first SIM SSRC (${why})`);
    assert.equal(layerOf(b), sent[i].layer, `the payload is the layer's own (${why})`);
    assert.equal(rtpSeq(b), (rtpSeq(a) + 1) & 0xffff, `no seq gap at packet ${i} (${why})`);
    const newFrame = rtpTimestamp(a) !== rtpTimestamp(b);
    assert.ok(tsDiff(rtpTimestamp(b), rtpTimestamp(a)) >= 0, `timestamps never go back (packet ${i}, ${why})`);
    if (sent[i].layer !== sent[i - 1].layer) assert.ok(newFrame, `a switch starts a new timestamp (${why})`);
    if (newFrame) {
      assert.equal(pic(b), (pic(a) + 1) & 0x7fff, `picture ids continue at packet ${i} (${why})`);
      assert.equal(tl0(b), (tl0(a) + 1) & 0xff, `TL0PICIDX continues at packet ${i} (${why})`);
    } else assert.equal(pic(b), pic(a), why);
  }
  // A NACK of any seq the receiver saw gives back that very packet, from the right layer's cache.
  for (let k = 0; k < 50; k++) {
    const s = sent[sent.length - 1 - int(Math.min(200, sent.length))];
    const again = proj.retransmission(
      rtpSeq(s.packet),
      (layer, seq) => cache.get(`${layer}:${seq}`),
      () => true,
    );
    assert.deepEqual(again, s.packet, `retransmission of out seq ${rtpSeq(s.packet)} (${why})`);
    assert.deepEqual(proj.original(rtpSeq(s.packet)), { layer: s.layer, seq: s.inSeq }, why);
  }
});

test('a paused receiver gets nothing and resumes at a keyframe with no seq gap', () => {
  const proj = new SimulcastProjection(10);
  const mk = (seq: number, key: boolean, layer = 0) =>
    vp8Packet({ ssrc: 10 + layer, seq, ts: seq * 3000, pic: seq, tl0: seq, layer, start: true, key });
  const feed = (p: Buffer, layer = 0) =>
    proj.project({ layer, packet: p, keyframe: isKeyframe(p.subarray(12), 'vp8'), vp8: true, now: 0 });
  proj.targetLayer = 0;
  assert.equal(feed(mk(1, false)), undefined, 'nothing before the first keyframe');
  const first = feed(mk(2, true))!;
  assert.equal(rtpSeq(first), 2, 'the first run passes numbers through');
  assert.equal(rtpSeq(feed(mk(3, false))!), 3);
  proj.targetLayer = -1;
  assert.equal(feed(mk(4, true)), undefined, 'paused');
  proj.targetLayer = 0;
  assert.equal(feed(mk(5, false)), undefined, 'a resume waits for a keyframe');
  assert.equal(rtpSeq(feed(mk(6, true))!), 4, 'and continues right after the last seq sent');
  proj.targetLayer = 1;
  assert.equal(rtpSeq(feed(mk(7, false))!), 5, 'the old layer goes on until the new one has a keyframe');
  assert.equal(feed(mk(100, false, 1), 1), undefined);
  assert.equal(rtpSeq(feed(mk(101, true, 1), 1)!), 6);
  assert.equal(feed(mk(8, false)), undefined, 'the old layer stops at the switch');
  assert.equal(proj.senderReportTimestamp(0, 0), undefined, 'sender reports only of the layer forwarded');
  assert.equal(proj.senderReportTimestamp(1, 101 * 3000), rtpTimestamp(feed(mk(102, false, 1), 1)!) - 3000);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PacketCache } from './packet-cache.js';
import { rtpSeq } from './rtp-packet.js';

function pkt(seq: number, fill = seq & 0xff, size = 20): Buffer {
  const b = Buffer.alloc(size, fill);
  b[0] = 0x80;
  b[1] = 100;
  b.writeUInt16BE(seq & 0xffff, 2);
  return b;
}

test('stores a copy and returns it by seq', () => {
  const now = 0;
  const c = new PacketCache({ now: () => now });
  const p = pkt(10, 7);
  const ext = c.insert(p);
  p.fill(0);
  const got = c.get(10)!;
  assert.equal(got.extSeq, ext);
  assert.equal(got.arrival, 0);
  assert.equal(rtpSeq(got.packet), 10);
  assert.equal(got.packet[19], 7);
  assert.equal(got.packet.length, 20);
  assert.equal(c.get(11), undefined);
  assert.equal(c.insert(Buffer.alloc(5)), -1);
});

test('bounded by age', () => {
  let now = 0;
  const c = new PacketCache({ maxAgeMs: 1000, now: () => now });
  c.insert(pkt(1));
  now = 600;
  c.insert(pkt(2));
  now = 1001;
  assert.equal(c.get(1), undefined);
  assert.ok(c.get(2));
  now = 1601;
  assert.equal(c.get(2), undefined);
});

test('bounded by count; resolves the most recent matching seq across wraps', () => {
  const c = new PacketCache({ capacity: 64, now: () => 0 });
  for (let i = 0; i < 70_000; i++) c.insert(pkt(i));
  const last = 69_999 & 0xffff;
  assert.equal(c.get(last)!.extSeq, c.highest);
  assert.equal(c.get((last - 63) & 0xffff)!.extSeq, c.highest - 63);
  assert.equal(c.get((last - 64) & 0xffff), undefined, 'evicted');
  assert.equal(c.get(last + 1), undefined, 'not yet seen');
  // across the wrap
  const w = new PacketCache({ capacity: 16, now: () => 0 });
  for (const s of [65533, 65534, 65535, 0, 1]) w.insert(pkt(s, s & 0xff));
  for (const s of [65533, 65534, 65535, 0, 1]) assert.equal(rtpSeq(w.get(s)!.packet), s);
});

test('larger packets than the slot size, slot reuse, clear', () => {
  const c = new PacketCache({ capacity: 2, now: () => 0 });
  c.insert(pkt(0, 1, 3000));
  assert.equal(c.get(0)!.packet.length, 3000);
  c.insert(pkt(2, 2, 30));
  assert.equal(c.get(2)!.packet.length, 30);
  assert.equal(c.get(0), undefined);
  c.clear();
  assert.equal(c.get(2), undefined);
  assert.equal(c.highest, -1);
});

test('stream restart empties the cache', () => {
  const c = new PacketCache({ now: () => 0 });
  c.insert(pkt(40000));
  c.insert(pkt(100));
  assert.equal(c.get(40000), undefined);
  assert.ok(c.get(100));
});

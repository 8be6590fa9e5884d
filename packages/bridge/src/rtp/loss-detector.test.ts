import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LossDetector } from './loss-detector.js';
import { buildNack } from './rtcp-build.js';
import { parseRtcp } from './rtcp.js';

function setup(opts: ConstructorParameters<typeof LossDetector>[0] = {}) {
  const clock = { t: 0 };
  const d = new LossDetector({ now: () => clock.t, ...opts });
  return { d, clock };
}

test('detects a gap, NACKs, forgets late arrivals', () => {
  const { d } = setup();
  for (const s of [1, 2, 5, 6]) d.onPacket(s);
  assert.deepEqual(d.missing(), [3, 4]);
  assert.deepEqual(d.nacksDue(), [3, 4]);
  d.onPacket(3); // late
  assert.deepEqual(d.missing(), [4]);
  d.onRecovered(4); // by RTX
  assert.equal(d.missingCount, 0);
});

test('retry spacing, at most maxNacks, max age', () => {
  const { d, clock } = setup({ maxNacks: 3, retryIntervalMs: 50, maxAgeMs: 10_000 });
  d.onPacket(10);
  d.onPacket(12);
  assert.deepEqual(d.nacksDue(), [11]);
  clock.t = 49;
  assert.deepEqual(d.nacksDue(), []);
  clock.t = 50;
  assert.deepEqual(d.nacksDue(), [11]);
  d.setRtt(200);
  clock.t = 200;
  assert.deepEqual(d.nacksDue(), []);
  clock.t = 250;
  assert.deepEqual(d.nacksDue(), [11]);
  clock.t = 1000;
  assert.deepEqual(d.nacksDue(), [], 'sent 3 times: given up');
  assert.equal(d.missingCount, 0);

  const b = setup({ maxAgeMs: 300, reorderDelayMs: 20 });
  b.d.onPacket(1);
  b.d.onPacket(3);
  assert.deepEqual(b.d.nacksDue(), [], 'reorder grace');
  b.clock.t = 20;
  assert.deepEqual(b.d.nacksDue(), [2]);
  b.clock.t = 301;
  assert.deepEqual(b.d.nacksDue(), []);
  assert.equal(b.d.missingCount, 0);
});

test('losing 65535 itself is NACKed and the detector keeps working after the wrap', () => {
  const { d, clock } = setup({ retryIntervalMs: 10 });
  for (let s = 65530; s <= 65534; s++) d.onPacket(s);
  d.onPacket(0); // 65535 lost
  assert.deepEqual(d.nacksDue(), [65535]);
  d.onPacket(1);
  d.onPacket(2);
  d.onPacket(5); // 3, 4 lost after the wrap
  clock.t = 10;
  assert.deepEqual(d.nacksDue(), [65535, 3, 4]);
  d.onRecovered(65535);
  d.onPacket(3);
  clock.t = 20;
  assert.deepEqual(d.nacksDue(), [4]);
  d.onRecovered(4);
  // and again at the next wrap, 65536 packets later
  for (let s = 6; s <= 65534; s++) d.onPacket(s);
  d.onPacket(1);
  clock.t = 30;
  assert.deepEqual(d.nacksDue(), [65535, 0]);
});

test('large loss across the wrap: every seq NACKed, packed NACK round-trips', () => {
  const { d } = setup();
  d.onPacket(65400);
  d.onPacket(200); // 65401..65535 and 0..199 lost: 335 packets
  const due = d.nacksDue();
  assert.equal(due.length, 335);
  assert.equal(due[0], 65401);
  assert.equal(due[134], 65535);
  assert.equal(due[135], 0);
  assert.equal(due[334], 199);
  const [n] = parseRtcp(buildNack(1, 2, due));
  assert.equal(n.type, 'nack');
  if (n.type === 'nack') assert.deepEqual(n.seqs, due);
  d.onPacket(201);
  assert.equal(d.missingCount, 335);
});

test('a gap larger than maxMissing or a restart clears instead of NACKing thousands', () => {
  const { d } = setup({ maxMissing: 100 });
  d.onPacket(1);
  d.onPacket(3);
  d.onPacket(500);
  assert.equal(d.missingCount, 0);
  d.onPacket(498);
  d.onPacket(502);
  assert.deepEqual(d.missing(), [501]);
  d.onPacket(40000); // restart
  assert.equal(d.missingCount, 0);
  d.onPacket(40002);
  assert.deepEqual(d.missing(), [40001]);
  // the oldest are dropped beyond maxMissing
  for (let s = 40003; s <= 40205; s += 2) d.onPacket(s);
  assert.equal(d.missingCount, 100);
  assert.equal(d.missing()[0], 40006);
  assert.equal(d.missing()[99], 40204);
  d.reset();
  assert.equal(d.highest, -1);
});

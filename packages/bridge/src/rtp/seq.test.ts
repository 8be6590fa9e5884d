import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diff, ExtendedSeq, isNewer, seqAdd, seqDiff } from './seq.js';

test('seqDiff / isNewer wrap-safe', () => {
  assert.equal(seqDiff(5, 3), 2);
  assert.equal(seqDiff(3, 5), -2);
  assert.equal(seqDiff(0, 65535), 1);
  assert.equal(seqDiff(65535, 0), -1);
  assert.equal(seqDiff(32767, 0), 32767);
  assert.equal(seqDiff(32768, 0), -32768);
  assert.equal(diff(10, 65530), 16);
  assert.equal(isNewer(0, 65535), true);
  assert.equal(isNewer(65535, 0), false);
  assert.equal(isNewer(7, 7), false);
  assert.equal(seqAdd(65535, 1), 0);
  assert.equal(seqAdd(0, -1), 65535);
  for (let i = 0; i < 1000; i++) {
    const a = (i * 7919) & 0xffff;
    const d = ((i * 31) % 65536) - 32768;
    assert.equal(seqDiff(seqAdd(a, d), a), d);
  }
});

test('ExtendedSeq unwraps in order across several wraps', () => {
  const u = new ExtendedSeq();
  assert.equal(u.highest, -1);
  assert.equal(u.unwrap(5), -1);
  let prev = u.update(65000);
  assert.equal(prev, 65536 + 65000);
  for (let i = 1; i < 200_000; i += 7) {
    const ext = u.update((65000 + i) & 0xffff);
    assert.equal(ext, prev + (i === 1 ? 1 : 7));
    assert.equal(ext & 0xffff, (65000 + i) & 0xffff);
    assert.equal(u.restarted, false);
    prev = ext;
  }
});

test('ExtendedSeq handles reordering around the wrap', () => {
  const u = new ExtendedSeq();
  const a = u.update(65534);
  assert.equal(u.update(1), a + 3);
  assert.equal(u.update(65535), a + 1, 'late packet from before the wrap');
  assert.equal(u.update(0), a + 2);
  assert.equal(u.highest, a + 3);
  assert.equal(u.unwrap(65533), a - 1);
  assert.equal(u.unwrap(2), a + 4);
  const b = new ExtendedSeq();
  const first = b.update(0);
  assert.equal(b.update(65535), first - 1, 'packet before the first stays positive');
  assert.ok(first - 1 > 0);
});

test('ExtendedSeq big backward jump is a restart, extended stays monotonic', () => {
  const u = new ExtendedSeq({ maxMisorder: 100 });
  const a = u.update(40000);
  const r = u.update(1000);
  assert.equal(u.restarted, true);
  assert.ok(r > a);
  assert.equal(r & 0xffff, 1000);
  assert.equal(u.update(1001), r + 1);
  assert.equal(u.restarted, false);
  assert.equal(u.update(950), r - 50, 'within maxMisorder: late');
  u.update(1002 + 5000);
  assert.equal(u.restarted, true, 'big forward jump flagged');
  u.reset();
  assert.equal(u.highest, -1);
});

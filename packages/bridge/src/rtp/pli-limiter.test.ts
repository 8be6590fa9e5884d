import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PliLimiter } from './pli-limiter.js';

test('coalesces requests for one source within the interval', () => {
  let now = 1000;
  const l = new PliLimiter({ intervalMs: 300, now: () => now });
  assert.equal(l.request(1), true);
  now += 100;
  assert.equal(l.request(1), false, 'second receiver');
  assert.equal(l.request(1), false, 'third receiver');
  assert.equal(l.request(2), true, 'other source independent');
  now += 199;
  assert.equal(l.request(1), false);
  now += 1;
  assert.equal(l.request(1), true);
  assert.equal(l.suppressedCount(1), 3);
  l.forget(1);
  assert.equal(l.suppressedCount(1), 0);
  assert.equal(l.request(1), true);
});

test('FIR command seq per target, wrapping at 256', () => {
  const l = new PliLimiter();
  assert.equal(l.nextFirSeq(5), 0);
  assert.equal(l.nextFirSeq(5), 1);
  assert.equal(l.nextFirSeq(6), 0);
  for (let i = 2; i < 256; i++) l.nextFirSeq(5);
  assert.equal(l.nextFirSeq(5), 0);
});

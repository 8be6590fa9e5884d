import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ProtocolError } from '@parley/protocol';
import { ConferenceLimits, TokenBucket } from './limits.js';

function fakeClock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

/** Asserts `fn` throws resource-constraint with a text matching `text`. */
function refused(fn: () => unknown, text: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ProtocolError, String(e));
    assert.equal(e.condition, 'resource-constraint');
    assert.match(e.message, text);
    return true;
  });
}

describe('TokenBucket', () => {
  test('gives its capacity at once, then one token per (60 s / perMinute)', () => {
    const c = fakeClock();
    const b = new TokenBucket(3, 6, c.now);
    assert.deepEqual([b.take(), b.take(), b.take(), b.take()], [true, true, true, false]);
    c.advance(9_999);
    assert.equal(b.take(), false, 'not yet 10 s');
    c.advance(1);
    assert.equal(b.take(), true);
    assert.equal(b.take(), false);
    c.advance(3_600_000);
    assert.equal(b.full(), true, 'refills to capacity, never beyond');
    assert.deepEqual([b.take(), b.take(), b.take(), b.take()], [true, true, true, false]);
  });
});

describe('ConferenceLimits', () => {
  const settings = { maxConferences: 4, maxConferencesPerSession: 3, newConferencesPerMinute: 2 };

  test('a session gets newConferencesPerMinute at once, then the rate refusal names the limit', () => {
    const c = fakeClock();
    const l = new ConferenceLimits({ ...settings, maxConferencesPerSession: 10 }, c.now);
    l.admitNew('a@d', 0);
    l.admitNew('a@d', 1);
    refused(() => l.admitNew('a@d', 2), /^at most 2 new conferences per minute per session$/);
    l.admitNew('b@d', 2); // another session is not affected
    c.advance(30_000);
    l.admitNew('a@d', 3);
  });

  test('live conferences per session: ending one frees its place', () => {
    const c = fakeClock();
    const l = new ConferenceLimits({ ...settings, maxConferences: 100, newConferencesPerMinute: 100 }, c.now);
    const releases = [l.admitNew('a@d', 0), l.admitNew('a@d', 1), l.admitNew('a@d', 2)];
    refused(() => l.admitNew('a@d', 3), /^at most 3 live conferences per session$/);
    releases[0]();
    releases[0](); // twice is once
    l.admitNew('a@d', 2);
    refused(() => l.admitNew('a@d', 3), /at most 3 live conferences per session/);
  });

  test('the global cap holds for every session and spends no token', () => {
    const c = fakeClock();
    const l = new ConferenceLimits(settings, c.now);
    refused(() => l.admitNew('z@d', 4), /^this deployment runs at most 4 conferences at once; try again later$/);
    refused(() => l.admitNew('z@d', 4), /at most 4 conferences at once/);
    l.admitNew('z@d', 3);
    l.admitNew('z@d', 3);
  });

  test('memory stays bounded: idle requesters are forgotten once many are tracked', () => {
    const c = fakeClock();
    const l = new ConferenceLimits(
      { maxConferences: 1e9, maxConferencesPerSession: 1, newConferencesPerMinute: 1 },
      c.now,
    );
    for (let i = 0; i < 10_000; i++) l.admitNew(`guest${i}@d`, 0)();
    assert.equal(l.tracked, 10_000);
    c.advance(60_000);
    l.admitNew('late@d', 0);
    assert.equal(l.tracked, 1);
  });
});

// The watchdog's three outcomes, on mocked timers: a stalled DTLS asks for a new session once per
// join, a session that never reaches ICE is media-failed, and a connected one is left alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SessionWatchdog, type WatchedSession } from './session-watchdog.js';

function setup() {
  const events: string[] = [];
  let current: WatchedSession | undefined;
  const dog = new SessionWatchdog({
    mediaMs: 20_000,
    isCurrent: (s) => s === current,
    hasSession: () => current !== undefined,
    isOver: () => false,
    askForNewSession: (_s, detail) => {
      events.push(`ask: ${detail}`);
      current = undefined; // the client closes the stalled session
    },
    fail: (detail) => events.push(`fail: ${detail}`),
  });
  const session = (connectionState: string, iceConnectionState: string): WatchedSession => {
    const s = { pc: { connectionState, iceConnectionState } };
    current = s;
    return s;
  };
  return { dog, events, session };
}

test('ICE connected but DTLS not: a new session is asked for once, half-way through the wait', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { dog, events, session } = setup();
  dog.watch(session('connecting', 'connected'));
  t.mock.timers.tick(9_999);
  assert.deepEqual(events, []);
  t.mock.timers.tick(1);
  assert.equal(events.length, 1);
  assert.match(
    events[0]!,
    /^ask: not connected 10 s after session-accept \(connectionState connecting, ICE connected\)/,
  );
  // The new session stalls too: no second ask in this join; it ends as media-failed.
  dog.watch(session('connecting', 'connected'));
  t.mock.timers.tick(20_000);
  assert.equal(events.length, 2);
  assert.match(events[1]!, /^fail: not connected 20 s/);
});

test('no new session after asking: media-failed names it', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { dog, events, session } = setup();
  dog.watch(session('connecting', 'completed'));
  t.mock.timers.tick(10_000);
  t.mock.timers.tick(20_000);
  assert.equal(events.length, 2);
  assert.match(events[1]!, /no new session offered$/);
});

test('ICE never connected: media-failed at the end of the wait, no ask; a connected session is left alone', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { dog, events, session } = setup();
  dog.watch(session('connecting', 'checking'));
  t.mock.timers.tick(20_000);
  assert.deepEqual(
    events.map((e) => e.split(':')[0]),
    ['fail'],
  );
  const ok = setup();
  const s = ok.session('connecting', 'connected');
  ok.dog.watch(s);
  (s.pc as { connectionState: string }).connectionState = 'connected';
  ok.dog.stop();
  t.mock.timers.tick(60_000);
  assert.deepEqual(ok.events, []);
});

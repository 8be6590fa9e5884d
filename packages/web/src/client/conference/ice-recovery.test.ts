import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Jingle } from '@parley/protocol';
import { IceRecovery, type RestartableSession } from './ice-recovery.js';

/** A JingleSession whose peer connection is an EventTarget with an ICE state the test sets. */
function fakeSession() {
  const pc = new EventTarget() as EventTarget & { iceConnectionState: string };
  pc.iceConnectionState = 'new';
  const replaced: unknown[] = [];
  const s: RestartableSession = {
    sid: 'sid1',
    pc,
    isClosed: false,
    async replaceTransport(t: unknown) {
      replaced.push(t);
      const transport = { ufrag: 'mine2', pwd: 'p', rtcpMux: true, candidates: [], fingerprints: [] };
      return [{ name: 'audio', creator: 'initiator' as const, senders: 'both' as const, transport }];
    },
  };
  const ice = (state: string) => {
    pc.iceConnectionState = state;
    pc.dispatchEvent(new Event('iceconnectionstatechange'));
  };
  return { s, ice, replaced };
}

function setup() {
  const { s, ice, replaced } = fakeSession();
  const sent: Jingle[] = [];
  const gaveUp: string[] = [];
  const r = new IceRecovery(s, {
    send: async (j) => void sent.push(j),
    log: () => {},
    giveUp: (d) => void gaveUp.push(d),
    disconnectedMs: 4_000,
    retryMs: 5_000,
    giveUpMs: 60_000,
  });
  return { r, ice, sent, gaveUp, replaced };
}

test('a connected session whose ICE fails tells the focus, and again until it is back', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const { r, ice, sent, gaveUp } = setup();
  ice('checking');
  ice('failed');
  assert.equal(sent.length, 0, 'a session that never connected is not restarted (media-failed shows it)');
  assert.equal(r.handlesFailure, false);
  ice('connected');
  assert.equal(r.handlesFailure, true);
  ice('failed');
  assert.deepEqual(sent, [{ action: 'session-info', sid: 'sid1', contents: [], iceState: 'failed' }]);
  t.mock.timers.tick(5_000);
  assert.equal(sent.length, 2, 'asked again while still failed');
  ice('connected');
  t.mock.timers.tick(60_000);
  assert.equal(sent.length, 2, 'nothing more once connected');
  assert.deepEqual(gaveUp, []);
  r.close();
});

test('disconnected for disconnectedMs counts as failed; a shorter blip does not', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const { ice, sent } = setup();
  ice('connected');
  ice('disconnected');
  t.mock.timers.tick(3_000);
  ice('connected');
  t.mock.timers.tick(5_000);
  assert.equal(sent.length, 0);
  ice('disconnected');
  t.mock.timers.tick(4_000);
  assert.equal(sent.length, 1);
  assert.equal(sent[0]?.iceState, 'failed');
});

test('nothing back within giveUpMs: the failure is shown', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const { r, ice, gaveUp } = setup();
  ice('connected');
  ice('failed');
  t.mock.timers.tick(60_000);
  assert.equal(gaveUp.length, 1);
  assert.match(gaveUp[0]!, /did not recover within 60 s/);
  r.close();
});

test('transport-replace is applied and answered with our new transport in a transport-accept', async () => {
  const { r, replaced } = setup();
  const transport = { ufrag: 'b2', pwd: 'p', rtcpMux: true, candidates: [], fingerprints: [] };
  const accept = await r.onTransportReplace({
    action: 'transport-replace',
    sid: 'sid1',
    contents: [{ name: 'audio', creator: 'initiator', senders: 'both', transport }],
  });
  assert.deepEqual(replaced, [transport]);
  assert.equal(accept.action, 'transport-accept');
  assert.equal(accept.sid, 'sid1');
  assert.equal(accept.contents[0]?.transport?.ufrag, 'mine2');
  await assert.rejects(
    r.onTransportReplace({ action: 'transport-replace', sid: 'sid1', contents: [] }),
    /without a transport/,
  );
});

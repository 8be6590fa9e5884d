// When a bridge goes away, the focus moves its conferences to another bridge: every participant's
// session is ended and offered anew on the surviving bridge.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBridge, type RunningBridge } from '@parley/bridge';
import { createLogger } from '@parley/service';
import { startStack, waitUntil, ssrcsOf, type Stack } from './harness.js';

let stack: Stack;
let second: RunningBridge;
before(async () => {
  stack = await startStack({ realBridge: true });
  const s = stack.prosody.settings;
  second = await startBridge(
    {
      domain: stack.domain,
      xmppService: `xmpp://127.0.0.1:${s.ports.c2s}`,
      username: s.bridgeAccount.username,
      password: s.bridgeAccount.password,
      bridgeId: 'jvb-second',
      focusJids: [],
      mediaPort: 0,
      tcpPort: 0,
      bindAddress: '127.0.0.1',
      advertise: ['127.0.0.1'],
      httpHost: '127.0.0.1',
      httpPort: 0,
      statsIntervalMs: 1000,
      logLevel: 'debug',
    },
    { log: createLogger('bridge2', { write: (l) => stack.logs.push(l) }) },
  );
  await waitUntil('the focus sees both bridges', () => stack.focus.bridge.available() === 2, 10_000);
});
after(async () => {
  await second?.close().catch(() => {});
  await stack?.close();
});

test('a conference whose bridge leaves is re-offered on the other bridge', async () => {
  const [a, b] = [await stack.participant('A'), await stack.participant('B')];
  await a.join('failover');
  await a.accept();
  await b.join('failover');
  await b.accept();
  const bridges = { 'jvb-test': stack.sfu!, 'jvb-second': second };
  const host = Object.entries(bridges).find(([, br]) => br.bridge.conferences.size === 1)!;
  const survivor = Object.entries(bridges).find(([id]) => id !== host[0])!;
  const firstOffer = await b.sessionInitiate();

  await host[1].close();
  for (const p of [a, b]) {
    await p.waitFor('session-terminate', () => p.jingles.find((j) => j.jingle.action === 'session-terminate'), 10_000);
    await p.waitFor(
      'a new session-initiate',
      () => p.jingles.filter((j) => j.jingle.action === 'session-initiate').length === 2,
      10_000,
    );
  }
  const terminate = a.jingles.find((j) => j.jingle.action === 'session-terminate')!.jingle;
  assert.equal(terminate.reason?.condition, 'connectivity-error');
  const newOffer = await b.sessionInitiate();
  assert.notEqual(newOffer.sid, firstOffer.sid);
  const port = survivor[1].port.udpPort;
  assert.ok(
    newOffer.contents[0].transport!.candidates.some((c) => c.port === port),
    'the new offer points at the surviving bridge',
  );

  await a.accept();
  await b.accept();
  await waitUntil(
    'both endpoints are on the surviving bridge',
    () => survivor[1].bridge.conferences.values().next().value?.endpoints.size === 2,
    10_000,
  );
  await a.waitFor("b's sources again", () => ssrcsOf(b.own).every((s) => a.knownRemoteSsrcs().has(s)));
});

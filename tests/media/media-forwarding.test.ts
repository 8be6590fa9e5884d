// Real RTP through the real bridge: headless endpoints allocated by the real focus over Prosody.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startLoopbackStun } from '@parley/bridge/testing';
import { startStack, waitUntil, type Stack } from '../integration/harness.js';
import { HeadlessEndpoint } from './headless-endpoint.js';

describe('media through the bridge', () => {
  let stack: Stack;
  let stun: Awaited<ReturnType<typeof startLoopbackStun>>;
  const endpoints: HeadlessEndpoint[] = [];
  before(async () => {
    stun = await startLoopbackStun();
    stack = await startStack({ realBridge: true });
  });
  after(async () => {
    for (const e of endpoints) await e.close();
    await stack?.close();
    await stun?.close();
  });
  const join = async (room: string, name: string) => {
    const e = await HeadlessEndpoint.join(stack, room, name, stun.port);
    endpoints.push(e);
    return e;
  };

  test('three endpoints: each receives the other two\'s audio and video intact, and none of its own', async () => {
    const [a, b, c] = [await join('media', 'A'), await join('media', 'B'), await join('media', 'C')];
    await Promise.all([a, b, c].map((e) => e.connected()));
    // Wait until every endpoint knows every other's sources (source-add processed).
    await waitUntil('everyone was told about everyone', () => [a, b, c].every((e) => e.remote!.remoteSourceNames().length === 4), 10_000);
    await new Promise((r) => setTimeout(r, 300));
    for (const e of [a, b, c]) {
      await e.send('audio', 50, { intervalMs: 5 });
      await e.send('video', 50, { intervalMs: 5 });
    }
    for (const rx of [a, b, c]) {
      for (const tx of [a, b, c]) {
        for (const kind of ['audio', 'video'] as const) {
          const ssrc = tx.ssrc(kind);
          if (tx === rx) {
            assert.equal(rx.stream(ssrc), undefined, `${rx.endpointId} must not receive its own ${kind}`);
            continue;
          }
          await waitUntil(`${rx.endpointId} receives ${tx.endpointId}'s ${kind}`, () => (rx.stream(ssrc)?.indexes.size ?? 0) >= 50, 10_000);
          const s = rx.stream(ssrc)!;
          assert.equal(s.corrupt, 0, `${kind} payloads from ${tx.endpointId} arrive intact at ${rx.endpointId}`);
        }
      }
    }
  });
});

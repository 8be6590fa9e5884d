// When a firewall blocks UDP, browsers still get media from the bridge over ICE-TCP.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BLUE, RED, T, checking, launchParticipant, poll, roomName, startWebStack, tileOf, waitForTileColor, type BrowserParticipant, type WebStack } from './harness.js';

describe('media over ICE-TCP', () => {
  let web: WebStack;
  const ps: BrowserParticipant[] = [];
  before(async () => {
    web = await startWebStack();
    web.stack.sfu!.port.blockUdp = true; // every datagram to the media port is dropped from here on
  });
  after(async () => {
    await web?.close();
  });

  test('with UDP to the bridge blocked, two participants see each other\'s colour over TCP', { timeout: 120_000 }, async () => {
    const link = `${web.url}/${roomName('tcp')}`;
    await checking(() => ps, async () => {
      const red = await launchParticipant({ color: RED, name: 'Red', url: link });
      const blue = await launchParticipant({ color: BLUE, name: 'Blue', url: link });
      ps.push(red, blue);
      const [redId, blueId] = [await red.endpointId(), await blue.endpointId()];
      await waitForTileColor(red.page, tileOf(red.page, blueId), BLUE, 40_000);
      await waitForTileColor(blue.page, tileOf(blue.page, redId), RED, 40_000);
      const port = web.stack.sfu!.port;
      assert.ok((port.counters['udp-blocked'] ?? 0) > 0, 'the browsers did try UDP first');
      const paths = await poll('both endpoints connected over TCP', async () => {
        const eps = [...web.stack.sfu!.bridge.conferences.values()].flatMap((c) => [...c.endpoints.values()]);
        const kinds = eps.map((e) => (e.transport as unknown as { selected?: { kind: string } }).selected?.kind);
        return kinds.length === 2 && kinds.every((k) => k === 'tcp') ? kinds : undefined;
      }, T.media);
      assert.deepEqual(paths, ['tcp', 'tcp']);
    }, () => web.stack.logs);
  });
});

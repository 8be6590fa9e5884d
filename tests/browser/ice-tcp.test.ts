// When a firewall blocks UDP, browsers still get media from the bridge over ICE-TCP.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { T, poll, redAndBlueSeeEachOther, useWebStack } from './harness.js';

describe('media over ICE-TCP', () => {
  const suite = useWebStack({
    setup: (web) => {
      web.stack.sfu!.port.faultsForTest.blockUdp = true; // every datagram to the media port is dropped from here on
    },
  });

  test("with UDP to the bridge blocked, two participants see each other's colour over TCP", {
    timeout: 120_000,
  }, async () => {
    await suite.checking(async () => {
      await redAndBlueSeeEachOther(suite, suite.link('tcp'), 40_000);
      const port = suite.web.stack.sfu!.port;
      assert.ok((port.counters['udp-blocked'] ?? 0) > 0, 'the browsers did try UDP first');
      const paths = await poll(
        'both endpoints connected over TCP',
        async () => {
          const eps = [...suite.web.stack.sfu!.bridge.conferences.values()].flatMap((c) => [...c.endpoints.values()]);
          const kinds = eps.map((e) => (e.transport as unknown as { selected?: { kind: string } }).selected?.kind);
          return kinds.length === 2 && kinds.every((k) => k === 'tcp') ? kinds : undefined;
        },
        T.media,
      );
      assert.deepEqual(paths, ['tcp', 'tcp']);
    });
  });
});

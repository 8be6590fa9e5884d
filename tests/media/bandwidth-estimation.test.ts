// Bandwidth estimation toward receivers (packages/bridge/src/bwe) through the real stack: the bridge
// stamps what it sends each receiver with that leg's transport-wide sequence numbers, a receiver that
// sends transport-cc feedback gets an estimate, one that does not has none, and probing pads on RTX.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { waitUntil } from '../integration/harness.js';
import type { HeadlessEndpoint } from './headless-endpoint.js';
import { useHeadlessStack } from './headless-stack.js';

describe('bandwidth estimation toward receivers', () => {
  const headless = useHeadlessStack();

  const onBridge = (e: HeadlessEndpoint) => {
    for (const c of headless.stack.sfu!.bridge.conferences.values()) {
      const ep = c.endpoints.get(e.endpointId);
      if (ep) return ep;
    }
    throw new Error(`${e.endpointId} is not on the bridge`);
  };

  test('a receiver sending transport-cc feedback gets an estimate; probing pads on RTX when more is wanted', async () => {
    const a = await headless.crowd.join(headless.stack, 'bwe', 'A');
    const b = await headless.crowd.join(headless.stack, 'bwe', 'B');
    await Promise.all([a, b].map((e) => e.connected()));
    await waitUntil(
      'both were told about each other',
      () => [a, b].every((e) => e.remote!.remoteSourceNames().length === 2),
      10_000,
    );
    await Promise.all([a, b].map((e) => e.negotiated()));

    // What reaches B carries B's own transport-wide numbers: count them as werift hands packets over.
    const seqs: number[] = [];
    const padding: Array<{ ssrc: number; pt: number }> = [];
    b.pc.dtlsTransports[0].onRtp.subscribe((rtp) => {
      const ext = rtp.header.extensions.find((x) => x.id === 5);
      if (ext) seqs.push(ext.payload.readUInt16BE(0));
      if (rtp.payload.length === 0 && rtp.header.padding)
        padding.push({ ssrc: rtp.header.ssrc, pt: rtp.header.payloadType });
    });
    const feedbacks = b.sendTransportFeedback();
    assert.equal(onBridge(b).estimatedBandwidthBps, undefined, 'no estimate before feedback');

    await a.send('video', 300, { intervalMs: 10, size: 1000 });
    await waitUntil("B received A's video", () => (b.stream(a.ssrc('video'))?.indexes.size ?? 0) >= 300, 15_000);
    await waitUntil(
      'the bridge has an estimate toward B',
      () => onBridge(b).estimatedBandwidthBps !== undefined,
      10_000,
    );
    const estimate = onBridge(b).estimatedBandwidthBps!;
    assert.ok(estimate > 100_000, `estimate toward B over loopback: ${estimate} bit/s`);
    assert.ok(feedbacks() > 0);
    assert.equal(onBridge(a).estimatedBandwidthBps, undefined, 'A sent no feedback: no estimate toward A');
    assert.ok(
      headless.stack.sfu!.bridge.counters.twccFeedbackReceived >= feedbacks() - 2,
      'the bridge took the feedback',
    );
    // Every packet to B was numbered in sequence by B's leg (the sender's own numbers do not leak through).
    const sorted = [...new Set(seqs)].sort((x, y) => x - y);
    assert.ok(sorted.length >= 300, `${sorted.length} numbered packets`);
    assert.equal(sorted[sorted.length - 1] - sorted[0] + 1, sorted.length, 'no gaps: one counter for this leg');
    const dumped = onBridge(b).dump().bwe;
    assert.equal(dumped.estimateBps, estimate);

    // The allocator wants more than the estimate: padding goes to B on A's RTX stream, and stops when it no longer does.
    const rtxSsrc = b.remote!.toSdp().match(/a=ssrc-group:FID \d+ (\d+)/)?.[1];
    assert.ok(rtxSsrc, 'A signalled an RTX ssrc');
    onBridge(b).bwe.wantedBps = 4 * estimate;
    await waitUntil('padding reaches B', () => padding.length >= 10, 10_000);
    assert.ok(
      padding.every((p) => p.ssrc === Number(rtxSsrc) && p.pt === 96),
      JSON.stringify(padding.slice(0, 3)),
    );
    assert.ok(headless.stack.sfu!.bridge.counters.probePaddingBytes > 0);
    // Nothing more wanted: padding stops (what was sent arrives within a feedback interval on loopback).
    onBridge(b).bwe.wantedBps = undefined;
    const got = (n: number) => () => (b.stream(a.ssrc('video'))?.indexes.size ?? 0) >= n;
    await a.send('video', 50, { intervalMs: 10, size: 1000, firstIndex: 300 });
    await waitUntil('B received 50 more', got(350), 10_000);
    const paddingThen = padding.length;
    await a.send('video', 100, { intervalMs: 10, size: 1000, firstIndex: 350 });
    await waitUntil('B received 100 more', got(450), 10_000);
    assert.equal(padding.length, paddingThen, 'no padding once nothing more is wanted');
  });
});

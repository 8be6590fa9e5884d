// Real RTP through the real bridge: headless endpoints allocated by the real focus over Prosody.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { waitUntil } from '../integration/harness.js';
import type { HeadlessEndpoint } from './headless-endpoint.js';
import { useHeadlessStack } from './headless-stack.js';

describe('media through the bridge', () => {
  const headless = useHeadlessStack();
  const join = (room: string, name: string) => headless.crowd.join(headless.stack, room, name);

  /** The bridge's Endpoint object for a headless endpoint. */
  const onBridge = (e: HeadlessEndpoint) => {
    for (const c of headless.stack.sfu!.bridge.conferences.values()) {
      const ep = c.endpoints.get(e.endpointId);
      if (ep) return ep;
    }
    throw new Error(`${e.endpointId} is not on the bridge`);
  };
  const isRtcpPacket = (b: Buffer) => b.length > 1 && b[1] >= 192 && b[1] <= 223;
  /** Drops the endpoint's incoming video packets (not its retransmissions) whose seq `lose` picks. */
  const loseVideo = (e: HeadlessEndpoint, lose: (seq: number) => boolean) => {
    const ssrc = e.ssrc('video');
    const lost: number[] = [];
    onBridge(e).inboundFilterForTest = (b) => {
      if (isRtcpPacket(b) || b.length < 12 || b.readUInt32BE(8) !== ssrc) return false;
      const seq = b.readUInt16BE(2);
      if (!lose(seq)) return false;
      lost.push(seq);
      return true;
    };
    return lost;
  };
  const meet = async (room: string, n: number) => {
    const es: HeadlessEndpoint[] = [];
    for (let i = 0; i < n; i++) es.push(await join(room, `P${i}`));
    await Promise.all(es.map((e) => e.connected()));
    await waitUntil(
      `everyone in ${room} was told about everyone`,
      () => es.every((e) => e.remote!.remoteSourceNames().length === 2 * (n - 1)),
      10_000,
    );
    await Promise.all(es.map((e) => e.negotiated()));
    return es;
  };
  const receivesAll = (
    rx: HeadlessEndpoint,
    tx: HeadlessEndpoint,
    kind: 'audio' | 'video',
    n: number,
    timeoutMs = 10_000,
  ) =>
    waitUntil(
      `${rx.endpointId} has all ${n} ${kind} packets of ${tx.endpointId}`,
      () => (rx.stream(tx.ssrc(kind))?.indexes.size ?? 0) >= n,
      timeoutMs,
    );

  test("three endpoints: each receives the other two's audio and video intact, and none of its own", async () => {
    const [a, b, c] = [await join('media', 'A'), await join('media', 'B'), await join('media', 'C')];
    await Promise.all([a, b, c].map((e) => e.connected()));
    // Wait until every endpoint knows every other's sources (source-add processed).
    await waitUntil(
      'everyone was told about everyone',
      () => [a, b, c].every((e) => e.remote!.remoteSourceNames().length === 4),
      10_000,
    );
    await Promise.all([a, b, c].map((e) => e.negotiated()));
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
          await waitUntil(
            `${rx.endpointId} receives ${tx.endpointId}'s ${kind}`,
            () => (rx.stream(ssrc)?.indexes.size ?? 0) >= 50,
            10_000,
          );
          const s = rx.stream(ssrc)!;
          assert.equal(s.corrupt, 0, `${kind} payloads from ${tx.endpointId} arrive intact at ${rx.endpointId}`);
        }
      }
    }
    // Senders get transport-cc feedback for their bandwidth estimate.
    await waitUntil('transport-cc feedback reaches the senders', () =>
      [a, b, c].every((e) => e.senderRtcp.some((n) => n.endsWith('TransportWideCC'))),
    );
  });

  test('5% loss on the way into the bridge is repaired with NACK and RTX: receivers get every packet', async () => {
    const [a, b, c] = await meet('lossy', 3);
    const counters = headless.stack.sfu!.bridge.counters;
    const nacksBefore = counters.nacksSent;
    const recoveredBefore = counters.recoveredByRtx;
    const lost = loseVideo(a, (seq) => seq % 20 === 7);
    await a.send('video', 400, { intervalMs: 10 });
    await receivesAll(b, a, 'video', 400);
    await receivesAll(c, a, 'video', 400);
    assert.equal(lost.length, 20, 'exactly 5% of 400 packets were dropped on the way in');
    assert.ok(counters.nacksSent > nacksBefore, 'the bridge NACKed the sender');
    assert.ok(counters.recoveredByRtx - recoveredBefore >= 20, 'every lost packet came back by RTX');
    assert.equal(b.stream(a.ssrc('video'))!.corrupt, 0);
  });

  test('a receiver that joins late makes the bridge ask the sender for a keyframe', async () => {
    const [a] = await meet('late', 2);
    await a.send('video', 20);
    a.senderRtcp.length = 0;
    const late = await join('late', 'Late');
    await late.connected();
    await waitUntil(
      'the sender gets a PLI for the late receiver',
      () => a.senderRtcp.some((n) => n.endsWith('PictureLossIndication')),
      10_000,
    );
    await waitUntil(
      'the late receiver knows the sender',
      () => late.remote!.remoteSourceNames().includes(`${a.endpointId}-v0`),
      10_000,
    );
    await late.negotiated();
    await a.send('video', 20, { firstIndex: 20 });
    await waitUntil('the late receiver gets video', () => (late.stream(a.ssrc('video'))?.indexes.size ?? 0) >= 20);
  });

  test('a stream crossing seq 65535 with loss (65535 itself and a 60-packet burst) keeps decrypting and is repaired', async () => {
    const [a, b] = await meet('wrap', 2);
    const srtpDropsBefore = [...headless.stack.sfu!.bridge.counters.drops]
      .filter(([k]) => k.startsWith('srtp'))
      .reduce((n, [, v]) => n + v, 0);
    const lost = loseVideo(a, (seq) => seq >= 65506 || seq < 30 || seq % 20 === 7);
    await a.send('video', 300, { firstSeq: 65536 - 150, intervalMs: 20 });
    await receivesAll(b, a, 'video', 300, 15_000);
    assert.ok(lost.includes(65535) && lost.includes(0), 'the packets on both sides of the wrap were lost');
    assert.ok(lost.length >= 70);
    const srtpDrops = [...headless.stack.sfu!.bridge.counters.drops]
      .filter(([k]) => k.startsWith('srtp'))
      .reduce((n, [, v]) => n + v, 0);
    assert.equal(srtpDrops, srtpDropsBefore, 'no SRTP failure at the bridge across the wrap');
  });

  test('garbage on the media ports changes nothing for the others', async () => {
    const [a, b] = await meet('garbage', 2);
    const port = headless.stack.sfu!.port;
    const before = { ...port.counters };
    const sock = createSocket('udp4');
    const junk: Buffer[] = [
      ...Array.from({ length: 100 }, (_, i) => randomBuffer(1 + ((i * 13) % 300))),
      Buffer.from([0x00, 0x01, 0x00, 0x08, 0x21, 0x12]), // truncated STUN
      Buffer.concat([Buffer.from([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]), randomBuffer(12)]), // STUN without USERNAME
      Buffer.concat([Buffer.from([22, 0xfe, 0xfd]), randomBuffer(40)]), // DTLS-looking
      Buffer.concat([Buffer.from([0x80, 100]), randomBuffer(30)]), // RTP-looking
      Buffer.concat([Buffer.from([0x81, 201, 0, 7]), randomBuffer(28)]), // RTCP-looking
    ];
    for (const j of junk) await new Promise<void>((r) => sock.send(j, port.udpPort, '127.0.0.1', () => r()));
    sock.close();
    const tcp = connect(port.tcpPort!, '127.0.0.1');
    await new Promise<void>((r) => tcp.once('connect', () => r()));
    tcp.write(Buffer.concat([Buffer.from([0x00, 0x10]), randomBuffer(16), randomBuffer(100)]));
    await new Promise((r) => setTimeout(r, 200));
    tcp.destroy();
    await a.send('audio', 50, { intervalMs: 5 });
    await receivesAll(b, a, 'audio', 50);
    assert.equal(b.stream(a.ssrc('audio'))!.corrupt, 0);
    const counted = Object.entries(port.counters).reduce((n, [k, v]) => n + v - (before[k] ?? 0), 0);
    assert.ok(counted >= junk.length, `every junk datagram was counted as dropped (${counted} of ${junk.length})`);
  });

  test('bridge channel: ServerHello, messages relayed with the sender, constraints, dominant speaker', async () => {
    const [a, b, c] = await meet('channel', 3);
    await waitUntil('data channels open', () => [a, b, c].every((e) => e.channelOpen));
    await waitUntil('ServerHello', () =>
      [a, b, c].every((e) => e.messages.some((m) => m.colibriClass === 'ServerHello')),
    );

    a.sendMessage({ colibriClass: 'EndpointMessage', to: '', msgPayload: { type: 'hello', n: 1 } });
    a.sendMessage({ colibriClass: 'EndpointMessage', to: c.endpointId, msgPayload: { type: 'private' } });
    await waitUntil('broadcast relayed', () =>
      [b, c].every((e) =>
        e.messages.some(
          (m) =>
            m.colibriClass === 'EndpointMessage' && m.from === a.endpointId && (m.msgPayload as { n?: number }).n === 1,
        ),
      ),
    );
    await waitUntil('private relayed', () =>
      c.messages.some((m) => (m.msgPayload as { type?: string })?.type === 'private'),
    );
    assert.ok(
      !b.messages.some((m) => (m.msgPayload as { type?: string })?.type === 'private'),
      'a private message reaches only its target',
    );
    assert.ok(!a.messages.some((m) => m.colibriClass === 'EndpointMessage'), 'no echo to the sender');
    b.sendMessage({ colibriClass: 'EndpointStats', connectionQuality: 87 });
    await waitUntil('stats relayed with the sender', () =>
      [a, c].every((e) =>
        e.messages.some(
          (m) => m.colibriClass === 'EndpointStats' && m.from === b.endpointId && m.connectionQuality === 87,
        ),
      ),
    );

    // B does not want A's camera (max height 0): the bridge stops forwarding it to B only.
    b.sendMessage({
      colibriClass: 'ReceiverVideoConstraints',
      constraints: { [`${a.endpointId}-v0`]: { maxHeight: 0 } },
    });
    await waitUntil('B is told what it gets', () =>
      b.messages.some(
        (m) =>
          m.colibriClass === 'ForwardedSources' && !(m.forwardedSources as string[]).includes(`${a.endpointId}-v0`),
      ),
    );
    await a.send('video', 30, { intervalMs: 5 });
    await receivesAll(c, a, 'video', 30);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(b.stream(a.ssrc('video'))?.indexes.size ?? 0, 0, "B receives none of A's video");

    // C speaks (audio level -20 dBov); silence from the others: C becomes dominant speaker.
    await Promise.all([
      c.send('audio', 100, { audioLevel: 20, intervalMs: 20 }),
      a.send('audio', 100, { audioLevel: 127, intervalMs: 20 }),
    ]);
    await waitUntil('dominant speaker event', () =>
      [a, b].every((e) =>
        e.messages.some(
          (m) => m.colibriClass === 'DominantSpeakerEndpointChangeEvent' && m.dominantSpeakerEndpoint === c.endpointId,
        ),
      ),
    );

    // Garbage on the channel is dropped; the channel keeps working.
    const drops = headless.stack.sfu!.bridge.counters.drops;
    const malformedBefore = drops.get('bridge-channel-malformed') ?? 0;
    const unknownBefore = drops.get('bridge-channel-unknown-class') ?? 0;
    a.sendMessage({ colibriClass: 'NoSuchClass' });
    (a as unknown as { channel: { send(s: string): void } }).channel.send('not json {');
    a.sendMessage({ colibriClass: 'EndpointMessage', to: '', msgPayload: { type: 'after-garbage' } });
    await waitUntil('relay still works after garbage', () =>
      b.messages.some((m) => (m.msgPayload as { type?: string })?.type === 'after-garbage'),
    );
    assert.equal(drops.get('bridge-channel-malformed'), malformedBefore + 1, 'the text that is not JSON');
    assert.equal(drops.get('bridge-channel-unknown-class'), unknownBefore + 1, 'a class nobody knows, counted apart');
  });
});

function randomBuffer(n: number): Buffer {
  return randomBytes(n);
}

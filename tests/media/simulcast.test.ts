// Simulcast through the real bridge: a headless sender sends three VP8 layers (ssrc-group SIM, keyframes
// whose headers say 240p/480p/960p); receivers with different maxHeight constraints each receive one
// layer, as one continuous stream on the first SIM SSRC, and a constraint change switches at a keyframe.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Colibri2MediaSource } from '@parley/protocol';
import { GenericNack, RtcpTransportLayerFeedback, RtpHeader, type RtpPacket } from 'werift';
import { waitUntil } from '../integration/harness.js';
import type { HeadlessEndpoint } from './headless-endpoint.js';
import { useHeadlessStack } from './headless-stack.js';

const HEIGHTS = [240, 480, 960];
const MARK = Buffer.from('SIML');
const KEY_EVERY = 10;

/** What a receiver got: one entry per RTP packet, in arrival order. */
interface Got {
  ssrc: number;
  seq: number;
  ts: number;
  pic: number;
  layer: number;
  frame: number;
  keyStart: boolean;
}

function parse(rtp: RtpPacket): Got | undefined {
  const p = rtp.payload;
  const at = p.indexOf(MARK);
  if (at < 0 || p.length < 5) return undefined;
  return {
    ssrc: rtp.header.ssrc,
    seq: rtp.header.sequenceNumber,
    ts: rtp.header.timestamp,
    pic: ((p[2] & 0x7f) << 8) | p[3],
    layer: p[at + 4],
    frame: p.readUInt32BE(at + 5),
    keyStart: (p[0] & 0x10) !== 0 && (p[5] & 0x01) === 0,
  };
}

/** Sends three layers the way Chrome does (VP8, 15-bit picture ids, TL0PICIDX), counters near their wrap. */
class LayeredSender {
  readonly ssrcs: number[];
  private readonly seq = [65_530, 100, 40_000];
  private readonly ts = [0xffff_ff00, 5_000, 1 << 31];
  private readonly pic = [0x7ffe, 10, 3000];
  private readonly tl0 = [254, 0, 77];
  frame = 0;

  constructor(private readonly e: HeadlessEndpoint) {
    const low = e.ssrc('video');
    this.ssrcs = [low, (low ^ 0x1111) >>> 0, (low ^ 0x2222) >>> 0];
  }

  private transport() {
    return this.e.pc.getTransceivers().find((t) => t.mid === 'video')!.sender.dtlsTransport;
  }

  /** Sends `n` frames on every layer, one frame per 10 ms; each layer has a keyframe every KEY_EVERY frames. */
  async frames(n: number): Promise<void> {
    const dtls = this.transport();
    for (let k = 0; k < n; k++, this.frame++) {
      for (let l = 0; l < 3; l++) {
        const key = this.frame % KEY_EVERY === (l * 3) % KEY_EVERY;
        const packets = 1 + l;
        for (let i = 0; i < packets; i++) {
          const header = new RtpHeader({
            sequenceNumber: this.seq[l],
            timestamp: this.ts[l],
            payloadType: 100,
            ssrc: this.ssrcs[l],
            marker: i === packets - 1,
          });
          await dtls.sendRtp(this.payload(l, i === 0, key), header);
          this.seq[l] = (this.seq[l] + 1) & 0xffff;
        }
        this.ts[l] = (this.ts[l] + 3000) >>> 0;
        this.pic[l] = (this.pic[l] + 1) & 0x7fff;
        this.tl0[l] = (this.tl0[l] + 1) & 0xff;
      }
      await new Promise((r) => setTimeout(r, 10)); // pacing, as a camera would
    }
  }

  private payload(layer: number, start: boolean, key: boolean): Buffer {
    const pic = this.pic[layer];
    const desc = Buffer.from([0x80 | (start ? 0x10 : 0), 0xc0, 0x80 | (pic >> 8), pic & 0xff, this.tl0[layer]]);
    const h = HEIGHTS[layer];
    const w = Math.round((h * 16) / 9);
    // RFC 6386 §9.1: frame tag (P=0 for a keyframe), start code, 14-bit width and height, little endian.
    const vp8 =
      start && key
        ? Buffer.from([0x50, 0x02, 0x00, 0x9d, 0x01, 0x2a, w & 0xff, w >> 8, h & 0xff, h >> 8])
        : Buffer.from([0x51, 0x02, 0x00]);
    const mark = Buffer.alloc(9);
    MARK.copy(mark);
    mark[4] = layer;
    mark.writeUInt32BE(this.frame, 5);
    return Buffer.concat([desc, vp8, mark, Buffer.alloc(100 * (layer + 1), layer)]);
  }
}

/** Unwrapped seqs are one contiguous range: nothing missing, nothing repeated. */
function assertContiguous(got: Got[], who: string): void {
  const first = got[0].seq;
  const rel = got.map((g) => (g.seq - first + 0x8000) & 0xffff).sort((a, b) => a - b);
  const unique = new Set(rel);
  assert.equal(unique.size, rel.length, `${who}: no seq repeated`);
  assert.equal(rel.at(-1)! - rel[0] + 1, rel.length, `${who}: no seq gap (${rel.length} packets)`);
}

/** Each frame's picture id is the previous frame's plus one, and timestamps never go back. */
function assertFramesContinue(got: Got[], who: string): void {
  for (let i = 1; i < got.length; i++) {
    const [a, b] = [got[i - 1], got[i]];
    if (a.ts === b.ts) continue;
    assert.ok(((b.ts - a.ts) | 0) > 0, `${who}: timestamp went back at packet ${i}`);
    if (b.seq === ((a.seq + 1) & 0xffff))
      assert.equal(b.pic, (a.pic + 1) & 0x7fff, `${who}: picture id continues at packet ${i}`);
  }
}

describe('simulcast through the bridge', () => {
  const headless = useHeadlessStack();

  const onBridge = (e: HeadlessEndpoint) => {
    for (const c of headless.stack.sfu!.bridge.conferences.values()) {
      const ep = c.endpoints.get(e.endpointId);
      if (ep) return { ep, conference: c };
    }
    throw new Error(`${e.endpointId} is not on the bridge`);
  };

  test('each receiver gets the one layer its maxHeight fits, continuous on one SSRC, and switches at a keyframe', async () => {
    const es: HeadlessEndpoint[] = [];
    for (const name of ['Sender', 'High', 'Mid', 'Low'])
      es.push(await headless.crowd.join(headless.stack, 'simulcast', name));
    await Promise.all(es.map((e) => e.connected()));
    await waitUntil(
      'everyone was told about everyone',
      () => es.every((e) => e.remote!.remoteSourceNames().length === 2 * (es.length - 1)),
      10_000,
    );
    await Promise.all(es.map((e) => e.negotiated()));
    const [a, high, mid, low] = es;
    const video = `${a.endpointId}-v0`;
    const sender = new LayeredSender(a);

    // The sender announces its layers as lib-jitsi-meet does: ssrc-group SIM, low to high.
    const { ep: bridgeSender, conference } = onBridge(a);
    const src = (ssrc: number, name: string) => ({ ssrc, name, owner: a.endpointId });
    const sources: Colibri2MediaSource[] = [
      {
        type: 'audio',
        id: `${a.endpointId}-a0`,
        sources: [src(a.ssrc('audio'), `${a.endpointId}-a0`)],
        ssrcGroups: [],
      },
      {
        type: 'video',
        id: video,
        sources: sender.ssrcs.map((s) => src(s, video)),
        ssrcGroups: [{ semantics: 'SIM', ssrcs: sender.ssrcs }],
      },
    ];
    bridgeSender.setSources(sources);

    // Heights from the keyframes (240/480/960), not the assumed 180/360/720, decide: 400 → layer 0, 800 → 1.
    const wants = new Map([
      [high, { maxHeight: 1080, layer: 2 }],
      [mid, { maxHeight: 800, layer: 1 }],
      [low, { maxHeight: 400, layer: 0 }],
    ]);
    const logs = new Map<HeadlessEndpoint, Got[]>();
    for (const [rx, w] of wants) {
      logs.set(rx, []);
      rx.onRtp = (rtp) => {
        const g = parse(rtp);
        if (g) logs.get(rx)!.push(g);
      };
      await waitUntil(`${rx.endpointId}'s bridge channel is open`, () => rx.channelOpen, 10_000);
      rx.sendMessage({
        colibriClass: 'ReceiverVideoConstraints',
        constraints: { [video]: { maxHeight: w.maxHeight } },
      });
    }
    await waitUntil(
      'the bridge has every receiver constraint',
      () => [...wants.keys()].every((rx) => onBridge(rx).ep.constraints?.constraints?.[video] !== undefined),
      10_000,
    );
    const layerOf = (rx: HeadlessEndpoint) =>
      (conference.dump().endpoints.find((e) => e.id === rx.endpointId)?.simulcastLayers[video]?.current ??
        -1) as number;
    // Warm up until each receiver is forwarded its layer (heights learned, switches done), bounded.
    for (let i = 0; i < 40 && ![...wants].every(([rx, w]) => layerOf(rx) === w.layer); i++) await sender.frames(5);
    const source = bridgeSender.sources.get(video)!;
    assert.deepEqual(
      source.streams.map((s) => s.height),
      HEIGHTS,
      'the bridge read each layer height from its keyframes',
    );

    for (const log of logs.values()) log.length = 0;
    await sender.frames(40);
    const last = sender.frame - 1;
    for (const [rx, w] of wants) {
      const log = logs.get(rx)!;
      await waitUntil(`${rx.endpointId} receives frame ${last}`, () => log.some((g) => g.frame === last), 10_000);
      const who = `${rx.endpointId} (maxHeight ${w.maxHeight})`;
      assert.deepEqual(
        [...new Set(log.map((g) => g.layer))],
        [w.layer],
        `${who} receives only layer ${w.layer} (${HEIGHTS[w.layer]}p)`,
      );
      assert.deepEqual([...new Set(log.map((g) => g.ssrc))], [sender.ssrcs[0]], `${who}: one SSRC, the first SIM SSRC`);
      const frames = new Set(log.map((g) => g.frame));
      for (let f = last - 39; f <= last; f++) assert.ok(frames.has(f), `${who} gets frame ${f}`);
      assertContiguous(log, who);
      assertFramesContinue(log, who);
    }

    // The low receiver's tile grows: it moves to the high layer at that layer's next keyframe, seamlessly.
    const log = logs.get(low)!;
    log.length = 0;
    low.sendMessage({ colibriClass: 'ReceiverVideoConstraints', constraints: { [video]: { maxHeight: 1080 } } });
    for (let i = 0; i < 40 && !log.some((g) => g.layer === 2); i++) await sender.frames(5);
    await sender.frames(20);
    const end = sender.frame - 1;
    await waitUntil(`${low.endpointId} receives frame ${end}`, () => log.some((g) => g.frame === end), 10_000);
    const firstHigh = log.findIndex((g) => g.layer === 2);
    assert.ok(firstHigh > 0, 'the low layer went on until the switch, then the high layer came');
    assert.ok(log[firstHigh].keyStart, 'the switch happened on a keyframe of the high layer');
    assert.ok(
      log.slice(firstHigh).every((g) => g.layer === 2),
      'after the switch only the high layer arrives',
    );
    assertContiguous(log, 'across the switch');
    assertFramesContinue(log, 'across the switch');

    // The high receiver's link can take about 1.5x what the low layer measures (the middle layer costs
    // ~3.5x: twice the packets, twice the size): it drops to the low layer at a keyframe, still seamless.
    const streams = bridgeSender.sources.get(video)!.streams;
    const [bps0, bps1] = [0, 1].map((l) => streams[l].bitrate!.bps(performance.now())!);
    assert.ok(bps1 > 2 * bps0, `the middle layer measures more than twice the low one (${bps1} vs ${bps0} bps)`);
    const highOnBridge = onBridge(high).ep;
    const highLog = logs.get(high)!;
    highLog.length = 0;
    highOnBridge.overrideEstimateForTest(Math.round(bps0 * 1.5));
    for (let i = 0; i < 40 && !highLog.some((g) => g.layer === 0); i++) await sender.frames(5);
    await sender.frames(20);
    const tail = sender.frame - 1;
    await waitUntil(`${high.endpointId} receives frame ${tail}`, () => highLog.some((g) => g.frame === tail), 10_000);
    const firstLow = highLog.findIndex((g) => g.layer === 0);
    assert.ok(firstLow >= 0 && highLog[firstLow].keyStart, 'the estimate moved it to the low layer, at a keyframe');
    assert.ok(
      highLog.slice(firstLow).every((g) => g.layer === 0),
      'only the low layer after that',
    );
    assertContiguous(highLog, 'down for bandwidth');
    assertFramesContinue(highLog, 'down for bandwidth');
    highOnBridge.overrideEstimateForTest(undefined);

    // Loss on the way to a receiver: its NACK names the projected seqs; the bridge finds each in the
    // middle layer's cache and sends it again as the receiver first saw it.
    const midOnBridge = onBridge(mid).ep;
    const transport = midOnBridge.transport;
    const send = transport.send.bind(transport);
    const dropped = new Set<number>();
    transport.send = (b: Buffer) => {
      const rtp = b.length > 12 && !(b[1] >= 192 && b[1] <= 223) && b.readUInt32BE(8) === sender.ssrcs[0];
      const seq = rtp ? b.readUInt16BE(2) : -1;
      if (rtp && seq % 13 === 5 && !dropped.has(seq)) {
        dropped.add(seq);
        return;
      }
      send(b);
    };
    const retransmitted = headless.stack.sfu!.bridge.counters.retransmissions;
    const midLog = logs.get(mid)!;
    midLog.length = 0;
    await sender.frames(60);
    const final = sender.frame - 1;
    await waitUntil(`${mid.endpointId} receives frame ${final}`, () => midLog.some((g) => g.frame === final), 10_000);
    // The receiver NACKs what it missed (werift's receiver does not NACK on this path: the test does it).
    const nack = new GenericNack({ senderSsrc: 1, mediaSourceSsrc: sender.ssrcs[0], lost: [...dropped] });
    const midDtls = mid.pc.getTransceivers().find((t) => t.mid === 'video')!.sender.dtlsTransport;
    await midDtls.sendRtcp([new RtcpTransportLayerFeedback({ feedback: nack })]);
    await waitUntil(
      `${mid.endpointId} got back all ${dropped.size} packets lost on its way`,
      () => [...dropped].every((q) => midLog.some((g) => g.seq === q)),
      10_000,
    );
    transport.send = send;
    assert.ok(dropped.size >= 5, `packets were lost toward the receiver (${dropped.size})`);
    assert.ok(
      headless.stack.sfu!.bridge.counters.retransmissions - retransmitted >= dropped.size,
      'the bridge resent them',
    );
    assert.ok(
      midLog.every((g) => g.layer === 1),
      'what came back is the middle layer, as first sent',
    );
    assertContiguous(midLog, 'after retransmissions');
  });
});

// The per-receiver leg: stamping transport-wide sequence numbers, taking the receiver's feedback
// (built by the bridge's own TwccRecorder, i.e. the same encoder a receiver runs), garbage feedback,
// and the Conference hooks (stamping on forwarded packets, estimate on the Endpoint, probing on RTX).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Colibri2MediaSource, IceTransport } from '@parley/protocol';
import { createLogger, silentLogger } from '@parley/service';
import { parseHeaderExtensions, rtpPayloadLength, rtpSeq, rtpSsrc, transportSeq, TwccRecorder } from '../rtp/index.js';
import { keyLengths, SrtpContext, srtpKeysFromDtls, type SrtpProfile } from '../srtp/index.js';
import { buildRtp } from '../srtp/fixtures/util.js';
import { BridgeCounters } from '../model/counters.js';
import { Conference } from '../model/conference.js';
import type { MediaTransport, MediaTransportState, SrtpKeying } from '../model/media-transport.js';
import { ReceiverBwe } from './receiver-bwe.js';
import { stampTransportSeq } from './send-history.js';

const payload = Buffer.from('payload-bytes');

test('stamping: in place when the extension is there, added to a copy otherwise, payload intact', () => {
  const with5 = buildRtp({ seq: 1, ssrc: 9, payload, ext: [{ id: 5, data: Buffer.from([0xab, 0xcd]) }] });
  assert.equal(stampTransportSeq(with5, 5, 0x1234), with5, 'same buffer');
  assert.equal(transportSeq(with5), 0x1234);

  const bare = buildRtp({ seq: 1, ssrc: 9, payload });
  const added = stampTransportSeq(bare, 5, 7)!;
  assert.equal(transportSeq(added), 7);
  assert.deepEqual(added.subarray(added.length - payload.length), payload);
  assert.equal(rtpPayloadLength(added), payload.length);

  const mid = buildRtp({ seq: 1, ssrc: 9, payload, ext: [{ id: 10, data: Buffer.from('m1') }] });
  const both = stampTransportSeq(mid, 5, 65535)!;
  assert.deepEqual(
    parseHeaderExtensions(both)!.map((e) => [e.id, e.data.toString('hex')]),
    [
      [10, Buffer.from('m1').toString('hex')],
      [5, 'ffff'],
    ],
  );
  assert.equal(rtpPayloadLength(both), payload.length);

  // Two-byte profile (0x1000): a two-byte element is appended.
  const two = Buffer.concat([Buffer.from('9000000100000000000000091000000101020a0b', 'hex'), payload]);
  const stamped2 = stampTransportSeq(two, 5, 0x0102)!;
  assert.deepEqual(
    parseHeaderExtensions(stamped2)!.map((e) => [e.id, e.data.toString('hex')]),
    [
      [1, '0a0b'],
      [5, '0102'],
    ],
  );
  // Another profile: left alone.
  const other = Buffer.concat([Buffer.from('900000010000000000000009abcd000101020a0b', 'hex'), payload]);
  assert.equal(stampTransportSeq(other, 5, 1), undefined);
});

function clock() {
  let t = 1000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

test('the estimate appears once the receiver reports packets received, and is logged at debug', () => {
  const c = clock();
  const counters = new BridgeCounters();
  const logs: string[] = [];
  const log = createLogger('bridge', { level: 'debug', write: (l) => logs.push(l) });
  const bwe = new ReceiverBwe({ counters, log, now: c.now, estimator: { initialBps: 500_000 } });
  const receiver = new TwccRecorder();
  assert.equal(bwe.estimateBps, undefined);
  for (let i = 0; i < 400; i++) {
    c.advance(5);
    const out = bwe.stamp(buildRtp({ seq: i, ssrc: 9, payload: Buffer.alloc(1000) }), 10);
    const seq = transportSeq(out);
    assert.equal(seq, i & 0xffff);
    receiver.record(seq!, 5_000_000 + c.now() + 20); // another clock: only differences count
    if (i % 10 === 9) for (const fb of receiver.buildFeedback(1, 2)) bwe.onRtcp(fb);
  }
  assert.ok(bwe.estimateBps !== undefined && bwe.estimateBps >= 500_000, `estimate ${bwe.estimateBps}`);
  assert.equal(counters.twccFeedbackReceived, 40);
  const s = bwe.stats();
  assert.equal(s.feedbacks, 40);
  assert.equal(s.packetsSent, 400);
  assert.ok(s.sendBps > 1_000_000, `send rate ${s.sendBps}`); // 1010 bytes per 5 ms
  assert.ok(
    logs.some((l) => l.includes('bwe.estimate')),
    'estimate logged',
  );
});

test('garbage feedback is counted and never thrown; feedback about nothing sent is counted', () => {
  const counters = new BridgeCounters();
  const bwe = new ReceiverBwe({ counters, log: silentLogger });
  const receiver = new TwccRecorder();
  for (let i = 0; i < 20; i++) receiver.record(i, i * 3);
  const [good] = receiver.buildFeedback(1, 2);
  bwe.onRtcp(good); // nothing was sent: unmatched
  assert.equal(counters.drops.get('twcc-feedback-unmatched'), 1);
  let s = 99;
  const rand = () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x80000000;
  for (let i = 0; i < 2000; i++) {
    const b = Buffer.from(good);
    for (let k = 0; k < 4; k++) b[4 + Math.floor(rand() * (b.length - 4))] = Math.floor(rand() * 256);
    if (i % 3 === 0) b[12 + Math.floor(rand() * 4)] = 0xff;
    assert.doesNotThrow(() => bwe.onRtcp(b.subarray(0, 4 + Math.floor(rand() * (b.length - 3)))));
  }
  const malformed = counters.drops.get('twcc-feedback-malformed') ?? 0;
  assert.ok(malformed > 100, `${malformed} counted as malformed, drops ${JSON.stringify([...counters.drops])}`);
  assert.equal(bwe.estimateBps, undefined);
});

// ---- through a Conference ------------------------------------------------------------------------

const PROFILE: SrtpProfile = 'AES_CM_128_HMAC_SHA1_80';
const NO_ICE: IceTransport = { ufrag: 'x', pwd: 'x', rtcpMux: true, candidates: [], fingerprints: [] };
const l = keyLengths(PROFILE);

/** In-memory transport; the test plays the client with the client's SRTP keys. */
class KeyedTransport implements MediaTransport {
  readonly local = NO_ICE;
  state: MediaTransportState = 'new';
  readonly srtp: SrtpKeying;
  readonly clientTx: SrtpContext;
  readonly clientRx: SrtpContext;
  readonly received: Buffer[] = [];
  private stateCb?: (s: MediaTransportState) => void;
  private packetCb?: (b: Buffer) => void;
  constructor() {
    const material = randomBytes(2 * (l.key + l.salt));
    this.srtp = { profile: PROFILE, keyingMaterial: material, isClient: false };
    const client = srtpKeysFromDtls(material, PROFILE, true);
    this.clientTx = new SrtpContext(client.local);
    this.clientRx = new SrtpContext(client.remote);
  }
  start(): void {}
  restartIce(): IceTransport {
    return this.local;
  }
  onStateChange(cb: (s: MediaTransportState) => void): void {
    this.stateCb = cb;
  }
  onPacket(cb: (b: Buffer) => void): void {
    this.packetCb = cb;
  }
  send(b: Buffer): void {
    if (b[1] >= 192 && b[1] <= 223) return; // RTCP
    this.received.push(this.clientRx.unprotectRtp(Buffer.from(b)));
  }
  sendRtp(plain: Buffer): void {
    this.packetCb?.(this.clientTx.protectRtp(plain));
  }
  sendRtcp(plain: Buffer): void {
    this.packetCb?.(this.clientTx.protectRtcp(plain));
  }
  onDataChannelOpen(): void {}
  onDataChannelMessage(): void {}
  sendDataChannel(): void {}
  close(): void {}
  connect(): void {
    this.state = 'connected';
    this.stateCb?.('connected');
  }
}

const VIDEO_PTS = [
  { id: 100, name: 'VP8', clockrate: 90000, parameters: {}, rtcpFeedback: [] },
  { id: 96, name: 'rtx', clockrate: 90000, parameters: { apt: '100' }, rtcpFeedback: [] },
];

test('through a Conference: each receiver gets its own transport-wide sequence, its feedback an estimate', () => {
  const counters = new BridgeCounters();
  const conf = new Conference('m', 'm', { counters, log: silentLogger });
  const media = [{ type: 'video' as const, payloadTypes: VIDEO_PTS, headerExtensions: [] }];
  const st = new KeyedTransport();
  const sender = conf.createEndpoint('s', st, { media: media as never });
  const source: Colibri2MediaSource = {
    type: 'video',
    id: 's-v0',
    sources: [
      { ssrc: 1111, name: 's-v0', owner: 's' },
      { ssrc: 2222, name: 's-v0', owner: 's' },
    ],
    ssrcGroups: [{ semantics: 'FID', ssrcs: [1111, 2222] }],
  };
  sender.setSources([source]);
  st.connect();
  const rts = [new KeyedTransport(), new KeyedTransport()];
  rts.forEach((t, i) => conf.createEndpoint(`r${i}`, t, {}));
  for (const t of rts) t.connect();
  // The sender's own transport-wide numbers (900+) must not reach receivers.
  for (let i = 0; i < 50; i++) {
    const tcc = Buffer.from([0x03, (0x84 + i) & 0xff]);
    st.sendRtp(buildRtp({ seq: 10 + i, ssrc: 1111, pt: 100, payload: Buffer.alloc(900), ext: [{ id: 5, data: tcc }] }));
  }
  for (const [i, t] of rts.entries()) {
    const media = t.received.filter((p) => rtpSsrc(p) === 1111);
    assert.equal(media.length, 50, `receiver ${i} got the video`);
    const seqs = t.received.map((p) => transportSeq(p));
    assert.deepEqual(seqs, [...seqs.keys()], `receiver ${i}: its own sequence from 0, every packet`);
  }
  const r0 = conf.endpoints.get('r0')!;
  assert.equal(r0.estimatedBandwidthBps, undefined, 'no feedback yet');
  const rec = new TwccRecorder();
  rts[0].received.forEach((p, i) => rec.record(transportSeq(p)!, 100 + i));
  for (const fb of rec.buildFeedback(7, 1111)) rts[0].sendRtcp(fb);
  assert.ok(r0.estimatedBandwidthBps !== undefined && r0.estimatedBandwidthBps > 0);
  assert.equal(conf.endpoints.get('r1')!.estimatedBandwidthBps, undefined, 'the other receiver sent nothing');
  assert.ok('bwe' in r0.dump());

  // Probing: the allocator wants more than the estimate; padding goes out on the RTX ssrc, paced by tick().
  const before = rts[0].received.length;
  r0.bwe.wantedBps = 10 * r0.estimatedBandwidthBps!;
  conf.tick(); // the first tick after probing starts spends one tick's budget
  const probes = rts[0].received.slice(before);
  assert.ok(probes.length > 0, 'padding sent');
  for (const p of probes) {
    assert.equal(rtpSsrc(p), 2222, 'on the RTX ssrc the receiver knows');
    assert.equal(p[1] & 0x7f, 96, 'RTX payload type');
    assert.equal(rtpPayloadLength(p), 0, 'padding only');
    assert.ok(transportSeq(p) !== undefined, 'stamped, so feedback covers it');
  }
  const rtxSeqs = probes.map((p) => rtpSeq(p));
  assert.deepEqual(
    rtxSeqs,
    rtxSeqs.map((_, i) => (rtxSeqs[0] + i) & 0xffff),
    'one RTX sequence, no gaps',
  );
  assert.ok(counters.probePaddingBytes > 0);
  assert.equal(rts[1].received.filter((p) => rtpPayloadLength(p) === 0).length, 0, 'nothing wanted: no padding');
  conf.close();
});

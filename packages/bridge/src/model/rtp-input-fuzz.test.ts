// Seeded fuzz of the bridge's packet handlers in process: one endpoint of a conference of three sends
// junk RTP and RTCP (fixtures/rtp-junk.ts, the same junk tests/media/rtp-fuzz.test.ts sends over the
// network) protected with its own SRTP keys, so it authenticates and reaches parsing, feedback and
// forwarding. Junk must be rejected with a named drop counter, never by an exception in a handler
// (counted `handler-threw`); afterwards the others still get the sender's media and retransmissions.
// PARLEY_FUZZ_SEEDS replays a seed, PARLEY_FUZZ=long runs more.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzPlan, prng } from '@parley/protocol/fuzz';
import { buildNack, rtpSeq, rtpSsrc } from '../rtp/index.js';
import { type KeyedTransport, keyedMeeting as meeting, ssrcOf } from './fixtures/keyed-transport.js';
import { junkRtcp, junkRtp, type JunkTargets } from './fixtures/rtp-junk.js';

/** A well-formed VP8 packet: one-byte extension block with a mid (id 10, removed when forwarded). */
function videoPacket(ssrc: number, seq: number, extension = Buffer.from([0xbe, 0xde, 0, 1, 0xa0, 0x30, 0, 0])) {
  const head = Buffer.alloc(12);
  head[0] = 0x90;
  head[1] = 100;
  head.writeUInt16BE(seq, 2);
  head.writeUInt32BE(seq * 3000, 4);
  head.writeUInt32BE(ssrc, 8);
  return Buffer.concat([head, extension, Buffer.from([0x90, 0x80, 0x01, 0x00, 0x01, 0x02, 0x03])]);
}

const got = (t: KeyedTransport, ssrc: number, seq: number) =>
  t.rtp.filter((p) => rtpSsrc(p) === ssrc && rtpSeq(p) === seq).length;

test('a packet whose extension block runs past its length is dropped on arrival, not cached for a NACK', () => {
  const { bridge, b, f } = meeting();
  const video = ssrcOf(2, 'video');
  // Extension length says one word; its element claims 16 bytes.
  f.receive(f.browser.protectRtp(videoPacket(video, 500, Buffer.from([0xbe, 0xde, 0, 1, 0xaf, 0, 0, 0]))));
  f.receive(f.browser.protectRtp(videoPacket(video, 501)));
  assert.equal(bridge.counters.drops.get('rtp-bad-extension'), 1, 'the malformed one is counted by its fault');
  assert.equal(got(b, video, 501), 1, 'the well-formed one is forwarded');
  b.receive(b.browser.protectRtcp(buildNack(ssrcOf(0, 'video'), video, [500, 501])));
  assert.equal(bridge.counters.drops.get('handler-threw'), undefined, 'no handler threw');
  assert.equal(bridge.counters.retransmissions, 1, 'the NACK retransmits the packet the bridge has');
  bridge.close();
});

test('RTP/RTCP fuzz in process: junk is dropped with a named reason, no handler throws, media still flows', () => {
  const plan = fuzzPlan({ seeds: [1, 2, 3, 4, 5], inputs: 2000 }, process.env);
  const drops = new Map<string, number>();
  for (const seed of plan.seeds) {
    const replay = `PARLEY_FUZZ_SEEDS=${seed} node --import tsx --test packages/bridge/src/model/rtp-input-fuzz.test.ts`;
    const { bridge, b, c, f } = meeting();
    const own = [ssrcOf(2, 'audio'), ssrcOf(2, 'video'), ssrcOf(2, 'rtx')];
    const next = new Map(own.map((s, i) => [s, i < 2 ? 1000 : 20_000]));
    const targets: JunkTargets = {
      own,
      others: [0, 1].flatMap((i) => [ssrcOf(i, 'audio'), ssrcOf(i, 'video')]),
      nextSeq(ssrc) {
        const s = next.get(ssrc)!;
        next.set(ssrc, s + 1);
        return s;
      },
    };
    const rnd = prng(seed);
    for (let i = 0; i < plan.inputs; i++) {
      let packet: Buffer;
      try {
        packet =
          rnd() < 0.6
            ? f.browser.protectRtp(junkRtp(rnd, targets).packet)
            : f.browser.protectRtcp(junkRtcp(rnd, targets));
      } catch {
        continue; // the browser's SRTP refuses it (header past the end): it never reaches the bridge
      }
      f.receive(packet);
    }
    const threw = bridge.counters.drops.get('handler-threw') ?? 0;
    assert.equal(threw, 0, `seed ${seed}: ${threw} packets made a handler throw; replay: ${replay}`);
    // The sender's real video goes on after the junk's sequence numbers, to both others, and is retransmitted.
    const video = ssrcOf(2, 'video');
    const seq = next.get(video)!;
    f.receive(f.browser.protectRtp(videoPacket(video, seq)));
    for (const [name, t] of [
      ['B', b],
      ['C', c],
    ] as const)
      assert.equal(
        got(t, video, seq),
        1,
        `seed ${seed}: ${name} gets the fuzzer's video after the junk; replay: ${replay}`,
      );
    const before = bridge.counters.retransmissions;
    b.receive(b.browser.protectRtcp(buildNack(ssrcOf(0, 'video'), video, [seq])));
    assert.equal(
      bridge.counters.retransmissions,
      before + 1,
      `seed ${seed}: a NACK is still answered; replay: ${replay}`,
    );
    for (const [k, v] of bridge.counters.drops) drops.set(k, (drops.get(k) ?? 0) + v);
    bridge.close();
  }
  console.log(
    `rtp fuzz in process: ${plan.seeds.length} seeds x ${plan.inputs}; drops ${JSON.stringify(Object.fromEntries(drops))}`,
  );
  for (const reason of ['rtp-bad-extension', 'rtp-bad-padding', 'rtcp-malformed', 'unknown-ssrc'])
    assert.ok((drops.get(reason) ?? 0) > 0, `the junk reached the check that drops it as ${reason}`);
});

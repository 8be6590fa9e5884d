import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildRr, type RtcpPacket } from '../rtp/index.js';
import { MAX_RECEIVE_SSRCS } from '../srtp/index.js';
import { IDS, keyedMeeting, ssrcOf } from './fixtures/keyed-transport.js';
import { RtcpReporters } from './rtcp-reporters.js';

const block = { fractionLost: 0, packetsLost: 0, highestSeq: 0, jitter: 0, lsr: 0, dlsr: 0 };
const rr = (ssrc: number, about: number[]): RtcpPacket => ({
  type: 'rr',
  ssrc,
  reports: about.map((ssrc) => ({ ...block, ssrc })),
});
const known =
  (...ssrcs: number[]) =>
  (s: number) =>
    ssrcs.includes(s);

test('a reporter is released with the last media SSRC it spoke of', () => {
  const r = new RtcpReporters();
  const k = known(11, 12, 21);
  assert.equal(r.note(900, [rr(900, [11]), { type: 'nack', senderSsrc: 900, mediaSsrc: 12, seqs: [1] }], k), false);
  assert.equal(r.note(901, [{ type: 'pli', senderSsrc: 901, mediaSsrc: 21 }], k), false);
  assert.deepEqual(r.release([11]), [], '900 still speaks of 12');
  assert.deepEqual(r.release([12, 99]), [900]);
  assert.deepEqual(r.release([21]), [901]);
  assert.equal(r.size, 0);
});

test('a reporter that speaks of nothing the conference knows keeps no state; a known one is never noted', () => {
  const r = new RtcpReporters();
  assert.equal(r.note(900, [rr(900, [77])], known(11)), true, 'a late report about a stream that left');
  assert.equal(r.note(900, [rr(900, [])], known(11)), true, 'an empty receiver report');
  assert.equal(r.note(11, [rr(11, [])], known(11)), false, "the endpoint's own signaled SSRC");
  assert.equal(r.size, 0);
});

test('what is noted stays bounded by the SRTP receive cap and the conference', () => {
  const r = new RtcpReporters();
  for (let i = 0; i < MAX_RECEIVE_SSRCS + 50; i++)
    r.note(1000 + i, [{ type: 'remb', senderSsrc: 1000 + i, bitrate: 1, ssrcs: [11, 5000 + i] }], known(11));
  assert.equal(r.size, MAX_RECEIVE_SSRCS);
  assert.equal(r.release([11]).length, MAX_RECEIVE_SSRCS);
});

test("a receiver's report SSRC keeps SRTCP state on the bridge only while the stream it reports on is there", () => {
  const { bridge, b } = keyedMeeting();
  const cAudio = ssrcOf(1, 'audio');
  const reporter = 0x5eed; // b's receiver of c's audio picks its own SSRC (werift does, per remote track)
  const receiveRtcp = () => bridge.conferences.get('m1')!.endpoints.get(IDS[0])!.srtpStates.in.receiveRtcp;
  b.receive(b.browser.protectRtcp(buildRr(reporter, [{ ...block, ssrc: cAudio }])));
  assert.deepEqual(receiveRtcp(), [reporter], 'b reports on c: kept');
  // c leaves: what b's receiver of c said no longer matters.
  bridge.handleConferenceModify({ meetingId: 'm1', endpoints: [{ id: IDS[1], expire: true }] });
  assert.deepEqual(receiveRtcp(), [], "gone with c's streams");
  // A late report from that receiver, before b's renegotiation removes it, leaves nothing either.
  b.receive(b.browser.protectRtcp(buildRr(reporter, [{ ...block, ssrc: cAudio }])));
  assert.deepEqual(receiveRtcp(), []);
  // b's own signaled SSRC reports with state kept (Chrome's receiver reports use its send SSRC).
  b.receive(b.browser.protectRtcp(buildRr(ssrcOf(0, 'audio'), [])));
  assert.deepEqual(receiveRtcp(), [ssrcOf(0, 'audio')]);
  bridge.close();
});

// The sources a participant announces, in the shapes real clients send: Parley's own client (with
// <ssrc-info owner>) and lib-jitsi-meet (without: the sender owns them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseJingle, parseXml, type IceTransport } from '@parley/protocol';
import { sessionOpening, sourcesOf } from './jingle-offer.js';
import { noSources, sourceProblem, ssrcsOf, type EndpointSources } from './sources.js';

const fixture = (name: string) =>
  parseJingle(parseXml(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')));
const sender = 'a1b2c3d4';

test("lib-jitsi-meet's session-accept (no ssrc-info, SIM + FID groups): every source belongs to the sender", () => {
  const sources = sourcesOf(fixture('ljm-session-accept.xml'), sender);
  assert.deepEqual(
    [...sources.audio.sources, ...sources.video.sources].map((s) => [s.name, s.owner]),
    [['a1b2c3d4-a0', sender], ...Array.from({ length: 6 }, () => ['a1b2c3d4-v0', sender])],
  );
  assert.deepEqual(
    sources.video.groups.map((g) => g.semantics),
    ['SIM', 'FID', 'FID', 'FID'],
  );
  assert.equal(sourceProblem(sender, sources, new Set()), undefined);
});

test("lib-jitsi-meet's source-add (a screen share, no ssrc-info) is the sender's desktop source", () => {
  const sources = sourcesOf(fixture('ljm-source-add.xml'), sender);
  assert.deepEqual(ssrcsOf(sources), [1122334455, 2233445566]);
  assert.ok(sources.video.sources.every((s) => s.owner === sender && s.videoType === 'desktop'));
  assert.equal(sourceProblem(sender, sources, new Set()), undefined);
});

test('a source whose ssrc-info names someone else is still refused, naming the owner', () => {
  const xml = readFileSync(new URL('./fixtures/ljm-source-add.xml', import.meta.url), 'utf8').replace(
    '<parameter name="msid"',
    '<ssrc-info xmlns="http://jitsi.org/jitmeet" owner="r@conference.meet.parley.local/deadbeef"/><parameter name="msid"',
  );
  const sources = sourcesOf(parseJingle(parseXml(xml)), sender);
  assert.equal(
    sourceProblem(sender, sources, new Set()),
    'source a1b2c3d4-v1 is owned by "deadbeef", not by the sender a1b2c3d4',
  );
});

test("the offer carries no sources; everyone else's follow in one source-add after the accept", () => {
  const others: EndpointSources = {
    audio: { sources: [{ ssrc: 11, name: 'aaaaaaaa-a0', owner: 'aaaaaaaa' }], groups: [] },
    video: {
      sources: [
        { ssrc: 21, name: 'aaaaaaaa-v0', owner: 'aaaaaaaa', videoType: 'camera' },
        { ssrc: 22, name: 'aaaaaaaa-v0', owner: 'aaaaaaaa', videoType: 'camera' },
      ],
      groups: [{ semantics: 'FID', ssrcs: [21, 22] }],
    },
  };
  const transport: IceTransport = {
    ufrag: 'u',
    pwd: 'p',
    rtcpMux: true,
    fingerprints: [],
    candidates: [],
    sctpPort: 5000,
  };
  const opening = sessionOpening({ sid: 's1', initiator: 'r@c/focus', responder: 'x@d/y', transport, others });
  // lib-jitsi-meet would put a source named in the offer on the m-line it sends on (the BUNDLE tag for
  // audio), and reject that m-line when the source leaves: Chrome then refuses the whole offer.
  assert.deepEqual(
    opening.offer.contents.map((c) => [
      c.name,
      c.description?.sources.length ?? 0,
      c.description?.sourceGroups.length ?? 0,
    ]),
    [
      ['audio', 0, 0],
      ['video', 0, 0],
      ['data', 0, 0],
    ],
  );
  assert.equal(opening.offer.action, 'session-initiate');
  assert.deepEqual(opening.offer.bundle, ['audio', 'video', 'data']);
  const add = opening.afterAccept!;
  assert.equal(add.action, 'source-add');
  assert.equal(add.sid, 's1');
  assert.deepEqual(
    add.contents.map((c) => [
      c.name,
      c.description!.sources.map((s) => `${s.ssrc}:${s.owner}`),
      c.description!.sourceGroups,
    ]),
    [
      ['audio', ['11:aaaaaaaa'], []],
      ['video', ['21:aaaaaaaa', '22:aaaaaaaa'], [{ semantics: 'FID', ssrcs: [21, 22] }]],
    ],
  );
  const first = sessionOpening({ sid: 's2', initiator: 'r@c/focus', responder: 'x@d/y', transport, others: noSources });
  assert.equal(first.afterAccept, undefined, 'the first participant gets no source-add');
});

// The sources a participant announces, in the shapes real clients send: Parley's own client (with
// <ssrc-info owner>) and lib-jitsi-meet (without: the sender owns them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseJingle, parseXml } from '@parley/protocol';
import { sourcesOf } from './jingle-offer.js';
import { sourceProblem, ssrcsOf } from './sources.js';

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

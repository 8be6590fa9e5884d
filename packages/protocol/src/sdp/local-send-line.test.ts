import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseXml } from '../xml/element.js';
import { ProtocolError } from '../errors/protocol-error.js';
import { parseJingle } from '../jingle/codec.js';
import type { Jingle } from '../jingle/model.js';
import { RemoteDescription } from './remote-description.js';
import { answerToJingle } from './answer.js';
import { parseSdp, sdpAttribute, sdpAttributes, sdpDirection, type SdpMediaSection } from './parse.js';

const load = (name: string): Jingle =>
  parseJingle(parseXml(readFileSync(new URL(`../jingle/fixtures/${name}`, import.meta.url), 'utf8')));
const midOf = (m: SdpMediaSection): string | undefined => sdpAttribute(m.lines, 'mid');
const section = (sdp: string, mid: string): SdpMediaSection => parseSdp(sdp).media.find((m) => midOf(m) === mid)!;
const version = (sdp: string): string => /^o=- \d+ (\d+) /m.exec(sdp)![1]!;

test('addLocalSendLine appends a recvonly line with the codecs and extensions of the video content', () => {
  const rd = RemoteDescription.fromJingle(load('session-initiate.xml'));
  const before = rd.toSdp();
  const mid = rd.addLocalSendLine('video');
  assert.equal(mid, 'video-local-1');
  const sdp = rd.toSdp();
  assert.notEqual(version(sdp), version(before));
  const parsed = parseSdp(sdp);
  assert.equal(midOf(parsed.media.at(-1)!), 'video-local-1');
  assert.ok(sdpAttribute(parsed.lines, 'group')!.endsWith(' video-local-1'));
  const added = section(sdp, 'video-local-1');
  const video = section(sdp, 'video');
  assert.equal(sdpDirection(added), 'recvonly');
  assert.deepEqual(added.formats, video.formats);
  assert.deepEqual(sdpAttributes(added.lines, 'rtpmap'), sdpAttributes(video.lines, 'rtpmap'));
  assert.deepEqual(sdpAttributes(added.lines, 'extmap'), sdpAttributes(video.lines, 'extmap'));
  assert.deepEqual(sdpAttributes(added.lines, 'ssrc'), []);
  const line = rd.mLines().find((l) => l.mid === mid)!;
  assert.equal(line.role, 'local');
  assert.equal(line.added, true);
  // Earlier m-lines are unchanged and keep their order.
  assert.deepEqual(parsed.media.slice(0, -1).map(midOf), parseSdp(before).media.map(midOf));
});

test('removeLocalSendLine turns the line inactive; the next add reuses it; remote sources never take it', () => {
  const rd = RemoteDescription.fromJingle(load('session-initiate.xml'));
  const mid = rd.addLocalSendLine('video');
  rd.removeLocalSendLine(mid);
  assert.equal(sdpDirection(section(rd.toSdp(), mid)), 'inactive');
  const v = version(rd.toSdp());
  rd.removeLocalSendLine(mid); // idempotent
  assert.equal(version(rd.toSdp()), v);
  rd.addSources([{ ssrc: 987654321, name: 'f0f0f0f0-v0', owner: 'f0f0f0f0' }]);
  assert.notEqual(rd.midOfSource('f0f0f0f0-v0'), mid);
  assert.equal(rd.addLocalSendLine('video'), mid);
  assert.equal(sdpDirection(section(rd.toSdp(), mid)), 'recvonly');
  assert.equal(rd.addLocalSendLine('video'), 'video-local-2');
  assert.equal(rd.addLocalSendLine('audio'), 'audio-local-1');
  assert.equal(rd.sourceOfMid(mid), undefined);
});

test('removeLocalSendLine refuses lines it did not add', () => {
  const rd = RemoteDescription.fromJingle(load('session-initiate.xml'));
  assert.throws(() => rd.removeLocalSendLine('video'), ProtocolError);
  assert.throws(() => rd.removeLocalSendLine('nope'), ProtocolError);
});

test('the answer names a sending added line <id>-v1 with videoType desktop', () => {
  const answer = readFileSync(new URL('./fixtures/chromium-answer.sdp', import.meta.url), 'utf8');
  const parts = answer.split(/(?=^m=)/m);
  const i = parts.findIndex((p) => p.includes('a=mid:video-3'));
  parts[i] =
    parts[i]!.replace('a=mid:video-3', 'a=mid:video-local-1').replace('a=recvonly', 'a=sendonly') +
    'a=ssrc:1234567 cname:Jq3vB9xW2rT5yU8i\r\na=ssrc:1234567 msid:screen-stream screen-track\r\n';
  const j = answerToJingle(parts.join(''), {
    sid: 's1',
    endpointId: 'e1e2e3e4',
    videoTypes: { 'video-local-1': 'desktop' },
  });
  const video = j.contents.find((c) => c.name === 'video')!.description!;
  const screen = video.sources.filter((s) => s.ssrc === 1234567);
  assert.deepEqual(screen, [
    { ssrc: 1234567, name: 'e1e2e3e4-v1', owner: 'e1e2e3e4', msid: 'screen-stream screen-track', videoType: 'desktop' },
  ]);
  assert.ok(
    video.sources.filter((s) => s.ssrc !== 1234567).every((s) => s.name === 'e1e2e3e4-v0' && s.videoType === 'camera'),
  );
});

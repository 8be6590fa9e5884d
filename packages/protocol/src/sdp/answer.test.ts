import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ProtocolError } from '../errors/protocol-error.js';
import { jingleToXml, parseJingle } from '../jingle/codec.js';
import { defaultAudioDescription } from '../jingle/codecs.js';
import type { IceCandidate } from '../jingle/model.js';
import { answerToJingle, sdpToJingleContents } from './answer.js';
import { parseSdp, sdpAttribute } from './parse.js';
import { writeSdp } from './write.js';

const answer = readFileSync(new URL('./fixtures/chromium-answer.sdp', import.meta.url), 'utf8');
const opts = { sid: '1c9a3e5d7f2b', responder: 'room1@conference.meet.example/e1e2e3e4', endpointId: 'e1e2e3e4' };

test('Chromium answer -> session-accept', () => {
  const dropped: [IceCandidate, string][] = [];
  const j = answerToJingle(answer, { ...opts, onDroppedCandidate: (c, why) => dropped.push([c, why]) });
  assert.equal(j.action, 'session-accept');
  assert.equal(j.sid, opts.sid);
  assert.equal(j.responder, opts.responder);
  assert.deepEqual(j.bundle, ['audio', 'video', 'data']);
  assert.deepEqual(
    j.contents.map((c) => [c.name, c.creator, c.senders]),
    [
      ['audio', 'initiator', 'both'],
      ['video', 'initiator', 'both'],
      ['data', 'initiator', 'both'],
    ],
  );
  const [audio, video, data] = j.contents;

  assert.deepEqual(audio!.description!.payloadTypes, defaultAudioDescription().payloadTypes);
  assert.deepEqual(audio!.description!.headerExtensions, defaultAudioDescription().headerExtensions);
  assert.equal(audio!.description!.extmapAllowMixed, true);
  assert.deepEqual(audio!.description!.sources, [
    {
      ssrc: 3141592653,
      name: 'e1e2e3e4-a0',
      owner: 'e1e2e3e4',
      msid: '7f2d9c1e-4a6b-4c8d-9e0f-123456789abc 0b1c2d3e-aaaa-4bbb-8ccc-dddddddddd01',
    },
  ]);
  const vd = video!.description!;
  assert.deepEqual(
    vd.payloadTypes.map((p) => p.id),
    [100, 96, 101, 97, 107, 99, 41],
  );
  assert.deepEqual(vd.payloadTypes[4]!.parameters, {
    'level-asymmetry-allowed': '1',
    'packetization-mode': '1',
    'profile-level-id': '42e01f',
  });
  assert.deepEqual(vd.payloadTypes[0]!.rtcpFeedback, [
    { type: 'goog-remb' },
    { type: 'transport-cc' },
    { type: 'ccm', subtype: 'fir' },
    { type: 'nack' },
    { type: 'nack', subtype: 'pli' },
  ]);
  assert.deepEqual(vd.payloadTypes[1], {
    id: 96,
    name: 'rtx',
    clockrate: 90000,
    parameters: { apt: '100' },
    rtcpFeedback: [],
  });
  assert.deepEqual(
    vd.sources.map((s) => [s.ssrc, s.name, s.owner, s.videoType]),
    [
      [2718281828, 'e1e2e3e4-v0', 'e1e2e3e4', 'camera'],
      [1618033988, 'e1e2e3e4-v0', 'e1e2e3e4', 'camera'],
    ],
  );
  assert.deepEqual(vd.sourceGroups, [{ semantics: 'FID', ssrcs: [2718281828, 1618033988] }]);
  assert.equal(vd.rtcpMux, true);

  const t = audio!.transport!;
  assert.equal(t.ufrag, 'Qp7x');
  assert.equal(t.pwd, 'mF3rT6yZ0kLq1sWv8nBc2dEh');
  assert.deepEqual(t.fingerprints, [
    {
      hash: 'sha-256',
      setup: 'active',
      value: 'A1:B2:C3:D4:E5:F6:07:18:29:3A:4B:5C:6D:7E:8F:90:A1:B2:C3:D4:E5:F6:07:18:29:3A:4B:5C:6D:7E:8F:90',
    },
  ]);
  // the .local candidate is dropped and reported once; duplicates across m-lines collapse
  assert.deepEqual(
    t.candidates.map((c) => `${c.protocol} ${c.ip} ${c.port} ${c.type}`),
    ['udp 198.51.100.23 54400 srflx', 'tcp 192.168.1.20 9 host'],
  );
  assert.equal(dropped.length, 1);
  assert.match(dropped[0]![0].ip, /\.local$/);
  assert.match(dropped[0]![1], /mDNS/);
  assert.ok(j.contents.every((c) => c.transport!.candidates.every((x) => !x.ip.endsWith('.local'))));
  assert.equal(data!.transport!.sctpPort, 5000);
  assert.equal(data!.description, undefined);
  assert.equal(audio!.transport!.sctpPort, undefined);

  // and it survives the trip to XML and back
  assert.deepEqual(parseJingle(jingleToXml(j)), j);
});

test('a second sending video m-line is the screen share (-v1, desktop)', () => {
  const sdp = parseSdp(answer);
  const m = sdp.media.find((x) => sdpAttribute(x.lines, 'mid') === 'video-1')!;
  m.lines = m.lines.map((l) => (l.value === 'recvonly' ? { type: 'a', value: 'sendonly' } : l));
  m.lines.push({ type: 'a', value: 'msid:screen-stream screen-track' }, { type: 'a', value: 'ssrc:77 cname:x' });
  const contents = sdpToJingleContents(writeSdp(sdp), { endpointId: 'e1e2e3e4', videoTypes: { 'video-1': 'desktop' } });
  const v1 = contents[1]!.description!.sources.filter((s) => s.name === 'e1e2e3e4-v1');
  assert.deepEqual(v1, [
    { ssrc: 77, name: 'e1e2e3e4-v1', owner: 'e1e2e3e4', msid: 'screen-stream screen-track', videoType: 'desktop' },
  ]);
});

test('content names can be chosen; rejected (port 0) m-lines are ignored', () => {
  const sdp = parseSdp(answer);
  sdp.media[2]!.port = 0;
  const j = answerToJingle(writeSdp(sdp), { ...opts, contentNames: { audio: 'a', video: 'v' } });
  assert.deepEqual(
    j.contents.map((c) => c.name),
    ['a', 'v'],
  );
  assert.deepEqual(j.bundle, ['a', 'v']);
});

test('malformed answers give ProtocolError naming the problem', () => {
  const bad = (text: string, re: RegExp): void => {
    assert.throws(
      () => answerToJingle(text, opts),
      (e: unknown) => e instanceof ProtocolError && re.test(e.message),
    );
  };
  bad(answer.replace(/a=fingerprint:sha-256 /g, 'a=fingerprint:'), /fingerprint without hash in m-line 'audio'/);
  bad(answer.replace(/a=ice-ufrag:Qp7x\r\n/g, ''), /no a=ice-ufrag in m-line 'audio'/);
  bad('garbage', /SDP line 1/);
  bad(answer.replace('m=audio 9 UDP', 'm=audio x UDP'), /m= line port 'x' is not a number/);
  bad(
    answer.replace('a=ssrc:3141592653 cname', 'a=ssrc:31415x cname'),
    /ssrc '31415x' is not a number in m-line 'audio'/,
  );
  bad(answer.replace('a=rtpmap:111 opus/48000/2', 'a=rtpmap:111 opus'), /malformed rtpmap '111 opus'/);
  bad(answer.replace(/192\.168\.1\.20 9 typ/, '192.168.1.20 nine typ'), /candidate port 'nine' is not a number/);
  assert.throws(() => answerToJingle(answer, { ...opts, endpointId: '' }), /endpointId/);
});

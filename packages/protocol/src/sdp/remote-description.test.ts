import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseXml } from '../xml/element.js';
import { ProtocolError } from '../errors/protocol-error.js';
import { jingleToXml, parseJingle } from '../jingle/codec.js';
import type { Jingle, Source } from '../jingle/model.js';
import { RemoteDescription } from './remote-description.js';
import { offerSdpToJingle } from './answer.js';
import { parseSdp, sdpAttribute, sdpAttributes, sdpDirection, type SdpMediaSection } from './parse.js';
import { candidateToSdp } from './candidate.js';

const load = (name: string): Jingle =>
  parseJingle(parseXml(readFileSync(new URL(`../jingle/fixtures/${name}`, import.meta.url), 'utf8')));

const midOf = (m: SdpMediaSection): string | undefined => sdpAttribute(m.lines, 'mid');

function withoutCandidateIds(j: Jingle): Jingle {
  const copy = structuredClone(j);
  for (const c of copy.contents) for (const cand of c.transport?.candidates ?? []) delete cand.id;
  return copy;
}

/** The Jingle as a receiver sees it: simulcast sources reduced to their first SIM ssrc + its FID partner. */
function receivedOnly(j: Jingle): Jingle {
  const copy = structuredClone(j);
  for (const c of copy.contents) {
    const d = c.description;
    if (!d) continue;
    const dropped = new Set<number>();
    for (const g of d.sourceGroups.filter((x) => x.semantics === 'SIM')) {
      const rtx = d.sourceGroups.find((x) => x.semantics === 'FID' && x.ssrcs[0] === g.ssrcs[0])?.ssrcs[1];
      for (const x of g.ssrcs.slice(1)) dropped.add(x);
      for (const f of d.sourceGroups.filter((x) => x.semantics === 'FID' && g.ssrcs.slice(1).includes(x.ssrcs[0]!)))
        if (f.ssrcs[1] !== rtx) dropped.add(f.ssrcs[1]!);
    }
    d.sources = d.sources.filter((x) => !dropped.has(x.ssrc));
    d.sourceGroups = d.sourceGroups.filter((g) => g.semantics !== 'SIM' && !g.ssrcs.some((x) => dropped.has(x)));
  }
  return copy;
}

test('session-initiate -> offer SDP: layout, codecs, extensions, sources, candidates', () => {
  const j = load('session-initiate.xml');
  const rd = RemoteDescription.fromJingle(j);
  const text = rd.toSdp();
  assert.ok(text.endsWith('\r\n') && !/[^\r]\n/.test(text), 'CRLF line endings');
  const sdp = parseSdp(text);
  assert.deepEqual(sdp.media.map(midOf), [
    'audio',
    'video',
    'data',
    'audio-1',
    'audio-2',
    'video-1',
    'video-2',
    'video-3',
  ]);
  assert.equal(sdpAttribute(sdp.lines, 'group'), 'BUNDLE audio video data audio-1 audio-2 video-1 video-2 video-3');
  assert.equal(sdpAttribute(sdp.lines, 'msid-semantic'), ' WMS *');
  assert.ok(sdpAttributes(sdp.lines, 'extmap-allow-mixed').length === 1);
  assert.ok(!text.includes('ice-lite'));
  assert.deepEqual(
    sdp.media.map((m) => sdpDirection(m)),
    ['recvonly', 'recvonly', 'sendrecv', 'sendonly', 'sendonly', 'sendonly', 'sendonly', 'sendonly'],
  );

  const transport = j.contents[0]!.transport!;
  for (const m of sdp.media) {
    assert.equal(sdpAttribute(m.lines, 'ice-ufrag'), transport.ufrag);
    assert.equal(sdpAttribute(m.lines, 'ice-pwd'), transport.pwd);
    assert.equal(sdpAttribute(m.lines, 'fingerprint'), `sha-256 ${transport.fingerprints[0]!.value}`);
    assert.equal(sdpAttribute(m.lines, 'setup'), 'actpass');
    assert.deepEqual(
      sdpAttributes(m.lines, 'candidate').map((c) => `candidate:${c}`),
      transport.candidates.map(candidateToSdp),
    );
    assert.equal(m.port, 9);
  }
  const data = sdp.media[2]!;
  assert.equal(
    `${data.kind} ${data.protocol} ${data.formats.join(' ')}`,
    'application UDP/DTLS/SCTP webrtc-datachannel',
  );
  assert.equal(sdpAttribute(data.lines, 'sctp-port'), '5000');

  // every codec (pt, name, rate, fmtp, rtcp-fb) and extension of each media type on each of its m-lines
  for (const content of j.contents.filter((c) => c.description)) {
    const d = content.description!;
    for (const m of sdp.media.filter((x) => x.kind === d.media)) {
      assert.deepEqual(
        m.formats,
        d.payloadTypes.map((p) => String(p.id)),
      );
      for (const pt of d.payloadTypes) {
        assert.ok(
          sdpAttributes(m.lines, 'rtpmap').includes(
            `${pt.id} ${pt.name}/${pt.clockrate}${pt.channels ? `/${pt.channels}` : ''}`,
          ),
        );
        for (const fb of pt.rtcpFeedback)
          assert.ok(
            sdpAttributes(m.lines, 'rtcp-fb').includes(`${pt.id} ${fb.type}${fb.subtype ? ` ${fb.subtype}` : ''}`),
          );
        const params = Object.entries(pt.parameters)
          .map(([k, v]) => `${k}=${v}`)
          .join(';');
        if (params) assert.ok(sdpAttributes(m.lines, 'fmtp').includes(`${pt.id} ${params}`), `fmtp ${pt.id}`);
      }
      assert.deepEqual(
        sdpAttributes(m.lines, 'extmap'),
        d.headerExtensions.map((h) => `${h.id} ${h.uri}`),
      );
      assert.ok(sdpAttributes(m.lines, 'rtcp-mux').length === 1);
    }
    // every remote ssrc (cname + msid) and group on the m-line of its source; of a simulcast
    // source only the first layer (first SIM ssrc and its FID partner), see receivedOnly()
    const received = receivedOnly(j).contents.find((c) => c.name === content.name)!.description!;
    for (const s of received.sources) {
      const m = sdp.media.find((x) => midOf(x) === rd.midOfSource(s.name))!;
      assert.equal(m.kind, d.media);
      assert.ok(sdpAttributes(m.lines, 'ssrc').includes(`${s.ssrc} cname:${s.owner}`));
      assert.ok(sdpAttributes(m.lines, 'ssrc').includes(`${s.ssrc} msid:${s.msid}`));
      assert.equal(sdpAttribute(m.lines, 'msid'), s.msid);
    }
    for (const g of received.sourceGroups) {
      const owner = d.sources.find((s) => s.ssrc === g.ssrcs[0])!;
      const m = sdp.media.find((x) => midOf(x) === rd.midOfSource(owner.name))!;
      assert.ok(sdpAttributes(m.lines, 'ssrc-group').includes(`${g.semantics} ${g.ssrcs.join(' ')}`));
    }
  }
  for (const [mid, ssrcs] of [
    ['video-1', '1001 1011'],
    ['video-2', '2001 2011'],
  ] as const) {
    const m = sdp.media.find((x) => midOf(x) === mid)!;
    assert.deepEqual(sdpAttributes(m.lines, 'ssrc-group'), [`FID ${ssrcs}`], `${mid}: only the first layer's FID`);
    assert.deepEqual([...new Set(sdpAttributes(m.lines, 'ssrc').map((x) => x.split(' ')[0]))].join(' '), ssrcs);
  }
  const video3 = sdp.media[7]!;
  assert.deepEqual(sdpAttributes(video3.lines, 'ssrc-group'), ['FID 2101 2111']);
  assert.equal(rd.sourceOfMid('video-3'), '5e6f7a8b-v1');
  assert.equal(rd.midOfSource('1a2b3c4d-v0'), 'video-1');
  assert.equal(rd.sourceOfMid('audio'), undefined);
  assert.deepEqual(rd.remoteSourceNames(), ['1a2b3c4d-a0', '5e6f7a8b-a0', '1a2b3c4d-v0', '5e6f7a8b-v0', '5e6f7a8b-v1']);
});

test('Jingle -> SDP -> Jingle keeps every source, group, codec, extension and candidate', () => {
  const j = load('session-initiate.xml');
  const back = offerSdpToJingle(RemoteDescription.fromJingle(j).toSdp(), { sid: j.sid, initiator: j.initiator! });
  // The candidate id is a Jingle-only attribute (SDP has no place for it); everything else survives.
  assert.deepEqual(back, withoutCandidateIds(receivedOnly(j)));
});

test('renegotiation: stable mids, freed m-lines reused, removed ones inactive, never fewer m-lines', () => {
  const j = load('session-initiate.xml');
  const rd = RemoteDescription.fromJingle(j);
  const before = rd.mids;
  let count = before.length;
  const check = (): ReturnType<typeof parseSdp> => {
    const sdp = parseSdp(rd.toSdp());
    assert.ok(sdp.media.length >= count, 'm-line count never shrinks');
    count = sdp.media.length;
    assert.deepEqual(sdp.media.map(midOf).slice(0, before.length), before, 'earlier mids keep their place');
    assert.equal(sdpAttribute(sdp.lines, 'group'), `BUNDLE ${rd.mids.join(' ')}`);
    return sdp;
  };

  // source-add: 2 sources (audio + video with FID) -> two new m-lines
  const added = rd.applySourceAdd(load('source-add.xml'));
  assert.deepEqual(added, ['audio-3', 'video-4']);
  let sdp = check();
  assert.equal(sdp.media.length, 10);
  assert.deepEqual(sdpAttributes(sdp.media[9]!.lines, 'ssrc-group'), ['FID 3001 3011']);

  // source-remove: the desktop share -> its m-line goes inactive without ssrcs, stays in place
  assert.deepEqual(rd.applySourceRemove(load('source-remove.xml')), ['video-3']);
  sdp = check();
  const removed = sdp.media.find((m) => midOf(m) === 'video-3')!;
  assert.equal(sdpDirection(removed), 'inactive');
  assert.deepEqual(sdpAttributes(removed.lines, 'ssrc'), []);
  assert.deepEqual(sdpAttributes(removed.lines, 'ssrc-group'), []);
  assert.deepEqual(sdpAttributes(removed.lines, 'msid'), []);
  assert.equal(removed.port, 9);
  assert.equal(rd.sourceOfMid('video-3'), undefined);
  assert.equal(rd.midOfSource('5e6f7a8b-v1'), undefined);

  // source-add again: a new screen share reuses the freed video m-line
  const screen: Source[] = [
    { ssrc: 4001, name: '9c8d7e6f-v1', owner: '9c8d7e6f', videoType: 'desktop' },
    { ssrc: 4011, name: '9c8d7e6f-v1', owner: '9c8d7e6f', videoType: 'desktop' },
  ];
  assert.deepEqual(rd.addSources(screen, [{ semantics: 'FID', ssrcs: [4001, 4011] }]), ['video-3']);
  sdp = check();
  assert.equal(sdp.media.length, 10);
  const reused = sdp.media.find((m) => midOf(m) === 'video-3')!;
  assert.equal(sdpDirection(reused), 'sendonly');
  assert.deepEqual(sdpAttributes(reused.lines, 'ssrc-group'), ['FID 4001 4011']);
  assert.ok(sdpAttributes(reused.lines, 'ssrc').includes('4001 msid:9c8d7e6f 9c8d7e6f-v1'));
  assert.equal(rd.sourceOfMid('video-3'), '9c8d7e6f-v1');

  // an audio source with no freed audio m-line appends one
  assert.deepEqual(rd.addSources([{ ssrc: 5000, name: 'abcdef01-a0', owner: 'abcdef01' }]), ['audio-4']);
  sdp = check();
  assert.equal(sdp.media.length, 11);
  // remove by ssrc works too
  assert.deepEqual(rd.removeSources([5000]), ['audio-4']);
  check();
  // o= version grows with every change
  assert.match(rd.toSdp(), /^v=0\r\no=- \d+ 6 IN IP4 0\.0\.0\.0\r\n/);
  // trickled candidates land on every m-line; known ones are ignored
  const relay = {
    foundation: '9',
    component: 1,
    protocol: 'udp' as const,
    priority: 5,
    ip: '198.51.100.1',
    port: 3478,
    type: 'relay' as const,
  };
  assert.equal(rd.addCandidates([relay, j.contents[0]!.transport!.candidates[0]!]), 1);
  sdp = check();
  assert.ok(
    sdp.media.every((m) => sdpAttributes(m.lines, 'candidate').includes('9 1 udp 5 198.51.100.1 3478 typ relay')),
  );
});

test('RemoteDescription rejects what it cannot offer', () => {
  const j = load('session-initiate.xml');
  const rd = RemoteDescription.fromJingle(j);
  assert.throws(
    () => rd.addSources([{ ssrc: 1000, name: 'ffffffff-a0', owner: 'ffffffff' }]),
    (e: unknown) =>
      e instanceof ProtocolError &&
      /ssrc 1000 of source 'ffffffff-a0' is already used by source '1a2b3c4d-a0'/.test(e.message),
  );
  assert.throws(
    () => rd.addSources([{ ssrc: 9, name: 'weird', owner: 'x' }]),
    /cannot tell the media type of source 'weird'/,
  );
  const noTransport: Jingle = { ...j, contents: j.contents.map(({ transport: _t, ...c }) => c) };
  assert.throws(() => RemoteDescription.fromJingle(noTransport), /session-initiate has no transport/);
  const audioOnly: Jingle = { ...j, contents: [j.contents[0]!] };
  assert.throws(
    () => RemoteDescription.fromJingle(audioOnly).addSources([{ ssrc: 7, name: 'x-v0', owner: 'x' }]),
    /no video content/,
  );
});

test('an ICE-lite bridge is announced as a=ice-lite, so the browser takes the controlling role, and survives the round trip', () => {
  const j = load('session-initiate.xml');
  for (const c of j.contents) if (c.transport) c.transport.iceLite = true;
  const text = RemoteDescription.fromJingle(j).toSdp();
  assert.equal(sdpAttributes(parseSdp(text).lines, 'ice-lite').length, 1, 'one session-level a=ice-lite');
  assert.deepEqual(
    offerSdpToJingle(text, { sid: j.sid, initiator: j.initiator! }),
    withoutCandidateIds(receivedOnly(j)),
  );
  const xmlText = jingleToXml(j).toString();
  assert.match(xmlText, /<ice-lite\/>/);
  assert.deepEqual(parseJingle(parseXml(xmlText)), j);
});

test('a simulcast source is offered as its first layer only, also when its groups come in a later source-add', () => {
  const j = load('session-initiate.xml');
  const rd = RemoteDescription.fromJingle(j);
  const line = rd.mLines().find((l) => l.sourceName === '1a2b3c4d-v0')!;
  assert.deepEqual(
    line.sources.map((s) => s.ssrc),
    [1001, 1011],
  );
  assert.deepEqual(line.simulcast, { semantics: 'SIM', ssrcs: [1001, 1002, 1003] });
  // Sources first, groups later (as some senders announce them): the layers go once the SIM group is known.
  const src = (ssrc: number): Source => ({ ssrc, name: 'cafe0001-v0', owner: 'cafe0001' });
  rd.addSources([src(31), src(32), src(41), src(42)], [], 'video');
  assert.equal(rd.mLines().find((l) => l.sourceName === 'cafe0001-v0')!.sources.length, 4);
  rd.addSources(
    [],
    [
      { semantics: 'SIM', ssrcs: [31, 32] },
      { semantics: 'FID', ssrcs: [31, 41] },
      { semantics: 'FID', ssrcs: [32, 42] },
    ],
  );
  const later = rd.mLines().find((l) => l.sourceName === 'cafe0001-v0')!;
  assert.deepEqual(
    later.sources.map((s) => s.ssrc),
    [31, 41],
  );
  assert.deepEqual(later.groups, [{ semantics: 'FID', ssrcs: [31, 41] }]);
  // A source-remove naming only an upper layer's ssrc still frees the m-line.
  assert.deepEqual(rd.removeSources([32]), [rd.midOfSource('cafe0001-v0') ?? later.mid]);
  assert.equal(rd.midOfSource('cafe0001-v0'), undefined);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseXml, xml } from '../xml/element.js';
import { ProtocolError } from '../errors/protocol-error.js';
import { jingleToXml, parseJingle } from './codec.js';
import { defaultAudioDescription, defaultVideoDescription, HDREXT } from './codecs.js';
import type { Jingle } from './model.js';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const load = (name: string): Jingle => parseJingle(parseXml(fixture(name)));

function sampleJingle(): Jingle {
  const audio = defaultAudioDescription();
  audio.sources.push({ ssrc: 1000, name: 'aaaa0001-a0', owner: 'aaaa0001', msid: 's t' });
  const video = defaultVideoDescription();
  video.extmapAllowMixed = true;
  video.headerExtensions[0]!.senders = 'initiator';
  video.sources.push(
    { ssrc: 2001, name: 'aaaa0001-v0', owner: 'aaaa0001', videoType: 'camera' },
    { ssrc: 2002, name: 'aaaa0001-v0', owner: 'aaaa0001', videoType: 'camera' },
  );
  video.sourceGroups.push({ semantics: 'FID', ssrcs: [2001, 2002] });
  const transport = {
    ufrag: 'u1',
    pwd: 'p1',
    rtcpMux: true,
    fingerprints: [{ hash: 'sha-256', value: 'AB:CD', setup: 'actpass' as const }],
    candidates: [
      {
        foundation: '1',
        component: 1,
        protocol: 'udp' as const,
        priority: 100,
        ip: '10.0.0.1',
        port: 10000,
        type: 'host' as const,
        generation: 0,
        network: 0,
        id: 'c1',
      },
      {
        foundation: '2',
        component: 1,
        protocol: 'tcp' as const,
        priority: 50,
        ip: '10.0.0.1',
        port: 4443,
        type: 'host' as const,
        tcptype: 'passive' as const,
      },
      {
        foundation: '3',
        component: 1,
        protocol: 'udp' as const,
        priority: 20,
        ip: '1.2.3.4',
        port: 10000,
        type: 'srflx' as const,
        relAddr: '10.0.0.1',
        relPort: 10000,
      },
    ],
  };
  return {
    action: 'session-initiate',
    sid: 's1',
    initiator: 'focus@x/focus',
    responder: 'u@x/r',
    contents: [
      { name: 'audio', creator: 'initiator', senders: 'both', description: audio, transport },
      { name: 'video', creator: 'initiator', senders: 'both', description: video, transport },
      { name: 'data', creator: 'initiator', senders: 'both', transport: { ...transport, sctpPort: 5000 } },
    ],
    bundle: ['audio', 'video', 'data'],
  };
}

test('model -> XML -> model is lossless', () => {
  const j = sampleJingle();
  assert.deepEqual(parseJingle(jingleToXml(j)), j);
  const viaText = parseJingle(parseXml(jingleToXml(j).toString()));
  assert.deepEqual(viaText, j);
});

test('session-terminate with reason round trips', () => {
  const j: Jingle = {
    action: 'session-terminate',
    sid: 'x',
    contents: [],
    reason: { condition: 'success', text: 'bye' },
  };
  assert.deepEqual(parseJingle(parseXml(jingleToXml(j).toString())), j);
});

test('renders Jitsi element shapes', () => {
  const el = jingleToXml(sampleJingle());
  const s = el.toString();
  assert.match(s, /^<jingle xmlns="urn:xmpp:jingle:1" action="session-initiate" sid="s1"/);
  assert.match(s, /<description xmlns="urn:xmpp:jingle:apps:rtp:1" media="audio">/);
  assert.match(
    s,
    /<payload-type id="111" name="opus" clockrate="48000" channels="2"><parameter name="minptime" value="10"\/>/,
  );
  assert.match(s, /<rtcp-fb xmlns="urn:xmpp:jingle:apps:rtp:rtcp-fb:0" type="nack" subtype="pli"\/>/);
  assert.match(
    s,
    /<rtp-hdrext xmlns="urn:xmpp:jingle:apps:rtp:rtp-hdrext:0" id="1" uri="urn:ietf:params:rtp-hdrext:ssrc-audio-level"\/>/,
  );
  assert.match(s, /<extmap-allow-mixed xmlns="urn:xmpp:jingle:apps:rtp:rtp-hdrext:0"\/>/);
  assert.match(
    s,
    /<source xmlns="urn:xmpp:jingle:apps:rtp:ssma:0" ssrc="1000" name="aaaa0001-a0"><parameter name="msid" value="s t"\/><ssrc-info xmlns="http:\/\/jitsi.org\/jitmeet" owner="aaaa0001"\/><\/source>/,
  );
  assert.match(
    s,
    /<ssrc-group xmlns="urn:xmpp:jingle:apps:rtp:ssma:0" semantics="FID"><source ssrc="2001"\/><source ssrc="2002"\/><\/ssrc-group>/,
  );
  assert.match(
    s,
    /<transport xmlns="urn:xmpp:jingle:transports:ice-udp:1" ufrag="u1" pwd="p1"><rtcp-mux\/><fingerprint xmlns="urn:xmpp:jingle:apps:dtls:0" hash="sha-256" setup="actpass">AB:CD<\/fingerprint>/,
  );
  assert.match(
    s,
    /<candidate component="1" foundation="2" ip="10.0.0.1" port="4443" priority="50" protocol="tcp" type="host" tcptype="passive"\/>/,
  );
  assert.match(
    s,
    /<sctpmap xmlns="urn:xmpp:jingle:transports:dtls-sctp:1" number="5000" protocol="webrtc-datachannel" streams="1024"\/>/,
  );
  assert.match(
    s,
    /<group xmlns="urn:xmpp:jingle:apps:grouping:0" semantics="BUNDLE"><content name="audio"\/><content name="video"\/><content name="data"\/><\/group>/,
  );
});

test('parses the jicofo-style session-initiate fixture', () => {
  const j = load('session-initiate.xml');
  assert.equal(j.action, 'session-initiate');
  assert.equal(j.sid, '1c9a3e5d7f2b');
  assert.deepEqual(j.bundle, ['audio', 'video', 'data']);
  assert.deepEqual(
    j.contents.map((c) => c.name),
    ['audio', 'video', 'data'],
  );
  const [audio, video, data] = j.contents;
  assert.deepEqual(audio!.description!.payloadTypes, defaultAudioDescription().payloadTypes);
  assert.deepEqual(video!.description!.payloadTypes, defaultVideoDescription().payloadTypes);
  assert.deepEqual(audio!.description!.headerExtensions, defaultAudioDescription().headerExtensions);
  assert.equal(video!.description!.headerExtensions[1]!.uri, HDREXT.transportCc);
  // owner: full MUC JID in ssrc-info -> endpoint id
  assert.deepEqual(
    audio!.description!.sources.map((s) => s.owner),
    ['1a2b3c4d', '5e6f7a8b'],
  );
  assert.equal(video!.description!.sources.length, 14);
  assert.equal(video!.description!.sourceGroups.length, 9);
  assert.deepEqual(video!.description!.sourceGroups[0], { semantics: 'SIM', ssrcs: [1001, 1002, 1003] });
  assert.equal(video!.description!.sources.filter((s) => s.videoType === 'desktop').length, 2);
  assert.equal(data!.description, undefined);
  assert.equal(data!.transport!.sctpPort, 5000);
  const t = audio!.transport!;
  assert.equal(t.candidates.length, 3);
  assert.deepEqual(t.candidates[2], {
    foundation: '3',
    component: 1,
    protocol: 'tcp',
    priority: 1677724415,
    ip: '10.0.0.5',
    port: 4443,
    type: 'host',
    generation: 0,
    network: 0,
    id: '6b6d1a2f3',
    tcptype: 'passive',
  });
  assert.equal(t.candidates[1]!.relAddr, '10.0.0.5');
  assert.equal(t.fingerprints[0]!.setup, 'actpass');
  assert.equal(t.rtcpMux, true);
});

test('fixture -> model -> XML -> model is stable', () => {
  for (const name of ['session-initiate.xml', 'source-add.xml', 'source-remove.xml']) {
    const once = load(name);
    const twice = parseJingle(parseXml(jingleToXml(once).toString()));
    assert.deepEqual(twice, once, name);
  }
});

test('source-add and source-remove fixtures', () => {
  const add = load('source-add.xml');
  assert.equal(add.action, 'source-add');
  assert.equal(add.contents[1]!.transport, undefined);
  assert.deepEqual(
    add.contents[1]!.description!.sources.map((s) => s.ssrc),
    [3001, 3011],
  );
  assert.deepEqual(add.contents[1]!.description!.payloadTypes, []);
  const rem = load('source-remove.xml');
  assert.deepEqual(
    rem.contents[0]!.description!.sources.map((s) => [s.name, s.ssrc, s.owner]),
    [
      ['5e6f7a8b-v1', 2101, '5e6f7a8b'],
      ['5e6f7a8b-v1', 2111, '5e6f7a8b'],
    ],
  );
});

test('sctp-port element is accepted as well as sctpmap', () => {
  const el =
    parseXml(`<jingle xmlns="urn:xmpp:jingle:1" action="session-accept" sid="a"><content creator="initiator" name="data">
    <transport xmlns="urn:xmpp:jingle:transports:ice-udp:1" ufrag="u" pwd="p"><sctp-port xmlns="urn:xmpp:jingle:transports:dtls-sctp:1" value="5001"/></transport></content></jingle>`);
  assert.equal(parseJingle(el).contents[0]!.transport!.sctpPort, 5001);
});

function rejects(text: string, message: RegExp): void {
  assert.throws(
    () => parseJingle(parseXml(text)),
    (err: unknown) => {
      assert.ok(err instanceof ProtocolError, `expected ProtocolError, got ${String(err)}`);
      assert.match(err.message, message);
      return true;
    },
  );
}

const J = (attrs: string, body = ''): string => `<jingle xmlns="urn:xmpp:jingle:1" ${attrs}>${body}</jingle>`;
const content = (name: string, inner: string): string =>
  `<content creator="initiator" name="${name}">${inner}</content>`;
const desc = (media: string, inner: string): string =>
  `<description xmlns="urn:xmpp:jingle:apps:rtp:1" media="${media}">${inner}</description>`;
const transport = (inner: string): string =>
  `<transport xmlns="urn:xmpp:jingle:transports:ice-udp:1" ufrag="u" pwd="p">${inner}</transport>`;

test('malformed Jingle gives ProtocolError naming the problem', () => {
  rejects(J('action="session-initiate"'), /jingle without sid/);
  rejects(J('action="session-dance" sid="x"'), /unknown jingle action 'session-dance'/);
  rejects(J('sid="x"'), /jingle without action/);
  rejects(
    J(
      'action="session-initiate" sid="x"',
      content('video', desc('video', '<payload-type name="VP8" clockrate="90000"/>')),
    ),
    /payload-type without id in content 'video'/,
  );
  rejects(
    J(
      'action="session-initiate" sid="x"',
      content('video', desc('video', '<payload-type id="x1" name="VP8" clockrate="90000"/>')),
    ),
    /payload-type id 'x1' is not a number in content 'video'/,
  );
  rejects(
    J(
      'action="source-add" sid="x"',
      content('audio', desc('audio', '<source xmlns="urn:xmpp:jingle:apps:rtp:ssma:0" ssrc="12ab" name="n-a0"/>')),
    ),
    /source ssrc '12ab' is not a number in content 'audio'/,
  );
  rejects(
    J(
      'action="source-add" sid="x"',
      content('audio', desc('audio', '<source xmlns="urn:xmpp:jingle:apps:rtp:ssma:0" ssrc="12"/>')),
    ),
    /source without name in content 'audio' \(source 12\)/,
  );
  rejects(
    J(
      'action="session-initiate" sid="x"',
      content(
        'audio',
        transport('<candidate component="1" foundation="1" port="1" priority="1" protocol="udp" type="host"/>'),
      ),
    ),
    /candidate without ip in content 'audio'/,
  );
  rejects(
    J(
      'action="session-initiate" sid="x"',
      content(
        'audio',
        transport(
          '<candidate component="1" foundation="1" ip="1.2.3.4" port="abc" priority="1" protocol="udp" type="host"/>',
        ),
      ),
    ),
    /candidate port 'abc' is not a number in content 'audio'/,
  );
  rejects(
    J(
      'action="session-initiate" sid="x"',
      content('audio', transport('<fingerprint xmlns="urn:xmpp:jingle:apps:dtls:0" setup="actpass">AB</fingerprint>')),
    ),
    /fingerprint without hash in content 'audio'/,
  );
  rejects(
    J('action="session-initiate" sid="x"', content('audio', desc('speech', ''))),
    /description media 'speech' is not one of audio, video in content 'audio'/,
  );
  rejects(J('action="session-initiate" sid="x"', content('a', '') + content('a', '')), /duplicate content 'a'/);
  rejects('<jingle action="session-initiate" sid="x"/>', /namespace/);
  assert.throws(() => parseJingle(xml('iq')), ProtocolError);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseXml, xml } from '../xml/element.js';
import { ProtocolError } from '../errors/protocol-error.js';
import {
  COLIBRI2_NS,
  conferenceModifiedToXml,
  conferenceModifyToXml,
  parseConferenceModified,
  parseConferenceModify,
  bridgeStatsToXml,
  parseBridgeStats,
  type BridgeStats,
  type ConferenceModify,
  type ConferenceModified,
} from './index.js';

const fixture = (name: string) => parseXml(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));

function throwsNaming(fn: () => unknown, re: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof ProtocolError && e.condition === 'bad-request' && re.test(e.message));
}

const modify: ConferenceModify = {
  meetingId: 'm-1',
  name: 'room@conference.example',
  create: true,
  endpoints: [
    {
      id: 'a1b2c3d4',
      create: true,
      statsId: 'Alice',
      media: [
        {
          type: 'audio',
          payloadTypes: [
            {
              id: 111,
              name: 'opus',
              clockrate: 48000,
              channels: 2,
              parameters: { minptime: '10' },
              rtcpFeedback: [{ type: 'transport-cc' }],
            },
          ],
          headerExtensions: [{ id: 1, uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level' }],
        },
      ],
      transport: {
        iceControlling: true,
        ice: {
          ufrag: 'u',
          pwd: 'p',
          rtcpMux: true,
          fingerprints: [{ hash: 'sha-256', value: 'AA:BB', setup: 'active' }],
          candidates: [
            {
              foundation: '1',
              component: 1,
              protocol: 'tcp',
              priority: 1,
              ip: '127.0.0.1',
              port: 443,
              type: 'host',
              tcptype: 'passive',
              generation: 0,
            },
          ],
        },
        sctp: {},
      },
      sources: [
        {
          type: 'video',
          id: 'a1b2c3d4-v0',
          sources: [
            { ssrc: 1, name: 'a1b2c3d4-v0', owner: 'a1b2c3d4', videoType: 'desktop', msid: 's t' },
            { ssrc: 4294967295, name: 'a1b2c3d4-v0', owner: 'a1b2c3d4' },
          ],
          ssrcGroups: [{ semantics: 'FID', ssrcs: [1, 4294967295] }],
        },
      ],
      capabilities: ['source-names'],
      forceMute: { audio: true, video: false },
    },
    { id: 'deadbeef', expire: true },
  ],
};

test('conference-modify round trip (object -> xml text -> object)', () => {
  const el = conferenceModifyToXml(modify);
  assert.equal(el.attrs.xmlns, COLIBRI2_NS);
  assert.deepEqual(parseConferenceModify(parseXml(el.toString())), modify);
});

test('conference-modify: empty sources list survives (means "no sources")', () => {
  const m: ConferenceModify = { meetingId: 'm', endpoints: [{ id: 'a1b2c3d4', sources: [] }] };
  assert.deepEqual(parseConferenceModify(parseXml(conferenceModifyToXml(m).toString())), m);
});

test('conference-modify: false booleans survive', () => {
  const m: ConferenceModify = {
    meetingId: 'm',
    create: false,
    endpoints: [{ id: 'a1b2c3d4', create: false, transport: { iceControlling: false } }],
  };
  assert.deepEqual(parseConferenceModify(parseXml(conferenceModifyToXml(m).toString())), m);
});

test('conference-modify fixture (create) parses to the expected data', () => {
  const m = parseConferenceModify(fixture('conference-modify-create.xml'));
  assert.equal(m.meetingId, '0b5c8f64-6a2e-4e0b-9a3e-1f2a3b4c5d6e');
  assert.equal(m.create, true);
  const [ep] = m.endpoints;
  assert.equal(ep.id, 'a1b2c3d4');
  assert.equal(ep.statsId, 'Alice-Kx3');
  assert.equal(ep.media?.length, 2);
  assert.deepEqual(ep.media?.[0].payloadTypes[0], {
    id: 111,
    name: 'opus',
    clockrate: 48000,
    channels: 2,
    parameters: { minptime: '10', useinbandfec: '1' },
    rtcpFeedback: [{ type: 'transport-cc' }],
  });
  assert.equal(ep.media?.[1].extmapAllowMixed, true);
  assert.deepEqual(ep.media?.[1].payloadTypes[1], {
    id: 96,
    name: 'rtx',
    clockrate: 90000,
    parameters: { apt: '100' },
    rtcpFeedback: [],
  });
  assert.deepEqual(ep.transport, { iceControlling: true, sctp: {} });
  assert.deepEqual(ep.sources?.[1], {
    type: 'video',
    id: 'a1b2c3d4-v0',
    sources: [
      { ssrc: 2222222222, name: 'a1b2c3d4-v0', owner: 'a1b2c3d4', videoType: 'camera', msid: 'stream-1 track-1' },
      { ssrc: 3333333333, name: 'a1b2c3d4-v0', owner: 'a1b2c3d4', videoType: 'camera' },
    ],
    ssrcGroups: [{ semantics: 'FID', ssrcs: [2222222222, 3333333333] }],
  });
  assert.deepEqual(ep.capabilities, ['source-names']);
  assert.deepEqual(ep.forceMute, { audio: false, video: true });
});

for (const name of [
  'conference-modify-create.xml',
  'conference-modify-transport.xml',
  'conference-modify-ice-restart.xml',
]) {
  test(`fixture ${name}: parse -> build -> parse is stable`, () => {
    const a = parseConferenceModify(fixture(name));
    assert.deepEqual(parseConferenceModify(parseXml(conferenceModifyToXml(a).toString())), a);
  });
}

test('conference-modify transport fixture: client ICE transport and expire', () => {
  const m = parseConferenceModify(fixture('conference-modify-transport.xml'));
  const ice = m.endpoints[0].transport?.ice;
  assert.equal(ice?.ufrag, 'Xy1z');
  assert.equal(ice?.rtcpMux, true);
  assert.equal(ice?.fingerprints[0].setup, 'active');
  assert.deepEqual(ice?.candidates[1], {
    foundation: '2',
    component: 1,
    protocol: 'udp',
    priority: 1694498815,
    ip: '10.0.0.5',
    port: 61000,
    type: 'srflx',
    generation: 0,
    relAddr: '192.168.1.20',
    relPort: 54400,
  });
  assert.deepEqual(m.endpoints[1], { id: 'deadbeef', expire: true });
});

test('conference-modify ice-restart fixture: an ICE restart request for one endpoint', () => {
  const m = parseConferenceModify(fixture('conference-modify-ice-restart.xml'));
  assert.deepEqual(m.endpoints, [{ id: 'a1b2c3d4', transport: { iceRestart: true } }]);
  const bad = parseXml(
    '<conference-modify xmlns="jitsi:colibri2" meeting-id="m"><endpoint id="a"><transport ice-restart="yes"/></endpoint></conference-modify>',
  );
  assert.throws(() => parseConferenceModify(bad), /ice-restart/);
});

test('conference-modified fixture: bridge transport, sctp, web-socket, feedback sources', () => {
  const m = parseConferenceModified(fixture('conference-modified.xml'));
  const t = m.endpoints[0].transport;
  assert.equal(t?.ice?.ufrag, '2dk9f1i3l2s0ua');
  assert.equal(t?.ice?.fingerprints[0].setup, 'actpass');
  assert.equal(t?.ice?.candidates[0].port, 10000);
  assert.match(t?.webSocketUrl ?? '', /^wss:\/\/meet\.example\/colibri-ws\//);
  assert.deepEqual(t?.sctp, { port: 5000, role: 'server' });
  assert.deepEqual(
    m.sources?.map((s) => [s.id, s.sources[0].ssrc, s.sources[0].owner]),
    [
      ['jvb-a0', 411312308, 'jvb'],
      ['jvb-v0', 3817004896, 'jvb'],
    ],
  );
  assert.deepEqual(parseConferenceModified(parseXml(conferenceModifiedToXml(m).toString())), m);
});

test('conference-modified round trip from data', () => {
  const m: ConferenceModified = {
    endpoints: [
      {
        id: 'a1b2c3d4',
        transport: {
          ice: {
            ufrag: 'U',
            pwd: 'P',
            rtcpMux: true,
            sctpPort: 5000,
            fingerprints: [{ hash: 'sha-256', value: 'AB', setup: 'actpass' }],
            candidates: [
              {
                foundation: '1',
                component: 1,
                protocol: 'udp',
                priority: 2130706431,
                ip: '127.0.0.1',
                port: 10000,
                type: 'host',
              },
            ],
          },
          sctp: { port: 5000 },
        },
      },
    ],
  };
  assert.deepEqual(parseConferenceModified(parseXml(conferenceModifiedToXml(m).toString())), m);
});

test('conference-level expire', () => {
  const m: ConferenceModify = { meetingId: 'm', expire: true, endpoints: [] };
  const el = conferenceModifyToXml(m);
  assert.equal(el.attrs.expire, 'true');
  assert.deepEqual(parseConferenceModify(el), m);
});

const cm = (inner: string) =>
  parseXml(`<conference-modify xmlns="jitsi:colibri2" meeting-id="m">${inner}</conference-modify>`);

test('malformed conference-modify inputs name the problem', () => {
  throwsNaming(() => parseConferenceModify(parseXml('<conference-modify xmlns="jitsi:colibri2"/>')), /meeting-id/);
  throwsNaming(
    () => parseConferenceModify(parseXml('<conference-modify xmlns="urn:other" meeting-id="m"/>')),
    /namespace/,
  );
  throwsNaming(() => parseConferenceModify(parseXml('<iq type="set"><query/></iq>')), /conference-modify/);
  throwsNaming(() => parseConferenceModify(cm('<endpoint create="true"/>')), /endpoint.*'id'/);
  throwsNaming(() => parseConferenceModify(cm('<endpoint id="e" create="true" expire="true"/>')), /create and expire/);
  throwsNaming(() => parseConferenceModify(cm('<endpoint id="e" create="yes"/>')), /'create' is not a boolean/);
  throwsNaming(
    () => parseConferenceModify(cm('<endpoint id="e"><media type="data"/></endpoint>')),
    /unknown media type 'data'/,
  );
  throwsNaming(() => parseConferenceModify(cm('<endpoint id="e"><media/></endpoint>')), /missing attribute 'type'/);
  const src = (ssrc: string) =>
    cm(
      `<endpoint id="e"><sources><media-source type="audio" id="e-a0"><source xmlns="urn:xmpp:jingle:apps:rtp:ssma:0" ssrc="${ssrc}" name="e-a0"/></media-source></sources></endpoint>`,
    );
  throwsNaming(() => parseConferenceModify(src('-1')), /bad ssrc '-1'/);
  throwsNaming(() => parseConferenceModify(src('4294967296')), /bad ssrc '4294967296'/);
  throwsNaming(() => parseConferenceModify(src('abc')), /bad ssrc 'abc'/);
  throwsNaming(
    () => parseConferenceModify(cm('<endpoint id="e"><sources><media-source type="video"/></sources></endpoint>')),
    /media-source.*'id'/,
  );
  throwsNaming(
    () =>
      parseConferenceModify(
        cm(
          '<endpoint id="e"><media type="audio"><payload-type xmlns="urn:xmpp:jingle:apps:rtp:1" id="300" name="x" clockrate="1"/></media></endpoint>',
        ),
      ),
    /'id' is out of range/,
  );
  throwsNaming(
    () =>
      parseConferenceModify(
        cm(
          '<endpoint id="e"><transport><transport xmlns="urn:xmpp:jingle:transports:ice-udp:1" ufrag="u"/></transport></endpoint>',
        ),
      ),
    /'pwd'/,
  );
  throwsNaming(
    () => parseConferenceModify(cm('<endpoint id="e"><transport><sctp port="99999"/></transport></endpoint>')),
    /'port'/,
  );
  throwsNaming(() => conferenceModifyToXml({ meetingId: '', endpoints: [] }), /meeting-id/);
  throwsNaming(
    () => conferenceModifyToXml({ meetingId: 'm', endpoints: [{ id: 'e', create: true, expire: true }] }),
    /create and expire/,
  );
});

const stats: BridgeStats = {
  stress: 0.25,
  conferences: 2,
  endpoints: 7,
  packetRateDown: 100,
  packetRateUp: 300.5,
  draining: false,
  healthy: true,
  region: 'lan',
  relayId: 'jvb1',
  version: '1.0',
};

test('bridge stats round trip', () => {
  assert.deepEqual(parseBridgeStats(parseXml(bridgeStatsToXml(stats).toString())), stats);
  const minimal: BridgeStats = {
    stress: 1.5,
    conferences: 0,
    endpoints: 0,
    packetRateDown: 0,
    packetRateUp: 0,
    draining: true,
    healthy: false,
  };
  assert.deepEqual(parseBridgeStats(bridgeStatsToXml(minimal)), minimal);
});

test('bridge stats from a brewery presence fixture', () => {
  const p = fixture('bridge-presence.xml');
  assert.deepEqual(parseBridgeStats(p), {
    stress: 0.0135,
    conferences: 3,
    endpoints: 11,
    packetRateDown: 1520,
    packetRateUp: 4410,
    draining: false,
    healthy: true,
    region: 'lan-a',
    relayId: 'jvb1',
    version: '0.1.0',
  });
  const again = parseBridgeStats(parseXml(bridgeStatsToXml(parseBridgeStats(p)).toString()));
  assert.deepEqual(again, parseBridgeStats(p));
});

test('bridge stats: defaults, "endpoints" alias, errors', () => {
  const el = xml(
    'stats',
    { xmlns: 'http://jitsi.org/protocol/colibri' },
    xml('stat', { name: 'endpoints', value: '4' }),
  );
  assert.deepEqual(parseBridgeStats(el), {
    stress: 0,
    conferences: 0,
    endpoints: 4,
    packetRateDown: 0,
    packetRateUp: 0,
    draining: false,
    healthy: true,
  });
  throwsNaming(
    () =>
      parseBridgeStats(
        parseXml('<stats xmlns="http://jitsi.org/protocol/colibri"><stat name="stress_level" value="high"/></stats>'),
      ),
    /stress_level/,
  );
  throwsNaming(
    () =>
      parseBridgeStats(
        parseXml('<stats xmlns="http://jitsi.org/protocol/colibri"><stat name="drain" value="maybe"/></stats>'),
      ),
    /drain/,
  );
  throwsNaming(() => parseBridgeStats(parseXml('<presence/>')), /no <stats/);
});

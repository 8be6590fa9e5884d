import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStanzaError, parseXml, ProtocolError, type Colibri2Endpoint, type IceTransport } from '@parley/protocol';
import { silentLogger } from '@parley/service';
import { Bridge } from './bridge.js';
import type { MediaTransport, MediaTransportState } from './media-transport.js';
import { answerColibri2 } from '../bridge-service.js';

class FakeTransport implements MediaTransport {
  state: MediaTransportState = 'new';
  remote?: IceTransport;
  closed = false;
  local: IceTransport;
  constructor(id: string) {
    this.local = {
      ufrag: `u${id}`,
      pwd: `p${id}passwordpassword`,
      rtcpMux: true,
      iceLite: true,
      sctpPort: 5000,
      fingerprints: [{ hash: 'sha-256', value: 'AA:BB', setup: 'actpass' }],
      candidates: [],
    };
  }
  start(remote: IceTransport) {
    this.remote = remote;
  }
  restarts = 0;
  restartIce(): IceTransport {
    this.restarts++;
    this.local = { ...this.local, ufrag: `${this.local.ufrag}r`, pwd: `${this.local.pwd}r` };
    return this.local;
  }
  onStateChange() {}
  onPacket() {}
  send() {}
  onDataChannelOpen() {}
  onDataChannelMessage() {}
  sendDataChannel() {}
  close() {
    this.closed = true;
    this.state = 'closed';
  }
}

function setup() {
  const transports = new Map<string, FakeTransport>();
  const bridge = new Bridge({
    log: silentLogger,
    transports: {
      createTransport: (id) => {
        const t = new FakeTransport(id);
        transports.set(id, t);
        return t;
      },
    },
  });
  return { bridge, transports };
}

const source = (ep: string, ssrc: number) => ({
  type: 'audio' as const,
  id: `${ep}-a0`,
  sources: [{ ssrc, name: `${ep}-a0`, owner: ep }],
  ssrcGroups: [],
});
const clientTransport: IceTransport = {
  ufrag: 'cu',
  pwd: 'cpwdcpwdcpwdcpwdcpwdcp',
  rtcpMux: true,
  fingerprints: [{ hash: 'sha-256', value: 'CC:DD', setup: 'active' }],
  candidates: [],
};

test('allocation answers each new endpoint with its ICE-lite transport and SCTP port', () => {
  const { bridge, transports } = setup();
  const answer = bridge.handleConferenceModify({
    meetingId: 'm1',
    name: 'room@conference.x',
    create: true,
    endpoints: [
      { id: 'aaaaaaaa', create: true },
      { id: 'bbbbbbbb', create: true },
    ],
  });
  assert.deepEqual(
    answer.endpoints.map((e) => e.id),
    ['aaaaaaaa', 'bbbbbbbb'],
  );
  assert.equal(answer.endpoints[0].transport?.ice?.iceLite, true);
  assert.equal(answer.endpoints[0].transport?.sctp?.port, 5000);
  bridge.handleConferenceModify({
    meetingId: 'm1',
    endpoints: [{ id: 'aaaaaaaa', transport: { ice: clientTransport }, sources: [source('aaaaaaaa', 111)] }],
  });
  assert.equal(transports.get('aaaaaaaa')!.remote?.ufrag, 'cu');
  assert.deepEqual([...bridge.conferences.get('m1')!.endpoints.get('aaaaaaaa')!.sources.keys()], ['aaaaaaaa-a0']);
  bridge.close();
});

test("colibri2 ice-restart answers the endpoint with new ICE credentials; the peer's new ones follow", () => {
  const { bridge, transports } = setup();
  bridge.handleConferenceModify({ meetingId: 'm1', create: true, endpoints: [{ id: 'aaaaaaaa', create: true }] });
  bridge.handleConferenceModify({
    meetingId: 'm1',
    endpoints: [{ id: 'aaaaaaaa', transport: { ice: clientTransport } }],
  });
  const before = transports.get('aaaaaaaa')!.local.ufrag;
  const answer = bridge.handleConferenceModify({
    meetingId: 'm1',
    endpoints: [{ id: 'aaaaaaaa', transport: { iceRestart: true } }],
  });
  assert.equal(transports.get('aaaaaaaa')!.restarts, 1);
  assert.equal(answer.endpoints[0]?.id, 'aaaaaaaa');
  assert.notEqual(answer.endpoints[0]?.transport?.ice?.ufrag, before);
  assert.equal(answer.endpoints[0]?.transport?.ice?.ufrag, transports.get('aaaaaaaa')!.local.ufrag);
  bridge.handleConferenceModify({
    meetingId: 'm1',
    endpoints: [{ id: 'aaaaaaaa', transport: { ice: { ...clientTransport, ufrag: 'cu2' } } }],
  });
  assert.equal(transports.get('aaaaaaaa')!.remote?.ufrag, 'cu2');
  // A restart for an endpoint that does not exist is refused like any other change to it.
  assert.throws(
    () =>
      bridge.handleConferenceModify({
        meetingId: 'm1',
        endpoints: [{ id: 'cccccccc', transport: { iceRestart: true } }],
      }),
    /not found/,
  );
  bridge.close();
});

test('a bad request is refused whole and changes nothing', () => {
  const { bridge, transports } = setup();
  bridge.handleConferenceModify({
    meetingId: 'm1',
    create: true,
    endpoints: [{ id: 'aaaaaaaa', create: true, sources: [source('aaaaaaaa', 111)] }],
  });
  const refuse = (endpoints: Colibri2Endpoint[], condition: string, message: RegExp) =>
    assert.throws(
      () => bridge.handleConferenceModify({ meetingId: 'm1', endpoints }),
      (e: unknown) => e instanceof ProtocolError && e.condition === condition && message.test(e.message),
    );
  // The first endpoint is fine, the second is not: neither is created.
  refuse(
    [
      { id: 'cccccccc', create: true },
      { id: 'dddddddd', create: true, sources: [source('dddddddd', 111)] },
    ],
    'conflict',
    /ssrc 111 of dddddddd is already used by aaaaaaaa/,
  );
  refuse([{ id: 'aaaaaaaa', create: true }], 'conflict', /already exists/);
  refuse([{ id: 'eeeeeeee', transport: { ice: clientTransport } }], 'item-not-found', /endpoint eeeeeeee not found/);
  refuse(
    [{ id: 'cccccccc', create: true, sources: [source('aaaaaaaa', 999)] }],
    'bad-request',
    /does not belong to endpoint cccccccc/,
  );
  refuse(
    [
      {
        id: 'cccccccc',
        create: true,
        transport: {
          ice: {
            ...clientTransport,
            candidates: [
              { foundation: '1', component: 1, protocol: 'udp', priority: 1, ip: 'abc.local', port: 9, type: 'host' },
            ],
          },
        },
      },
    ],
    'not-acceptable',
    /mDNS/,
  );
  assert.throws(() => bridge.handleConferenceModify({ meetingId: 'nope', endpoints: [] }), /conference nope not found/);
  assert.deepEqual([...bridge.conferences.get('m1')!.endpoints.keys()], ['aaaaaaaa']);
  assert.deepEqual([...transports.keys()], ['aaaaaaaa'], 'no transport was opened for refused endpoints');
  bridge.close();
});

test('expiring the conference closes every endpoint transport', () => {
  const { bridge, transports } = setup();
  bridge.handleConferenceModify({
    meetingId: 'm1',
    create: true,
    endpoints: [
      { id: 'aaaaaaaa', create: true },
      { id: 'bbbbbbbb', create: true },
    ],
  });
  bridge.handleConferenceModify({ meetingId: 'm1', endpoints: [{ id: 'aaaaaaaa', expire: true }] });
  assert.equal(transports.get('aaaaaaaa')!.closed, true);
  assert.equal(transports.get('bbbbbbbb')!.closed, false);
  bridge.handleConferenceModify({ meetingId: 'm1', expire: true, endpoints: [] });
  assert.equal(transports.get('bbbbbbbb')!.closed, true);
  assert.equal(bridge.conferences.size, 0);
  bridge.close();
});

test('colibri2 answers: only a focus may allocate, malformed requests get errors that name the problem', () => {
  const { bridge } = setup();
  const focus = new Set(['focus.meet.example']);
  const good = parseXml(
    '<conference-modify xmlns="jitsi:colibri2" meeting-id="m9" create="true"><endpoint id="aaaaaaaa" create="true"/></conference-modify>',
  );
  const refused = answerColibri2(bridge, focus, good, 'mallory@meet.example/x', silentLogger);
  assert.equal(parseStanzaError(refused)?.condition, 'forbidden');
  assert.equal(bridge.conferences.size, 0);
  const malformed = parseXml(
    '<conference-modify xmlns="jitsi:colibri2" create="true"><endpoint create="true"/></conference-modify>',
  );
  const err = parseStanzaError(answerColibri2(bridge, focus, malformed, 'focus.meet.example', silentLogger));
  assert.equal(err?.condition, 'bad-request');
  assert.match(err?.text ?? '', /meeting-id/);
  const ok = answerColibri2(bridge, focus, good, 'focus.meet.example', silentLogger);
  assert.equal(ok.name, 'conference-modified');
  bridge.close();
});

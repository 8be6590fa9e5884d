import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jingleToXml, parseJingle, parseXml, ProtocolError, type Jingle } from '@parley/protocol';
import { createLogger } from '@parley/service';
import { FakeBridgeClient } from './fake-bridge-client.js';
import {
  IceRestarts,
  RESTART_DEBOUNCE_MS,
  SESSION_RESTART_WINDOW_MS,
  SESSION_RESTARTS_PER_WINDOW,
  transportReplace,
} from './ice-restart.js';
import { Participant } from './participant.js';
import { noSources, type EndpointSources } from './sources.js';

const ROOM = 'r@conference.example';
/** What the participant receives from the one other participant. */
const RECEIVED: EndpointSources = {
  audio: { sources: [{ ssrc: 111, name: 'bbbbbbbb-a0', owner: 'bbbbbbbb' }], groups: [] },
  video: {
    sources: [
      { ssrc: 221, name: 'bbbbbbbb-v0', owner: 'bbbbbbbb', videoType: 'camera' },
      { ssrc: 222, name: 'bbbbbbbb-v0', owner: 'bbbbbbbb', videoType: 'camera' },
    ],
    groups: [{ semantics: 'FID', ssrcs: [221, 222] }],
  },
};
const FOCUS = `${ROOM}/focus`;

async function setup(opts: { clientRefuses?: string } = {}) {
  const bridge = new FakeBridgeClient();
  const colibri = bridge.session('m1', ROOM);
  const p = new Participant('aaaaaaaa', `${ROOM}/aaaaaaaa`, 'anon@example/res');
  await colibri.allocate(p.endpointId, { sources: noSources });
  p.sid = 'sid1';
  p.sessionState = 'active';
  const sent: Jingle[] = [];
  const reinvited: string[] = [];
  const queued: Promise<void>[] = [];
  const restarts = new IceRestarts({
    log: createLogger('test', { level: 'error', write: () => {} }),
    colibri: () => colibri,
    initiator: () => FOCUS,
    request: async (_p, j) => {
      // What the client receives: the stanza as it travels, parsed back.
      sent.push(parseJingle(parseXml(jingleToXml(j).toString())));
      if (opts.clientRefuses) throw new Error(opts.clientRefuses);
    },
    reinvite: async (_p, why) => void reinvited.push(why),
    run: (_label, task) => void queued.push(task()),
    received: () => RECEIVED,
    current: (q, sid) => q === p && p.sid === sid,
  });
  const endpoint = () => bridge.conferences.get('m1')!.endpoints.get(p.endpointId)!;
  const failed: Jingle = { action: 'session-info', sid: 'sid1', contents: [], iceState: 'failed' };
  return { bridge, restarts, p, sent, reinvited, queued, endpoint, failed };
}

const clientAccept = (ufrag: string): Jingle => ({
  action: 'transport-accept',
  sid: 'sid1',
  contents: [
    {
      name: 'audio',
      creator: 'initiator',
      senders: 'both',
      transport: {
        ufrag,
        pwd: 'clientpasswordclientpass',
        rtcpMux: true,
        candidates: [],
        fingerprints: [{ hash: 'sha-256', value: 'AB:CD', setup: 'active' }],
      },
    },
  ],
});

const refused = (condition: string, re: RegExp) => (e: unknown) =>
  e instanceof ProtocolError && e.condition === condition && re.test(e.message);

test('ice-state failed: the bridge restarts, the client gets its new credentials, its answer reaches the bridge', async () => {
  const { restarts, p, sent, endpoint, failed, reinvited } = await setup();
  const before = endpoint().local.ufrag;
  await restarts.onSessionInfo(p, failed);
  assert.equal(endpoint().iceRestarts, 1);
  assert.equal(sent.length, 1);
  const replace = sent[0]!;
  assert.equal(replace.action, 'transport-replace');
  assert.equal(replace.sid, 'sid1');
  assert.equal(replace.initiator, FOCUS);
  const t = replace.contents[0]?.transport;
  assert.equal(t?.ufrag, endpoint().local.ufrag);
  assert.notEqual(t?.ufrag, before);
  assert.equal(t?.pwd, endpoint().local.pwd);
  assert.deepEqual(t?.fingerprints, endpoint().local.fingerprints, 'the DTLS fingerprint is unchanged');
  assert.deepEqual(
    replace.contents.map((c) => c.name),
    ['audio', 'video', 'data'],
  );
  assert.equal(replace.contents[2]?.transport?.sctpPort, 5000);
  // A whole offer, as jicofo's: codecs and the sources the participant receives now (lib-jitsi-meet).
  const video = replace.contents[1]?.description;
  assert.ok(video && video.payloadTypes.length > 0, 'codecs');
  assert.deepEqual(
    video.sources.map((s) => s.ssrc),
    [221, 222],
  );
  assert.deepEqual(video.sourceGroups, RECEIVED.video.groups);
  assert.deepEqual(
    replace.contents[0]?.description?.sources.map((s) => s.ssrc),
    [111],
  );
  await restarts.onTransportAccept(p, clientAccept('cli2'));
  assert.equal(endpoint().remoteTransport?.ufrag, 'cli2');
  assert.deepEqual(restarts.counts, { requested: 1, completed: 1, fellBack: 0, sessionRestarts: 0 });
  assert.deepEqual(reinvited, [], 'nobody was re-invited');
  await assert.rejects(restarts.onTransportAccept(p, clientAccept('cli3')), refused('unexpected-request', /without/));
});

test('the bridge refusing a restart falls back to a re-invite', async () => {
  const { bridge, restarts, p, sent, failed, reinvited } = await setup();
  bridge.refuseIceRestart = 'no ICE restart here';
  await restarts.onSessionInfo(p, failed);
  assert.deepEqual(sent, []);
  assert.deepEqual(reinvited, ['the bridge refused an ICE restart: no ICE restart here']);
  assert.equal(restarts.counts.fellBack, 1);
});

test('a session-terminate asking for a restart re-invites, at most 3 times a minute', async (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
  const { restarts, p, reinvited } = await setup();
  const ask: Jingle = {
    action: 'session-terminate',
    sid: 'sid1',
    contents: [],
    reason: { condition: 'connectivity-error', text: 'DTLS did not complete' },
    bridgeSession: 'sid1',
    restartRequested: true,
  };
  for (let i = 0; i < SESSION_RESTARTS_PER_WINDOW; i++) await restarts.onRestartRequest(p, ask);
  assert.equal(reinvited.length, SESSION_RESTARTS_PER_WINDOW);
  assert.match(reinvited[0]!, /asked for a new session \(DTLS did not complete\)/);
  await assert.rejects(restarts.onRestartRequest(p, ask), refused('resource-constraint', /no more for now/));
  assert.equal(reinvited.length, SESSION_RESTARTS_PER_WINDOW, 'the fourth is refused');
  t.mock.timers.tick(SESSION_RESTART_WINDOW_MS);
  await restarts.onRestartRequest(p, ask);
  assert.equal(reinvited.length, SESSION_RESTARTS_PER_WINDOW + 1, 'a minute later it may ask again');
});

test('a client that refuses transport-replace is re-invited', async () => {
  const { restarts, p, failed, reinvited, queued } = await setup({ clientRefuses: 'feature-not-implemented' });
  await restarts.onSessionInfo(p, failed);
  await new Promise((r) => setImmediate(r));
  await Promise.all(queued);
  assert.deepEqual(reinvited, ['the client refused transport-replace: feature-not-implemented']);
});

test('a second ice-state failed right after the first does not restart again; a later one does', async (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
  const { restarts, p, sent, failed, endpoint } = await setup();
  await restarts.onSessionInfo(p, failed);
  await restarts.onSessionInfo(p, failed);
  assert.equal(endpoint().iceRestarts, 1);
  t.mock.timers.tick(RESTART_DEBOUNCE_MS + 1);
  await restarts.onSessionInfo(p, failed);
  assert.equal(endpoint().iceRestarts, 2);
  assert.equal(sent.length, 2);
  // The answer must carry credentials; the newest restart is the one answered.
  const bare = clientAccept('x');
  bare.contents[0]!.transport!.ufrag = '';
  await assert.rejects(restarts.onTransportAccept(p, bare), refused('bad-request', /ICE credentials/));
  await restarts.onTransportAccept(p, clientAccept('cli9'));
});

test('unsolicited or early Jingle gets a clear error; other ICE states and pings are acknowledged', async () => {
  const { restarts, p, failed, endpoint, sent } = await setup();
  await assert.rejects(
    restarts.onTransportAccept(p, clientAccept('c')),
    refused('unexpected-request', /transport-replace/),
  );
  await restarts.onSessionInfo(p, { action: 'session-info', sid: 'sid1', contents: [] });
  await restarts.onSessionInfo(p, { ...failed, iceState: 'disconnected' });
  assert.equal(endpoint().iceRestarts, undefined);
  assert.deepEqual(sent, []);
  p.sessionState = 'offered';
  await assert.rejects(
    restarts.onSessionInfo(p, failed),
    refused('unexpected-request', /while the session is offered/),
  );
});

test('transportReplace without an SCTP port has only the media contents', () => {
  const j = transportReplace({
    sid: 's',
    initiator: FOCUS,
    responder: 'x@example/r',
    transport: { ufrag: 'u', pwd: 'p', rtcpMux: true, candidates: [], fingerprints: [] },
    received: noSources,
  });
  assert.deepEqual(j.bundle, ['audio', 'video']);
});

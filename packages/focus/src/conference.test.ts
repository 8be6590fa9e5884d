// The focus without Prosody: ConferenceManager and Conference on a FakeXmppLink (the MUC's side)
// and the FakeBridgeClient. Each test plays participants' stanzas and checks what the focus sends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  conferenceRequestToXml,
  JINGLE_NS,
  jingleToXml,
  parseJingle,
  xml,
  type Element,
  type Jingle,
} from '@parley/protocol';
import { createLogger, createRegistry } from '@parley/service';
import { ConferenceManager } from './conference-manager.js';
import { FakeBridgeClient } from './fake-bridge-client.js';
import { FakeXmppLink } from './fake-xmpp-link.js';
import { focusMetrics } from './metrics.js';
import type { MeetingEvent, MeetingEvents } from './webhooks.js';

const MUC = 'conference.meet.test';
const ROOM = `standup@${MUC}`;
const FOCUS_OCCUPANT = `${ROOM}/focus`;

function setup() {
  const link = new FakeXmppLink();
  const bridge = new FakeBridgeClient();
  const events: Omit<MeetingEvent, 'id' | 'time'>[] = [];
  const sink: MeetingEvents = { emit: (e) => void events.push(e) };
  const logs: string[] = [];
  const manager = new ConferenceManager({
    link,
    bridge,
    log: createLogger('focus', { level: 'debug', write: (l) => logs.push(l) }),
    metrics: focusMetrics(createRegistry('focus')),
    mucDomain: MUC,
    idleTimeoutMs: 60_000,
    events: sink,
  });
  return { link, bridge, manager, events, logs };
}

type Setup = ReturnType<typeof setup>;

let iqId = 0;
/** Asks for the conference (as the web client does) and waits for the answer. */
async function requestConference(s: Setup, from: string): Promise<Element> {
  const id = `c${++iqId}`;
  s.link.deliver(
    xml('iq', { type: 'set', id, from, to: s.link.jid }, conferenceRequestToXml({ room: ROOM, properties: {} })),
  );
  return s.link.waitSent('the conference answer', (x) => x.name === 'iq' && x.attrs.id === id);
}

/** A participant's MUC presence as the focus (the room's owner) sees it: real JID, role, display name. */
function presence(s: Setup, id: string, opts: { unavailable?: boolean; name?: string } = {}): void {
  const item = `<item jid="${id}@meet.test/web" affiliation="none" role="${opts.unavailable ? 'none' : 'participant'}"/>`;
  s.link.deliver(
    `<presence from="${ROOM}/${id}" to="${s.link.jid}/focus"${opts.unavailable ? ' type="unavailable"' : ''}>` +
      `<x xmlns="http://jabber.org/protocol/muc#user">${item}</x>` +
      (opts.name ? `<nick xmlns="http://jabber.org/protocol/nick">${opts.name}</nick>` : '') +
      '</presence>',
  );
}

/** Jingle the focus sent to `id`, in order. */
const jingleTo = (s: Setup, id: string): Jingle[] =>
  s.link.sent
    .filter((x) => x.name === 'iq' && x.attrs.to === `${ROOM}/${id}` && x.getChild('jingle', JINGLE_NS))
    .map((x) => parseJingle(x.getChild('jingle', JINGLE_NS)!));

const ssrcs = (j: Jingle) => j.contents.flatMap((c) => c.description?.sources.map((x) => x.ssrc) ?? []).sort();

async function offerFor(s: Setup, id: string): Promise<Jingle> {
  await s.link.waitSent(`a session-initiate to ${id}`, () =>
    jingleTo(s, id).some((j) => j.action === 'session-initiate'),
  );
  return jingleTo(s, id).find((j) => j.action === 'session-initiate')!;
}

/** Answers the offer like a browser: its transport and one audio and one video source. */
function accept(s: Setup, id: string, offer: Jingle, base: number): void {
  const answer: Jingle = {
    action: 'session-accept',
    sid: offer.sid,
    contents: offer.contents.map((c) => ({
      ...c,
      description: c.description && {
        ...c.description,
        sources: [
          c.description.media === 'audio'
            ? { ssrc: base, name: `${id}-a0`, owner: id }
            : { ssrc: base + 1, name: `${id}-v0`, owner: id, videoType: 'camera' as const },
        ],
        sourceGroups: [],
      },
      transport: {
        ufrag: `u${id}`,
        pwd: 'p'.repeat(24),
        rtcpMux: true,
        fingerprints: [{ hash: 'sha-256', setup: 'active', value: 'AA:BB' }],
        candidates: [],
      },
    })),
  };
  s.link.deliver(
    xml('iq', { type: 'set', id: `j${++iqId}`, from: `${ROOM}/${id}`, to: FOCUS_OCCUPANT }, jingleToXml(answer)),
  );
}

async function joined(s: Setup, id: string, base: number, name?: string): Promise<Jingle> {
  presence(s, id, { name });
  const offer = await offerFor(s, id);
  accept(s, id, offer, base);
  return offer;
}

test('a conference request starts a conference: the focus joins the room and answers ready', async () => {
  const s = setup();
  const answer = await requestConference(s, 'a@meet.test/web');
  assert.equal(answer.attrs.type, 'result');
  assert.equal(answer.getChild('conference')?.attrs.ready, 'true');
  assert.ok(
    s.link.sent.some((x) => x.name === 'presence' && x.attrs.to === FOCUS_OCCUPANT),
    'the focus joined',
  );
  const c = s.manager.conferences.get(ROOM)!;
  assert.equal(c.meetingId, 'a1b2c3d4-e5f6-4a5b-8c7d-0123456789ab', "the room's meeting id is the conference's");
  assert.deepEqual(
    s.events.map((e) => e.event),
    ['room.created'],
  );
  await s.manager.close();
});

test("a participant is offered the bridge's transport and no sources; the others' follow its accept", async () => {
  const s = setup();
  await requestConference(s, 'a@meet.test/web');
  const offerA = await joined(s, 'aaaa0001', 1000, 'Ann');
  assert.deepEqual(ssrcs(offerA), [], 'the offer names no sources');
  assert.ok(offerA.contents[0].transport?.candidates.length, "the bridge's candidates");
  const offerB = await joined(s, 'bbbb0002', 2000, 'Bob');
  assert.deepEqual(ssrcs(offerB), []);
  // Ann hears of Bob's sources, Bob of Ann's: one source-add each.
  await s.link.waitSent("Bob's sources to Ann", () => jingleTo(s, 'aaaa0001').some((j) => j.action === 'source-add'));
  await s.link.waitSent("Ann's sources to Bob", () => jingleTo(s, 'bbbb0002').some((j) => j.action === 'source-add'));
  assert.deepEqual(ssrcs(jingleTo(s, 'aaaa0001').find((j) => j.action === 'source-add')!), [2000, 2001]);
  assert.deepEqual(ssrcs(jingleTo(s, 'bbbb0002').find((j) => j.action === 'source-add')!), [1000, 1001]);
  assert.deepEqual(
    s.events.filter((e) => e.event === 'participant.joined').map((e) => e.participant?.name),
    ['Ann', 'Bob'],
  );
  await s.manager.close();
});

test('people leaving at once: each one still here gets one source-remove naming all of them', async () => {
  const s = setup();
  await requestConference(s, 'a@meet.test/web');
  await joined(s, 'aaaa0001', 1000);
  await joined(s, 'bbbb0002', 2000);
  await joined(s, 'cccc0003', 3000);
  await s.link.waitSent(
    'everyone knows everyone',
    () => jingleTo(s, 'aaaa0001').filter((j) => j.action === 'source-add').length === 2,
  );
  presence(s, 'bbbb0002', { unavailable: true });
  presence(s, 'cccc0003', { unavailable: true });
  const removes = () => jingleTo(s, 'aaaa0001').filter((j) => j.action === 'source-remove');
  await s.link.waitSent('the source-remove to Ann', () => removes().length > 0);
  assert.equal(removes().length, 1, 'one stanza for both');
  assert.deepEqual(ssrcs(removes()[0]), [2000, 2001, 3000, 3001]);
  assert.equal(jingleTo(s, 'bbbb0002').filter((j) => j.action === 'source-remove').length, 0, 'none to those gone');
  await s.manager.close();
});

test('the first one in is made moderator; when it leaves, the longest present is', async () => {
  const s = setup();
  await requestConference(s, 'a@meet.test/web');
  const roleGrants = () =>
    s.link.sent
      .filter((x) => x.name === 'iq' && x.getChild('query', 'http://jabber.org/protocol/muc#admin'))
      .map((x) => x.getChild('query')!.getChild('item')!.attrs)
      .filter((a) => a.role === 'moderator')
      .map((a) => a.nick);
  await joined(s, 'aaaa0001', 1000);
  await s.link.waitSent('a moderator grant', () => roleGrants().length === 1);
  assert.deepEqual(roleGrants(), ['aaaa0001']);
  await joined(s, 'bbbb0002', 2000);
  await joined(s, 'cccc0003', 3000);
  presence(s, 'aaaa0001', { unavailable: true });
  await s.link.waitSent('the next grant', () => roleGrants().length === 2);
  assert.deepEqual(roleGrants(), ['aaaa0001', 'bbbb0002']);
  await s.manager.close();
});

test('bad Jingle is refused with an error naming the problem; the conference goes on', async () => {
  const s = setup();
  await requestConference(s, 'a@meet.test/web');
  const offer = await joined(s, 'aaaa0001', 1000);
  presence(s, 'bbbb0002');
  const offerB = await offerFor(s, 'bbbb0002');
  // Bob claims Ann's source as his own.
  const stolen: Jingle = {
    action: 'source-add',
    sid: offerB.sid,
    contents: [
      {
        name: 'audio',
        creator: 'initiator',
        senders: 'both',
        description: {
          ...offer.contents[0].description!,
          sources: [{ ssrc: 1000, name: 'aaaa0001-a0', owner: 'aaaa0001' }],
          sourceGroups: [],
        },
      },
    ],
  };
  s.link.deliver(
    xml('iq', { type: 'set', id: 'bad1', from: `${ROOM}/bbbb0002`, to: FOCUS_OCCUPANT }, jingleToXml(stolen)),
  );
  const refusal = await s.link.waitSent('the refusal', (x) => x.attrs.id === 'bad1');
  assert.equal(refusal.attrs.type, 'error');
  assert.match(refusal.getChild('error')?.toString() ?? '', /unexpected-request|before the session is accepted/);
  // An unknown session id.
  s.link.deliver(
    xml(
      'iq',
      { type: 'set', id: 'bad2', from: `${ROOM}/bbbb0002`, to: FOCUS_OCCUPANT },
      jingleToXml({ ...stolen, sid: 'nosuchsession' }),
    ),
  );
  assert.equal((await s.link.waitSent('the second refusal', (x) => x.attrs.id === 'bad2')).attrs.type, 'error');
  // Bob can still accept, and the conference still runs.
  accept(s, 'bbbb0002', offerB, 2000);
  await s.link.waitSent("Bob's sources to Ann", () => jingleTo(s, 'aaaa0001').some((j) => j.action === 'source-add'));
  assert.equal(s.manager.conferences.get(ROOM)?.state, 'running');
  await s.manager.close();
});

test('the last one out ends the conference: bridge conference expired, the focus leaves, room.ended', async () => {
  const s = setup();
  await requestConference(s, 'a@meet.test/web');
  await joined(s, 'aaaa0001', 1000);
  const meetingId = s.manager.conferences.get(ROOM)!.meetingId;
  assert.ok(s.bridge.conferences.has(meetingId), 'allocated on the bridge');
  presence(s, 'aaaa0001', { unavailable: true });
  await s.link.waitSent(
    'the focus leaving',
    (x) => x.name === 'presence' && x.attrs.to === FOCUS_OCCUPANT && x.attrs.type === 'unavailable',
  );
  assert.equal(s.manager.conferences.has(ROOM), false);
  assert.equal(s.bridge.conferences.has(meetingId), false, 'the bridge conference was expired');
  assert.deepEqual(
    s.events.map((e) => e.event),
    ['room.created', 'participant.joined', 'participant.left', 'room.ended'],
  );
  await s.manager.close();
});

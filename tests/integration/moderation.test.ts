// Moderation through the focus (issue 11) with a real Prosody: grant moderator, mute everyone,
// end the meeting for everyone, a moderator's key across a reload, and removal through the MUC.
// Each action is played from both sides: a participant who may not (refused) and a moderator.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  conferenceRequestToXml,
  FOCUS_MODERATION_NS,
  moderationRequestToXml,
  mucJoinPresence,
  occupantJid,
  parseMeetingEnded,
  parseModeratorKey,
  parseParticipantPresence,
  participantPresenceChildren,
  setRoleIq,
  xml,
  type Element,
  type ModerationRequest,
} from '@parley/protocol';
import { expectStanzaError, startStack, type Stack, type TestParticipant } from './harness.js';

const VIDEO_MUTE_NS = 'http://jitsi.org/jitmeet/video';

/** What a participant got from the focus beyond the harness's own records. */
interface Notices {
  keys: string[];
  ended: { room: string; by?: string }[];
  videoMutes: string[];
}
const notices = new WeakMap<TestParticipant, Notices>();

/** A scripted participant that also records moderator keys, "meeting ended" and video mutes. */
async function person(stack: Stack, name: string): Promise<TestParticipant & { got: Notices }> {
  const p = await stack.participant(name);
  const got: Notices = { keys: [], ended: [], videoMutes: [] };
  notices.set(p, got);
  const on = (ns: string, el: string, record: (payload: Element) => void) =>
    p.xmpp.iqCallee.set(ns, el, (ctx: { element: unknown }) => {
      record(ctx.element as Element);
      return true;
    });
  on(FOCUS_MODERATION_NS, 'moderator-key', (e) => got.keys.push(parseModeratorKey(e).key));
  on(FOCUS_MODERATION_NS, 'meeting-ended', (e) => got.ended.push(parseMeetingEnded(e)));
  on(VIDEO_MUTE_NS, 'mute', (e) => got.videoMutes.push(e.getText()));
  return Object.assign(p, { got });
}

function roleSeenBy(viewer: TestParticipant, of: TestParticipant): string | undefined {
  const from = occupantJid(viewer.room!, of.endpointId);
  const last = viewer.presences.filter((p) => p.attrs.from === from).at(-1);
  return last ? parseParticipantPresence(last).role : undefined;
}

const ask = (p: TestParticipant, stack: Stack, r: ModerationRequest) =>
  p.request(xml('iq', { type: 'set', to: stack.focusJid }, moderationRequestToXml(r)));

/** Joins like the client after a reload: the conference request carries the moderator key. */
async function joinWithKey(p: TestParticipant, stack: Stack, room: string, key: string): Promise<void> {
  p.room = `${room}@${stack.mucDomain}`;
  await p.request(
    xml(
      'iq',
      { type: 'set', to: stack.focusJid },
      conferenceRequestToXml({ room: p.room, properties: { 'moderator-key': key } }),
    ),
  );
  p.xmpp.send(
    mucJoinPresence(occupantJid(p.room, p.endpointId), {
      maxHistory: 0,
      children: participantPresenceChildren({ nick: p.name }),
    }) as never,
  );
}

/** The role the room gives p by the time the focus offers its session (roles are set before the offer). */
async function roleWhenOffered(p: TestParticipant): Promise<string | undefined> {
  await p.sessionInitiate();
  return roleSeenBy(p, p);
}

describe('moderation through the focus', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    await stack?.close();
  });

  test('a moderator grants moderator (a non-moderator is refused); the new moderator gets a key and can moderate', async () => {
    const a = await person(stack, 'Alice');
    const b = await person(stack, 'Bob');
    const c = await person(stack, 'Carol');
    for (const p of [a, b, c]) await p.join('grant');
    const room = a.room!;
    await c.waitFor('Alice shown as moderator', () => roleSeenBy(c, a) === 'moderator');
    await a.waitFor("Alice's moderator key", () => a.got.keys.length === 1);

    await expectStanzaError(
      ask(c, stack, { action: 'grant-moderator', room, nick: b.endpointId }),
      'forbidden',
      /only a moderator may grant moderator/,
    );
    await expectStanzaError(
      ask(a, stack, { action: 'grant-moderator', room, nick: 'abcdef12' }),
      'item-not-found',
      /no participant abcdef12/,
    );
    // The MUC itself refuses a moderator who tries to grant the role directly (participants are not owners).
    await expectStanzaError(a.request(setRoleIq(room, b.endpointId, 'moderator')), 'not-allowed', /.*/);
    assert.equal(roleSeenBy(c, b), 'participant');

    await ask(a, stack, { action: 'grant-moderator', room, nick: b.endpointId });
    await c.waitFor('Bob shown as moderator', () => roleSeenBy(c, b) === 'moderator');
    await b.waitFor("Bob's moderator key", () => b.got.keys.length === 1);
    assert.notEqual(b.got.keys[0], a.got.keys[0], 'each moderator has a key of its own');
    assert.equal(c.got.keys.length, 0);
    // The focus now takes Bob's requests as a moderator's.
    await ask(b, stack, { action: 'mute-all', room, media: 'audio' });
    await c.waitFor('the mute from Bob', () => c.muteRequests.length === 1);
  });

  test('mute everyone reaches every other participant, audio or video; a non-moderator is refused', async () => {
    const a = await person(stack, 'Alice');
    const b = await person(stack, 'Bob');
    const c = await person(stack, 'Carol');
    for (const p of [a, b, c]) await p.join('muteall');
    const room = a.room!;
    await c.waitFor('Alice shown as moderator', () => roleSeenBy(c, a) === 'moderator');

    await expectStanzaError(
      ask(b, stack, { action: 'mute-all', room, media: 'audio' }),
      'forbidden',
      /only a moderator may mute everyone/,
    );
    await expectStanzaError(
      b.request(
        xml(
          'iq',
          { type: 'set', to: stack.focusJid },
          xml('mute-all', { xmlns: FOCUS_MODERATION_NS, room, media: 'x' }),
        ),
      ),
      'bad-request',
      /'media' must be 'audio' or 'video'/,
    );
    assert.equal(c.muteRequests.length + a.muteRequests.length, 0);

    await ask(a, stack, { action: 'mute-all', room, media: 'audio' });
    for (const p of [b, c]) await p.waitFor('the audio mute', () => p.muteRequests.length === 1);
    assert.deepEqual(
      [b, c].map((p) => p.muteRequests[0]),
      [
        { from: `${room}/focus`, value: 'true' },
        { from: `${room}/focus`, value: 'true' },
      ],
      'the mutes come from the focus occupant, as Jitsi clients require',
    );
    await ask(a, stack, { action: 'mute-all', room, media: 'video' });
    for (const p of [b, c]) await p.waitFor('the video mute', () => p.got.videoMutes.length === 1);
    assert.equal(a.muteRequests.length + a.got.videoMutes.length, 0, 'the moderator does not mute itself');
  });

  test('a moderator who reconnects with its key is moderator again; a wrong or foreign key gives nothing', async () => {
    const a = await person(stack, 'Alice');
    const b = await person(stack, 'Bob');
    await a.join('reload');
    await b.join('reload');
    await a.waitFor("Alice's moderator key", () => a.got.keys.length === 1);
    const key = a.got.keys[0];
    const other = await person(stack, 'Olga');
    await other.join('reload-other');
    await other.waitFor("Olga's key in her own room", () => other.got.keys.length === 1);

    await a.disconnect(); // Alice reloads her page: a new connection, a new endpoint id
    await b.waitFor('Bob becomes moderator when Alice leaves', () => roleSeenBy(b, b) === 'moderator');

    const guesser = await person(stack, 'Guess');
    await joinWithKey(guesser, stack, 'reload', 'A'.repeat(43));
    assert.equal(await roleWhenOffered(guesser), 'participant', 'a guessed key gives no role');
    const foreign = await person(stack, 'Foreign');
    await joinWithKey(foreign, stack, 'reload', other.got.keys[0]);
    assert.equal(await roleWhenOffered(foreign), 'participant', "another room's key gives no role");
    assert.equal(guesser.got.keys.length + foreign.got.keys.length, 0);

    const again = await person(stack, 'Alice again');
    await joinWithKey(again, stack, 'reload', key);
    assert.equal(await roleWhenOffered(again), 'moderator', 'the key restores moderator');
    await b.waitFor('Bob sees Alice as moderator again', () => roleSeenBy(b, again) === 'moderator');
    await again.waitFor('the key given back', () => again.got.keys.length === 1);
    assert.equal(again.got.keys[0], key);
  });

  test('ending the meeting: a non-moderator is refused; a moderator ends it, everyone is told and the room is gone', async () => {
    const a = await person(stack, 'Alice');
    const b = await person(stack, 'Bob');
    const c = await person(stack, 'Carol');
    for (const p of [a, b, c]) await p.join('ending');
    for (const p of [a, b, c]) await p.accept();
    const room = a.room!;
    await a.waitFor("Alice's moderator key", () => a.got.keys.length === 1);
    // Another XMPP app's user in the room (no conference request, a chat-only nick).
    const chatter = await person(stack, 'Chatter');
    chatter.room = room;
    chatter.xmpp.send(mucJoinPresence(occupantJid(room, 'chatter'), { maxHistory: 0 }) as never);
    await chatter.waitFor('own presence', () => chatter.presences.some((p) => p.attrs.from === `${room}/chatter`));

    await expectStanzaError(
      ask(b, stack, { action: 'end-meeting', room }),
      'forbidden',
      /only a moderator may end the meeting/,
    );
    // A moderator of another room is nobody here.
    const elsewhere = await person(stack, 'Elsewhere');
    await elsewhere.join('ending-elsewhere');
    await elsewhere.waitFor('moderator of its own room', () => elsewhere.got.keys.length === 1);
    await expectStanzaError(
      ask(elsewhere, stack, { action: 'end-meeting', room }),
      'forbidden',
      /only a moderator may end the meeting/,
    );
    assert.equal(stack.focus.manager.conferences.get(room)?.state, 'running', 'the meeting goes on');
    assert.equal(b.got.ended.length + c.got.ended.length, 0);

    await ask(a, stack, { action: 'end-meeting', room });
    for (const p of [a, b, c])
      assert.deepEqual(p.got.ended, [{ room, by: a.endpointId }], `${p.name} is told who ended it`);
    const destroyedFor = (p: TestParticipant, nick: string) =>
      p.presences.some(
        (s) =>
          s.attrs.from === `${room}/${nick}` &&
          s.attrs.type === 'unavailable' &&
          !!s.getChild('x', 'http://jabber.org/protocol/muc#user')?.getChild('destroy'),
      );
    for (const p of [b, c]) await p.waitFor('the room destroyed', () => destroyedFor(p, p.endpointId));
    await chatter.waitFor('the chat-only user removed too', () => destroyedFor(chatter, 'chatter'));
    assert.equal(stack.focus.manager.conferences.has(room), false, 'the focus forgot the conference');
    // The old key is gone with the conference: the next meeting in that room starts afresh.
    const next = await person(stack, 'Next');
    const late = await person(stack, 'Late');
    await next.join('ending');
    await joinWithKey(late, stack, 'ending', a.got.keys[0]);
    assert.equal(await roleWhenOffered(late), 'participant');
  });

  test('removal stays a MUC role change: a moderator removes a participant, but not another moderator or the focus', async () => {
    const a = await person(stack, 'Alice');
    const b = await person(stack, 'Bob');
    const c = await person(stack, 'Carol');
    for (const p of [a, b, c]) await p.join('removal');
    const room = a.room!;
    await c.waitFor('Alice shown as moderator', () => roleSeenBy(c, a) === 'moderator');
    await expectStanzaError(c.request(setRoleIq(room, b.endpointId, 'none')), 'not-allowed', /.*/);
    await ask(a, stack, { action: 'grant-moderator', room, nick: b.endpointId });
    await c.waitFor('Bob shown as moderator', () => roleSeenBy(c, b) === 'moderator');
    await expectStanzaError(b.request(setRoleIq(room, a.endpointId, 'none')), 'not-allowed', /.*/);
    await expectStanzaError(b.request(setRoleIq(room, 'focus', 'none')), 'not-allowed', /.*/);
    await b.request(setRoleIq(room, c.endpointId, 'none'));
    await c.waitFor('Carol removed (307)', () =>
      c.presences.some(
        (s) =>
          s.attrs.from === occupantJid(room, c.endpointId) &&
          s.attrs.type === 'unavailable' &&
          parseParticipantPresence(s).statusCodes.includes(307),
      ),
    );
    assert.equal(roleSeenBy(b, a), 'moderator', 'Alice is still in the room');
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseModeratorKey, ProtocolError, type Element } from '@parley/protocol';
import { createLogger } from '@parley/service';
import { ConferenceModeration, type ModeratedConference } from './moderation.js';
import { Participant } from './participant.js';
import type { XmppLink } from './xmpp-link.js';

const ROOM = 'r@conference.example';

function setup() {
  const sent: Element[] = [];
  const link: XmppLink = {
    jid: 'focus.example',
    send: (s) => void sent.push(s),
    request: async (iq) => (sent.push(iq), iq),
    onStanza: () => {},
    close: async () => {},
  };
  const participants = new Map<string, Participant>();
  const calls: string[] = [];
  const add = (id: string, moderator = false) => {
    const p = new Participant(id, `${ROOM}/${id}`, `anon-${id}@example/res`);
    p.isModerator = moderator;
    participants.set(id, p);
    return p;
  };
  let m!: ConferenceModeration;
  const conference: ModeratedConference = {
    roomJid: ROOM,
    participants,
    run: async (_label, task) => task(),
    async makeModerator(p, why) {
      p.isModerator = true;
      calls.push(`moderator ${p.endpointId} (${why})`);
      m.issueKey(p);
    },
    requestMute: (_from, nick, media) => void calls.push(`mute ${nick} ${media}`),
    endNow: async (why) => void calls.push(`end: ${why}`),
    kickNow: async (nick, reason) => void calls.push(`kick ${nick}: ${reason}`),
  };
  m = new ConferenceModeration(conference, link, createLogger('test', { level: 'error', write: () => {} }));
  const keysSentTo = (p: Participant) =>
    sent
      .filter((s) => s.attrs.to === p.realJid && s.getChild('moderator-key'))
      .map((s) => parseModeratorKey(s.getChild('moderator-key')!).key);
  return { m, add, calls, sent, keysSentTo, participants };
}

const refused = (condition: string, re: RegExp) => (e: unknown) =>
  e instanceof ProtocolError && e.condition === condition && re.test(e.message);

test('only a moderator grants moderator; the new moderator gets a key of its own', async () => {
  const { m, add, calls, keysSentTo } = setup();
  const a = add('aaaaaaaa', true);
  const b = add('bbbbbbbb');
  const c = add('cccccccc');
  await assert.rejects(
    m.handle(c.realJid, { action: 'grant-moderator', room: ROOM, nick: 'bbbbbbbb' }),
    refused('forbidden', /only a moderator may grant/),
  );
  assert.equal(b.isModerator, false);
  await assert.rejects(
    m.handle(a.realJid, { action: 'grant-moderator', room: ROOM, nick: 'dddddddd' }),
    refused('item-not-found', /no participant dddddddd/),
  );
  await m.handle(a.realJid, { action: 'grant-moderator', room: ROOM, nick: 'bbbbbbbb' });
  assert.equal(b.isModerator, true);
  assert.deepEqual(calls, ['moderator bbbbbbbb (granted by aaaaaaaa)']);
  assert.equal(keysSentTo(b).length, 1);
});

test('a moderator key restores moderator to its holder only; guesses and ended conferences do nothing', async () => {
  const { m, add, keysSentTo } = setup();
  const a = add('aaaaaaaa');
  m.issueKey(a);
  const [key] = keysSentTo(a);
  assert.ok(key);
  const reloaded = add('a2a2a2a2');
  assert.equal(m.presentKey(reloaded.realJid, key), true);
  assert.equal(m.restores(reloaded), true);
  m.issueKey(reloaded);
  assert.deepEqual(keysSentTo(reloaded), [key], 'the holder gets the same key back');
  assert.equal(m.restores(reloaded), false);

  const stranger = add('eeeeeeee');
  assert.equal(m.presentKey(stranger.realJid, 'x'.repeat(43)), false);
  assert.equal(m.presentKey(stranger.realJid, undefined), false);
  assert.equal(m.restores(stranger), false);

  // Another conference's moderation knows none of this one's keys.
  const other = setup();
  const o = other.add('a2a2a2a2');
  assert.equal(other.m.presentKey(o.realJid, key), false);
});

test('mute everyone asks every other participant; end for everyone tells them, destroys the room, forgets keys', async () => {
  const { m, add, calls, sent, keysSentTo, participants } = setup();
  const a = add('aaaaaaaa', true);
  const b = add('bbbbbbbb');
  add('cccccccc');
  await assert.rejects(
    m.handle(b.realJid, { action: 'mute-all', room: ROOM, media: 'audio' }),
    refused('forbidden', /only a moderator may mute everyone/),
  );
  await m.handle(a.realJid, { action: 'mute-all', room: ROOM, media: 'video' });
  assert.deepEqual(calls, ['mute bbbbbbbb video', 'mute cccccccc video']);

  m.issueKey(a);
  const [key] = keysSentTo(a);
  await assert.rejects(
    m.handle(b.realJid, { action: 'end-meeting', room: ROOM }),
    refused('forbidden', /only a moderator may end the meeting/),
  );
  assert.equal(calls.length, 2);
  await m.handle(a.realJid, { action: 'end-meeting', room: ROOM });
  const notices = sent.filter((s) => s.getChild('meeting-ended')).map((s) => s.attrs.to);
  assert.deepEqual(notices.sort(), [...participants.values()].map((p) => p.realJid).sort());
  const destroy = sent.find((s) => s.attrs.to === ROOM && s.getChild('query')?.getChild('destroy'));
  assert.ok(destroy, 'the room is destroyed');
  assert.equal(calls.at(-1), 'end: ended by the moderator aaaaaaaa');
  assert.equal(m.presentKey('someone@example/x', key), false, 'keys die with the conference');
});

test('the operator (HTTP API) ends a meeting like a moderator, and removes one participant', async () => {
  const { m, add, calls, sent } = setup();
  add('aaaaaaaa', true);
  add('bbbbbbbb');
  await assert.rejects(m.removeByOperator('cccccccc'), refused('item-not-found', /no participant cccccccc/));
  await m.removeByOperator('bbbbbbbb');
  assert.equal(calls.at(-1), 'kick bbbbbbbb: Removed by the operator');
  await m.endByOperator();
  assert.ok(
    sent.some((s) => s.getChild('meeting-ended')),
    'participants are told',
  );
  assert.ok(
    sent.some((s) => s.attrs.to === ROOM && s.getChild('query')?.getChild('destroy')),
    'the room is destroyed',
  );
  assert.equal(calls.at(-1), 'end: ended by the operator');
});

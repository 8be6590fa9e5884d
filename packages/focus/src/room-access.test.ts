// RoomAccess against a scripted link: who may change what, what the focus asks Prosody to do
// (in which order), and what moderators and knockers are told.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PARLEY_FOCUS_NS,
  parseKnockAnswer,
  parseKnockResult,
  parseRoomAccessSnapshot,
  ProtocolError,
  type Element,
} from '@parley/protocol';
import { createLogger } from '@parley/service';
import { Participant } from './participant.js';
import { RoomAccess, MAX_KNOCKERS } from './room-access.js';
import type { XmppLink } from './xmpp-link.js';

const ROOM = 'r@conference.example';

class ScriptedLink implements XmppLink {
  readonly jid = 'focus.example';
  readonly sent: Element[] = [];
  /** Makes requests to `to` fail (e.g. a room that refuses the config change). */
  failTo = new Set<string>();
  send(s: Element): void {
    this.sent.push(s);
  }
  request(iq: Element): Promise<Element> {
    this.sent.push(iq);
    if (this.failTo.has(iq.attrs.to)) return Promise.reject(new Error('forbidden: not an owner'));
    return Promise.resolve(iq);
  }
  onStanza(): void {}
  async close(): Promise<void> {}
  /** What went to `to` since the last take(), as [name of the payload, payload]. */
  take(to?: string): Element[] {
    const out = this.sent.filter((s) => to === undefined || s.attrs.to === to);
    this.sent.length = 0;
    return out;
  }
}

function setup() {
  const link = new ScriptedLink();
  const mod = new Participant('aaaaaaaa', `${ROOM}/aaaaaaaa`, 'mod@example/1');
  mod.isModerator = true;
  const guest = new Participant('bbbbbbbb', `${ROOM}/bbbbbbbb`, 'guest@example/1');
  const people = [mod, guest];
  const log = createLogger('focus', { level: 'error', write: () => {} });
  const access = new RoomAccess({ roomJid: ROOM, link, log, participants: () => people });
  return { link, mod, guest, access, people };
}

const configFields = (iq: Element) =>
  Object.fromEntries(
    iq
      .getChild('query')!
      .getChild('x')!
      .getChildren('field')
      .map((f) => [f.attrs.var, f.getChildText('value')]),
  );
const refusal = (condition: string, re: RegExp) => (e: unknown) =>
  e instanceof ProtocolError && e.condition === condition && re.test(e.message);
const snapshotOf = (iq: Element) => parseRoomAccessSnapshot(iq.getChild('room-access', PARLEY_FOCUS_NS)!);
const resultOf = (iq: Element) => parseKnockResult(iq.getChild('knock-result', PARLEY_FOCUS_NS)!);

test('only a moderator may set the password, turn the lobby on, admit or deny', async () => {
  const { link, access, guest } = setup();
  for (const r of [
    { kind: 'password' as const, room: ROOM, password: 'x' },
    { kind: 'lobby' as const, room: ROOM, enabled: true },
    { kind: 'admit' as const, room: ROOM, knocker: 'ab' },
    { kind: 'deny' as const, room: ROOM, knocker: 'ab' },
  ])
    await assert.rejects(access.handle(guest.realJid, r), refusal('forbidden', /only a moderator of r@conference/));
  // Someone not in the room at all, and a moderator's bare JID (not its session), are refused too.
  await assert.rejects(
    access.handle('stranger@example/9', { kind: 'lobby', room: ROOM, enabled: true }),
    refusal('forbidden', /moderator/),
  );
  await assert.rejects(
    access.handle('mod@example', { kind: 'lobby', room: ROOM, enabled: true }),
    refusal('forbidden', /moderator/),
  );
  assert.deepEqual(link.take(), [], 'nothing was asked of the room');
  assert.equal(access.lobbyEnabled, false);
});

test('the password is the MUC room secret, set and cleared through the config form', async () => {
  const { link, access, mod } = setup();
  await access.handle(mod.realJid, { kind: 'password', room: ROOM, password: 'open sesame' });
  const [config, push] = link.take();
  assert.equal(config.attrs.to, ROOM);
  assert.deepEqual(configFields(config), {
    FORM_TYPE: 'http://jabber.org/protocol/muc#roomconfig',
    'muc#roomconfig_roomsecret': 'open sesame',
    'muc#roomconfig_passwordprotectedroom': '1',
  });
  assert.equal(push.attrs.to, mod.realJid, 'the moderator is told, nobody else');
  assert.equal(snapshotOf(push).passwordSet, true);

  await access.handle(mod.realJid, { kind: 'password', room: ROOM, password: '' });
  const [clear] = link.take(ROOM);
  assert.equal(configFields(clear)['muc#roomconfig_roomsecret'], '', 'an empty secret: no password');
  assert.equal(configFields(clear)['muc#roomconfig_passwordprotectedroom'], '0');
  assert.equal(access.hasPassword, false);
});

test('a room that refuses the change is reported, and the state does not change', async () => {
  const { link, access, mod } = setup();
  link.failTo.add(ROOM);
  await assert.rejects(
    access.handle(mod.realJid, { kind: 'password', room: ROOM, password: 'x' }),
    refusal('internal-server-error', /the room refused the change/),
  );
  assert.equal(access.hasPassword, false);
});

test('lobby on: everyone inside becomes a member before the room turns members-only', async () => {
  const { link, access, mod, guest } = setup();
  await access.handle(mod.realJid, { kind: 'lobby', room: ROOM, enabled: true });
  const toRoom = link.take(ROOM);
  const members = toRoom.slice(0, 2).map((iq) => iq.getChild('query')!.getChild('item')!.attrs);
  assert.deepEqual(
    members.map((m) => `${m.jid}=${m.affiliation}`).sort(),
    [`${guest.realJid.split('/')[0]}=member`, `${mod.realJid.split('/')[0]}=member`].sort(),
  );
  assert.equal(configFields(toRoom[2])['muc#roomconfig_membersonly'], '1', 'members-only comes last');
  assert.equal(access.lobbyEnabled, true);
});

test('a knock waits, moderators see it, admit makes the knocker a member and tells it the password', async () => {
  const { link, access, mod } = setup();
  await access.handle(mod.realJid, { kind: 'password', room: ROOM, password: 'pw' });
  await access.handle(mod.realJid, { kind: 'lobby', room: ROOM, enabled: true });
  link.take();
  const answer = await access.handle('knocker@example/x', { kind: 'knock', room: ROOM, nick: 'Kim' });
  assert.deepEqual(parseKnockAnswer(answer!), { room: ROOM, status: 'waiting' });
  const [push] = link.take(mod.realJid);
  const knockers = snapshotOf(push).knockers;
  assert.equal(knockers.length, 1);
  assert.equal(knockers[0].nick, 'Kim');
  assert.ok(!JSON.stringify(snapshotOf(push)).includes('knocker@example'), "the knocker's JID is not shown");

  // Knocking again from the same session does not add a second entry.
  await access.handle('knocker@example/x', { kind: 'knock', room: ROOM, nick: 'Kim B.' });
  assert.deepEqual(access.waiting, [{ id: knockers[0].id, nick: 'Kim B.' }]);
  link.take();

  await access.handle(mod.realJid, { kind: 'admit', room: ROOM, knocker: knockers[0].id });
  const [member] = link.take(ROOM);
  assert.deepEqual(member.getChild('query')!.getChild('item')!.attrs, {
    jid: 'knocker@example',
    affiliation: 'member',
  });
  assert.equal(access.waiting.length, 0);
  await access.handle(mod.realJid, { kind: 'deny', room: ROOM, knocker: knockers[0].id }).then(
    () => assert.fail('a knock already answered cannot be denied'),
    (e) => assert.ok(refusal('item-not-found', /nobody with knock/)(e)),
  );
});

test('deny tells the knocker; admit tells it the password; the knocker leaving updates the list', async () => {
  const { link, access, mod } = setup();
  await access.handle(mod.realJid, { kind: 'password', room: ROOM, password: 'pw' });
  await access.handle(mod.realJid, { kind: 'lobby', room: ROOM, enabled: true });
  await access.handle('a@example/1', { kind: 'knock', room: ROOM, nick: 'A' });
  await access.handle('b@example/1', { kind: 'knock', room: ROOM, nick: 'B' });
  await access.handle('c@example/1', { kind: 'knock', room: ROOM, nick: 'C' });
  const byNick = Object.fromEntries(access.waiting.map((k) => [k.nick, k.id]));
  link.take();

  await access.handle(mod.realJid, { kind: 'deny', room: ROOM, knocker: byNick.A });
  assert.deepEqual(resultOf(link.take('a@example/1')[0]), { room: ROOM, result: 'denied' });
  await access.handle(mod.realJid, { kind: 'admit', room: ROOM, knocker: byNick.B });
  assert.deepEqual(resultOf(link.take('b@example/1')[0]), { room: ROOM, result: 'admitted', password: 'pw' });

  assert.equal(access.knockerGone('c@example/1'), true);
  assert.equal(access.knockerGone('c@example/1'), false, 'a second unavailable changes nothing');
  const pushes = link.take(mod.realJid);
  assert.deepEqual(snapshotOf(pushes.at(-1)!).knockers, [], 'the moderator sees an empty lobby');
});

test('lobby off: everyone waiting gets in; a knock with the lobby off is let in at once', async () => {
  const { link, access, mod } = setup();
  await access.handle(mod.realJid, { kind: 'lobby', room: ROOM, enabled: true });
  await access.handle('a@example/1', { kind: 'knock', room: ROOM, nick: 'A' });
  link.take();
  await access.handle(mod.realJid, { kind: 'lobby', room: ROOM, enabled: false });
  const toRoom = link.take(ROOM);
  assert.equal(configFields(toRoom[0])['muc#roomconfig_membersonly'], '0');
  assert.equal(access.waiting.length, 0);
  assert.deepEqual(parseKnockAnswer((await access.handle('z@example/1', { kind: 'knock', room: ROOM, nick: 'Z' }))!), {
    room: ROOM,
    status: 'admitted',
  });
});

test('the lobby holds at most MAX_KNOCKERS; a new moderator gets the snapshot once', async () => {
  const { link, access, mod, guest } = setup();
  await access.handle(mod.realJid, { kind: 'lobby', room: ROOM, enabled: true });
  for (let i = 0; i < MAX_KNOCKERS; i++)
    await access.handle(`k${i}@example/r`, { kind: 'knock', room: ROOM, nick: `K${i}` });
  await assert.rejects(
    access.handle('late@example/r', { kind: 'knock', room: ROOM, nick: 'Late' }),
    refusal('resource-constraint', /already wait/),
  );
  link.take();
  guest.isModerator = true;
  access.participantUpdated(guest);
  access.participantUpdated(guest);
  const pushes = link.take(guest.realJid);
  assert.equal(pushes.length, 1);
  assert.equal(snapshotOf(pushes[0]).knockers.length, MAX_KNOCKERS);
});

test('when the conference ends, whoever waits is let go', async () => {
  const { link, access, mod } = setup();
  await access.handle(mod.realJid, { kind: 'lobby', room: ROOM, enabled: true });
  await access.handle('a@example/1', { kind: 'knock', room: ROOM, nick: 'A' });
  link.take();
  access.close();
  assert.equal(resultOf(link.take('a@example/1')[0]).result, 'admitted');
});

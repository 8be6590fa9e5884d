// Password and lobby against the real Prosody and the real focus: moderators act through the
// focus, Prosody refuses the joins the room does not allow, scripted clients play the refused side.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PARLEY_FOCUS_NS,
  mucJoinPresence,
  occupantJid,
  parseKnockAnswer,
  parseKnockResult,
  parseRoomAccessSnapshot,
  parseStanzaError,
  roomAccessRequestToXml,
  xml,
  type Element,
  type KnockResult,
  type RoomAccessRequest,
  type RoomAccessSnapshot,
} from '@parley/protocol';
import { expectStanzaError, startStack, type Stack, type TestParticipant } from './harness.js';

/** What the focus pushed to one scripted client in urn:parley:focus:1. */
interface Pushes {
  snapshots: RoomAccessSnapshot[];
  results: KnockResult[];
}

describe('password and lobby with a real Prosody', () => {
  let stack: Stack;
  const pushes = new Map<TestParticipant, Pushes>();
  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    await stack?.close();
  });

  async function person(name: string): Promise<TestParticipant & { pushes: Pushes }> {
    const p = await stack.participant(name);
    const mine: Pushes = { snapshots: [], results: [] };
    pushes.set(p, mine);
    const wake = () => p.presences.push(xml('presence', { type: 'x-wake' }));
    p.xmpp.iqCallee.set(PARLEY_FOCUS_NS, 'room-access', (ctx: { element: Element }) => {
      mine.snapshots.push(parseRoomAccessSnapshot(ctx.element));
      wake();
      return true;
    });
    p.xmpp.iqCallee.set(PARLEY_FOCUS_NS, 'knock-result', (ctx: { element: Element }) => {
      mine.results.push(parseKnockResult(ctx.element));
      wake();
      return true;
    });
    return Object.assign(p, { pushes: mine });
  }

  const ask = (p: TestParticipant, r: RoomAccessRequest) =>
    p.request(xml('iq', { type: 'set', to: stack.focusJid }, roomAccessRequestToXml(r)));

  /** Sends a MUC join (optionally with a password, or without the muc <x>) and says what the room answered. */
  async function tryJoin(p: TestParticipant, room: string, opts: { password?: string; noX?: boolean } = {}) {
    await p.requestConference(room);
    const me = occupantJid(p.room!, p.endpointId);
    const seen = p.presences.length;
    p.xmpp.send(
      (opts.noX
        ? xml('presence', { to: me })
        : mucJoinPresence(me, { maxHistory: 0, password: opts.password })) as never,
    );
    const answer = await p.waitFor(`the room's answer to ${p.name}'s join`, () =>
      p.presences
        .slice(seen)
        .find((s) => s.attrs.from === me && (s.attrs.type === undefined || s.attrs.type === 'error')),
    );
    return answer.attrs.type === 'error' ? (parseStanzaError(answer)?.condition ?? 'error') : 'joined';
  }

  async function moderatorAndGuest(room: string) {
    const mod = await person('Mod');
    await mod.join(room);
    await mod.accept();
    const guest = await person('Guest');
    await guest.join(room);
    await guest.accept();
    await mod.waitFor('the first snapshot (the focus made Mod moderator)', () => mod.pushes.snapshots.length > 0);
    return { mod, guest, roomJid: mod.room! };
  }

  const stillIn = (viewer: TestParticipant, p: TestParticipant) =>
    !viewer.presences.some(
      (s) => s.attrs.from === occupantJid(viewer.room!, p.endpointId) && s.attrs.type === 'unavailable',
    );

  test('password: only a moderator sets it; Prosody refuses joins without it or with a wrong one', async () => {
    const { mod, guest, roomJid } = await moderatorAndGuest('pw');
    await expectStanzaError(
      ask(guest, { kind: 'password', room: roomJid, password: 'mine' }),
      'forbidden',
      /only a moderator of .* may set or clear the password/,
    );

    await ask(mod, { kind: 'password', room: roomJid, password: 'tulip 7' });
    await mod.waitFor('the snapshot says a password is set', () => mod.pushes.snapshots.at(-1)?.passwordSet);
    assert.equal(guest.pushes.snapshots.length, 0, 'a non-moderator is told nothing');

    const late = await person('Late');
    assert.equal(await tryJoin(late, 'pw'), 'not-authorized', 'no password');
    assert.equal(await tryJoin(late, 'pw', { password: 'tulip 8' }), 'not-authorized', 'a wrong password');
    assert.equal(await tryJoin(late, 'pw', { noX: true }), 'item-not-found', 'a join without the muc <x>');
    assert.equal(await tryJoin(late, 'pw', { password: 'tulip 7' }), 'joined', 'the right password');
    assert.ok(stillIn(mod, guest), 'the guest already inside stays');

    await ask(mod, { kind: 'password', room: roomJid, password: '' });
    const free = await person('Free');
    assert.equal(await tryJoin(free, 'pw'), 'joined', 'no password needed once cleared');
  });

  test('lobby: members-only while on; a knock is admitted or denied by a moderator through the focus', async () => {
    const { mod, guest, roomJid } = await moderatorAndGuest('lobby');
    await expectStanzaError(
      ask(guest, { kind: 'lobby', room: roomJid, enabled: true }),
      'forbidden',
      /only a moderator of .* may turn the lobby on or off/,
    );
    await ask(mod, { kind: 'lobby', room: roomJid, enabled: true });
    await mod.waitFor('the snapshot says the lobby is on', () => mod.pushes.snapshots.at(-1)?.lobbyEnabled);

    const kim = await person('Kim');
    assert.equal(await tryJoin(kim, 'lobby'), 'registration-required', 'a non-member is refused by Prosody');
    assert.ok(stillIn(mod, guest), 'the guest who was inside keeps its place');

    kim.xmpp.send(xml('presence', { to: stack.focusJid }) as never);
    const answer = await ask(kim, { kind: 'knock', room: roomJid, nick: 'Kim' });
    assert.equal(parseKnockAnswer(answer.getChild('knock', PARLEY_FOCUS_NS)!).status, 'waiting');
    const knock = await mod.waitFor('Kim in the moderator list', () =>
      mod.pushes.snapshots.at(-1)?.knockers.find((k) => k.nick === 'Kim'),
    );

    await expectStanzaError(ask(guest, { kind: 'admit', room: roomJid, knocker: knock.id }), 'forbidden', /moderator/);
    await expectStanzaError(ask(kim, { kind: 'admit', room: roomJid, knocker: knock.id }), 'forbidden', /moderator/);
    assert.equal(await tryJoin(kim, 'lobby'), 'registration-required', 'still refused after the refused admits');

    await ask(mod, { kind: 'admit', room: roomJid, knocker: knock.id });
    await kim.waitFor('Kim is told she is admitted', () => kim.pushes.results.at(-1)?.result === 'admitted');
    assert.equal(await tryJoin(kim, 'lobby'), 'joined', 'the admitted knocker gets in');
    await mod.waitFor('the lobby list is empty', () => mod.pushes.snapshots.at(-1)?.knockers.length === 0);

    // Denied: told why, and still refused by Prosody.
    const dan = await person('Dan');
    assert.equal(await tryJoin(dan, 'lobby'), 'registration-required');
    dan.xmpp.send(xml('presence', { to: stack.focusJid }) as never);
    await ask(dan, { kind: 'knock', room: roomJid, nick: 'Dan' });
    const danKnock = await mod.waitFor('Dan knocks', () =>
      mod.pushes.snapshots.at(-1)?.knockers.find((k) => k.nick === 'Dan'),
    );
    await ask(mod, { kind: 'deny', room: roomJid, knocker: danKnock.id });
    await dan.waitFor('Dan is told no', () => dan.pushes.results.at(-1)?.result === 'denied');
    assert.equal(await tryJoin(dan, 'lobby'), 'registration-required', 'a denied knocker stays out');

    // A knocker whose session ends disappears from the moderators' list.
    const eve = await person('Eve');
    eve.xmpp.send(xml('presence', { to: stack.focusJid }) as never);
    await ask(eve, { kind: 'knock', room: roomJid, nick: 'Eve' });
    await mod.waitFor('Eve knocks', () => mod.pushes.snapshots.at(-1)?.knockers.some((k) => k.nick === 'Eve'));
    await eve.disconnect();
    await mod.waitFor('Eve is gone from the list', () => mod.pushes.snapshots.at(-1)?.knockers.length === 0);

    // Lobby off: whoever waits gets in, and newcomers join directly.
    const fay = await person('Fay');
    fay.xmpp.send(xml('presence', { to: stack.focusJid }) as never);
    await ask(fay, { kind: 'knock', room: roomJid, nick: 'Fay' });
    await mod.waitFor('Fay knocks', () => mod.pushes.snapshots.at(-1)?.knockers.some((k) => k.nick === 'Fay'));
    await ask(mod, { kind: 'lobby', room: roomJid, enabled: false });
    await fay.waitFor('Fay is let in', () => fay.pushes.results.at(-1)?.result === 'admitted');
    assert.equal(await tryJoin(fay, 'lobby'), 'joined');
    assert.equal(await tryJoin(await person('Gus'), 'lobby'), 'joined', 'no lobby: anyone joins');
    assert.ok(stillIn(mod, guest) && stillIn(mod, kim), 'nobody inside was removed along the way');
  });

  test('lobby and password together: the admitted knocker is given the password', async () => {
    const { mod, roomJid } = await moderatorAndGuest('both');
    await ask(mod, { kind: 'password', room: roomJid, password: 'p' });
    await ask(mod, { kind: 'lobby', room: roomJid, enabled: true });
    const kai = await person('Kai');
    assert.equal(await tryJoin(kai, 'both'), 'registration-required', 'the lobby is checked first');
    kai.xmpp.send(xml('presence', { to: stack.focusJid }) as never);
    await ask(kai, { kind: 'knock', room: roomJid, nick: 'Kai' });
    const k = await mod.waitFor('Kai knocks', () => mod.pushes.snapshots.at(-1)?.knockers[0]);
    await ask(mod, { kind: 'admit', room: roomJid, knocker: k.id });
    const told = await kai.waitFor('Kai is admitted', () => kai.pushes.results.at(-1));
    assert.deepEqual(told, { room: roomJid, result: 'admitted', password: 'p' });
    assert.equal(await tryJoin(kai, 'both'), 'not-authorized', 'membership alone does not skip the password');
    assert.equal(await tryJoin(kai, 'both', { password: told.password }), 'joined');
  });

  test('bad room-access requests get errors that name the problem', async () => {
    const p = await person('Odd');
    await expectStanzaError(
      ask(p, { kind: 'lobby', room: `nowhere@${stack.mucDomain}`, enabled: true }),
      'item-not-found',
      /no conference nowhere@/,
    );
    await expectStanzaError(
      p.request(xml('iq', { type: 'set', to: stack.focusJid }, xml('lobby', { xmlns: PARLEY_FOCUS_NS, room: 'x@y' }))),
      'bad-request',
      /'enabled'/,
    );
    assert.match(stack.logs.filter((l) => /"level":"error"/.test(l)).join('\n'), /^$/, 'no focus errors');
  });
});

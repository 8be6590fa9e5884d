// A client that follows lib-jitsi-meet's rules (tests/integration/ljm-client.ts) against the real
// Prosody and focus: it takes the focus's session only from room@conference/focus, whose real JID
// starts with the focusjid of the conference answer; it declines anyone else's session-initiate and
// ignores anyone else's mute. First, the Prosody behaviour all of this rests on: IQs between
// occupants, relayed by the MUC.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { client, xml as xmppXml } from '@xmpp/client';
import { jingleToXml, occupantJid, parseJingle, xml, type Element, type Jingle } from '@parley/protocol';
import { expectStanzaError, ssrcsOf, startStack, withTimeout, type Stack } from './harness.js';
import { LjmClient } from './ljm-client.js';

const PROBE_NS = 'urn:parley:test:relay';
const STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';

describe('lib-jitsi-meet rules against the real Prosody and focus', () => {
  let stack: Stack;
  const ljms: LjmClient[] = [];
  const ljm = async (resource?: string) => {
    const c = await LjmClient.connect(stack, resource);
    ljms.push(c);
    return c;
  };
  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    await Promise.allSettled(ljms.map((c) => c.disconnect()));
    await stack?.close();
  });

  test('Prosody relays IQs between occupants: from = sender occupant, opaque id, answer routed back', async () => {
    const [a, b] = [await stack.participant('A'), await stack.participant('B')];
    await a.join('relay');
    await b.join('relay');
    const seen: Element[] = [];
    b.xmpp.iqCallee.get(PROBE_NS, 'probe', (ctx: { stanza: Element }) => {
      seen.push(ctx.stanza);
      return xmppXml('probe', { xmlns: PROBE_NS, answer: 'b' }); // @xmpp/client's own Element class
    });
    b.xmpp.iqCallee.set(PROBE_NS, 'probe', () =>
      xmppXml('error', { type: 'cancel' }, xmppXml('not-allowed', { xmlns: STANZAS })),
    );
    const probe = (type: string, to: string) =>
      xml('iq', { type, to, id: `probe-${type}` }, xml('probe', { xmlns: PROBE_NS }));

    const res = await a.request(probe('get', occupantJid(a.room!, b.endpointId)));
    assert.equal(seen.length, 1);
    assert.equal(seen[0].attrs.from, occupantJid(a.room!, a.endpointId), 'the receiver sees the occupant JID');
    assert.equal(seen[0].attrs.to, b.jid, "delivered to the occupant's real session");
    assert.notEqual(seen[0].attrs.id, 'probe-get', 'the id is rewritten (it encodes the route back)');
    assert.equal(res.attrs.from, occupantJid(a.room!, b.endpointId), 'the answer comes from the occupant JID');
    assert.equal(res.attrs.id, 'probe-get', 'with the original id');
    assert.equal(res.getChild('probe', PROBE_NS)?.attrs.answer, 'b', 'with its payload');
    // An error answer travels back the same way.
    await expectStanzaError(a.request(probe('set', occupantJid(a.room!, b.endpointId))), 'not-allowed', /not-allowed/);
    // The room answers for a nick that is not there, and refuses a sender that is not in the room.
    await expectStanzaError(
      a.request(probe('get', occupantJid(a.room!, 'nobody'))),
      'item-not-found',
      /Recipient not in room/,
    );
    const outsider = await stack.participant('Outsider');
    await expectStanzaError(
      outsider.request(probe('get', occupantJid(a.room!, b.endpointId))),
      'not-acceptable',
      /not currently connected/,
    );
  });

  test("a Jitsi client takes the focus's session through the room, next to a Parley participant", async () => {
    const j = await ljm();
    await j.join('mixed');
    assert.equal(j.focusJid, stack.focusJid, "the conference answer's focusjid");
    const focus = j.members.get(occupantJid(j.room, 'focus'));
    assert.deepEqual(focus, { jid: `${stack.focusJid}/focus`, isFocus: true, role: 'moderator' });
    await j.waitFor('the session accepted', () => j.accepted);
    assert.equal(j.session?.remoteJid, occupantJid(j.room, 'focus'));
    assert.deepEqual(j.refusals, []);

    const p = await stack.participant('Parley');
    await p.join('mixed');
    await p.accept();
    // Each sees the other's sources: the Jitsi client's went out without owners.
    await j.waitFor("the Parley participant's sources", () => ssrcsOf(p.own).every((s) => j.receiving().includes(s)));
    await p.waitFor("the Jitsi client's sources", () => ssrcsOf(j.own).every((s) => p.knownRemoteSsrcs().has(s)));
    assert.deepEqual(j.members.get(occupantJid(j.room, p.endpointId)), {
      jid: p.jid,
      isFocus: false,
      role: 'participant',
    });
    assert.ok(
      j.received.every((r) => r.from === occupantJid(j.room, 'focus')),
      'all Jingle came from room/focus',
    );

    // The Parley participant leaves: its m-lines are found by their first ssrc and freed.
    await p.disconnect();
    await j.waitFor('the source-remove', () => !ssrcsOf(p.own).some((s) => j.receiving().includes(s)));
    assert.deepEqual(j.sourceErrors, []);
    const removal = j.received.find((r) => r.jingle.action === 'source-remove')!.jingle;
    const named = removal.contents.flatMap((c) => c.description?.sources.map((s) => s.ssrc) ?? []);
    assert.deepEqual(named.sort(), ssrcsOf(p.own).sort(), 'exactly the sources of the one who left');
    const groups = removal.contents.flatMap((c) => c.description?.sourceGroups ?? []);
    assert.deepEqual(
      groups.map((g) => `${g.semantics}:${g.ssrcs.join(',')}`).sort(),
      p.own.videoGroups.map((g) => `${g.semantics}:${g.ssrcs.join(',')}`).sort(),
      'with its SIM and FID groups',
    );
    assert.equal(j.mLines.filter((l) => l.direction === 'inactive').length, 2, 'its audio and video m-lines');
  });

  test('a Jitsi client joining after a Parley participant frees its m-lines when it leaves (no offer sources)', async () => {
    const p = await stack.participant('Parley');
    await p.join('later');
    await p.accept();
    const j = await ljm();
    await j.join('later');
    await j.waitFor('the session accepted', () => j.accepted);
    // The offer names nobody: lib-jitsi-meet would put those sources on the m-lines it sends on.
    const initiate = j.received.find((r) => r.jingle.action === 'session-initiate')!.jingle;
    assert.deepEqual(
      initiate.contents.flatMap((c) => c.description?.sources ?? []),
      [],
      'the session-initiate carries no sources',
    );
    await j.waitFor("the Parley participant's sources (source-add)", () =>
      ssrcsOf(p.own).every((s) => j.receiving().includes(s)),
    );
    assert.ok(j.mLines.every((l) => !l.contentLine));
    await p.disconnect();
    await j.waitFor(
      'the source-remove',
      () => !ssrcsOf(p.own).some((s) => j.receiving().includes(s)) || j.sourceErrors.length > 0,
    );
    assert.deepEqual(j.sourceErrors, []);
    assert.equal(j.mLines.filter((l) => l.direction === 'inactive').length, 2, 'its audio and video m-lines');
  });

  test("session-initiate from anyone but the focus is declined; the focus's session is untouched", async () => {
    const j = await ljm();
    await j.join('guarded');
    await j.waitFor('the session accepted', () => j.accepted);
    const focusSid = j.session!.sid;
    const guest = await stack.participant('Guest');
    await guest.join('guarded');
    await guest.sessionInitiate();

    // A guest occupant offers a session through the room: P2P, which the client has disabled.
    const offer = (sid: string): Jingle => ({ action: 'session-initiate', sid, contents: [] });
    await guest.sendJingle(offer('guest-p2p'), occupantJid(j.room, j.nick));
    const declined = await guest.waitFor('the decline', () =>
      guest.jingles.find((x) => x.jingle.action === 'session-terminate' && x.jingle.sid === 'guest-p2p'),
    );
    assert.equal(declined.from, occupantJid(j.room, j.nick));
    assert.deepEqual(declined.jingle.reason, { condition: 'decline', text: 'P2P disabled' });

    // Someone whose resource is "focus" but who is not the focus member: refused as non-focus.
    const imposter = client({ service: `xmpp://127.0.0.1:${stack.c2sPort}`, domain: stack.domain, resource: 'focus' });
    imposter.on('error', () => {});
    const terminates: Jingle[] = [];
    imposter.iqCallee.set('urn:xmpp:jingle:1', 'jingle', (ctx: { element: Element }) => {
      terminates.push(parseJingle(ctx.element));
      return true;
    });
    const imposterJid = String(await withTimeout(imposter.start(), 10_000, 'imposter start'));
    try {
      const realJid = j.jid; // the room shows real JIDs to everyone: the guest learns it there
      assert.equal(
        guest.presences.some((pr) => pr.toString().includes(realJid)),
        true,
      );
      await imposter.iqCaller.request(
        xml('iq', { type: 'set', to: realJid }, jingleToXml(offer('fake-focus'))),
        10_000,
      );
      await j.waitFor('the refusal', () => j.refusals.find((r) => r.from === imposterJid));
      assert.deepEqual(j.refusals.at(-1), {
        from: imposterJid,
        action: 'session-initiate',
        reason: 'security-error',
        text: 'Rejecting session-initiate from non-focus.',
      });
      await j.waitFor('the imposter told', () => terminates.length > 0);
      assert.equal(terminates[0].reason?.condition, 'security-error');
    } finally {
      await withTimeout(imposter.stop(), 5000, 'imposter stop').catch(() => {});
    }
    // A source-add for the focus's session from the guest: unknown session (not the session's peer).
    await expectStanzaError(
      guest.sendJingle({ action: 'source-add', sid: focusSid, contents: [] }, occupantJid(j.room, j.nick)),
      'item-not-found',
      /item-not-found/,
    );
    assert.equal(j.session?.sid, focusSid, 'still in the focus session');
    assert.equal(j.refusals.length, 2);
  });

  test("the room's meeting id and creation time, where lib-jitsi-meet reads them (disco#info)", async () => {
    const before = Date.now();
    const [a, b] = [await ljm(), await ljm()];
    await a.join('timed');
    await b.join('timed');
    const [infoA, infoB] = [await a.discoRoomInfo(), await b.discoRoomInfo()];
    assert.match(infoA.meetingId ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.deepEqual(infoB, infoA, 'the same for everyone in the room');
    const created = Number(infoA.createdTimestamp);
    assert.ok(created >= before - 1000 && created <= Date.now() + 1000, `created ${infoA.createdTimestamp} (ms)`);
    await a.join('other');
    assert.notEqual((await a.discoRoomInfo()).meetingId, infoA.meetingId, 'another room, another id');
  });

  test('mute is obeyed from the focus only; a moderator asks through room/focus, as lib-jitsi-meet does', async () => {
    const moderator = await stack.participant('Moderator');
    await moderator.join('hushed');
    await moderator.accept();
    const j = await ljm();
    await j.join('hushed');
    await j.waitFor('the session accepted', () => j.accepted);
    const guest = await stack.participant('Guest');
    await guest.join('hushed');

    const mute = (to: string, target: string) =>
      xml('iq', { type: 'set', to }, xml('mute', { xmlns: 'http://jitsi.org/jitmeet/audio', jid: target }, 'true'));
    const ljmOccupant = occupantJid(j.room, j.nick);
    await guest.request(mute(ljmOccupant, ljmOccupant));
    await j.waitFor("the guest's mute", () => j.mutes.length === 1);
    assert.deepEqual(j.mutes[0], { from: occupantJid(j.room, guest.endpointId), obeyed: false });
    assert.equal(j.audioMuted, false, 'Ignored mute from non focus peer');

    // A guest asking the focus is refused by the focus; the moderator's request is passed on.
    await expectStanzaError(guest.request(mute(guest.focusOccupant, ljmOccupant)), 'forbidden', /only a moderator/);
    await moderator.request(mute(moderator.focusOccupant, ljmOccupant));
    await j.waitFor("the focus's mute", () => j.mutes.length === 2);
    assert.deepEqual(j.mutes[1], { from: occupantJid(j.room, 'focus'), obeyed: true });
    assert.equal(j.audioMuted, true);
  });
});

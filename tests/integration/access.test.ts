// Issue 11's access modes against the real Prosody: the refused side is what is tested. A guest
// cannot start a meeting in login mode; in token mode a missing, forged, expired or wrong-room token
// is refused by the focus, and a plain MUC join without one is refused by Prosody (members-only).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { client } from '@xmpp/client';
import { mucJoinPresence, occupantJid, parseParticipantPresence, type Element } from '@parley/protocol';
import { expectStanzaError, type TestParticipant } from './harness.js';
import { HOST, startAccessStack, type AccessStack } from './access-stack.js';

function roleOf(viewer: TestParticipant, of: TestParticipant): string | undefined {
  const from = occupantJid(viewer.room!, of.endpointId);
  const p = viewer.presences.filter((x) => x.attrs.from === from && !x.attrs.type).at(-1);
  return p ? parseParticipantPresence(p).role : undefined;
}

/** The SASL mechanisms Prosody offers for `domain` on a fresh c2s stream (bounded wait). */
async function saslMechanisms(port: number, domain: string): Promise<string[]> {
  const socket = connect(port, '127.0.0.1');
  let text = '';
  try {
    socket.write(
      `<?xml version='1.0'?><stream:stream to='${domain}' xmlns='jabber:client' ` +
        "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>",
    );
    const deadline = Date.now() + 5000;
    for await (const chunk of socket) {
      text += String(chunk);
      if (text.includes('</stream:features>') || Date.now() > deadline) break;
    }
  } finally {
    socket.destroy();
  }
  return [...text.matchAll(/<mechanism>([^<]+)<\/mechanism>/g)].map((m) => m[1]).sort();
}

describe('secure domain (--auth login)', () => {
  let stack: AccessStack;
  before(async () => {
    stack = await startAccessStack('login');
  });
  after(async () => {
    await stack?.close();
  });

  test('a guest cannot start a meeting: not-authorized, "the host must log in"', async () => {
    const guest = await stack.guest();
    assert.match(guest.jid, /@guest\.parley\.test\//, 'guests are anonymous on guest.<domain>');
    await expectStanzaError(guest.requestConference('nohost'), 'not-authorized', /the host must log in/);
    assert.equal(stack.focus.manager.conferences.size, 0, 'no conference was created');
  });

  test('the main domain offers no anonymous login, the guest domain does; a wrong password is refused', async () => {
    const main = await saslMechanisms(stack.main.c2sPort, stack.main.domain);
    assert.ok(main.includes('PLAIN') && !main.includes('ANONYMOUS'), `main domain offers ${main.join(', ')}`);
    const guests = await saslMechanisms(stack.guests.c2sPort, stack.guests.domain);
    assert.deepEqual(guests, ['ANONYMOUS']);
    const wrong = client({
      service: `xmpp://127.0.0.1:${stack.main.c2sPort}`,
      domain: stack.main.domain,
      username: HOST.username,
      password: 'wrong password',
    });
    wrong.on('error', () => {});
    try {
      await assert.rejects(wrong.start(), /not-authorized/);
    } finally {
      wrong.reconnect.stop();
      await wrong.stop().catch(() => {});
    }
  });

  test('the host logs in and starts the meeting as moderator; the guest then joins as participant', async () => {
    const guest = await stack.guest('Gus');
    await expectStanzaError(guest.requestConference('standup'), 'not-authorized', /host must log in/);
    const host = await stack.host();
    assert.match(host.jid, /^ada@parley\.test\//);
    await host.join('standup');
    await host.accept();
    await guest.join('standup');
    await guest.accept();
    await guest.waitFor('the host shown as moderator', () => roleOf(guest, host) === 'moderator');
    await host.waitFor('the guest in the room', () => roleOf(host, guest));
    assert.equal(roleOf(host, guest), 'participant');
  });
});

describe('invite tokens (--auth token)', () => {
  let stack: AccessStack;
  before(async () => {
    stack = await startAccessStack('token');
  });
  after(async () => {
    await stack?.close();
  });

  test('no token, a forged token, an expired token and a wrong-room token are refused', async () => {
    const p = await stack.guest();
    await expectStanzaError(p.requestConference('board'), 'not-authorized', /needs an invitation.*\[token-missing\]/);
    const forged = await stack.token({ room: 'board', secret: 'not-the-server-secret-0123456789abcdefghij' });
    await expectStanzaError(p.requestConference('board', { token: forged }), 'forbidden', /\[token-invalid\]/);
    const expired = await stack.token({ room: 'board', now: Math.floor(Date.now() / 1000) - 7200, ttlSeconds: 60 });
    await expectStanzaError(p.requestConference('board', { token: expired }), 'forbidden', /expired \[token-expired\]/);
    const other = await stack.token({ room: 'other-room' });
    await expectStanzaError(p.requestConference('board', { token: other }), 'forbidden', /\[token-wrong-room\]/);
    assert.equal(stack.focus.manager.conferences.size, 0, 'no conference was created');
  });

  test('holders of valid tokens join (a moderator claim makes a moderator); a plain MUC join is refused by Prosody', async () => {
    const a = await stack.guest('Ann');
    const b = await stack.guest('Ben');
    await a.join('board', {}, { token: await stack.token({ room: 'board', moderator: true }) });
    await a.accept();
    await b.join('board', {}, { token: await stack.token({ room: 'board' }) });
    await b.accept();
    await b.waitFor('Ann shown as moderator', () => roleOf(b, a) === 'moderator');
    assert.equal(roleOf(a, b) ?? (await a.waitFor('Ben in the room', () => roleOf(a, b))), 'participant');

    // Someone without a token skips the focus and joins the MUC room directly.
    const intruder = await stack.guest('Eve');
    const room = 'board@' + stack.guests.mucDomain;
    intruder.room = room;
    intruder.xmpp.send(mucJoinPresence(occupantJid(room, intruder.endpointId), { maxHistory: 0 }) as never);
    const refusal: Element = await intruder.waitFor('the room to answer', () =>
      intruder.presences.find((x) => x.attrs.from === occupantJid(room, intruder.endpointId)),
    );
    assert.equal(refusal.attrs.type, 'error', 'the room refused the join');
    assert.ok(refusal.getChild('error')?.getChild('registration-required'), refusal.toString());
    assert.equal(roleOf(a, intruder), undefined, 'nobody sees the intruder');
  });
});

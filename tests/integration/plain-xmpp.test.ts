// Another XMPP app in a meeting's room (Gajim, Converse.js...): a plain MUC occupant with no Jingle
// and no conference request, on the c2s port. It sees the participants with their display names
// (XEP-0172 <nick> in their presence) and the chat history; its messages reach the meeting's chat
// with its nick; the focus does not take it for a media participant.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { client } from '@xmpp/client';
import { xml, type Element } from '@parley/protocol';
import { startStack, waitUntil, withTimeout, type Stack } from './harness.js';

const MUC_NS = 'http://jabber.org/protocol/muc';
const NICK_NS = 'http://jabber.org/protocol/nick';

/** An anonymous XMPP client on the c2s port, as Gajim would be: every stanza it gets is kept in `seen`. */
function plainClient(stack: Stack) {
  const plain = client({ service: `xmpp://127.0.0.1:${stack.c2sPort}`, domain: stack.domain });
  plain.on('error', () => {});
  const seen: Element[] = [];
  plain.on('stanza', (s: Element) => void seen.push(s));
  return { plain, seen };
}

test('a plain XMPP client sees names and history, and its messages reach the meeting', async () => {
  const stack = await startStack();
  const { plain, seen } = plainClient(stack);
  try {
    const alice = await stack.participant('Alice');
    await alice.join('coffee');
    await alice.accept();
    const room = alice.room!;
    alice.xmpp.send(
      xml('message', { to: room, type: 'groupchat' }, xml('body', {}, 'hello from the meeting')) as never,
    );
    await alice.waitFor('its own message back', () =>
      alice.messages.some((m) => m.getChildText('body') === 'hello from the meeting'),
    );

    await withTimeout(plain.start(), 10_000, 'plain client start');
    plain.send(
      xml('presence', { to: `${room}/gajim-user` }, xml('x', { xmlns: MUC_NS }, xml('history', { maxstanzas: '20' }))),
    );
    await waitUntil('the plain client is in the room', () =>
      seen.some((s) => s.name === 'presence' && s.attrs.from === `${room}/gajim-user` && !s.attrs.type),
    );
    // Alice's presence carries her display name next to her endpoint-id nick.
    const aliceP = seen.find((s) => s.name === 'presence' && s.attrs.from === `${room}/${alice.endpointId}`);
    assert.equal(aliceP?.getChild('nick', NICK_NS)?.getText(), 'Alice', "Alice's display name in her presence");
    // The history the room keeps reaches the newcomer (with its original time, XEP-0203).
    await waitUntil('the chat history arrives', () =>
      seen.some((s) => s.name === 'message' && s.getChildText('body') === 'hello from the meeting'),
    );
    const old = seen.find((s) => s.name === 'message' && s.getChildText('body') === 'hello from the meeting')!;
    assert.ok(old.getChild('delay', 'urn:xmpp:delay'), 'history is marked delayed');

    // Its message reaches the meeting with its nick.
    plain.send(xml('message', { to: room, type: 'groupchat' }, xml('body', {}, 'hi from Gajim')));
    await alice.waitFor('the plain client message', () =>
      alice.messages.some((m) => m.getChildText('body') === 'hi from Gajim' && m.attrs.from === `${room}/gajim-user`),
    );
    // The focus counts it as nobody's media: one participant, no session offered to it.
    const conference = stack.focus.manager.conferences.get(room)!;
    assert.deepEqual([...conference.participants.keys()], [alice.endpointId]);
    assert.ok(
      !seen.some((s) => s.name === 'iq' && s.getChild('jingle', 'urn:xmpp:jingle:1')),
      'no Jingle to the plain client',
    );
    await alice.disconnect();
  } finally {
    await withTimeout(plain.stop(), 5000, 'plain client stop').catch(() => {});
    await stack.close();
  }
});

test('a plain XMPP client cannot open a room where no meeting runs', async () => {
  const stack = await startStack();
  const { plain, seen } = plainClient(stack);
  try {
    await withTimeout(plain.start(), 10_000, 'plain client start');
    const room = `no-meeting@${stack.mucDomain}`;
    plain.send(xml('presence', { to: `${room}/gajim-user` }, xml('x', { xmlns: MUC_NS })));
    await waitUntil('an answer to the join', () =>
      seen.some((s) => s.name === 'presence' && String(s.attrs.from).startsWith(room)),
    );
    const answer = seen.find((s) => s.name === 'presence' && String(s.attrs.from).startsWith(room))!;
    assert.equal(answer.attrs.type, 'error', 'the room is not created for it (only the focus creates rooms)');
  } finally {
    await withTimeout(plain.stop(), 5000, 'plain client stop').catch(() => {});
    await stack.close();
  }
});

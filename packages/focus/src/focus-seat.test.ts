import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseXml, xml, type Element } from '@parley/protocol';
import { createLogger } from '@parley/service';
import { FocusSeat, NICK_CONFLICT_RETRIES } from './focus-seat.js';
import type { XmppLink } from './xmpp-link.js';

const ROOM = 'r@conference.meet.test';

/** A link whose MUC answers each join from a script: 'conflict', 'forbidden' or 'ok'. */
function scriptedRoom(answers: string[]) {
  const sent: Element[] = [];
  const lines: string[] = [];
  let seat!: FocusSeat;
  const link: XmppLink = {
    jid: 'focus.meet.test',
    send(stanza) {
      sent.push(stanza);
      const answer = answers.shift() ?? 'ok';
      const from = stanza.attrs.to;
      const reply =
        answer === 'ok'
          ? `<presence from="${from}"><x xmlns="http://jabber.org/protocol/muc#user"><item affiliation="owner" role="moderator"/><status code="110"/></x></presence>`
          : `<presence from="${from}" type="error"><error type="cancel"><${answer} xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/></error></presence>`;
      queueMicrotask(() => seat.onPresence(parseXml(reply)));
    },
    async request(iq) {
      sent.push(iq);
      return xml('iq', { type: 'result' });
    },
    onStanza() {},
    async close() {},
  };
  seat = new FocusSeat(
    ROOM,
    'focus',
    link,
    createLogger('focus', { level: 'debug', write: (l) => lines.push(l) }),
    'focus.meet.example/focus',
  );
  return { seat, sent, lines };
}

const kinds = (sent: Element[]) => sent.map((s) => (s.name === 'iq' ? 'reserve' : 'join'));

test('the focus joins, then reserves its nick as the room owner', async () => {
  const { seat, sent } = scriptedRoom(['ok']);
  await seat.join(1000);
  assert.deepEqual(kinds(sent), ['join', 'reserve']);
  const item = sent[1].getChild('query')?.getChild('item');
  assert.equal(sent[1].getChild('query')?.attrs.xmlns, 'http://jabber.org/protocol/muc#admin');
  assert.deepEqual(item?.attrs, { affiliation: 'owner', jid: 'focus.meet.test', nick: 'focus' });
  assert.equal(sent[0].attrs.to, `${ROOM}/focus`);
});

test('a taken nick is reserved (which removes the holder) and the join tried again, logged', async () => {
  const { seat, sent, lines } = scriptedRoom(['conflict', 'conflict', 'ok']);
  await seat.join(1000);
  assert.deepEqual(kinds(sent), ['join', 'reserve', 'join', 'reserve', 'join', 'reserve']);
  assert.equal(lines.filter((l) => l.includes('conference.nick_taken')).length, 2);
});

test('the retries are bounded, and other refusals are not retried', async () => {
  const stuck = scriptedRoom(Array(10).fill('conflict'));
  await assert.rejects(stuck.seat.join(1000), /nick focus in r@conference\.meet\.test stayed taken after 4 joins/);
  assert.equal(kinds(stuck.sent).filter((k) => k === 'join').length, NICK_CONFLICT_RETRIES + 1);
  const refused = scriptedRoom(['forbidden']);
  await assert.rejects(refused.seat.join(1000), /refused the focus: forbidden/);
  assert.deepEqual(kinds(refused.sent), ['join']);
});

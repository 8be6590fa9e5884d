import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xml } from '@parley/protocol';
import { FocusIdentity } from './focus-identity.js';

const ROOM = 'r1@conference.meet.example';
const FOCUS = 'focus.meet.example';

function presence(nick: string, jid?: string, type?: string) {
  return xml(
    'presence',
    { from: `${ROOM}/${nick}`, type },
    xml('x', { xmlns: 'http://jabber.org/protocol/muc#user' }, xml('item', { jid, role: 'moderator' })),
  );
}

test('the focus is the occupant "focus" whose real JID is <focusjid>/…', () => {
  const id = new FocusIdentity(ROOM, new Set([FOCUS]));
  assert.equal(id.occupant, `${ROOM}/focus`);
  assert.equal(id.isFocus(`${ROOM}/focus`), false, 'not before its presence is seen');
  id.observePresence(presence('focus', `${FOCUS}/focus`));
  assert.equal(id.isFocus(`${ROOM}/focus`), true);
  assert.equal(id.isFocus(FOCUS), false, 'the component JID is not the focus occupant');
  assert.equal(id.isFocus(`${ROOM}/a1a1a1a1`), false, 'another occupant');
  id.observePresence(presence('focus', undefined, 'unavailable'));
  assert.equal(id.isFocus(`${ROOM}/focus`), false, 'gone once it left');
});

test('a guest sitting on the nick "focus" is not the focus', () => {
  const id = new FocusIdentity(ROOM, new Set([FOCUS]));
  id.observePresence(presence('focus', 'guest123@meet.example/web'));
  assert.equal(id.isFocus(`${ROOM}/focus`), false);
  id.observePresence(presence('focus', `${FOCUS}evil.example/focus`));
  assert.equal(id.isFocus(`${ROOM}/focus`), false, 'a prefix of the domain is not enough');
  id.observePresence(presence('focus')); // a semi-anonymous room: no real JID
  assert.equal(id.isFocus(`${ROOM}/focus`), false);
});

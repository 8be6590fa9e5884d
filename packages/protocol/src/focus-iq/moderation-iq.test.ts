import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseXml } from '../xml/element.js';
import { ProtocolError } from '../errors/protocol-error.js';
import {
  FOCUS_MODERATION_NS,
  destroyRoomIq,
  isModerationRequest,
  meetingEndedToXml,
  moderationRequestToXml,
  moderatorKeyOf,
  moderatorKeyToXml,
  parseMeetingEnded,
  parseModerationRequest,
  parseModeratorKey,
  type ModerationRequest,
} from './index.js';

const KEY = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123-_x';
const throwsNaming = (fn: () => unknown, re: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof ProtocolError && e.condition === 'bad-request' && re.test(e.message));

test('moderation requests round trip through XML text', () => {
  const requests: ModerationRequest[] = [
    { action: 'grant-moderator', room: 'r@conference.example', nick: 'a1b2c3d4' },
    { action: 'mute-all', room: 'r@conference.example', media: 'audio' },
    { action: 'mute-all', room: 'r@conference.example', media: 'video' },
    { action: 'end-meeting', room: 'r@conference.example' },
  ];
  for (const r of requests) {
    const el = parseXml(moderationRequestToXml(r).toString());
    assert.equal(el.attrs.xmlns, FOCUS_MODERATION_NS);
    assert.ok(isModerationRequest(el));
    assert.deepEqual(parseModerationRequest(el), r);
  }
});

test('bad moderation requests name the problem', () => {
  const el = (s: string) => parseXml(s.replace('NS', FOCUS_MODERATION_NS));
  throwsNaming(() => parseModerationRequest(el('<end-meeting xmlns="NS"/>')), /room/);
  throwsNaming(() => parseModerationRequest(el('<end-meeting xmlns="NS" room="nodomain"/>')), /'room' must be a bare/);
  throwsNaming(() => parseModerationRequest(el('<grant-moderator xmlns="NS" room="r@c"/>')), /nick/);
  throwsNaming(
    () => parseModerationRequest(el('<grant-moderator xmlns="NS" room="r@c" nick="focus"/>')),
    /endpoint id/,
  );
  throwsNaming(() => parseModerationRequest(el('<mute-all xmlns="NS" room="r@c" media="screen"/>')), /'media'/);
  throwsNaming(() => parseModerationRequest(el('<password xmlns="NS" room="r@c"/>')), /expected one of/);
  assert.equal(isModerationRequest(parseXml('<end-meeting xmlns="urn:other" room="r@c"/>')), false);
  assert.equal(isModerationRequest(undefined), false);
});

test('moderator key notice and the conference request property', () => {
  const n = { room: 'r@conference.example', key: KEY };
  assert.deepEqual(parseModeratorKey(parseXml(moderatorKeyToXml(n).toString())), n);
  throwsNaming(() => parseModeratorKey(moderatorKeyToXml({ ...n, key: 'short' })), /43 base64url/);
  assert.equal(moderatorKeyOf({ room: 'r@c', properties: { 'moderator-key': KEY } }), KEY);
  assert.equal(moderatorKeyOf({ room: 'r@c', properties: { 'moderator-key': 'guess' } }), undefined);
  assert.equal(moderatorKeyOf({ room: 'r@c', properties: {} }), undefined);
});

test('meeting ended notice and the room destroy request', () => {
  const n = { room: 'r@conference.example', by: 'a1b2c3d4' };
  assert.deepEqual(parseMeetingEnded(parseXml(meetingEndedToXml(n).toString())), n);
  assert.deepEqual(parseMeetingEnded(meetingEndedToXml({ room: 'r@c' })), { room: 'r@c' });
  const iq = parseXml(destroyRoomIq('r@conference.example', 'done').toString());
  assert.equal(iq.attrs.to, 'r@conference.example');
  assert.equal(
    iq.getChild('query', 'http://jabber.org/protocol/muc#owner')?.getChild('destroy')?.getChildText('reason'),
    'done',
  );
});

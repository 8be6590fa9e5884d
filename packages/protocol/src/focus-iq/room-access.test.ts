import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseXml } from '../xml/element.js';
import { ProtocolError } from '../errors/protocol-error.js';
import {
  PARLEY_FOCUS_NS,
  isRoomAccessRequest,
  knockAnswerToXml,
  knockResultToXml,
  parseKnockAnswer,
  parseKnockResult,
  parseRoomAccessRequest,
  parseRoomAccessSnapshot,
  roomAccessRequestToXml,
  roomAccessSnapshotToXml,
  type RoomAccessRequest,
} from './index.js';

const ROOM = 'standup@conference.meet.example';
const refused = (fn: () => unknown, condition: string, re: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof ProtocolError && e.condition === condition && re.test(e.message));

test('every room-access request survives a round trip through its XML text', () => {
  const requests: RoomAccessRequest[] = [
    { kind: 'password', room: ROOM, password: 's3cret "quoted" & <angled> 密码' },
    { kind: 'password', room: ROOM, password: '' },
    { kind: 'lobby', room: ROOM, enabled: true },
    { kind: 'lobby', room: ROOM, enabled: false },
    { kind: 'knock', room: ROOM, nick: 'Bob' },
    { kind: 'knock', room: ROOM, nick: '' },
    { kind: 'admit', room: ROOM, knocker: '0a1b2c3d' },
    { kind: 'deny', room: ROOM, knocker: 'ff' },
  ];
  for (const r of requests) {
    const el = roomAccessRequestToXml(r);
    assert.equal(el.attrs.xmlns, PARLEY_FOCUS_NS);
    assert.ok(isRoomAccessRequest(el));
    assert.deepEqual(parseRoomAccessRequest(parseXml(el.toString())), r);
  }
});

test('the shared design example parses: a password set on a room', () => {
  const el = parseXml(`<password xmlns="${PARLEY_FOCUS_NS}" room="r@conference.d">s</password>`);
  assert.deepEqual(parseRoomAccessRequest(el), { kind: 'password', room: 'r@conference.d', password: 's' });
  assert.equal(isRoomAccessRequest(parseXml('<password xmlns="urn:other" room="r@c">s</password>')), false);
  assert.equal(isRoomAccessRequest(parseXml(`<mute xmlns="${PARLEY_FOCUS_NS}"/>`)), false);
});

test('bad room-access requests are refused with errors that name the problem', () => {
  const p = (s: string) => parseRoomAccessRequest(parseXml(s.replace('NS', PARLEY_FOCUS_NS)));
  refused(() => p('<lobby xmlns="NS" enabled="true"/>'), 'bad-request', /missing attribute 'room'/);
  refused(() => p('<lobby xmlns="NS" room="r@c/nick" enabled="true"/>'), 'bad-request', /bare JID/);
  refused(() => p('<lobby xmlns="NS" room="r@c"/>'), 'bad-request', /'enabled'/);
  refused(() => p('<lobby xmlns="NS" room="r@c" enabled="yes"/>'), 'bad-request', /not a boolean/);
  refused(() => p('<admit xmlns="NS" room="r@c"/>'), 'bad-request', /'knocker'/);
  refused(() => p('<deny xmlns="NS" room="r@c" knocker="../x"/>'), 'bad-request', /bad knocker id/);
  refused(() => p(`<password xmlns="NS" room="r@c">${'x'.repeat(129)}</password>`), 'not-acceptable', /longer/);
  refused(() => p('<password xmlns="NS" room="r@c">a&#x9;b</password>'), 'not-acceptable', /control/);
  refused(() => p(`<knock xmlns="NS" room="r@c" nick="${'n'.repeat(65)}"/>`), 'bad-request', /'nick' is longer/);
  refused(() => p('<conference xmlns="NS" room="r@c"/>'), 'bad-request', /expected a room-access request/);
  // A password of exactly the limit passes.
  assert.equal(
    (p(`<password xmlns="NS" room="r@c">${'é'.repeat(128)}</password>`) as { password: string }).password.length,
    128,
  );
});

test('a knock nick is trimmed', () => {
  const r = parseRoomAccessRequest(parseXml(`<knock xmlns="${PARLEY_FOCUS_NS}" room="r@c" nick="  Ann  "/>`));
  assert.deepEqual(r, { kind: 'knock', room: 'r@c', nick: 'Ann' });
});

test('the focus pushes: snapshot, knock answer and knock result round trips', () => {
  const snap = {
    room: ROOM,
    passwordSet: true,
    lobbyEnabled: true,
    knockers: [
      { id: '0a1b2c3d', nick: 'Bob' },
      { id: '11223344', nick: '' },
    ],
  };
  assert.deepEqual(parseRoomAccessSnapshot(parseXml(roomAccessSnapshotToXml(snap).toString())), snap);
  const empty = { room: ROOM, passwordSet: false, lobbyEnabled: false, knockers: [] };
  assert.deepEqual(parseRoomAccessSnapshot(roomAccessSnapshotToXml(empty)), empty);

  for (const status of ['waiting', 'admitted'] as const)
    assert.deepEqual(parseKnockAnswer(parseXml(knockAnswerToXml({ room: ROOM, status }).toString())), {
      room: ROOM,
      status,
    });
  refused(() => parseKnockAnswer(parseXml(`<knock xmlns="${PARLEY_FOCUS_NS}" room="r@c"/>`)), 'bad-request', /status/);

  const admitted = { room: ROOM, result: 'admitted' as const, password: 'pw' };
  assert.deepEqual(parseKnockResult(parseXml(knockResultToXml(admitted).toString())), admitted);
  const denied = { room: ROOM, result: 'denied' as const };
  assert.deepEqual(parseKnockResult(parseXml(knockResultToXml(denied).toString())), denied);
  refused(
    () => parseKnockResult(parseXml(`<knock-result xmlns="${PARLEY_FOCUS_NS}" room="r@c" result="maybe"/>`)),
    'bad-request',
    /'result'/,
  );
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseXml, participantPresenceChildren, xml, type ParticipantInfo } from '@parley/protocol';
import {
  addChat,
  applyPresenceStanza,
  chatStanza,
  emptyRoom,
  parseChatStanza,
  participantsOf,
  type RoomModel,
} from './room.js';

const ROOM = 'room1@conference.meet.example';
const A = 'a1a1a1a1';
const B = 'b2b2b2b2';
const ME = 'c3c3c3c3';

function presence(nick: string, info: ParticipantInfo, opts: { type?: string; role?: string; codes?: number[] } = {}) {
  return parseXml(
    xml(
      'presence',
      { from: `${ROOM}/${nick}`, type: opts.type },
      xml(
        'x',
        { xmlns: 'http://jabber.org/protocol/muc#user' },
        xml('item', { role: opts.role ?? 'participant', affiliation: 'none' }),
        (opts.codes ?? []).map((code) => xml('status', { code })),
      ),
      participantPresenceChildren(info),
    ).toString(),
  );
}

function apply(room: RoomModel, ...stanzas: ReturnType<typeof presence>[]) {
  let r = room;
  const outcomes = [];
  for (const s of stanzas) {
    const res = applyPresenceStanza(r, s, ME);
    r = res.room;
    outcomes.push(res.outcome);
  }
  return { room: r, outcomes };
}

test('presence -> participants: join order, names, roles, mute, hand, screen; focus hidden; other apps external', () => {
  const { room, outcomes } = apply(
    emptyRoom(),
    presence('focus', { nick: 'focus' }, { role: 'moderator' }),
    presence(B, { nick: 'Bob', audioMuted: true, videoMuted: false, raisedHand: 1700000000000 }, { role: 'moderator' }),
    presence(A, {
      nick: 'Alice',
      sourceInfo: {
        [`${A}-v0`]: { muted: false, videoType: 'camera' },
        [`${A}-v1`]: { muted: false, videoType: 'desktop' },
      },
    }),
    presence('Gajim user', { nick: 'Gajim user' }),
    presence(ME, { nick: 'Me' }, { codes: [110] }),
  );
  assert.deepEqual(
    outcomes.map((o) => o.kind),
    ['ignored', 'joined', 'joined', 'joined', 'self'],
  );
  const ps = participantsOf(room, {
    id: ME,
    displayName: 'Me',
    audioMuted: false,
    videoMuted: true,
    screenSharing: false,
  });
  assert.deepEqual(Object.keys(ps), [ME, B, A, 'Gajim user']);
  assert.deepEqual(ps[B], {
    id: B,
    displayName: 'Bob',
    isLocal: false,
    moderator: true,
    audioMuted: true,
    videoMuted: false,
    screenSharing: false,
    raisedHand: 1700000000000,
  });
  assert.equal(ps[A]!.screenSharing, true);
  assert.equal(ps['Gajim user']!.external, true);
  assert.deepEqual(ps[ME], {
    id: ME,
    displayName: 'Me',
    isLocal: true,
    moderator: false,
    audioMuted: false,
    videoMuted: true,
    screenSharing: false,
  });
  assert.equal(ps.focus, undefined);
});

test('presence updates: hand lowered, unmuted; leaving; self kicked (307) vs other self-unavailable', () => {
  let { room } = apply(emptyRoom(), presence(B, { nick: 'Bob', audioMuted: true, raisedHand: 5 }));
  ({ room } = apply(room, presence(B, { nick: 'Bob', audioMuted: false })));
  assert.equal(room.members[B]!.raisedHand, undefined);
  assert.equal(room.members[B]!.audioMuted, false);
  const left = apply(room, presence(B, {}, { type: 'unavailable' }));
  assert.deepEqual(left.outcomes[0], { kind: 'left', nick: B });
  assert.equal(left.room.members[B], undefined);
  const kicked = apply(room, presence(ME, {}, { type: 'unavailable', role: 'none', codes: [307, 110] }));
  assert.deepEqual(kicked.outcomes[0], { kind: 'self-gone', removed: true, codes: [307, 110] });
  const gone = apply(room, presence(ME, {}, { type: 'unavailable', codes: [110] }));
  assert.deepEqual(gone.outcomes[0], { kind: 'self-gone', removed: false, codes: [110] });
});

test('malformed presence is dropped with an error, the model unchanged', () => {
  const room = emptyRoom();
  const bad = parseXml(
    `<presence from="${ROOM}/${A}"><audiomuted xmlns="http://jitsi.org/jitmeet/audio">maybe</audiomuted></presence>`,
  );
  const r = applyPresenceStanza(room, bad, ME);
  assert.ok(r.error);
  assert.equal(r.room, room);
});

test('chat: groupchat, reflection is mine, private both ways, history not unread, chat open resets nothing', () => {
  const { room } = apply(emptyRoom(), presence(A, { nick: 'Alice' }));
  const msg = (attrs: Record<string, string>, body: string, delay?: string) =>
    parseXml(
      xml(
        'message',
        attrs,
        xml('body', {}, body),
        delay ? xml('delay', { xmlns: 'urn:xmpp:delay', stamp: delay }) : undefined,
      ).toString(),
    );
  let s = {
    chat: [] as ReturnType<typeof parseChatStanza> extends infer T
      ? T extends { message: infer M }
        ? M[]
        : never
      : never,
    unreadChat: 0,
  };
  const hist = parseChatStanza(
    msg({ type: 'groupchat', from: `${ROOM}/${A}`, id: 'h1' }, 'old', '2024-01-01T00:00:00Z'),
    ROOM,
    ME,
    room,
  )!;
  assert.equal(hist.history, true);
  assert.equal(hist.message.at, Date.parse('2024-01-01T00:00:00Z'));
  s = addChat(s, hist, false);
  assert.equal(s.unreadChat, 0);
  const live = parseChatStanza(
    msg({ type: 'groupchat', from: `${ROOM}/${A}`, id: 'm1' }, 'hi'),
    ROOM,
    ME,
    room,
    () => 42,
  )!;
  assert.deepEqual(live.message, { id: 'm1', from: A, displayName: 'Alice', text: 'hi', at: 42, mine: false });
  s = addChat(s, live, false);
  assert.equal(s.unreadChat, 1);
  s = addChat(s, live, false); // duplicate id
  assert.equal(s.chat.length, 2);
  const own = parseChatStanza(msg({ type: 'groupchat', from: `${ROOM}/${ME}`, id: 'm2' }, 'mine'), ROOM, ME, room)!;
  assert.equal(own.message.mine, true);
  s = addChat(s, own, false);
  assert.equal(s.unreadChat, 1);
  const pm = parseChatStanza(msg({ type: 'chat', from: `${ROOM}/${A}`, id: 'p1' }, 'psst'), ROOM, ME, room)!;
  assert.equal(pm.message.privateWith, A);
  s = addChat(s, pm, true);
  assert.equal(s.unreadChat, 1);
  assert.equal(
    parseChatStanza(
      parseXml(`<message type="groupchat" from="${ROOM}"><subject>x</subject></message>`),
      ROOM,
      ME,
      room,
    ),
    undefined,
  );
  assert.equal(
    parseChatStanza(msg({ type: 'groupchat', from: `other@conference.meet.example/${A}` }, 'x'), ROOM, ME, room),
    undefined,
  );
  assert.equal(parseChatStanza(msg({ type: 'error', from: `${ROOM}/${A}` }, 'x'), ROOM, ME, room), undefined);
});

test('outgoing chat stanzas: groupchat to the room, private to room/nick', () => {
  assert.equal(
    chatStanza(ROOM, 'hi', 'x1').toString(),
    `<message type="groupchat" to="${ROOM}" id="x1"><body>hi</body></message>`,
  );
  const pm = chatStanza(ROOM, 'yo', 'x2', A);
  assert.equal(pm.attrs.type, 'chat');
  assert.equal(pm.attrs.to, `${ROOM}/${A}`);
  assert.equal(pm.getChildText('body'), 'yo');
});

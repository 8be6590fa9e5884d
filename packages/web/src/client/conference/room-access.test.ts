// The client's side of password and lobby, with a scripted connection: what a refusal turns into,
// what is sent to the focus, and what the focus's answers do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PARLEY_FOCUS_NS,
  knockAnswerToXml,
  knockResultToXml,
  parseRoomAccessRequest,
  roomAccessSnapshotToXml,
  xml,
  type Element,
} from '@parley/protocol';
import { SerialQueue } from '@parley/protocol';
import {
  createRoomAccess,
  type RoomAccessConnection,
  type RoomAccessHost,
  type RoomAccessSignaling,
} from './room-access.js';

const ROOM = 'r@conference.example';
type Failure = Parameters<RoomAccessHost['fail']>[0];
const FOCUS = 'focus.example';

function setup() {
  const sent: Element[] = [];
  const handlers = new Map<string, Parameters<RoomAccessConnection['onIqSet']>[2]>();
  let stopped = false;
  const x: RoomAccessConnection = {
    stop: async () => {
      stopped = true;
    },
    send: (el) => void sent.push(el),
    request: async (el) => {
      sent.push(el);
      const r = parseRoomAccessRequest(el.getChildElements()[0]);
      return xml(
        'iq',
        { type: 'result' },
        r.kind === 'knock' ? knockAnswerToXml({ room: ROOM, status: 'waiting' }) : undefined,
      );
    },
    onIqSet: (ns, name, h) => void handlers.set(`${ns} ${name}`, h),
  };
  let state: RoomAccessHost['state'] & { error?: Failure } = { phase: 'joining', displayName: 'Kim' };
  const failures: Failure[] = [];
  const calls: string[] = [];
  const c = {
    env: { log: () => {} },
    config: { focusJid: FOCUS },
    roomJid: ROOM,
    wsUrl: 'wss://example/xmpp-websocket',
    queue: new SerialQueue(),
    get state() {
      return state;
    },
    set: (patch: Parameters<RoomAccessHost['set']>[0]) => {
      state = { ...state, ...patch };
    },
    fail: (e: Failure) => {
      failures.push(e);
      state = { ...state, phase: 'error', error: e };
    },
    terminal: () => state.phase === 'error',
  } satisfies RoomAccessHost as RoomAccessHost;
  let connection: RoomAccessConnection | undefined = x;
  const signaling: RoomAccessSignaling = {
    get connection() {
      return connection;
    },
    focusJids: new Set([FOCUS]),
    disconnect: () => {
      connection = undefined;
      void x.stop();
    },
    joinRoom: () => void calls.push(`join with ${access.hooks.joinPassword() ?? 'no password'}`),
    requestConference: async () => void calls.push('conference'),
  };
  const access = createRoomAccess(c, () => signaling);
  access.hooks.connected(x);
  const push = (name: string, payload: Element, from = FOCUS) =>
    handlers.get(`${PARLEY_FOCUS_NS} ${name}`)!(xml('iq', { type: 'set', from }), payload);
  return { c, access, sent, calls, failures, push, stopped: () => stopped, state: () => state };
}

test('not-authorized: back to prejoin asking for the password; with one given, it says it was wrong', () => {
  const t = setup();
  assert.equal(t.access.hooks.joinRefused('not-authorized'), true);
  assert.equal(t.state().phase, 'prejoin');
  assert.equal(t.state().roomAccess?.passwordPrompt, 'required');
  assert.equal(t.stopped(), true, 'the next join starts a new connection');

  const u = setup();
  u.access.actions.setJoinPassword('guess');
  u.access.hooks.joinRefused('not-authorized');
  assert.equal(u.state().roomAccess?.passwordPrompt, 'wrong');
  // Refusals the module does not own stay with the caller (it shows the signaling error).
  assert.equal(setup().access.hooks.joinRefused('forbidden'), false);
});

test('registration-required: knock on the focus with a directed presence, wait in the lobby', async () => {
  const t = setup();
  assert.equal(t.access.hooks.joinRefused('registration-required'), true);
  await t.c.queue.run('after', () => undefined);
  assert.equal(t.state().phase, 'lobby');
  assert.equal(t.sent[0].name, 'presence');
  assert.equal(t.sent[0].attrs.to, FOCUS, 'a directed presence, so the focus learns when we leave');
  assert.deepEqual(parseRoomAccessRequest(t.sent[1].getChildElements()[0]), { kind: 'knock', room: ROOM, nick: 'Kim' });
});

test('admitted: ask for the conference again and join with the password the focus gave', async () => {
  const t = setup();
  t.access.hooks.joinRefused('registration-required');
  await t.c.queue.run('after', () => undefined);
  assert.equal(await t.push('knock-result', knockResultToXml({ room: ROOM, result: 'admitted', password: 'p' })), true);
  await t.c.queue.run('after', () => undefined);
  assert.deepEqual(t.calls, ['conference', 'join with p']);
  assert.equal(t.state().phase, 'joining');
});

test('denied: the lobby-denied screen; answers from anyone but the focus are not taken', async () => {
  const t = setup();
  t.access.hooks.joinRefused('registration-required');
  await t.c.queue.run('after', () => undefined);
  const denied = knockResultToXml({ room: ROOM, result: 'denied' });
  assert.equal(await t.push('knock-result', denied, 'mallory@example/x'), false, 'not from the focus');
  assert.equal(t.state().phase, 'lobby');
  await t.push('knock-result', denied);
  assert.deepEqual(t.failures, [{ kind: 'lobby-denied' }]);
});

test("the focus's snapshot becomes state.roomAccess; moderator actions are IQs to the focus", async () => {
  const t = setup();
  const snap = { room: ROOM, passwordSet: true, lobbyEnabled: true, knockers: [{ id: 'ab', nick: 'Bo' }] };
  await t.push('room-access', roomAccessSnapshotToXml(snap));
  assert.deepEqual(t.state().roomAccess, {
    passwordSet: true,
    lobbyEnabled: true,
    knockers: [{ id: 'ab', nick: 'Bo' }],
  });
  t.access.actions.answerKnock('ab', true);
  t.access.actions.setLobbyEnabled(false);
  t.access.actions.setRoomPassword('');
  const asked = t.sent.map(
    (iq) => (assert.equal(iq.attrs.to, FOCUS), parseRoomAccessRequest(iq.getChildElements()[0])),
  );
  assert.deepEqual(asked, [
    { kind: 'admit', room: ROOM, knocker: 'ab' },
    { kind: 'lobby', room: ROOM, enabled: false },
    { kind: 'password', room: ROOM, password: '' },
  ]);
});

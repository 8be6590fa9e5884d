// The operators' HTTP API on the real focus with a real Prosody: who is in which room (names, mute
// state), removing a participant, ending a meeting; only with the admin token; errors in one shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FOCUS_MODERATION_NS, occupantJid, parseParticipantPresence, type Element } from '@parley/protocol';
import { adminApi } from '@parley/focus';
import { createLogger } from '@parley/service';
import { startStack, waitUntil, type TestParticipant } from './harness.js';

const TOKEN = 'integration-admin-token-0123456789';

interface ApiAnswer {
  status: number;
  body: any;
}

function client(base: string, token = TOKEN) {
  return async (method: string, path: string, body?: unknown): Promise<ApiAnswer> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };
}

const kicked = (p: TestParticipant) =>
  p.presences.some(
    (s) =>
      s.attrs.from === occupantJid(p.room!, p.endpointId) &&
      s.attrs.type === 'unavailable' &&
      parseParticipantPresence(s).statusCodes.includes(307),
  );

test('the HTTP API lists rooms and people, removes one, ends the meeting; only with the token', async () => {
  const stack = await startStack({ focus: { adminToken: TOKEN } });
  try {
    const api = client(`http://127.0.0.1:${stack.focus.httpPort}/api/`);
    const ended: Element[] = [];
    const [a, b] = [await stack.participant('Alice'), await stack.participant('Bob')];
    a.xmpp.iqCallee.set(FOCUS_MODERATION_NS, 'meeting-ended', (ctx: { element: unknown }) => {
      ended.push(ctx.element as Element);
      return true;
    });
    await a.join('ops-room');
    await a.accept();
    await b.join('ops-room', { audioMuted: true });
    await b.accept();

    // Without the token, with a wrong one: refused, naming what to send.
    const none = await client(`http://127.0.0.1:${stack.focus.httpPort}/api/`, '')('GET', 'rooms');
    assert.equal(none.status, 401);
    assert.equal(none.body.error.code, 'unauthorized');
    assert.match(none.body.error.message, /Authorization: Bearer/);
    const guess = await client(`http://127.0.0.1:${stack.focus.httpPort}/api/`, 'guess')('GET', 'rooms');
    assert.equal(guess.status, 401);

    const rooms = await api('GET', 'rooms');
    assert.equal(rooms.status, 200);
    const room = rooms.body.rooms.find((r: { room: string }) => r.room === 'ops-room');
    assert.ok(room, 'the room is listed');
    const people = Object.fromEntries(room.participants.map((p: { name: string }) => [p.name, p]));
    assert.equal(people.Alice.id, a.endpointId);
    assert.equal(people.Alice.moderator, true, 'the first one in is moderator');
    assert.equal(people.Bob.audioMuted, true, "Bob's presence says his microphone is muted");
    assert.equal(people.Alice.audioMuted, false);

    // Bad requests name the problem.
    assert.equal((await api('GET', 'rooms/Not%20A%20Room')).body.error.code, 'bad-room');
    assert.equal((await api('GET', 'rooms/nobody-here')).status, 404);
    assert.equal((await api('DELETE', 'rooms/ops-room/participants/zz')).body.error.code, 'bad-participant');
    assert.equal((await api('DELETE', `rooms/ops-room/participants/0badf00d`)).status, 404);
    assert.equal((await api('PUT', 'rooms')).body.error.code, 'no-route');
    assert.equal((await api('POST', 'invites', { room: 'x' })).body.error.code, 'no-invites');

    // Recording, as an operator's script would drive it (issue 17): on, shown in the room, off.
    assert.equal((await api('POST', 'rooms/ops-room/recording/start')).body.recording, 'on');
    assert.equal((await api('GET', 'rooms/ops-room')).body.recording, 'on');
    assert.equal((await api('POST', 'rooms/ops-room/recording/stop')).body.recording, 'off');

    // Remove Bob: Prosody kicks him (307), Alice stays.
    const removed = await api('DELETE', `rooms/ops-room/participants/${b.endpointId}`);
    assert.equal(removed.status, 200);
    await b.waitFor('Bob is kicked (307)', () => kicked(b));
    const conference = () => stack.focus.manager.conferences.get(`ops-room@${stack.mucDomain}`);
    await waitUntil('the focus has let Bob go', () => conference()?.participants.size === 1);
    assert.deepEqual(
      (await api('GET', 'rooms/ops-room')).body.participants.map((p: { name: string }) => p.name),
      ['Alice'],
    );

    // End the meeting: Alice is told, the room is gone.
    const end = await api('POST', 'rooms/ops-room/end');
    assert.equal(end.status, 200);
    await a.waitFor('the meeting-ended notice', () => ended.length > 0);
    assert.equal((await api('GET', 'rooms/ops-room')).body.error.code, 'no-room');
    await a.disconnect();
    await b.disconnect();
  } finally {
    await stack.close();
  }
});

test('without an admin token the API is off and says so', async () => {
  const stack = await startStack();
  try {
    const off = await client(`http://127.0.0.1:${stack.focus.httpPort}/api/`)('GET', 'rooms');
    assert.equal(off.status, 404);
    assert.equal(off.body.error.code, 'api-off');
    // The handler alone, with a bad JSON body for an invite: refused by name.
    const handler = adminApi({
      manager: stack.focus.manager,
      mucDomain: stack.mucDomain,
      token: TOKEN,
      invite: async () => ({ url: 'unused' }),
      log: createLogger('api-test', { level: 'error', write: () => {} }),
    });
    const server = createServer((req, res) => void handler.handle(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const api = client(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`);
      assert.equal((await api('POST', 'invites', '{"room":')).body.error.code, 'bad-json');
      const bad = await api('POST', 'invites', { room: 'ok', ttlSeconds: 5 });
      assert.equal(bad.status, 400);
      assert.match(bad.body.error.message, /ttlSeconds/);
    } finally {
      server.close();
    }
  } finally {
    await stack.close();
  }
});

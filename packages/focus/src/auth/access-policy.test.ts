import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProtocolError } from '@parley/protocol';
import { createAccessPolicy } from './access-policy.js';
import { createTokenVerifier, mintToken } from './token.js';

const room = 'standup@conference.meet.test';

test('login mode: a guest cannot start a meeting, but joins one a logged-in user started', async () => {
  const p = createAccessPolicy({ mode: 'login', domain: 'meet.test' });
  const guest = 'a1b2c3@guest.meet.test/x';
  await assert.rejects(
    p.admit({ room, from: guest, properties: {}, roomExists: false }),
    (e: ProtocolError) =>
      e.condition === 'not-authorized' && /the host must log in \[host-must-log-in\]$/.test(e.message),
  );
  const host = await p.admit({ room, from: 'ada@meet.test/web', properties: {}, roomExists: false });
  assert.deepEqual(host, { membersOnly: false, moderator: true });
  const later = await p.admit({ room, from: guest, properties: {}, roomExists: true });
  assert.deepEqual(later, { membersOnly: false, moderator: false });
  await assert.rejects(p.admit({ room, from: 'meet.test', properties: {}, roomExists: false }), /host must log in/);
});

test('token mode: the holder becomes a member of a members-only room; refusals carry the condition', async () => {
  const secret = 'fixed-test-secret-0123456789abcdefghijklmnop';
  const verifier = createTokenVerifier({ key: { alg: 'HS256', secret }, audience: 'parley', issuer: 'parley' });
  const p = createAccessPolicy({ mode: 'token', verifier });
  const token = await mintToken({
    room: 'standup',
    moderator: true,
    ttlSeconds: 60,
    key: { alg: 'HS256', secret },
    audience: 'parley',
    issuer: 'parley',
  });
  const a = await p.admit({ room, from: 'x1@meet.test/r', properties: { token }, roomExists: false });
  assert.deepEqual(a, { membersOnly: true, member: 'x1@meet.test', moderator: true });
  await assert.rejects(
    p.admit({ room, from: 'x2@meet.test/r', properties: {}, roomExists: true }),
    (e: ProtocolError) => e.condition === 'not-authorized' && /\[token-missing\]$/.test(e.message),
  );
  await assert.rejects(
    p.admit({ room: 'other@conference.meet.test', from: 'x2@meet.test/r', properties: { token }, roomExists: true }),
    (e: ProtocolError) => e.condition === 'forbidden' && /\[token-wrong-room\]$/.test(e.message),
  );
});

// Token verification (access mode "token"): tokens signed here with fixed keys; each refusal names
// its reason so the client can say it in the user's words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { parseAccessRefusal } from '@parley/protocol';
import { createTokenVerifier, mintToken, TokenRefused, type TokenVerifier } from './token.js';

const SECRET = 'fixed-test-secret-0123456789abcdefghijklmnop';
const OTHER_SECRET = 'another-secret-0123456789abcdefghijklmnopqrs';
const settings = { audience: 'parley', issuer: 'parley' };
const hs = createTokenVerifier({ key: { alg: 'HS256', secret: SECRET }, ...settings });

const mint = (o: Partial<Parameters<typeof mintToken>[0]> = {}) =>
  mintToken({ room: 'standup', ttlSeconds: 3600, key: { alg: 'HS256', secret: SECRET }, ...settings, ...o });

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

async function refusedWith(v: TokenVerifier, token: string | undefined, room: string, reason: string) {
  await assert.rejects(v.verify(token, room), (err: unknown) => {
    assert.ok(err instanceof TokenRefused, `expected TokenRefused, got ${String(err)}`);
    assert.equal(err.reason, reason, err.message);
    assert.equal(parseAccessRefusal(err.message), reason);
    return true;
  });
}

test('a valid HS256 token for the room lets its holder in, with Jitsi-shaped name and moderator claims', async () => {
  const grant = await hs.verify(await mint({ displayName: 'Ada', moderator: true }), 'standup');
  assert.equal(grant.room, 'standup');
  assert.equal(grant.moderator, true);
  assert.equal(grant.displayName, 'Ada');
  const plain = await hs.verify(await mint({ displayName: 'Bo' }), 'StandUp');
  assert.equal(plain.moderator, false, 'no moderator claim: not a moderator');
});

test('moderator as context.user.moderator "true" (Jitsi) counts; room "*" fits every room', async () => {
  const token = [
    b64({ alg: 'HS256', typ: 'JWT' }),
    b64({ aud: 'parley', iss: 'parley', room: '*', exp: now() + 60, context: { user: { moderator: 'true' } } }),
  ].join('.');
  const { createHmac } = await import('node:crypto');
  const signed = `${token}.${createHmac('sha256', SECRET).update(token).digest('base64url')}`;
  const grant = await hs.verify(signed, 'any-room');
  assert.equal(grant.moderator, true);
  assert.equal(grant.room, '*');
});

test('refused: no token, expired, not yet valid, wrong room', async () => {
  await refusedWith(hs, undefined, 'standup', 'token-missing');
  await refusedWith(hs, '', 'standup', 'token-missing');
  await refusedWith(hs, await mint({ now: now() - 7200, ttlSeconds: 600 }), 'standup', 'token-expired');
  await refusedWith(hs, await mint({ now: now() + 3600 }), 'standup', 'token-not-yet-valid');
  await refusedWith(hs, await mint({ room: 'standup' }), 'board-meeting', 'token-wrong-room');
});

test('refused: wrong signature, wrong audience or issuer, garbage', async () => {
  await refusedWith(hs, await mint({ key: { alg: 'HS256', secret: OTHER_SECRET } }), 'standup', 'token-invalid');
  const valid = await mint();
  const [h, p] = valid.split('.');
  const forged = `${h}.${b64({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), room: '*' })}.${valid.split('.')[2]}`;
  await refusedWith(hs, forged, 'standup', 'token-invalid');
  await refusedWith(hs, await mint({ audience: 'someone-else' }), 'standup', 'token-invalid');
  await refusedWith(hs, await mint({ issuer: 'someone-else' }), 'standup', 'token-invalid');
  await refusedWith(hs, 'not-a-jwt', 'standup', 'token-invalid');
  await refusedWith(hs, 'a.b.c', 'standup', 'token-invalid');
});

test('refused: alg "none" (an unsigned token)', async () => {
  const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ aud: 'parley', iss: 'parley', room: 'standup', exp: now() + 60 })}.`;
  await refusedWith(hs, unsigned, 'standup', 'token-invalid');
});

test('RS256: a token signed by the private key passes; HS256 signed with the public key (alg confusion) is refused', async () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const rs = createTokenVerifier({ key: { alg: 'RS256', publicKeyPem }, ...settings });
  const good = await mintToken({ room: 'standup', ttlSeconds: 60, key: { alg: 'RS256', privateKeyPem }, ...settings });
  assert.equal((await rs.verify(good, 'standup')).room, 'standup');
  const confused = await mintToken({
    room: 'standup',
    ttlSeconds: 60,
    key: { alg: 'HS256', secret: publicKeyPem },
    ...settings,
  });
  await refusedWith(rs, confused, 'standup', 'token-invalid');
});

test('an HS256 secret shorter than 32 characters is a setup error', () => {
  assert.throws(() => createTokenVerifier({ key: { alg: 'HS256', secret: 'short' }, ...settings }), /32 characters/);
});

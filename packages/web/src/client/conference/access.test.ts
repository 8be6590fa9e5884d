import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inviteToken, isBadCredentials, refusalOf, tokenDisplayName } from './access.js';

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwt = (payload: unknown) => `${b64({ alg: 'HS256' })}.${b64(payload)}.c2ln`;

test('the invite token comes from ?jwt=, anything else is ignored', () => {
  const t = jwt({ room: 'a' });
  assert.equal(inviteToken(`?jwt=${t}`), t);
  assert.equal(inviteToken(`?lang=en&jwt=${t}`), t);
  assert.equal(inviteToken('?jwt=<script>'), undefined);
  assert.equal(inviteToken(''), undefined);
  assert.equal(inviteToken(undefined), undefined);
});

test("the token's context.user.name fills the name field", () => {
  assert.equal(tokenDisplayName(jwt({ context: { user: { name: ' Ada 李 ' } } })), 'Ada 李');
  assert.equal(tokenDisplayName(jwt({ room: 'a' })), undefined);
  assert.equal(tokenDisplayName('x.%%%.y'), undefined);
});

test('refusals are read from the focus error text; SASL not-authorized is bad credentials', () => {
  const stanzaError = { condition: 'forbidden', text: 'the invitation has expired [token-expired]' };
  assert.equal(refusalOf(stanzaError), 'token-expired');
  assert.equal(refusalOf(new Error('not-authorized - the host must log in [host-must-log-in]')), 'host-must-log-in');
  assert.equal(refusalOf(Object.assign(new Error('x'), { access: 'token-wrong-room' })), 'token-wrong-room');
  assert.equal(refusalOf(new Error('timeout')), undefined);
  assert.equal(refusalOf(new Error('[not-a-refusal]')), undefined);
  assert.ok(isBadCredentials({ condition: 'not-authorized' }));
  assert.ok(!isBadCredentials(new Error('socket closed')));
});

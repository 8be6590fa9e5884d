import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PROSODY_DEFAULTS, validateProsodySettings } from './settings.js';

const base = {
  domain: 'meet.parley.local',
  dataDir: '/var/lib/parley/prosody',
  focus: { secret: 's1' },
  bridgeAccount: { password: 'p1' },
  focusAccount: { password: 'p2' },
};

test('fills defaults', () => {
  const s = validateProsodySettings(base);
  assert.deepEqual(s.interfaces, ['127.0.0.1']);
  assert.deepEqual(s.ports, PROSODY_DEFAULTS.ports);
  assert.equal(s.focus.subdomain, 'focus');
  assert.equal(s.bridgeAccount.username, 'jvb');
  assert.equal(s.focusAccount.username, 'focus');
  assert.equal(s.mucHistoryLength, 20);
  assert.equal(s.logLevel, 'info');
  assert.equal(s.c2sRequireEncryption, false);
});

test('strips a trailing slash from dataDir', () => {
  assert.equal(validateProsodySettings({ ...base, dataDir: '/srv/p/' }).dataDir, '/srv/p');
});

const bad: [string, unknown, RegExp][] = [
  [
    'port out of range',
    { ...base, ports: { c2s: 70000 } },
    /prosody setting "ports\.c2s": 70000 is not a port \(1-65535\)/,
  ],
  ['port not integer', { ...base, ports: { http: 52.5 } }, /"ports\.http": 52\.5 is not a port/],
  ['same ports', { ...base, ports: { c2s: 5280 } }, /"ports".*three different ports/],
  ['unknown top-level key', { ...base, stun: true }, /prosody setting "stun" is unknown/],
  ['turn not an object', { ...base, turn: true }, /prosody setting "turn" is not an object/],
  ['unknown nested key', { ...base, ports: { s2s: 5269 } }, /prosody setting "ports\.s2s" is unknown/],
  ['unknown account key', { ...base, bridgeAccount: { password: 'x', jid: 'y' } }, /"bridgeAccount\.jid" is unknown/],
  ['bad domain', { ...base, domain: 'meet..local' }, /"domain": "meet\.\.local" is not a hostname/],
  ['upper-case domain', { ...base, domain: 'Meet.local' }, /"domain".*lower case/],
  ['missing domain', { ...base, domain: undefined }, /"domain"/],
  ['relative dataDir', { ...base, dataDir: 'data/prosody' }, /"dataDir": "data\/prosody" is not an absolute path/],
  ['missing focus secret', { ...base, focus: {} }, /"focus\.secret".*is required/],
  ['empty bridge password', { ...base, bridgeAccount: { password: '' } }, /"bridgeAccount\.password".*is required/],
  [
    'control char in password',
    { ...base, focusAccount: { password: 'a\nb' } },
    /"focusAccount\.password".*control characters/,
  ],
  ['bad username', { ...base, bridgeAccount: { username: 'j v b', password: 'x' } }, /"bridgeAccount\.username"/],
  ['same usernames', { ...base, focusAccount: { username: 'jvb', password: 'x' } }, /"focusAccount\.username"/],
  ['bad interface', { ...base, interfaces: ['localhost'] }, /"interfaces\[0\]": "localhost" is not an IP address/],
  ['empty interfaces', { ...base, interfaces: [] }, /"interfaces"/],
  ['bad log level', { ...base, logLevel: 'verbose' }, /"logLevel": "verbose" is not one of debug, info, warn, error/],
  ['bad history', { ...base, mucHistoryLength: -1 }, /"mucHistoryLength": -1/],
  ['bad subdomain', { ...base, focus: { subdomain: 'fo.cus', secret: 'x' } }, /"focus\.subdomain"/],
  ['taken subdomain', { ...base, focus: { subdomain: 'conference', secret: 'x' } }, /"focus\.subdomain".*taken/],
  ['bad boolean', { ...base, c2sRequireEncryption: 'no' }, /"c2sRequireEncryption": "no" is not a boolean/],
  ['not an object', 'meet.parley.local', /is not an object/],
];
for (const [name, input, re] of bad) {
  test(`rejects: ${name}`, () => assert.throws(() => validateProsodySettings(input), re));
}

test('error messages never contain secrets', () => {
  assert.throws(
    () => validateProsodySettings({ ...base, focusAccount: { password: 'hunter2\n' } }),
    (e: Error) => !e.message.includes('hunter2'),
  );
});

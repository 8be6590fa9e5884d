// The access modes' Prosody side: login mode renders Jitsi's layout (accounts on the main domain,
// anonymous guests on guest.<domain>), byte for byte; bad access settings name the key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { renderProsodyConfig } from './render.js';
import { prosodyDomains, validateProsodySettings } from './settings.js';
import { goldenInput } from './render.test.js';

const golden = new URL('./fixtures/prosody-login.cfg.lua.golden', import.meta.url);

test('golden: access mode "login" renders the secure domain and the guest domain', () => {
  const s = validateProsodySettings({
    ...goldenInput,
    access: { mode: 'login', include: '/etc/parley/ldap.cfg.lua' },
  });
  const out = renderProsodyConfig(s);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(golden, out);
  assert.equal(out, readFileSync(golden, 'utf8'));
  assert.equal(prosodyDomains(s).guest, 'guest.meet.parley.local');
});

test('modes "none" and "token" keep anonymous guests on the main domain', () => {
  for (const mode of ['none', 'token'] as const) {
    const s = validateProsodySettings({ ...goldenInput, access: { mode } });
    assert.equal(prosodyDomains(s).guest, 'meet.parley.local');
    assert.match(renderProsodyConfig(s), /VirtualHost "meet\.parley\.local"\n {2}authentication = "anonymous"/);
  }
});

test('bad access settings are errors that name the key', () => {
  assert.throws(() => validateProsodySettings({ ...goldenInput, access: { mode: 'ldap' } }), /"access\.mode"/);
  assert.throws(() => validateProsodySettings({ ...goldenInput, access: { provider: 'x"y' } }), /"access\.provider"/);
  assert.throws(() => validateProsodySettings({ ...goldenInput, access: { include: 'rel.lua' } }), /"access\.include"/);
  assert.throws(
    () => validateProsodySettings({ ...goldenInput, access: { modes: 'x' } }),
    /"access\.modes" is unknown/,
  );
});

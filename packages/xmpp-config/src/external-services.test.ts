import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderProsodyConfig } from './render.js';
import { validateProsodySettings } from './settings.js';

const goldenInput = {
  domain: 'meet.parley.local',
  dataDir: '/var/lib/parley/prosody',
  focus: { secret: 'focus-component-secret' },
  bridgeAccount: { password: 'bridge-password' },
  focusAccount: { password: 'focus-password' },
};

const turn = {
  secret: 'a-secret-shared-with-coturn',
  services: [
    { type: 'turn', host: '10.0.0.5', port: 3478, transport: 'tcp' },
    { type: 'turns', host: 'fd00::5', port: 5349, transport: 'tcp' },
  ],
};

test('with TURN, sessions get XEP-0215 services signed with the shared secret, valid one hour by default', () => {
  const cfg = renderProsodyConfig(validateProsodySettings({ ...goldenInput, turn }));
  assert.match(cfg, /^modules_enabled = \{ [^}]*"external_services" \}$/m);
  assert.match(cfg, /^external_service_secret = "a-secret-shared-with-coturn"$/m);
  assert.match(cfg, /^external_service_ttl = 3600$/m);
  assert.match(
    cfg,
    /^ {2}\{ type = "turn", transport = "tcp", host = "10\.0\.0\.5", port = 3478, secret = true, algorithm = "turn", ttl = 3600, username = "parley" \};$/m,
  );
  assert.match(cfg, /^ {2}\{ type = "turns", transport = "tcp", host = "fd00::5", port = 5349, .*ttl = 3600/m);
});

test('without TURN, no external services module and no secret in the config', () => {
  const cfg = renderProsodyConfig(validateProsodySettings(goldenInput));
  assert.doesNotMatch(cfg, /external_service/);
});

test('bad TURN settings are errors naming the key', () => {
  const bad = (t: unknown, re: RegExp) => assert.throws(() => validateProsodySettings({ ...goldenInput, turn: t }), re);
  bad({ ...turn, secret: 'short' }, /turn\.secret/);
  bad({ ...turn, secret: 'a-secret-shared-with-coturn\nmodules_enabled = {}' }, /turn\.secret/);
  bad({ ...turn, ttlSeconds: 10 }, /turn\.ttlSeconds/);
  bad({ ...turn, ttlSeconds: 172_800 }, /turn\.ttlSeconds/);
  bad({ ...turn, services: [] }, /turn\.services/);
  bad({ ...turn, services: [{ ...turn.services[0], host: 'a" }; x = {' }] }, /turn\.services\[0\]\.host/);
  bad({ ...turn, services: [{ ...turn.services[0], type: 'stun' }] }, /turn\.services\[0\]\.type/);
  bad({ ...turn, extra: 1 }, /turn\.extra/);
});

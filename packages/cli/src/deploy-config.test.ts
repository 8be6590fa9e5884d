import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bridgeConfigSpec } from '@parley/bridge';
import { accessPolicyFromConfig, focusAccessSpec, focusConfigSpec } from '@parley/focus';
import { ConfigError, readConfig, type Field } from '@parley/service';
import { webConfigSpec } from '@parley/web';
import { prosodyEnvSpec, prosodySettingsFromEnv } from '@parley/xmpp-config';
import {
  certificateRequestOf,
  deployEnvNames,
  deploySpec,
  deployToStart,
  envFileText,
  publicUrlOf,
  readDeployConfig,
  secretEnvNames,
  splitSecretEnv,
  toServiceEnv,
  toStartFlags,
  type DeploySecrets,
} from './deploy-config.js';
import { startSpec } from './start-config.js';

const secrets: DeploySecrets = {
  focusComponentSecret: 'component-secret-0123456789',
  focusAccountPassword: 'focus-password-0123456789',
  bridgeAccountPassword: 'bridge-password-0123456789',
  turnSecret: 'turn-secret-0123456789',
  tokenSecret: 'token-secret-0123456789-0123456789',
  webhookSecret: 'webhook-secret-0123456789',
  adminToken: 'admin-token-0123456789',
};
const env = {
  ADVERTISE: '10.0.0.5',
  DOMAIN: 'meet.example.lan',
  MEDIA_PORT: '20000',
  TCP_PORT: '4444',
  HTTPS_PORT: '9443',
  HTTP_PORT: '9080',
  LOG_LEVEL: 'debug',
  TZ: 'Europe/Berlin',
};
const envNames = (spec: Record<string, Field<unknown>>) =>
  new Set(
    Object.values(spec)
      .map((f) => f.env)
      .filter(Boolean) as string[],
  );
const required = (spec: Record<string, Field<unknown>>) =>
  Object.values(spec)
    .filter((f) => f.required)
    .map((f) => f.env!);

test('the .env keys', () => {
  assert.deepEqual(deployEnvNames, [
    'PUBLIC_URL',
    'ADVERTISE',
    'HTTPS_PORT',
    'HTTP_PORT',
    'MEDIA_PORT',
    'TCP_PORT',
    'DOMAIN',
    'TZ',
    'LOG_LEVEL',
    'TURN',
    'TURN_PORT',
    'MAX_CONNECTIONS_PER_ADDRESS',
    'AUTH',
    'TOKEN_AUDIENCE',
    'TOKEN_ISSUER',
    'WEBHOOK_URLS',
    'STREAM_ALLOWED_HOSTS',
    'EMBED_ORIGINS',
    'METRICS_BIND',
    'GRAFANA_PORT',
  ]);
});

test("deploy settings shared with `parley start` have start's defaults and parsing", () => {
  for (const [dk, sk] of Object.entries(deployToStart)) {
    const d = deploySpec[dk as keyof typeof deploySpec] as Field<unknown>;
    const s = startSpec[sk] as Field<unknown>;
    assert.deepEqual(d.default, s.default, dk);
    assert.equal(d.kind, s.kind, dk);
    assert.equal(s.env, `PARLEY_${d.env}`, `${dk}: start reads PARLEY_${d.env}`);
  }
  assert.throws(() => readDeployConfig({ MEDIA_PORT: '70000' }), /MEDIA_PORT: "70000" is not a port/);
  assert.throws(() => readDeployConfig({ ADVERTISE: 'my-host' }), /ADVERTISE: "my-host" is not an IP address/);
  assert.throws(() => readDeployConfig({ PUBLIC_URL: 'http://x/' }), /PUBLIC_URL/);
});

test('toStartFlags: the deploy settings that are set, as start flags that start accepts', () => {
  const flags = toStartFlags(env);
  assert.deepEqual(flags, [
    '--advertise',
    '10.0.0.5',
    '--https-port',
    '9443',
    '--http-port',
    '9080',
    '--media-port',
    '20000',
    '--tcp-port',
    '4444',
    '--domain',
    'meet.example.lan',
    '--log-level',
    'debug',
  ]);
  const c = readConfig(startSpec, { argv: flags, env: {} });
  assert.equal(c.mediaPort, 20000);
  assert.deepEqual(c.advertise, ['10.0.0.5']);
  assert.deepEqual(toStartFlags({}), []);
});

test('toServiceEnv gives each service exactly its variables', () => {
  const all = toServiceEnv(env, secrets);
  const specs = {
    focus: { ...focusConfigSpec, ...focusAccessSpec },
    bridge: bridgeConfigSpec,
    web: webConfigSpec,
  } as const;
  for (const [svc, spec] of Object.entries(specs)) {
    const names = envNames(spec as Record<string, Field<unknown>>);
    const given = all[svc as keyof typeof specs];
    for (const k of Object.keys(given)) assert.ok(k === 'TZ' || names.has(k), `${svc}: ${k} is not read by its spec`);
    for (const k of required(spec as Record<string, Field<unknown>>))
      assert.ok(k in given, `${svc}: required ${k} missing`);
    assert.equal(given.TZ, 'Europe/Berlin');
    // What it gets reads back through its own spec without error.
    readConfig(spec as Record<string, Field<unknown>>, { env: given });
  }
  assert.equal(all.focus.PARLEY_FOCUS_SECRET, secrets.focusComponentSecret);
  assert.equal(all.focus.PARLEY_XMPP_COMPONENT_URL, 'xmpp://prosody:5347');
  assert.equal(all.focus.PARLEY_FOCUS_BRIDGE, 'colibri2');
  assert.equal(all.bridge.PARLEY_BRIDGE_PASSWORD, secrets.bridgeAccountPassword);
  assert.equal(all.bridge.PARLEY_MEDIA_PORT, '20000');
  assert.equal(all.bridge.PARLEY_TCP_PORT, '4444');
  assert.equal(all.bridge.PARLEY_ADVERTISE, '10.0.0.5');
  assert.equal(all.web.PARLEY_HTTPS_PORT, '9443');
  assert.equal(all.web.PARLEY_HTTP_PORT, '9080');
  assert.equal(all.web.PARLEY_XMPP_HTTP_HOST, 'prosody');
  for (const svc of ['focus', 'bridge', 'web', 'prosody'] as const)
    assert.equal(all[svc].PARLEY_DOMAIN, 'meet.example.lan');

  const prosodyNames = new Set<string>(Object.values(prosodyEnvSpec).map((f) => f.env));
  for (const k of Object.keys(all.prosody)) assert.ok(k === 'TZ' || prosodyNames.has(k), `prosody: ${k}`);
  const p = prosodySettingsFromEnv(all.prosody);
  assert.equal(p.focus.secret, secrets.focusComponentSecret);
  assert.equal(p.bridgeAccount.password, secrets.bridgeAccountPassword);
  assert.equal(p.bridgeAccount.username, all.bridge.PARLEY_BRIDGE_USER);
  assert.equal(p.focusAccount.password, secrets.focusAccountPassword);
  assert.equal(p.logLevel, 'debug');
  // The ports the focus, bridge and web are told are the ones Prosody listens on.
  assert.equal(all.focus.PARLEY_XMPP_COMPONENT_URL, `xmpp://prosody:${p.ports.component}`);
  assert.equal(all.bridge.PARLEY_XMPP_SERVICE, `xmpp://prosody:${p.ports.c2s}`);
  assert.equal(all.web.PARLEY_XMPP_HTTP_PORT, String(p.ports.http));
});

test('secrets: only in the secret part, and never without being given', () => {
  const none = toServiceEnv({ ADVERTISE: '10.0.0.5' }, null);
  for (const svc of ['prosody', 'focus', 'bridge', 'web'] as const) {
    for (const k of secretEnvNames[svc]) assert.ok(!(k in none[svc]), `${svc}: ${k} without secrets`);
    const env = { ADVERTISE: '10.0.0.5', TURN: 'true' };
    const { plain, secret } = splitSecretEnv(svc, toServiceEnv(env, secrets)[svc]);
    assert.deepEqual(plain, { ...toServiceEnv(env, null)[svc] });
    assert.deepEqual(Object.keys(secret).sort(), [...secretEnvNames[svc]].sort());
  }
  assert.deepEqual(secretEnvNames.focus, [
    'PARLEY_FOCUS_SECRET',
    'PARLEY_TOKEN_SECRET',
    'PARLEY_WEBHOOK_SECRET',
    'PARLEY_ADMIN_TOKEN',
  ]);
  assert.deepEqual(secretEnvNames.bridge, ['PARLEY_BRIDGE_PASSWORD']);
});

test('TURN=true: Prosody gets the secret and the ADVERTISE addresses, the web app tells clients; off by default', () => {
  const on = toServiceEnv({ ...env, TURN: 'true', TURN_PORT: '3479' }, secrets);
  const p = prosodySettingsFromEnv(on.prosody);
  assert.equal(p.turn?.secret, secrets.turnSecret, 'the secret coturn checks');
  assert.deepEqual(
    p.turn?.services.map((t) => `${t.type}:${t.host}:${t.port}/${t.transport}`),
    readDeployConfig(env).advertise.map((a) => `turn:${a}:3479/tcp`),
  );
  assert.equal(readConfig(webConfigSpec, { env: on.web }).turn, true);
  assert.ok(!('PARLEY_TURN_SECRET' in splitSecretEnv('prosody', on.prosody).plain), 'never in compose');
  const off = toServiceEnv(env, secrets);
  assert.equal(prosodySettingsFromEnv(off.prosody).turn, undefined);
  assert.equal(readConfig(webConfigSpec, { env: off.web }).turn, false);
  assert.throws(
    () => prosodySettingsFromEnv({ ...on.prosody, PARLEY_TURN_HOSTS: '' }),
    /PARLEY_TURN_HOSTS is empty: with a TURN secret/,
  );
});

test('AUTH: each mode reaches Prosody, the focus and the web server; the token claims reach the focus', () => {
  for (const mode of ['none', 'login', 'token'] as const) {
    const all = toServiceEnv({ ...env, AUTH: mode, TOKEN_AUDIENCE: 'aud-x', TOKEN_ISSUER: 'iss-y' }, secrets);
    const p = prosodySettingsFromEnv(all.prosody);
    assert.equal(p.access.mode, mode);
    const focus = readConfig({ ...focusConfigSpec, ...focusAccessSpec }, { env: all.focus });
    assert.equal(focus.auth, mode);
    assert.equal(focus.tokenAudience, 'aud-x');
    assert.equal(focus.tokenIssuer, 'iss-y');
    assert.equal(focus.tokenSecret, secrets.tokenSecret);
    // The focus builds its policy from what it gets (token mode: needs the secret, which init gives).
    assert.equal(accessPolicyFromConfig(focus.domain, focus).mode, mode);
    assert.equal(readConfig(webConfigSpec, { env: all.web }).auth, mode);
    assert.equal(all.bridge.PARLEY_AUTH, undefined, 'the bridge has no access mode');
  }
  // Unset: none everywhere, default claims.
  const dflt = toServiceEnv({ ADVERTISE: '10.0.0.5' }, null);
  assert.equal(dflt.prosody.PARLEY_AUTH, 'none');
  assert.equal(dflt.web.PARLEY_AUTH, 'none');
  assert.deepEqual(
    [dflt.focus.PARLEY_AUTH, dflt.focus.PARLEY_TOKEN_AUDIENCE, dflt.focus.PARLEY_TOKEN_ISSUER],
    ['none', 'parley', 'parley'],
  );
  assert.deepEqual(toStartFlags({ AUTH: 'token', TOKEN_AUDIENCE: 'a' }), ['--auth', 'token', '--token-audience', 'a']);
});

test('AUTH: a bad value is an error naming AUTH', () => {
  assert.throws(
    () => toServiceEnv({ ADVERTISE: '10.0.0.5', AUTH: 'password' }, secrets),
    (e: Error) => e instanceof ConfigError && /\bAUTH\b/.test(e.message) && /password/.test(e.message),
  );
  assert.throws(
    () => prosodySettingsFromEnv({ ...toServiceEnv(env, secrets).prosody, PARLEY_AUTH: 'x' }),
    /PARLEY_AUTH/,
  );
});

test('the token secret is a secret: in the focus secret file only, never in plain env', () => {
  const { plain, secret } = splitSecretEnv('focus', toServiceEnv({ ...env, AUTH: 'token' }, secrets).focus);
  assert.equal(secret.PARLEY_TOKEN_SECRET, secrets.tokenSecret);
  assert.ok(!('PARLEY_TOKEN_SECRET' in plain));
  for (const svc of ['prosody', 'bridge', 'web'] as const)
    assert.ok(!Object.values(toServiceEnv(env, secrets)[svc]).includes(secrets.tokenSecret), svc);
});

test('ADVERTISE: required, and the .env.example placeholder is refused', () => {
  assert.throws(
    () => toServiceEnv({}, null),
    (e: Error) => e instanceof ConfigError && /ADVERTISE is empty.*hostname -I/.test(e.message),
  );
  assert.throws(() => toServiceEnv({ ADVERTISE: '192.0.2.10' }, secrets), /example address.*hostname -I/);
});

test('public URL and certificate names', () => {
  const c = readDeployConfig({ ADVERTISE: '10.0.0.5,10.0.0.6', HTTPS_PORT: '9443' });
  assert.equal(publicUrlOf(c), 'https://10.0.0.5:9443/');
  assert.deepEqual(certificateRequestOf(c), {
    hostnames: ['meet.parley.local', 'localhost'],
    addresses: ['10.0.0.5', '10.0.0.6'],
  });
  const named = readDeployConfig({ ADVERTISE: '10.0.0.5', PUBLIC_URL: 'https://meet.example.lan:8443' });
  assert.equal(publicUrlOf(named), 'https://meet.example.lan:8443/');
  assert.deepEqual(certificateRequestOf(named).hostnames, ['meet.example.lan', 'meet.parley.local', 'localhost']);
});

test('envFileText quotes for sh', () => {
  assert.equal(envFileText({ A: "it's" }), "A='it'\\''s'\n");
});

test('initDeployment writes secrets once, per-service secret files and certificates', async () => {
  const { initDeployment } = await import('./deploy-config.js');
  const dir = mkdtempSync(join(tmpdir(), 'parley-deploy-'));
  try {
    const first = await initDeployment(dir, { ADVERTISE: '10.0.0.5' });
    assert.equal(first.secretsCreated, true);
    const s1 = readFileSync(join(dir, 'secrets.json'), 'utf8');
    assert.equal(statSync(join(dir, 'secrets.json')).mode & 0o777, 0o600);
    const focusEnv = readFileSync(join(dir, 'env', 'focus.env'), 'utf8');
    assert.match(
      focusEnv,
      new RegExp(
        "^PARLEY_FOCUS_SECRET='[A-Za-z0-9_-]{32}'\\nPARLEY_WEBHOOK_SECRET='[A-Za-z0-9_-]{32}'\\n" +
          "PARLEY_ADMIN_TOKEN='[A-Za-z0-9_-]{32}'\\nPARLEY_TOKEN_SECRET='[A-Za-z0-9_-]{43}'\\n$",
      ),
    );
    assert.equal(readFileSync(join(dir, 'env', 'web.env'), 'utf8'), '');
    assert.match(readFileSync(join(dir, 'env', 'turn.env'), 'utf8'), /^PARLEY_TURN_SECRET=/);
    assert.match(readFileSync(join(dir, 'certs', 'ca.pem'), 'utf8'), /BEGIN CERTIFICATE/);
    const again = await initDeployment(dir, { ADVERTISE: '10.0.0.5' });
    assert.equal(again.secretsCreated, false);
    assert.equal(again.certificatesCreated, false);
    assert.equal(readFileSync(join(dir, 'secrets.json'), 'utf8'), s1);
    await assert.rejects(initDeployment(dir, { ADVERTISE: '192.0.2.10' }), /example address/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('initDeployment adds a token secret to a secrets.json made before it existed, keeping the rest', async () => {
  const { initDeployment } = await import('./deploy-config.js');
  const dir = mkdtempSync(join(tmpdir(), 'parley-deploy-'));
  try {
    const { tokenSecret: _, ...old } = secrets;
    writeFileSync(join(dir, 'secrets.json'), JSON.stringify(old), { mode: 0o600 });
    await initDeployment(dir, { ADVERTISE: '10.0.0.5', AUTH: 'token' });
    const now = JSON.parse(readFileSync(join(dir, 'secrets.json'), 'utf8'));
    assert.equal(now.focusComponentSecret, secrets.focusComponentSecret);
    assert.match(now.tokenSecret, /^[A-Za-z0-9_-]{43}$/);
    assert.match(
      readFileSync(join(dir, 'env', 'focus.env'), 'utf8'),
      new RegExp(`PARLEY_TOKEN_SECRET='${now.tokenSecret}'`),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

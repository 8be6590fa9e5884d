import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { luaString, renderProsodyConfig } from './render.js';
import { prosodyDomains, validateProsodySettings } from './settings.js';
import { which } from './launcher.js';

const golden = new URL('./fixtures/prosody.cfg.lua.golden', import.meta.url);

export const goldenInput = {
  domain: 'meet.parley.local',
  dataDir: '/var/lib/parley/prosody',
  focus: { secret: 'golden-focus-secret' },
  bridgeAccount: { password: 'golden-bridge-password' },
  focusAccount: { password: 'golden-focus-password' },
};

/** Decodes a Lua string literal as rendered by luaString (the escapes it emits). */
function unLua(lit: string): string {
  assert.ok(lit.startsWith('"') && lit.endsWith('"'), lit);
  return lit
    .slice(1, -1)
    .replace(/\\(\d{3}|.)/g, (_, e: string) =>
      /^\d{3}$/.test(e)
        ? String.fromCharCode(Number(e))
        : (({ n: '\n', r: '\r', t: '\t' } as Record<string, string>)[e] ?? e),
    );
}

/** Loads a config with Lua (when installed) and returns the given globals' values. */
function luaGlobals(cfg: string, names: string[]): string[] | null {
  const lua = which('lua5.4') ?? which('lua');
  if (!lua) return null;
  const script = `
    local src = io.read("a")
    local env = { VirtualHost = function() end, Component = function() return function() end end }
    local f = assert(load(src, "prosody.cfg.lua", "t", env)); f()
    for _, n in ipairs({ ${names.map((n) => luaString(n)).join(', ')} }) do io.write(tostring(env[n]), "\\0") end`;
  const r = spawnSync(lua, ['-e', script], { input: cfg, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\0').slice(0, -1);
}

test('golden: renders the fixed settings byte for byte', () => {
  const out = renderProsodyConfig(validateProsodySettings(goldenInput));
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(golden, out);
  assert.equal(out, readFileSync(golden, 'utf8'));
});

test('rendered config has the required shape', () => {
  const s = validateProsodySettings({
    ...goldenInput,
    ports: { c2s: 15222, http: 15280, component: 15347 },
    mucHistoryLength: 7,
  });
  const cfg = renderProsodyConfig(s);
  const d = prosodyDomains(s);
  for (const needle of [
    'run_as_root = true',
    'pidfile = "/var/lib/parley/prosody/prosody.pid"',
    'data_path = "/var/lib/parley/prosody/data"',
    'certificates = "/var/lib/parley/prosody/certs"',
    'filename = "/var/lib/parley/prosody/prosody.log"',
    'interfaces = { "127.0.0.1" }',
    'c2s_ports = { 15222 }',
    'http_ports = { 15280 }',
    'https_ports = {}',
    'component_ports = { 15347 }',
    'component_interfaces = { "127.0.0.1" }',
    'modules_disabled = { "s2s" }',
    'consider_websocket_secure = true',
    'consider_bosh_secure = true',
    'http_paths = { websocket = "/xmpp-websocket", bosh = "/http-bind" }',
    'http_default_host = "meet.parley.local"',
    'c2s_require_encryption = false',
    'VirtualHost "meet.parley.local"\n  authentication = "anonymous"',
    'VirtualHost "auth.meet.parley.local"\n  authentication = "internal_hashed"',
    'Component "conference.meet.parley.local" "muc"',
    'Component "internal.auth.meet.parley.local" "muc"',
    'Component "focus.meet.parley.local"\n  component_secret = "golden-focus-secret"',
    'muc_room_locking = false',
    'muc_room_default_history_length = 7',
    'max_history_messages = 7',
  ])
    assert.ok(cfg.includes(needle), `missing: ${needle}`);
  // Issue 11: only the focus creates conference rooms; the internal MUC is for service accounts.
  const section = (name: string) => cfg.slice(cfg.indexOf(`Component "${name}"`)).split('\n\n')[0];
  assert.match(section(d.muc), /^ {2}restrict_room_creation = true$/m);
  assert.match(section(d.muc), /^ {2}admins = \{ "focus@auth\.meet\.parley\.local", "focus\.meet\.parley\.local" \}$/m);
  const internal = section(d.internalMuc);
  assert.match(internal, /^ {2}restrict_room_creation = true$/m);
  assert.match(internal, /^ {2}muc_room_default_members_only = true$/m);
  assert.ok(internal.includes(`"${d.bridgeJid}"`), 'the bridges are admins of the internal MUC');
  assert.ok(!section(d.muc).includes(d.bridgeJid), 'but have no power over conference rooms');
  assert.ok(!/external_services|turn|stun|s2s_ports/i.test(cfg), 'no external services / STUN / TURN / s2s ports');
  assert.equal(d.brewery, 'jvbbrewery@internal.auth.meet.parley.local');
  assert.equal(d.bridgeJid, 'jvb@auth.meet.parley.local');
  assert.ok(!cfg.includes('golden-bridge-password'), 'account passwords never go into the config');
});

test('escaping: hostile secrets cannot break out of the Lua string', () => {
  const nasty = 'a"b\\c\nd\re\tf]]--[[ \x01\x7f"; os.exit(1) --\\';
  for (const v of [nasty, '\\', '"', '\\"', '\n', 'ünïcødé ✓', '\\065']) assert.equal(unLua(luaString(v)), v);
  assert.ok(!luaString(nasty).includes('\n'));
  const cfg = renderProsodyConfig(
    validateProsodySettings({ ...goldenInput, focus: { secret: nasty }, dataDir: '/tmp/we"ird\\dir' }),
  );
  assert.equal(cfg.split('\n').filter((l) => l.includes('component_secret')).length, 1);
  const got = luaGlobals(cfg, ['component_secret', 'data_path', 'run_as_root']);
  if (got) assert.deepEqual(got, [nasty, '/tmp/we"ird\\dir/data', 'true']); // checked by Lua itself
});

test('luac -p accepts the golden config (when luac is installed)', () => {
  const luac = which('luac5.4') ?? which('luac');
  if (!luac) return; // optional check; the Lua evaluation above covers escaping
  const r = spawnSync(luac, ['-p', '-'], { input: readFileSync(golden, 'utf8'), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

test('c2sRequireEncryption adds mod_tls and forbids unencrypted PLAIN', () => {
  const cfg = renderProsodyConfig(validateProsodySettings({ ...goldenInput, c2sRequireEncryption: true }));
  assert.match(cfg, /c2s_require_encryption = true/);
  assert.match(cfg, /allow_unencrypted_plain_auth = false/);
  assert.match(cfg, /"tls"/);
});

test('clients may listen on every address while the component port stays on loopback', () => {
  const out = renderProsodyConfig(validateProsodySettings({ ...goldenInput, interfaces: ['0.0.0.0'] }));
  assert.match(out, /^interfaces = \{ "0\.0\.0\.0" \}$/m);
  assert.match(out, /^component_interfaces = \{ "127\.0\.0\.1" \}$/m);
  assert.throws(
    () => validateProsodySettings({ ...goldenInput, componentInterfaces: ['not-an-ip'] }),
    /componentInterfaces\[0\]/,
  );
});

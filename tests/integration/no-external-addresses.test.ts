// Nothing Parley renders or ships refers to an address outside the machine unless the operator
// configured it: the client bundle and page, config.js, and Prosody's rendered config are scanned
// for URLs, STUN/TURN servers and IP addresses. XML namespace names (http://jabber.org/protocol/...)
// are identifiers that are never fetched; they are the only foreign names allowed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildParleyConfig, renderConfigJs } from '../../packages/web/src/server/index.js';
import { renderProsodyConfig, validateProsodySettings } from '@parley/xmpp-config';

const publicDir = fileURLToPath(new URL('../../packages/web/dist/public/', import.meta.url));
const NAMESPACE_HOSTS = new Set(['jabber.org', 'etherx.jabber.org', 'jitsi.org', 'www.w3.org', 'xmpp.org']);
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Every foreign address in `text`, as "what (where)". */
function foreignAddresses(text: string, allowedHosts: Set<string>): string[] {
  const found: string[] = [];
  // A STUN/TURN URI starts a string or a value (an object key named "turn:" in code is not one).
  for (const m of text.matchAll(/(?<=["'`\s=(]|^)(stuns?|turns?):[^\s"'`)]+/g))
    found.push(`${m[0]} (a STUN/TURN server)`);
  for (const m of text.matchAll(/\b(https?|wss?):\/\/([a-zA-Z0-9[][a-zA-Z0-9.[\]:-]*)/g)) {
    const host = m[2].replace(/:\d+$/, '').toLowerCase();
    if (LOCAL_HOSTS.has(host) || allowedHosts.has(host)) continue;
    if (NAMESPACE_HOSTS.has(host) && m[1] === 'http') continue;
    found.push(`${m[0]} (a URL)`);
  }
  for (const m of text.matchAll(/(?<![\w.])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?![\w.])/g)) {
    const [a, b] = [Number(m[1]), Number(m[2])];
    if (m.slice(1).some((x) => Number(x) > 255)) continue; // not an address (a version number)
    if (a === 127 || a === 0) continue;
    if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168))
      found.push(`${m[0]} (a private address nobody configured)`);
    else found.push(`${m[0]} (an IP address)`);
  }
  return found;
}

test('the client bundle, its page and its styles name no outside address', () => {
  const files = readdirSync(publicDir).filter((f) => /\.(js|html|css|svg)$/.test(f));
  assert.ok(
    files.includes('app.js') && files.includes('index.html'),
    `the client is built in ${publicDir} (run: bash setup.sh)`,
  );
  const findings = files.flatMap((f) =>
    foreignAddresses(readFileSync(join(publicDir, f), 'utf8'), new Set(['meet.parley.local'])).map((x) => `${f}: ${x}`),
  );
  assert.deepEqual(findings, []);
});

test('config.js points the browser only at its own origin', () => {
  const js = renderConfigJs(buildParleyConfig('meet.example.internal'));
  assert.deepEqual(foreignAddresses(js, new Set(['meet.example.internal'])), []);
  assert.doesNotMatch(js, /\b(stuns?|turns?):/i, 'no STUN or TURN server URL');
});

test('the rendered Prosody config has no outside service, STUN or TURN server', () => {
  const cfg = renderProsodyConfig(
    validateProsodySettings({
      domain: 'meet.example.internal',
      dataDir: '/var/lib/parley',
      focus: { secret: 'a-focus-secret-for-this-test' },
      bridgeAccount: { password: 'a-bridge-password-for-this-test' },
      focusAccount: { password: 'a-focus-password-for-this-test' },
    }),
  );
  assert.deepEqual(foreignAddresses(cfg, new Set(['meet.example.internal'])), []);
  assert.doesNotMatch(cfg, /external_services|turn_external|stun/i);
});

test('the scanner itself finds what it must', () => {
  const sample =
    'iceServers:[{urls:"stun:stun.l.google.com:19302"}] fetch("https://cdn.example.com/x.js") 8.8.8.8 10.1.2.3 "http://jabber.org/protocol/muc" 1.2.3';
  assert.equal(foreignAddresses(sample, new Set()).length, 4);
});

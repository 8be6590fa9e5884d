import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadOrCreateSecrets } from '../secrets.js';
import { renderTurnConfig, turnUrls, validateTurnSettings, type TurnSettings } from './turnserver.js';

const settings = (o: Partial<TurnSettings> = {}): TurnSettings => ({
  realm: 'meet.parley.local',
  secret: 'c2VjcmV0LXNlY3JldC1zZWNyZXQ',
  listeningIps: ['192.168.1.20'],
  relayIps: ['192.168.1.20'],
  allowedPeerIps: ['192.168.1.20'],
  port: 3478,
  tlsPort: 5349,
  tls: { cert: '/data/certs/cert.pem', pkey: '/data/certs/key.pem' },
  dataDir: '/data/turn',
  ...o,
});

describe('turnserver.conf', () => {
  it('renders the TURN REST API secret, the ports, the certificate and the peer policy', () => {
    const lines = renderTurnConfig(settings())
      .trimEnd()
      .split('\n')
      .filter((l) => !l.startsWith('#'));
    assert.deepEqual(lines, [
      'listening-port=3478',
      'tls-listening-port=5349',
      'no-dtls',
      'listening-ip=192.168.1.20',
      'relay-ip=192.168.1.20',
      'realm=meet.parley.local',
      'use-auth-secret',
      'static-auth-secret=c2VjcmV0LXNlY3JldC1zZWNyZXQ',
      'fingerprint',
      'no-cli',
      'no-software-attribute',
      'no-tlsv1',
      'no-tlsv1_1',
      'no-multicast-peers',
      'no-tcp-relay',
      'denied-peer-ip=0.0.0.0-255.255.255.255',
      'denied-peer-ip=::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
      'allowed-peer-ip=192.168.1.20',
      'cert=/data/certs/cert.pem',
      'pkey=/data/certs/key.pem',
      'userdb=/data/turn/turndb',
      'log-file=/data/turn/turn.log',
      'simple-log',
      'pidfile=/data/turn/turnserver.pid',
    ]);
  });

  it('keeps STUN on, and loopback peers off unless asked (tests)', () => {
    const conf = renderTurnConfig(settings());
    assert.doesNotMatch(conf, /no-stun|stun-only|allow-loopback-peers|no-auth|lt-cred-mech/);
    assert.match(
      renderTurnConfig(
        settings({ allowLoopbackPeers: true, tlsPort: null, tls: undefined, relayPorts: { min: 40000, max: 40099 } }),
      ),
      /^no-tls$[\s\S]*^min-port=40000$\n^max-port=40099$[\s\S]*^allow-loopback-peers$/m,
    );
  });

  it('rejects bad settings by name, and anything that would add a line', () => {
    assert.throws(() => validateTurnSettings(settings({ secret: 'short' })), /shorter than 16/);
    assert.throws(() => validateTurnSettings(settings({ secret: 'abcdefghijklmnopq\nno-auth' })), /secret/);
    assert.throws(
      () => validateTurnSettings(settings({ listeningIps: ['example.com'] })),
      /listeningIps: "example.com"/,
    );
    assert.throws(() => validateTurnSettings(settings({ allowedPeerIps: [] })), /allowedPeerIps is empty/);
    assert.throws(() => validateTurnSettings(settings({ port: 70000 })), /port 70000/);
    assert.throws(() => validateTurnSettings(settings({ tlsPort: 3478 })), /both 3478/);
    assert.throws(() => validateTurnSettings(settings({ tls: undefined })), /tls.cert/);
    assert.throws(() => validateTurnSettings(settings({ dataDir: '/x\nno-auth' })), /dataDir/);
    assert.throws(() => validateTurnSettings(settings({ relayPorts: { min: 5, max: 4 } })), /range/);
  });

  it('gives browsers TURN over TCP and over TLS for each address', () => {
    assert.deepEqual(turnUrls(['10.0.0.5', 'fd00::5'], 3478, 443), [
      'turn:10.0.0.5:3478?transport=tcp',
      'turns:10.0.0.5:443?transport=tcp',
      'turn:[fd00::5]:3478?transport=tcp',
      'turns:[fd00::5]:443?transport=tcp',
    ]);
    assert.deepEqual(turnUrls(['10.0.0.5'], 3478, null), ['turn:10.0.0.5:3478?transport=tcp']);
  });
});

describe('secrets.json', () => {
  it('generates turnSecret once, also into a secrets.json written before TURN existed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-secrets-'));
    try {
      const first = loadOrCreateSecrets(dir);
      assert.ok(first.created && first.secrets.turnSecret.length >= 16);
      assert.equal(loadOrCreateSecrets(dir).secrets.turnSecret, first.secrets.turnSecret);
      const old = {
        focusComponentSecret: 'a'.repeat(20),
        focusAccountPassword: 'b'.repeat(20),
        bridgeAccountPassword: 'c'.repeat(20),
      };
      writeFileSync(first.path, JSON.stringify(old), { mode: 0o600 });
      const upgraded = loadOrCreateSecrets(dir);
      assert.equal(upgraded.created, false);
      assert.equal(upgraded.secrets.focusComponentSecret, old.focusComponentSecret);
      assert.ok(upgraded.secrets.turnSecret.length >= 16);
      assert.equal(JSON.parse(readFileSync(first.path, 'utf8')).turnSecret, upgraded.secrets.turnSecret);
      assert.equal(statSync(first.path).mode & 0o777, 0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

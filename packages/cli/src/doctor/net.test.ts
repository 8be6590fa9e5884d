import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  canonicalIp,
  classifyAddress,
  droppedCount,
  isLocalAddress,
  maskedTextFrame,
  parseFrames,
  parseSubjectAltName,
  scanForForeignHosts,
  stunBindingRequest,
  uncoveredNames,
  webAddresses,
} from './net.js';

const hc = {
  local: ['127.0.0.1', '::1', '192.168.1.20', 'fd00::2'],
  configured: ['10.0.0.5'],
  domain: 'meet.parley.local',
  hostname: 'box',
};

test('addresses are canonical and classified against this machine and the flags', () => {
  assert.equal(canonicalIp('[0:0:0:0:0:0:0:1]'), '::1');
  assert.equal(canonicalIp('::ffff:192.168.1.20'), '192.168.1.20');
  assert.equal(canonicalIp('fe80::1%eth0'), 'fe80::1');
  assert.equal(canonicalIp('meet.parley.local'), undefined);
  assert.equal(classifyAddress('127.0.0.53', hc), 'loopback');
  assert.equal(classifyAddress('0.0.0.0', hc), 'unspecified');
  assert.equal(classifyAddress('192.168.1.20', hc), 'local');
  assert.equal(classifyAddress('FD00:0::2', hc), 'local');
  assert.equal(classifyAddress('10.0.0.5', hc), 'configured');
  assert.equal(classifyAddress('10.255.255.1', hc), 'private-unknown');
  assert.equal(classifyAddress('172.31.0.1', hc), 'private-unknown');
  assert.equal(classifyAddress('172.32.0.1', hc), 'public');
  assert.equal(classifyAddress('8.8.8.8', hc), 'public');
  assert.equal(isLocalAddress('10.255.255.1', hc.local), false);
  assert.equal(isLocalAddress('127.0.0.1', hc.local), true);
});

test('the web app is reachable at every local address when it binds all interfaces', () => {
  const ifs = [
    { address: '127.0.0.1', internal: true },
    { address: '192.168.1.20', internal: false },
    { address: 'fe80::1', internal: false },
    { address: 'fd00::2', internal: false },
  ];
  assert.deepEqual(webAddresses('0.0.0.0', ifs), ['192.168.1.20', 'fd00::2', '127.0.0.1']);
  assert.deepEqual(webAddresses('127.0.0.1', ifs), ['127.0.0.1']);
});

test('SAN coverage names every address and name the certificate lacks', () => {
  const sans = parseSubjectAltName(
    'DNS:box, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, IP Address:192.168.1.20',
  );
  assert.deepEqual(sans, { dns: ['box', 'localhost'], ips: ['127.0.0.1', '::1', '192.168.1.20'] });
  assert.deepEqual(uncoveredNames(sans, { dns: ['box'], ips: ['192.168.1.20', '::1', '127.0.0.1'] }), []);
  assert.deepEqual(uncoveredNames(sans, { dns: ['Other'], ips: ['192.168.1.21', '192.168.1.20'] }), [
    'other',
    '192.168.1.21',
  ]);
  assert.deepEqual(parseSubjectAltName(undefined), { dns: [], ips: [] });
});

test('config scanning finds public STUN servers, outside hosts and unknown addresses, and nothing in a clean config', () => {
  const clean = [
    'pidfile = "/var/lib/parley/prosody/prosody.pid"',
    'interfaces = { "127.0.0.1" }',
    'trusted_proxies = { "127.0.0.1", "::1" }',
    'VirtualHost "meet.parley.local"',
    '  admins = { "focus@auth.meet.parley.local", "focus.meet.parley.local" }',
    'component_secret = "abc-DEF_123"',
    'advertise = { "192.168.1.20", "10.0.0.5" }',
    'cert = "cert.pem"',
    'window.PARLEY_CONFIG = {"websocketUrl": "/xmpp-websocket", "host": "box"};',
  ].join('\n');
  assert.deepEqual(scanForForeignHosts(clean, 'f', hc), []);
  const dirty = [
    'external_services = { { type = "stun", host = "stun.l.google.com", port = 19302 } }',
    'iceServers: [{ urls: "stun:stun.l.google.com:19302" }, { urls: "turn:203.0.113.7:3478?transport=udp" }]',
    'cdn = "https://cdn.example.com/lib.js"',
    'other = "10.9.9.9"',
  ].join('\n');
  const found = scanForForeignHosts(dirty, 'prosody.cfg.lua', hc);
  const values = found.map((f) => f.value).sort();
  assert.deepEqual(values, ['10.9.9.9', '203.0.113.7', 'cdn.example.com', 'stun.l.google.com']);
  assert.match(found.find((f) => f.value === 'stun.l.google.com')!.why, /STUN\/TURN server/);
  assert.match(found.find((f) => f.value === '203.0.113.7')!.why, /STUN\/TURN server/);
  assert.match(found.find((f) => f.value === '10.9.9.9')!.why, /not an address of this machine/);
  assert.ok(found.every((f) => f.file === 'prosody.cfg.lua'));
});

test('a STUN Binding request with USERNAME has the layout the bridge decodes', () => {
  const tx = Buffer.alloc(12, 7);
  const b = stunBindingRequest('abc:de', tx);
  assert.equal(b.length, 20 + 4 + 8);
  assert.equal(b.readUInt16BE(0), 1);
  assert.equal(b.readUInt16BE(2), 12);
  assert.equal(b.readUInt32BE(4), 0x2112a442);
  assert.deepEqual(b.subarray(8, 20), tx);
  assert.equal(b.readUInt16BE(20), 6);
  assert.equal(b.readUInt16BE(22), 6);
  assert.equal(b.subarray(24, 30).toString(), 'abc:de');
});

test('the dropped-packet counter is read by reason from a Prometheus page', () => {
  const page =
    '# HELP x\nparley_bridge_dropped_packets_total{reason="stun-unknown-ufrag"} 4\nparley_bridge_dropped_packets_total{reason="malformed"} 9\n';
  assert.equal(droppedCount(page, 'stun-unknown-ufrag'), 4);
  assert.equal(droppedCount(page, 'unknown-address'), 0);
});

test('masked text frames round-trip through the frame parser, in pieces too', () => {
  for (const len of [5, 200, 70_000]) {
    const text = 'x'.repeat(len);
    const f = maskedTextFrame(text);
    assert.equal(f[1] & 0x80, 0x80);
    const half = parseFrames(f.subarray(0, f.length - 1));
    assert.equal(half.frames.length, 0);
    const { frames, rest } = parseFrames(Buffer.concat([f, Buffer.from([0x81])]));
    assert.equal(frames[0].payload.toString(), text);
    assert.equal(frames[0].opcode, 1);
    assert.equal(rest.length, 1);
  }
});

// MediaPort's ICE-lite routing with hand-made STUN clients (UDP and ICE-TCP), no werift involved.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import type { IceTransport } from '@parley/protocol';
import { DEFAULT_UDP_RECEIVE_BUFFER, type MediaPort } from './media-port.js';
import { readFileSync } from 'node:fs';
import type { EndpointTransport } from './endpoint-transport.js';
import {
  ATTR,
  BINDING,
  decodeStun,
  decodeXorAddress,
  decodeErrorCode,
  encodeStun,
  getAttribute,
  verifyFingerprint,
  verifyIntegrity,
} from './stun.js';
import { TcpFramer } from './tcp-framing.js';
import { waitFor, openLoopbackPort } from './test-helpers.js';

let port: MediaPort;
const sockets: dgram.Socket[] = [];

before(async () => {
  port = await openLoopbackPort({ consentTimeoutMs: 300, tcpAuthTimeoutMs: 500 });
});
after(async () => {
  for (const s of sockets) s.close();
  await port.close();
});

const REMOTE: IceTransport = {
  ufrag: 'brws',
  pwd: 'browserpasswordbrowserpw',
  rtcpMux: true,
  candidates: [],
  fingerprints: [{ hash: 'sha-256', value: 'AA:BB', setup: 'active' }],
};

function request(
  t: EndpointTransport,
  opts: { pwd?: string; useCandidate?: boolean; controlled?: boolean; remoteUfrag?: string } = {},
): Buffer {
  const attributes: Array<{ type: number; value: Buffer }> = [
    { type: ATTR.USERNAME, value: Buffer.from(`${t.local.ufrag}:${opts.remoteUfrag ?? REMOTE.ufrag}`) },
    { type: ATTR.PRIORITY, value: Buffer.from([0x6e, 0, 1, 0xff]) },
    { type: opts.controlled ? ATTR.ICE_CONTROLLED : ATTR.ICE_CONTROLLING, value: randomBytes(8) },
  ];
  if (opts.useCandidate) attributes.push({ type: ATTR.USE_CANDIDATE, value: Buffer.alloc(0) });
  return encodeStun({
    method: BINDING,
    cls: 'request',
    transactionId: randomBytes(12),
    attributes,
    integrityKey: opts.pwd ?? t.local.pwd,
    fingerprint: true,
  });
}

async function udpClient(): Promise<{ sock: dgram.Socket; replies: Buffer[]; send: (b: Buffer) => void }> {
  const sock = dgram.createSocket('udp4');
  sockets.push(sock);
  const replies: Buffer[] = [];
  sock.on('message', (m) => replies.push(m));
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  return { sock, replies, send: (b) => sock.send(b, port.udpPort, '127.0.0.1') };
}

test('local description: host candidates on the shared ports, unique credentials', () => {
  const a = port.createTransport('e1');
  const b = port.createTransport('e2');
  assert.notEqual(a.local.ufrag, b.local.ufrag);
  assert.ok(a.local.pwd.length >= 22);
  assert.deepEqual(
    a.local.candidates.map((c) => [c.protocol, c.ip, c.port, c.tcptype]),
    [
      ['udp', '127.0.0.1', port.udpPort, undefined],
      ['tcp', '127.0.0.1', port.tcpPort, 'passive'],
    ],
  );
  assert.equal(a.local.fingerprints[0].setup, 'actpass');
  assert.match(a.local.fingerprints[0].value, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  a.close();
  b.close();
});

test('valid Binding request is answered with XOR-MAPPED-ADDRESS, MI and FINGERPRINT; nominates', async () => {
  const t = port.createTransport('e3');
  const c = await udpClient();
  c.send(request(t, { useCandidate: true }));
  await waitFor(() => c.replies.length === 1, 1000, 'binding response');
  const res = decodeStun(c.replies[0])!;
  assert.equal(res.cls, 'success');
  assert.ok(verifyIntegrity(res, t.local.pwd));
  assert.ok(verifyFingerprint(res));
  assert.deepEqual(decodeXorAddress(getAttribute(res, ATTR.XOR_MAPPED_ADDRESS)!, res.transactionId), {
    ip: '127.0.0.1',
    port: c.sock.address().port,
  });
  assert.equal(t.selected?.port, c.sock.address().port);
  t.close();
});

test('forged request (right ufrag, wrong MESSAGE-INTEGRITY) changes nothing and is counted', async () => {
  const t = port.createTransport('e4');
  t.start(REMOTE);
  const good = await udpClient();
  good.send(request(t, { useCandidate: true }));
  await waitFor(() => good.replies.length === 1, 1000, 'binding response');
  const selected = t.selected?.key;
  assert.ok(selected);
  const before = { ...port.counters };
  const delta = (k: string) => (port.counters[k] ?? 0) - (before[k] ?? 0);
  const evil = await udpClient();
  evil.send(request(t, { useCandidate: true, pwd: 'not-the-password-at-all' }));
  evil.send(request(t, { useCandidate: true, remoteUfrag: 'zzzz' })); // valid MI, but not the started peer's ufrag
  await waitFor(() => delta('stun-bad-integrity') === 1 && delta('stun-wrong-remote-ufrag') === 1, 1000, 'counted');
  evil.send(Buffer.from([0x80, 0x6f, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1])); // media from the forger's address
  await waitFor(() => delta('unknown-address') === 1, 1000, 'forger not learned');
  assert.equal(t.selected?.key, selected);
  assert.equal(evil.replies.length, 0);
  t.close();
});

test('garbage, truncated STUN, unknown ufrag, DTLS junk: dropped, counted, port keeps working', async () => {
  const t = port.createTransport('e5');
  const c = await udpClient();
  const before = { ...port.counters };
  const valid = request(t);
  c.send(randomBytes(100).fill(0x80, 0, 1)); // looks like RTP from an unknown address
  c.send(valid.subarray(0, 30)); // truncated STUN
  c.send(Buffer.from([0x16, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 1, 2, 3, 4, 5])); // DTLS-ish
  c.send(Buffer.from([0x00]));
  const other = port.createTransport('tmp');
  const unknown = request(other);
  other.close();
  c.send(unknown);
  for (let i = 0; i < 50; i++) c.send(randomBytes(1 + Math.floor(Math.random() * 300)));
  c.send(valid);
  await waitFor(() => c.replies.length === 1, 1000, 'port still answers');
  const delta = (k: string) => (port.counters[k] ?? 0) - (before[k] ?? 0);
  assert.ok(delta('unknown-address') >= 2, JSON.stringify(port.counters));
  assert.ok(delta('malformed') >= 2);
  assert.equal(delta('stun-unknown-ufrag'), 1);
  t.close();
});

test('role conflict: a peer claiming ICE-CONTROLLED gets 487 and learns nothing', async () => {
  const t = port.createTransport('e6');
  const c = await udpClient();
  c.send(request(t, { controlled: true, useCandidate: true }));
  await waitFor(() => c.replies.length === 1, 1000, 'error response');
  const res = decodeStun(c.replies[0])!;
  assert.equal(res.cls, 'error');
  assert.equal(decodeErrorCode(getAttribute(res, ATTR.ERROR_CODE)!)!.code, 487);
  assert.equal(t.selected, undefined);
  t.close();
});

test('start(): .local mDNS candidates are refused, a fingerprint-less remote is rejected', () => {
  const t = port.createTransport('e9');
  assert.throws(() => t.start({ ...REMOTE, fingerprints: [] }), /fingerprint/);
  t.start({
    ...REMOTE,
    candidates: [
      { foundation: '1', component: 1, protocol: 'udp', priority: 1, ip: 'f00d-1234.local', port: 5, type: 'host' },
      { foundation: '2', component: 1, protocol: 'udp', priority: 1, ip: '127.0.0.1', port: 6, type: 'host' },
    ],
  });
  assert.deepEqual(
    t.remote!.candidates.map((c) => c.ip),
    ['127.0.0.1'],
  );
  assert.equal(port.counters['mdns-candidate-refused'], 1);
  assert.throws(() => t.start(REMOTE), /already started/);
  t.close();
  assert.throws(
    () => port.createTransport('x').start({ ...REMOTE, fingerprints: [{ hash: 'md5', value: 'AA', setup: 'active' }] }),
    /fingerprint/,
  );
});

test('consent freshness: no valid check for consentTimeoutMs after start() -> failed', async () => {
  const t = port.createTransport('e7');
  const states: string[] = [];
  t.onStateChange((s) => states.push(s));
  t.start(REMOTE);
  await waitFor(() => t.state === 'failed', 2000, 'consent expiry');
  assert.deepEqual(states, ['checking', 'failed']);
  assert.equal(t.failureReason, 'ICE consent expired');
  assert.equal(t.send(Buffer.from([0x80, 0])), false);
  t.close();
  assert.equal(t.state, 'closed');
});

test('ICE-TCP: framed Binding request gets a framed answer; bad first frame closes the connection', async () => {
  const t = port.createTransport('e8');
  const sock = net.connect(port.tcpPort!, '127.0.0.1');
  const frames: Buffer[] = [];
  const framer = new TcpFramer((f) => frames.push(Buffer.from(f)));
  sock.on('data', (d) => framer.push(d));
  await new Promise<void>((r) => sock.once('connect', () => r()));
  const req = TcpFramer.frame(request(t, { useCandidate: true }));
  sock.write(req.subarray(0, 5)); // split across writes: the framer must reassemble
  await new Promise((r) => setTimeout(r, 20));
  sock.write(req.subarray(5));
  await waitFor(() => frames.length === 1, 1000, 'framed response');
  const res = decodeStun(frames[0])!;
  assert.equal(res.cls, 'success');
  assert.ok(verifyIntegrity(res, t.local.pwd));
  assert.equal(t.selected?.kind, 'tcp');
  t.close();
  await waitFor(() => sock.destroyed || sock.readableEnded, 1000, 'tcp closed with its transport');
  sock.destroy();

  const bad = net.connect(port.tcpPort!, '127.0.0.1');
  bad.on('error', () => {});
  await new Promise<void>((r) => bad.once('connect', () => r()));
  bad.write(TcpFramer.frame(Buffer.from([0x80, 1, 2, 3])));
  await new Promise<void>((r) => bad.once('close', () => r()));
  assert.equal(port.counters['tcp-bad-first-frame'], 1);

  const silent = net.connect(port.tcpPort!, '127.0.0.1');
  silent.on('error', () => {});
  await new Promise<void>((r) => silent.once('close', () => r()));
  assert.equal(port.counters['tcp-auth-timeout'], 1);
});

test('the UDP socket gets a 4 MiB receive buffer (up to the kernel cap), and its drops are readable', () => {
  const cap = Number(readFileSync('/proc/sys/net/core/rmem_max', 'utf8'));
  const granted = port.receiveBufferBytes / 2; // Linux reports double what it grants
  assert.ok(granted >= Math.min(DEFAULT_UDP_RECEIVE_BUFFER, cap), `granted ${granted}, cap ${cap}`);
  assert.ok(granted > 212_992 || cap <= 212_992, 'more than the kernel default when the cap allows it');
  assert.equal(port.socketDrops(), 0);
});

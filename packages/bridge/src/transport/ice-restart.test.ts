// ICE restart on the shared MediaPort with hand-made STUN checks: new local credentials replace the
// old ones at once, the peer's new ufrag is accepted before the focus forwards it, and a transport
// whose consent expired is revived. (DTLS kept across the restart: tests/browser/ice-restart.test.ts.)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import type { IceTransport } from '@parley/protocol';
import type { MediaPort } from './media-port.js';
import { ATTR, BINDING, decodeStun, encodeStun } from './stun.js';
import { waitFor, openLoopbackPort } from './test-helpers.js';

let port: MediaPort;
let sock: dgram.Socket;
const replies: Buffer[] = [];

before(async () => {
  port = await openLoopbackPort({ consentTimeoutMs: 300 });
  sock = dgram.createSocket('udp4');
  sock.on('message', (m) => replies.push(m));
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
});
after(async () => {
  sock.close();
  await port.close();
});

const remote = (ufrag: string): IceTransport => ({
  ufrag,
  pwd: 'browserpasswordbrowserpw',
  rtcpMux: true,
  candidates: [],
  fingerprints: [{ hash: 'sha-256', value: 'AA:BB', setup: 'active' }],
});

/** Sends a check and resolves with whether the bridge answered it with a success. */
async function check(local: { ufrag: string; pwd: string }, remoteUfrag: string): Promise<boolean> {
  const transactionId = randomBytes(12);
  const msg = encodeStun({
    method: BINDING,
    cls: 'request',
    transactionId,
    attributes: [
      { type: ATTR.USERNAME, value: Buffer.from(`${local.ufrag}:${remoteUfrag}`) },
      { type: ATTR.ICE_CONTROLLING, value: randomBytes(8) },
      { type: ATTR.USE_CANDIDATE, value: Buffer.alloc(0) },
    ],
    integrityKey: local.pwd,
    fingerprint: true,
  });
  const answered = () => replies.some((r) => decodeStun(r)?.transactionId.equals(transactionId));
  sock.send(msg, port.udpPort, '127.0.0.1');
  // A refused check gets no answer at all: wait for a later check's answer to know it was ignored.
  const probe = encodeStun({ method: BINDING, cls: 'request', transactionId: randomBytes(12), attributes: [] });
  sock.send(probe, port.udpPort, '127.0.0.1');
  await new Promise((r) => setTimeout(r, 50));
  return answered();
}

test('restartIce: new credentials at once, the old ones refused, any peer ufrag until its new one arrives', async () => {
  const t = port.createTransport('aaaa0001');
  t.start(remote('old1'));
  const before = { ufrag: t.local.ufrag, pwd: t.local.pwd };
  assert.ok(await check(before, 'old1'), 'the first credentials work');
  const after = t.restartIce();
  assert.notEqual(after.ufrag, before.ufrag);
  assert.notEqual(after.pwd, before.pwd);
  assert.equal(after.fingerprints[0]?.value, port.certificate.fingerprint, 'same DTLS certificate');
  assert.equal(t.selected, undefined, 'the old path is dropped');
  assert.equal(await check(before, 'old1'), false, 'the old ufrag no longer reaches the transport');
  // The browser's checks may arrive before the focus forwards its transport-accept.
  assert.ok(await check(after, 'new2'), 'a check with the new local credentials passes');
  const selectedNow = t.selected as { port: number } | undefined; // (narrowed to undefined above)
  assert.equal(selectedNow?.port, sock.address().port, 'and its path is used at once');
  t.start(remote('new2'));
  assert.ok(await check(after, 'new2'));
  assert.equal(await check(after, 'old1'), false, "the peer's old ufrag is refused once its new one is known");
  t.close();
});

test('a transport whose consent expired is failed, and an ICE restart brings it back to checking', async () => {
  const t = port.createTransport('aaaa0002');
  t.start(remote('r1'));
  await waitFor(() => t.state === 'failed', 5_000, 'consent expiry');
  assert.equal(t.failureReason, 'ICE consent expired');
  assert.throws(() => t.start(remote('r2')), /transport is failed/, 'no new remote without a restart');
  const fresh = t.restartIce();
  assert.equal(t.state, 'checking');
  t.start(remote('r2'));
  assert.ok(await check(fresh, 'r2'));
  t.close();
  assert.throws(() => t.restartIce(), /closed/);
});

test('blockEndpoint drops one endpoint both ways, whatever its credentials, until lifted', async () => {
  const t = port.createTransport('aaaa0003');
  const other = port.createTransport('aaaa0004');
  t.start(remote('b1'));
  other.start(remote('o1'));
  port.faultsForTest.blockEndpoint = (id) => id === 'aaaa0003';
  try {
    assert.equal(await check(t.local, 'b1'), false, 'the blocked endpoint gets no answer');
    assert.equal(await check(t.restartIce(), 'b2'), false, 'nor with its restarted credentials');
    assert.ok(await check(other.local, 'o1'), 'the other endpoint still works');
  } finally {
    port.faultsForTest.blockEndpoint = null;
  }
  assert.ok(await check(t.local, 'b2'), 'answered again once the block is lifted');
  t.close();
  other.close();
});

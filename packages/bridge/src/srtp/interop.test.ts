// Interop with werift 0.25.2's SrtpSession / SrtcpSession, both directions, AES-CM-80 and AES-128-GCM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { SrtpContext, keyLengths, type SrtpProfile } from './index.js';
import { buildCompoundRtcp, buildRtp, prng, type RtpOpts } from './fixtures/util.js';
import { weriftSessions } from './fixtures/werift.js';

const PROFILES: SrtpProfile[] = ['AES_CM_128_HMAC_SHA1_80', 'AEAD_AES_128_GCM'];

function keysFor(profile: SrtpProfile) {
  const l = keyLengths(profile);
  return { key: randomBytes(l.key), salt: randomBytes(l.salt) };
}

function samplePackets(): Buffer[] {
  const rnd = prng(7);
  const out: Buffer[] = [];
  const variants: Omit<RtpOpts, 'seq' | 'payload'>[] = [
    { ssrc: 0x11223344 },
    { ssrc: 0x11223344, csrcs: [0xdeadbeef, 0x01020304] },
    {
      ssrc: 0xcafebabe,
      ext: [
        { id: 1, data: Buffer.from([0x80]) },
        { id: 3, data: Buffer.from([1, 2, 3]) },
      ],
    },
    {
      ssrc: 0xfeedface,
      marker: true,
      csrcs: [0x0a0b0c0d],
      ext: [
        { id: 5, data: Buffer.from('abcdefgh') },
        { id: 14, data: Buffer.alloc(16, 9) },
      ],
    },
  ];
  let seq = 65500;
  for (let i = 0; i < 80; i++) {
    const v = variants[i % variants.length];
    const payload = randomBytes(1 + Math.floor(rnd() * 1200));
    out.push(buildRtp({ ...v, seq: seq & 0xffff, payload }));
    seq++;
  }
  return out;
}

for (const profile of PROFILES) {
  test(`${profile}: werift encrypts RTP (CSRCs, header extensions, seq wrap), SrtpContext decrypts`, () => {
    const k = keysFor(profile);
    const werift = weriftSessions(profile, k, k);
    const ours = new SrtpContext({ profile, masterKey: k.key, masterSalt: k.salt });
    for (const plain of samplePackets()) {
      const srtp = werift.protectRtp(plain);
      assert.equal(srtp.length, plain.length + keyLengths(profile).tag);
      assert.deepEqual(ours.unprotectRtp(srtp), plain);
    }
  });

  test(`${profile}: SrtpContext encrypts RTP, werift decrypts, and the bytes equal werift's own`, () => {
    const k = keysFor(profile);
    const werift = weriftSessions(profile, k, k);
    const weriftTx = weriftSessions(profile, k, k);
    const ours = new SrtpContext({ profile, masterKey: k.key, masterSalt: k.salt });
    for (const plain of samplePackets()) {
      const srtp = ours.protectRtp(plain);
      assert.deepEqual(srtp, weriftTx.protectRtp(plain));
      assert.deepEqual(werift.unprotectRtp(srtp), plain);
    }
  });

  test(`${profile}: compound RTCP both ways`, () => {
    const k = keysFor(profile);
    const ourTx = new SrtpContext({ profile, masterKey: k.key, masterSalt: k.salt });
    const ourRx = new SrtpContext({ profile, masterKey: k.key, masterSalt: k.salt });
    const werift = weriftSessions(profile, k, k);
    for (let n = 0; n < 50; n++) {
      const plain = buildCompoundRtcp(0x51525354 + (n % 3), n);
      // werift -> ours
      const a = werift.protectRtcp(plain);
      assert.deepEqual(ourRx.unprotectRtcp(a), plain);
      // ours -> werift
      const b = ourTx.protectRtcp(plain);
      assert.deepEqual(werift.unprotectRtcp(b), plain);
      assert.equal(b.readUInt32BE(profile === 'AEAD_AES_128_GCM' ? b.length - 4 : b.length - 14) >>> 31, 1, 'E flag');
    }
  });

  test(`${profile}: DTLS-style key split, each side decrypts the other`, async () => {
    const { srtpKeysFromDtls } = await import('./index.js');
    const l = keyLengths(profile);
    const material = randomBytes(2 * (l.key + l.salt));
    const client = srtpKeysFromDtls(material, profile, true);
    const server = srtpKeysFromDtls(material, profile, false);
    const clientTx = new SrtpContext(client.local);
    const serverRx = new SrtpContext(server.remote);
    // werift as the server: its local = server write key, remote = client write key
    const werift = weriftSessions(
      profile,
      { key: server.local.masterKey, salt: server.local.masterSalt },
      { key: server.remote.masterKey, salt: server.remote.masterSalt },
    );
    const plain = buildRtp({ seq: 1, ssrc: 42, payload: randomBytes(200) });
    assert.deepEqual(serverRx.unprotectRtp(clientTx.protectRtp(plain)), plain);
    assert.deepEqual(
      werift
        .unprotectRtp(clientTx.protectRtp(buildRtp({ seq: 2, ssrc: 42, payload: plain.subarray(12) })))
        .subarray(12),
      plain.subarray(12),
    );
    const clientRx = new SrtpContext(client.remote);
    assert.deepEqual(clientRx.unprotectRtp(werift.protectRtp(plain)), plain);
  });
}

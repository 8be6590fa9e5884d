// The fast per-packet path (HMAC state prepared once, keystream from one ECB cipher, protect into a
// caller's buffer) gives byte for byte what the plainest implementation gives, on seeded random packets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { fuzzPlan } from '@parley/protocol/fuzz';
import { SrtpContext, keyLengths, type SrtpKeys, type SrtpProfile } from './index.js';
import { HMAC_ONE_SHOT, HmacSha1 } from './hmac-sha1.js';
import { buildCompoundRtcp, buildRtp, prng } from './fixtures/util.js';
import { referenceProtectRtcp, referenceProtectRtp } from './fixtures/reference.js';

const plan = fuzzPlan({ seeds: [1, 2, 3], inputs: 400 }, process.env);
type Rnd = () => number;

function bytes(rnd: Rnd, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rnd() * 256);
  return b;
}

/** The same bytes at a chosen alignment (offset into a larger buffer), so both XOR paths run. */
function at(b: Buffer, misalign: number): Buffer {
  const host = Buffer.alloc(b.length + 8);
  b.copy(host, misalign);
  return host.subarray(misalign, misalign + b.length);
}

function randomRtp(rnd: Rnd, ssrc: number, seq: number): Buffer {
  const ext = rnd() < 0.5 ? [{ id: 1 + Math.floor(rnd() * 14), data: bytes(rnd, 1 + Math.floor(rnd() * 16)) }] : [];
  const csrcs = Array.from({ length: Math.floor(rnd() * 4) }, () => Math.floor(rnd() * 2 ** 32));
  const payload = bytes(rnd, Math.floor(rnd() * (rnd() < 0.2 ? 3000 : 1400)));
  return buildRtp({ seq, ssrc, csrcs, ext, payload, marker: rnd() < 0.1, pt: 96 + Math.floor(rnd() * 20) });
}

function keysFor(rnd: Rnd, profile: SrtpProfile): SrtpKeys {
  const l = keyLengths(profile);
  return { profile, masterKey: bytes(rnd, l.key), masterSalt: bytes(rnd, l.salt) };
}

for (const oneShot of HMAC_ONE_SHOT ? [true, false] : [false]) {
  const how = oneShot ? 'one-shot hash' : 'createHmac fallback';
  test(`HmacSha1 (${how}) equals createHmac: random keys, lengths, ROCs`, () => {
    for (const seed of plan.seeds) {
      const rnd = prng(seed);
      for (let n = 0; n < plan.inputs; n++) {
        const key = bytes(rnd, rnd() < 0.7 ? 20 : 1 + Math.floor(rnd() * 64));
        const h = new HmacSha1(key, oneShot);
        const msg = at(bytes(rnd, Math.floor(rnd() * 3100)), Math.floor(rnd() * 4));
        const end = Math.floor(rnd() * (msg.length + 1));
        const suffix = rnd() < 0.3 ? -1 : Math.floor(rnd() * 2 ** 32);
        const ref = createHmac('sha1', key).update(msg.subarray(0, end));
        if (suffix >= 0)
          ref.update(Buffer.from([suffix >>> 24, (suffix >>> 16) & 255, (suffix >>> 8) & 255, suffix & 255]));
        assert.equal(h.mac(msg, end, suffix).toString('hex'), ref.digest('hex'), `seed ${seed} input ${n}`);
      }
    }
  });
}

for (const profile of ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32'] as SrtpProfile[]) {
  test(`${profile}: protectRtp, protectRtpInto and unprotectRtp match the reference across the ROC wrap`, () => {
    for (const seed of plan.seeds) {
      const rnd = prng(seed);
      const keys = keysFor(rnd, profile);
      const tx = new SrtpContext(keys);
      const rx = new SrtpContext(keys);
      const into = new SrtpContext(keys);
      const ssrcs = [Math.floor(rnd() * 2 ** 32), Math.floor(rnd() * 2 ** 32)];
      const dirty = Buffer.alloc(4000, 0xa5);
      const sent: { plain: Buffer; count: number }[] = [];
      for (let n = 0; n < plan.inputs; n++) {
        const k = n % ssrcs.length;
        const count = 65500 + Math.floor(n / ssrcs.length); // crosses 65535 -> 0 after ~36 packets
        const plain = at(randomRtp(rnd, ssrcs[k], count & 0xffff), Math.floor(rnd() * 4));
        const expected = referenceProtectRtp(keys, plain, Math.floor(count / 65536));
        const what = `seed ${seed} packet ${n} (${plain.length} bytes)`;
        assert.deepEqual(tx.protectRtp(plain), expected, `protectRtp, ${what}`);
        const dst = dirty.subarray(Math.floor(rnd() * 4));
        const len = into.protectRtpInto(plain, dst);
        assert.deepEqual(dst.subarray(0, len), expected, `protectRtpInto, ${what}`);
        assert.deepEqual(
          rx.unprotectRtp(at(expected, Math.floor(rnd() * 4))),
          Buffer.from(plain),
          `unprotect, ${what}`,
        );
        sent.push({ plain, count });
        if (n % 7 === 6) {
          // A retransmission: an earlier packet of either stream, protected again, gets its own index.
          const old = sent[Math.max(0, sent.length - 1 - Math.floor(rnd() * 30))];
          const again = referenceProtectRtp(keys, old.plain, Math.floor(old.count / 65536));
          assert.deepEqual(tx.protectRtp(old.plain), again, `retransmission, ${what}`);
        }
      }
    }
  });

  test(`${profile}: protectRtcp and unprotectRtcp match the reference`, () => {
    for (const seed of plan.seeds) {
      const rnd = prng(seed);
      const keys = keysFor(rnd, profile);
      const tx = new SrtpContext(keys);
      const rx = new SrtpContext(keys);
      for (let n = 1; n <= plan.inputs / 4; n++) {
        const rtcp = buildCompoundRtcp(Math.floor(rnd() * 2 ** 32), n);
        // SRTCP encrypts whatever follows the first 8 bytes: random words appended change only the length.
        const plain = at(Buffer.concat([rtcp, bytes(rnd, 4 * Math.floor(rnd() * 300))]), Math.floor(rnd() * 4));
        const expected = referenceProtectRtcp(keys, plain, n);
        assert.deepEqual(tx.protectRtcp(plain), expected, `seed ${seed} packet ${n}`);
        assert.deepEqual(rx.unprotectRtcp(expected), Buffer.from(plain), `seed ${seed} packet ${n}`);
      }
    }
  });
}

for (const profile of ['AEAD_AES_128_GCM', 'AEAD_AES_256_GCM'] as SrtpProfile[]) {
  test(`${profile}: protectRtpInto gives protectRtp's bytes`, () => {
    const rnd = prng(plan.seeds[0]);
    const keys = keysFor(rnd, profile);
    const a = new SrtpContext(keys);
    const b = new SrtpContext(keys);
    const dst = Buffer.alloc(4000, 0x5a);
    for (let n = 0; n < 100; n++) {
      const plain = randomRtp(rnd, 0x1234, (65500 + n) & 0xffff);
      const len = b.protectRtpInto(plain, dst);
      assert.deepEqual(dst.subarray(0, len), a.protectRtp(plain), `packet ${n}`);
    }
  });
}

test('protectRtpInto refuses a buffer that is too small', () => {
  const keys = keysFor(prng(5), 'AES_CM_128_HMAC_SHA1_80');
  const tx = new SrtpContext(keys);
  const plain = buildRtp({ seq: 7, ssrc: 9, payload: Buffer.alloc(100) });
  assert.throws(() => tx.protectRtpInto(plain, Buffer.alloc(plain.length + 9)), /do not fit/);
  assert.deepEqual(tx.protectRtp(plain), referenceProtectRtp(keys, plain, 0));
});

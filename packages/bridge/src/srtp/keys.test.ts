import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keyLengths, profileFromDtlsId, srtpKeysFromDtls, SrtpContext, type SrtpProfile } from './index.js';

test('keyLengths and profileFromDtlsId', () => {
  assert.deepEqual(keyLengths('AES_CM_128_HMAC_SHA1_80'), { key: 16, salt: 14, tag: 10 });
  assert.deepEqual(keyLengths('AES_CM_128_HMAC_SHA1_32'), { key: 16, salt: 14, tag: 4 });
  assert.deepEqual(keyLengths('AEAD_AES_128_GCM'), { key: 16, salt: 12, tag: 16 });
  assert.deepEqual(keyLengths('AEAD_AES_256_GCM'), { key: 32, salt: 12, tag: 16 });
  assert.equal(profileFromDtlsId(0x0001), 'AES_CM_128_HMAC_SHA1_80');
  assert.equal(profileFromDtlsId(0x0002), 'AES_CM_128_HMAC_SHA1_32');
  assert.equal(profileFromDtlsId(0x0007), 'AEAD_AES_128_GCM');
  assert.equal(profileFromDtlsId(0x0008), 'AEAD_AES_256_GCM');
  assert.throws(() => profileFromDtlsId(0x0005), RangeError);
});

for (const profile of ['AES_CM_128_HMAC_SHA1_80', 'AEAD_AES_128_GCM', 'AEAD_AES_256_GCM'] as SrtpProfile[]) {
  test(`srtpKeysFromDtls ${profile}: client key | server key | client salt | server salt`, () => {
    const { key, salt } = keyLengths(profile);
    // byte values name the field: 0xC1 client key, 0x5E server key, 0xCA client salt, 0x5A server salt
    const material = Buffer.concat([
      Buffer.alloc(key, 0xc1),
      Buffer.alloc(key, 0x5e),
      Buffer.alloc(salt, 0xca),
      Buffer.alloc(salt, 0x5a),
    ]);
    const c = srtpKeysFromDtls(material, profile, true);
    const s = srtpKeysFromDtls(material, profile, false);
    assert.deepEqual(c.local, { profile, masterKey: Buffer.alloc(key, 0xc1), masterSalt: Buffer.alloc(salt, 0xca) });
    assert.deepEqual(c.remote, { profile, masterKey: Buffer.alloc(key, 0x5e), masterSalt: Buffer.alloc(salt, 0x5a) });
    assert.deepEqual(s.local, c.remote);
    assert.deepEqual(s.remote, c.local);
    assert.throws(() => srtpKeysFromDtls(material.subarray(1), profile, true), RangeError);
    // the split keys are accepted by SrtpContext; wrong lengths are not
    new SrtpContext(c.local);
    assert.throws(
      () => new SrtpContext({ profile, masterKey: Buffer.alloc(key + 1), masterSalt: Buffer.alloc(salt) }),
      RangeError,
    );
  });
}

test('SrtpContext replayWindow option is validated', () => {
  const keys = {
    profile: 'AES_CM_128_HMAC_SHA1_80' as const,
    masterKey: Buffer.alloc(16),
    masterSalt: Buffer.alloc(14),
  };
  assert.throws(() => new SrtpContext(keys, { replayWindow: 0 }), RangeError);
  new SrtpContext(keys, { replayWindow: 100 });
});

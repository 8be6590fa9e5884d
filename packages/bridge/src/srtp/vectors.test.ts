// Known-answer tests: RFC 3711 Appendix B.2 / B.3, RFC 7714 Sections 16 / 17.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AesCmKeystream } from './aescm.js';
import { deriveKey, LABEL_RTP_AUTH, LABEL_RTP_ENCRYPTION, LABEL_RTP_SALT } from './kdf.js';
import { contextFromSessionKeys, setSrtcpIndexForTest } from './context.js';
import { hex } from './fixtures/util.js';

test('RFC 3711 B.2: AES-CM keystream, first and last blocks of the 65282-block segment', () => {
  const ks = new AesCmKeystream(hex('2B7E151628AED2A6ABF7158809CF4F3C'));
  hex('F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000').copy(ks.iv);
  const len = 1044512;
  const zeros = Buffer.alloc(len);
  const out = Buffer.alloc(len);
  ks.xor(zeros, 0, out, 0, len);
  assert.equal(
    out.subarray(0, 48).toString('hex').toUpperCase(),
    'E03EAD0935C95E80E166B16DD92B4EB4' + 'D23513162B02D0F72A43A2FE4A5F97AB' + '41E95B3BB0A2E8DD477901E4FCA894C0',
  );
  assert.equal(
    out
      .subarray(len - 48)
      .toString('hex')
      .toUpperCase(),
    'EC8CDF7398607CB0F2D21675EA9EA1E4' + '362B7C3C6773516318A077D7FC5073AE' + '6A2CC3787889374FBEB4C81B17BA6C44',
  );
  // Counter blocks 0xFEFF, 0xFF00, 0xFF01 are exactly where the RFC puts those three.
  assert.equal(len / 16, 0xff02);
});

test('RFC 3711 B.2: keystream at an unaligned length and in-place XOR', () => {
  const ks = new AesCmKeystream(hex('2B7E151628AED2A6ABF7158809CF4F3C'));
  hex('F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000').copy(ks.iv);
  const buf = Buffer.alloc(37);
  ks.xor(buf, 0, buf, 0, 37);
  assert.equal(
    buf.toString('hex').toUpperCase(),
    ('E03EAD0935C95E80E166B16DD92B4EB4' + 'D23513162B02D0F72A43A2FE4A5F97AB' + '41E95B3BB0').slice(0, 74),
  );
});

test('RFC 3711 B.3: key derivation (cipher key, salt, auth key)', () => {
  const mk = hex('E1F97A0D3E018BE0D64FA32C06DE4139');
  const ms = hex('0EC675AD498AFEEBB6960B3AABE6');
  assert.equal(
    deriveKey(mk, ms, LABEL_RTP_ENCRYPTION, 16).toString('hex').toUpperCase(),
    'C61E7A93744F39EE10734AFE3FF7A087',
  );
  assert.equal(deriveKey(mk, ms, LABEL_RTP_SALT, 14).toString('hex').toUpperCase(), '30CBBC08863D8C85D49DB34A9AE1');
  assert.equal(
    deriveKey(mk, ms, LABEL_RTP_AUTH, 20).toString('hex').toUpperCase(),
    'CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4',
  );
  // The RFC lists 94 bytes of the auth-key PRF output; check the longer prefix too.
  assert.equal(
    deriveKey(mk, ms, LABEL_RTP_AUTH, 48).toString('hex').toUpperCase(),
    'CEBE321F6FF7716B6FD4AB49AF256A15' + '6D38BAA48F0A0ACF3C34E2359E6CDBCE' + 'E049646C43D9327AD175578EF7227098',
  );
});

// RFC 7714 Section 16 / 17: the vectors use session keys directly.
const GCM_SALT = hex('517569642070726f2071756f');
const K128 = hex('000102030405060708090a0b0c0d0e0f');
const K256 = hex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
const RTP_PLAIN = hex(
  '8040f17b8041f8d35501a0b2 47616c6c696120657374206f6d6e69732064697669736120696e207061727465732074726573',
);
const RTCP_PLAIN = hex(
  '81c8000d4d6172734e5450314e545032525450200000042a0000e9304c756e61 deadbeefdeadbeefdeadbeefdeadbeefdeadbeef',
);

test('RFC 7714 16.1: AEAD_AES_128_GCM SRTP protect and unprotect', () => {
  const keys = { encKey: K128, salt: GCM_SALT };
  const tx = contextFromSessionKeys('AEAD_AES_128_GCM', keys, keys);
  const expected = hex(
    '8040f17b8041f8d35501a0b2 f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de3adf8833 899d7f27beb16a9152cf765ee4390cce',
  );
  assert.equal(tx.protectRtp(RTP_PLAIN).toString('hex'), expected.toString('hex'));
  const rx = contextFromSessionKeys('AEAD_AES_128_GCM', keys, keys);
  assert.equal(rx.unprotectRtp(expected).toString('hex'), RTP_PLAIN.toString('hex'));
});

test('RFC 7714 16.2: AEAD_AES_256_GCM SRTP protect and unprotect', () => {
  const keys = { encKey: K256, salt: GCM_SALT };
  const tx = contextFromSessionKeys('AEAD_AES_256_GCM', keys, keys);
  const expected = hex(
    '8040f17b8041f8d35501a0b2 32b1de78a822fe12ef9f78fa332e33aab18012389a58e2f3b50b2a0276ffae0f1ba63799b87b7aa3db36dfffd6b0f9bb7878d7a76c13',
  );
  assert.equal(tx.protectRtp(RTP_PLAIN).toString('hex'), expected.toString('hex'));
  const rx = contextFromSessionKeys('AEAD_AES_256_GCM', keys, keys);
  assert.equal(rx.unprotectRtp(expected).toString('hex'), RTP_PLAIN.toString('hex'));
});

test('RFC 7714 17.1: AEAD_AES_128_GCM SRTCP protect (index 0x5d4, E=1) and unprotect', () => {
  const keys = { encKey: K128, salt: GCM_SALT };
  const tx = contextFromSessionKeys('AEAD_AES_128_GCM', keys, keys);
  setSrtcpIndexForTest(tx, 0x5d3);
  const expected = hex(
    '81c8000d4d617273 63e94885dcdab67ca727d7662f6b7e997ff5c0f76c06f32dc676a5f1730d6fda4ce09b4686303ded0bb9275bc84aa45896cf4d2fc5abf87245d9eade 800005d4',
  );
  assert.equal(tx.protectRtcp(RTCP_PLAIN).toString('hex'), expected.toString('hex'));
  const rx = contextFromSessionKeys('AEAD_AES_128_GCM', keys, keys);
  assert.equal(rx.unprotectRtcp(expected).toString('hex'), RTCP_PLAIN.toString('hex'));
});

test('RFC 7714 17.2: AEAD_AES_256_GCM SRTCP unprotect', () => {
  const keys = { encKey: K256, salt: GCM_SALT };
  const rx = contextFromSessionKeys('AEAD_AES_256_GCM', keys, keys);
  const srtcp = hex(
    '81c8000d4d617273 d50ae4d1f5ce5d304ba297e47d470c282c3ece5dbffe0a50a2eaa5c1110555be8415f658c61de0476f1b6fad1d1eb30c4446839f57ff6f6cb26ac3be 800005d4',
  );
  assert.equal(rx.unprotectRtcp(srtcp).toString('hex'), RTCP_PLAIN.toString('hex'));
  const tx = contextFromSessionKeys('AEAD_AES_256_GCM', keys, keys);
  setSrtcpIndexForTest(tx, 0x5d3);
  assert.equal(tx.protectRtcp(RTCP_PLAIN).toString('hex'), srtcp.toString('hex'));
});

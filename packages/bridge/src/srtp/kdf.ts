/** RFC 3711 4.3 key derivation with key_derivation_rate 0 (the only rate DTLS-SRTP uses). */
import { createCipheriv } from 'node:crypto';

export const LABEL_RTP_ENCRYPTION = 0x00;
export const LABEL_RTP_AUTH = 0x01;
export const LABEL_RTP_SALT = 0x02;
export const LABEL_RTCP_ENCRYPTION = 0x03;
export const LABEL_RTCP_AUTH = 0x04;
export const LABEL_RTCP_SALT = 0x05;

/**
 * AES-CM PRF: x = (master_salt padded to 112 bits) XOR (label << 48); output = AES_k(x||0000) | AES_k(x||0001) | ...
 * A 96-bit (GCM) master salt is padded with zero octets on the right, as libsrtp does.
 */
export function deriveKey(masterKey: Buffer, masterSalt: Buffer, label: number, length: number): Buffer {
  if (masterKey.length !== 16 && masterKey.length !== 32) {
    throw new RangeError(`SRTP master key must be 16 or 32 bytes, got ${masterKey.length}`);
  }
  if (masterSalt.length > 14) throw new RangeError(`SRTP master salt too long: ${masterSalt.length}`);
  const blocks = Math.ceil(length / 16);
  const input = Buffer.alloc(blocks * 16);
  for (let b = 0; b < blocks; b++) {
    const off = b * 16;
    masterSalt.copy(input, off);
    input[off + 7] ^= label;
    input[off + 14] = (b >>> 8) & 0xff;
    input[off + 15] = b & 0xff;
  }
  const ecb = createCipheriv(masterKey.length === 16 ? 'aes-128-ecb' : 'aes-256-ecb', masterKey, null);
  ecb.setAutoPadding(false);
  const out = Buffer.concat([ecb.update(input), ecb.final()]);
  return out.subarray(0, length);
}

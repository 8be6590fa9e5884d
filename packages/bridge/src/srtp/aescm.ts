/**
 * AES counter-mode keystream (RFC 3711 4.1.1) from ONE long-lived AES-ECB cipher per session key:
 * counter blocks IV, IV+1, ... are laid out in a reused buffer and encrypted in a single ECB update,
 * instead of creating an aes-128-ctr cipher object per packet.
 */
import { createCipheriv, type Cipher } from 'node:crypto';

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/** Largest payload one IV may cover: the block counter is the low 16 bits of the counter block. */
export const MAX_CM_BYTES = 65536 * 16;

export class AesCmKeystream {
  private readonly ecb: Cipher;
  private readonly ivWords = new Uint32Array(4);
  /** The 16-byte IV to fill (bytes 14..15 must stay zero) before calling xor(). */
  readonly iv: Buffer = Buffer.from(this.ivWords.buffer);
  private words: Uint32Array;
  private bytes: Buffer;

  constructor(key: Buffer) {
    this.ecb = createCipheriv(key.length === 32 ? 'aes-256-ecb' : 'aes-128-ecb', key, null);
    this.ecb.setAutoPadding(false);
    this.words = new Uint32Array(4 * 96); // 1536 bytes: a full-MTU packet without growing
    this.bytes = Buffer.from(this.words.buffer);
  }

  /** dst[dstOff, dstOff+len) = src[srcOff, srcOff+len) XOR keystream(iv); in place (same offsets) or apart. */
  xor(src: Buffer, srcOff: number, dst: Buffer, dstOff: number, len: number): void {
    if (len <= 0) return;
    if (len > MAX_CM_BYTES) throw new RangeError('payload too large for one AES-CM keystream');
    const n = (len + 15) >>> 4;
    if (n * 4 > this.words.length) {
      let cap = this.words.length;
      while (cap < n * 4) cap *= 2;
      this.words = new Uint32Array(cap);
      this.bytes = Buffer.from(this.words.buffer);
    }
    const w = this.ivWords;
    const a = w[0];
    const b = w[1];
    const c = w[2];
    const d = w[3];
    const u = this.words;
    if (LITTLE_ENDIAN) {
      for (let j = 0, k = 0; j < n; j++, k += 4) {
        u[k] = a;
        u[k + 1] = b;
        u[k + 2] = c;
        u[k + 3] = d | ((j & 0xff00) << 8) | ((j & 0xff) << 24);
      }
    } else {
      for (let j = 0, k = 0; j < n; j++, k += 4) {
        u[k] = a;
        u[k + 1] = b;
        u[k + 2] = c;
        u[k + 3] = d | j;
      }
    }
    const ks = this.ecb.update(this.bytes.subarray(0, n * 16));
    const at = dst.byteOffset + dstOff;
    const from = src.byteOffset + srcOff;
    if (((at | from | ks.byteOffset) & 3) === 0 && len >= 64) {
      // XOR 32 bits at a time straight from src into dst (all three 4-byte aligned): no copy first.
      const words = len >>> 2;
      const d32 = new Int32Array(dst.buffer, at, words);
      const s32 = src === dst && from === at ? d32 : new Int32Array(src.buffer, from, words);
      const k32 = new Int32Array(ks.buffer, ks.byteOffset, words);
      for (let i = 0; i < words; i++) d32[i] = s32[i] ^ k32[i];
      for (let i = words << 2; i < len; i++) dst[dstOff + i] = src[srcOff + i] ^ ks[i];
      return;
    }
    for (let i = 0; i < len; i++) dst[dstOff + i] = src[srcOff + i] ^ ks[i];
  }
}

/** Write `salt XOR (ssrc << 64) XOR (index << 16)` into iv (16 bytes), index = hi32 * 2^16 + lo16. */
export function writeCmIv(iv: Buffer, salt: Buffer, ssrc: number, hi32: number, lo16: number): void {
  iv[0] = salt[0];
  iv[1] = salt[1];
  iv[2] = salt[2];
  iv[3] = salt[3];
  iv[4] = salt[4] ^ (ssrc >>> 24);
  iv[5] = salt[5] ^ ((ssrc >>> 16) & 0xff);
  iv[6] = salt[6] ^ ((ssrc >>> 8) & 0xff);
  iv[7] = salt[7] ^ (ssrc & 0xff);
  iv[8] = salt[8] ^ (hi32 >>> 24);
  iv[9] = salt[9] ^ ((hi32 >>> 16) & 0xff);
  iv[10] = salt[10] ^ ((hi32 >>> 8) & 0xff);
  iv[11] = salt[11] ^ (hi32 & 0xff);
  iv[12] = salt[12] ^ (lo16 >>> 8);
  iv[13] = salt[13] ^ (lo16 & 0xff);
  iv[14] = 0;
  iv[15] = 0;
}

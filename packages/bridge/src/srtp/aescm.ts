/**
 * AES counter-mode keystream (RFC 3711 4.1.1) from ONE long-lived AES-ECB cipher per session key:
 * counter blocks IV, IV+1, ... are laid out in a reused buffer and encrypted in a single ECB update,
 * instead of creating an aes-128-ctr cipher object per packet.
 */
import { createCipheriv, type Cipher } from 'node:crypto';

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/** Largest payload one IV may cover: the block counter is the low 16 bits of the counter block. */
export const MAX_CM_BYTES = 65536 * 16;

/** Packets of one SSRC whose keystream one ECB update makes ahead (protect side, see xorAt). */
const AHEAD_PACKETS = 8;
/** Packets bigger than this (1536 bytes) get their keystream alone. */
const AHEAD_MAX_BLOCKS = 96;
/** SSRCs with keystream made ahead, per session key; more and the oldest are dropped. */
const AHEAD_MAX_SSRCS = 64;

/** Keystream made for indices [first, first + count) of one SSRC, `blocks` 16-byte blocks each. */
interface Ahead {
  first: number;
  count: number;
  blocks: number;
  ks: Buffer;
  /** Blocks the biggest packet served from this batch needed: the next batch's size. */
  biggest: number;
}

export class AesCmKeystream {
  private readonly ahead = new Map<number, Ahead>();
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
    xorWith(src, srcOff, dst, dstOff, len, ks, 0);
  }

  /**
   * xor() for the packet of this SSRC with this index (salt: the session salt, 14 bytes). A sender
   * protects a stream's packets in order, so the keystream of the next AHEAD_PACKETS indices is made
   * in one ECB update (sized for the biggest recent packet) and served from there: the per-call cost
   * of Cipher#update and its Buffer is paid once per batch. The bytes are the same as xor()'s.
   */
  xorAt(
    salt: Buffer,
    ssrc: number,
    index: number,
    src: Buffer,
    srcOff: number,
    dst: Buffer,
    dstOff: number,
    len: number,
  ) {
    if (len <= 0) return;
    const n = (len + 15) >>> 4;
    const a = this.ahead.get(ssrc);
    if (a !== undefined) {
      const k = index - a.first;
      if (k >= 0 && k < a.count && n <= a.blocks) {
        if (n > a.biggest) a.biggest = n;
        xorWith(src, srcOff, dst, dstOff, len, a.ks, k * a.blocks * 16);
        return;
      }
      if (k < 0 || n > AHEAD_MAX_BLOCKS) {
        // A late packet (a retransmission) or a huge one: alone, the batch stays for the stream.
        writeCmIv(this.iv, salt, ssrc, Math.floor(index / 65536), index % 65536);
        this.xor(src, srcOff, dst, dstOff, len);
        return;
      }
    } else if (n > AHEAD_MAX_BLOCKS) {
      writeCmIv(this.iv, salt, ssrc, Math.floor(index / 65536), index % 65536);
      this.xor(src, srcOff, dst, dstOff, len);
      return;
    }
    const blocks = Math.max(n, a?.biggest ?? 0);
    const next = this.makeAhead(salt, ssrc, index, blocks);
    if (a === undefined && this.ahead.size >= AHEAD_MAX_SSRCS) this.ahead.delete(this.ahead.keys().next().value!);
    next.biggest = n;
    this.ahead.set(ssrc, next);
    xorWith(src, srcOff, dst, dstOff, len, next.ks, 0);
  }

  /** Drops what was made ahead for this SSRC. */
  forget(ssrc: number): void {
    this.ahead.delete(ssrc);
  }

  private makeAhead(salt: Buffer, ssrc: number, first: number, blocks: number): Ahead {
    const total = AHEAD_PACKETS * blocks;
    if (total * 4 > this.words.length) {
      this.words = new Uint32Array(AHEAD_PACKETS * AHEAD_MAX_BLOCKS * 4);
      this.bytes = Buffer.from(this.words.buffer);
    }
    const u = this.words;
    const w = this.ivWords;
    for (let p = 0, k = 0; p < AHEAD_PACKETS; p++) {
      const index = first + p;
      writeCmIv(this.iv, salt, ssrc, Math.floor(index / 65536), index % 65536);
      const a = w[0];
      const b = w[1];
      const c = w[2];
      const d = w[3];
      for (let j = 0; j < blocks; j++, k += 4) {
        u[k] = a;
        u[k + 1] = b;
        u[k + 2] = c;
        u[k + 3] = LITTLE_ENDIAN ? d | ((j & 0xff00) << 8) | ((j & 0xff) << 24) : d | j;
      }
    }
    const ks = this.ecb.update(this.bytes.subarray(0, total * 16));
    return { first, count: AHEAD_PACKETS, blocks, ks, biggest: 0 };
  }
}

/** dst[dstOff, +len) = src[srcOff, +len) XOR ks[ksOff, +len), 32 bits at a time when all are 4-byte aligned. */
function xorWith(src: Buffer, srcOff: number, dst: Buffer, dstOff: number, len: number, ks: Buffer, ksOff: number) {
  const at = dst.byteOffset + dstOff;
  const from = src.byteOffset + srcOff;
  const kat = ks.byteOffset + ksOff;
  if (((at | from | kat) & 3) === 0 && len >= 64) {
    // XOR 32 bits at a time straight from src into dst: no copy first.
    const words = len >>> 2;
    const d32 = new Int32Array(dst.buffer, at, words);
    const s32 = src === dst && from === at ? d32 : new Int32Array(src.buffer, from, words);
    const k32 = new Int32Array(ks.buffer, kat, words);
    for (let i = 0; i < words; i++) d32[i] = s32[i] ^ k32[i];
    for (let i = words << 2; i < len; i++) dst[dstOff + i] = src[srcOff + i] ^ ks[ksOff + i];
    return;
  }
  for (let i = 0; i < len; i++) dst[dstOff + i] = src[srcOff + i] ^ ks[ksOff + i];
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

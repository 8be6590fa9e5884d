/**
 * SrtpContext: one direction of one DTLS-SRTP transport (RFC 3711 AES-CM + HMAC-SHA1, RFC 7714 AES-GCM).
 * Every SSRC in it has its own rollover counter / highest index and replay window.
 */
import {
  createCipheriv,
  createDecipheriv,
  createSecretKey,
  type CipherGCM,
  type DecipherGCM,
  type KeyObject,
} from 'node:crypto';
import { AesCmKeystream, writeCmIv } from './aescm.js';
import { HmacSha1 } from './hmac-sha1.js';
import {
  deriveKey,
  LABEL_RTCP_AUTH,
  LABEL_RTCP_ENCRYPTION,
  LABEL_RTCP_SALT,
  LABEL_RTP_AUTH,
  LABEL_RTP_ENCRYPTION,
  LABEL_RTP_SALT,
} from './kdf.js';
import { REPLAY_DUPLICATE, ReplayWindow } from './replay.js';
import { keyLengths, SrtpError, type SrtpKeys, type SrtpProfile } from './types.js';

/** Session keys for one of SRTP / SRTCP (what the KDF produces). */
export interface SessionKeys {
  encKey: Buffer;
  salt: Buffer;
  /** 20-byte HMAC-SHA1 key; absent for GCM. */
  authKey?: Buffer;
}

export interface SrtpContextOptions {
  /** Replay window in packets, for SRTP and per-SSRC SRTCP. Default 1024 (libsrtp's large-window setting). */
  replayWindow?: number;
}

/**
 * Receive state (highest index, replay window: about 300 bytes) is kept for at most this many SSRCs
 * per context, for SRTP and SRTCP each; the oldest goes first. Any SSRC an endpoint's keys
 * authenticate gets state, so without a bound one participant sending packets with ever new SSRCs
 * grows the bridge's memory without end (found by tests/media/rtp-fuzz.test.ts). A browser uses
 * about 15; an endpoint that floods only loses the state of its own older streams.
 */
export const MAX_RECEIVE_SSRCS = 256;

function keepBounded<V>(map: Map<number, V>, ssrc: number, value: V): void {
  if (map.size >= MAX_RECEIVE_SSRCS) map.delete(map.keys().next().value as number);
  map.set(ssrc, value);
}

const SRTCP_CM_TAG = 10;
const GCM_TAG = 16;
const MAX_SRTCP_INDEX = 0x7fffffff;

/**
 * RFC 3711 3.3.1 / Appendix A: the index of `seq` closest to the highest index seen so far.
 * May return a negative value (the guessed ROC would be -1): the caller treats that as too old.
 */
export function estimateIndex(highest: number, seq: number): number {
  const roc = Math.floor(highest / 65536);
  const sl = highest - roc * 65536;
  let v = roc;
  if (sl < 32768) {
    if (seq - sl > 32768) v = roc - 1;
  } else if (sl - 32768 > seq) {
    v = roc + 1;
  }
  return v * 65536 + seq;
}

/** Header length of an RTP packet whose authenticated part ends at `end`, or -1 if it does not fit. */
function rtpHeaderLength(buf: Buffer, end: number): number {
  if (end < 12) return -1;
  let off = 12 + 4 * (buf[0] & 0x0f);
  if (buf[0] & 0x10) {
    if (off + 4 > end) return -1;
    off += 4 + 4 * ((buf[off + 2] << 8) | buf[off + 3]);
  }
  return off > end ? -1 : off;
}

function readU32(buf: Buffer, off: number): number {
  return ((buf[off] << 24) | (buf[off + 1] << 16) | (buf[off + 2] << 8) | buf[off + 3]) >>> 0;
}

function writeU32(buf: Buffer, off: number, v: number): void {
  buf[off] = v >>> 24;
  buf[off + 1] = (v >>> 16) & 0xff;
  buf[off + 2] = (v >>> 8) & 0xff;
  buf[off + 3] = v & 0xff;
}

/** Constant-time compare of a[aOff, aOff+len) and b[0, len). */
function tagsEqual(a: Buffer, aOff: number, b: Buffer, len: number): boolean {
  let diff = 0;
  for (let i = 0; i < len; i++) diff |= a[aOff + i] ^ b[i];
  return diff === 0;
}

/** 12-byte GCM IV (RFC 7714 8.1 / 9.1): salt XOR (0x0000 | ssrc | a32 | b16) for RTP, (0x0000 | ssrc | 0x0000 | index) for RTCP. */
function gcmRtpIv(salt: Buffer, ssrc: number, roc: number, seq: number): Buffer {
  const iv = Buffer.allocUnsafe(12);
  iv[0] = salt[0];
  iv[1] = salt[1];
  writeU32(iv, 2, ssrc);
  writeU32(iv, 6, roc);
  iv[10] = seq >>> 8;
  iv[11] = seq & 0xff;
  for (let i = 2; i < 12; i++) iv[i] ^= salt[i];
  return iv;
}

function gcmRtcpIv(salt: Buffer, ssrc: number, index: number): Buffer {
  const iv = Buffer.allocUnsafe(12);
  iv[0] = salt[0];
  iv[1] = salt[1];
  writeU32(iv, 2, ssrc);
  iv[6] = 0;
  iv[7] = 0;
  writeU32(iv, 8, index);
  for (let i = 2; i < 12; i++) iv[i] ^= salt[i];
  return iv;
}

function replayError(verdict: number, what: string, index: number): SrtpError {
  return verdict === REPLAY_DUPLICATE
    ? new SrtpError('replayed', `${what} index ${index} already received`)
    : new SrtpError('too-old', `${what} index ${index} is behind the replay window`);
}

/** Set only for the duration of one constructor call by contextFromSessionKeys(). */
let injectedSessionKeys: { rtp: SessionKeys; rtcp: SessionKeys } | undefined;

export class SrtpContext {
  readonly profile: SrtpProfile;
  private readonly gcm: boolean;
  private readonly rtpTagLen: number;
  private readonly rtcpTagLen: number;
  private readonly windowSize: number;
  private readonly gcmAlg: 'aes-128-gcm' | 'aes-256-gcm';

  private readonly rtpSalt: Buffer;
  private readonly rtcpSalt: Buffer;
  private readonly rtpKey: KeyObject;
  private readonly rtcpKey: KeyObject;
  private readonly rtpCm: AesCmKeystream | undefined;
  private readonly rtcpCm: AesCmKeystream | undefined;
  private readonly rtpAuth: HmacSha1 | undefined;
  private readonly rtcpAuth: HmacSha1 | undefined;

  /** Send side: highest index protected per SSRC. */
  private readonly sendRtp = new Map<number, { highest: number }>();
  /** Receive side: highest authenticated index + replay bitmap per SSRC. */
  private readonly recvRtp = new Map<number, ReplayWindow>();
  private readonly recvRtcp = new Map<number, ReplayWindow>();
  /** Last SRTCP index used by protectRtcp (one counter for the whole context; first packet gets 1). */
  private srtcpIndex = 0;

  constructor(keys: SrtpKeys, opts?: SrtpContextOptions) {
    const sessionKeys = injectedSessionKeys;
    injectedSessionKeys = undefined;
    const profile = keys.profile;
    const lens = keyLengths(profile);
    this.profile = profile;
    this.gcm = profile === 'AEAD_AES_128_GCM' || profile === 'AEAD_AES_256_GCM';
    this.rtpTagLen = lens.tag;
    this.rtcpTagLen = this.gcm ? GCM_TAG : SRTCP_CM_TAG;
    this.gcmAlg = lens.key === 32 ? 'aes-256-gcm' : 'aes-128-gcm';
    const w = opts?.replayWindow ?? 1024;
    if (!Number.isInteger(w) || w < 1 || w > 1 << 20) throw new RangeError(`bad replayWindow ${w}`);
    this.windowSize = w;

    let rtp: SessionKeys;
    let rtcp: SessionKeys;
    if (sessionKeys) {
      ({ rtp, rtcp } = sessionKeys);
    } else {
      if (keys.masterKey.length !== lens.key) {
        throw new RangeError(`${profile} master key must be ${lens.key} bytes, got ${keys.masterKey.length}`);
      }
      if (keys.masterSalt.length !== lens.salt) {
        throw new RangeError(`${profile} master salt must be ${lens.salt} bytes, got ${keys.masterSalt.length}`);
      }
      const mk = keys.masterKey;
      const ms = keys.masterSalt;
      rtp = {
        encKey: deriveKey(mk, ms, LABEL_RTP_ENCRYPTION, lens.key),
        salt: deriveKey(mk, ms, LABEL_RTP_SALT, lens.salt),
        authKey: this.gcm ? undefined : deriveKey(mk, ms, LABEL_RTP_AUTH, 20),
      };
      rtcp = {
        encKey: deriveKey(mk, ms, LABEL_RTCP_ENCRYPTION, lens.key),
        salt: deriveKey(mk, ms, LABEL_RTCP_SALT, lens.salt),
        authKey: this.gcm ? undefined : deriveKey(mk, ms, LABEL_RTCP_AUTH, 20),
      };
    }
    // Salts padded to 14 bytes so the CM IV writer can read salt[12..13] either way.
    this.rtpSalt = Buffer.concat([rtp.salt, Buffer.alloc(14 - rtp.salt.length)]);
    this.rtcpSalt = Buffer.concat([rtcp.salt, Buffer.alloc(14 - rtcp.salt.length)]);
    this.rtpKey = createSecretKey(rtp.encKey);
    this.rtcpKey = createSecretKey(rtcp.encKey);
    if (this.gcm) {
      this.rtpCm = undefined;
      this.rtcpCm = undefined;
      this.rtpAuth = undefined;
      this.rtcpAuth = undefined;
    } else {
      if (!rtp.authKey || !rtcp.authKey) throw new RangeError('AES-CM profiles need auth keys');
      this.rtpCm = new AesCmKeystream(rtp.encKey);
      this.rtcpCm = new AesCmKeystream(rtcp.encKey);
      this.rtpAuth = new HmacSha1(rtp.authKey);
      this.rtcpAuth = new HmacSha1(rtcp.authKey);
    }
  }

  // ---------------------------------------------------------------- SRTP

  /** Plain RTP (header + payload) -> SRTP. The index is estimated against the highest index sent on this SSRC. */
  protectRtp(plain: Buffer): Buffer {
    const out = Buffer.allocUnsafe(plain.length + this.rtpTagLen);
    this.protectRtpInto(plain, out);
    return out;
  }

  /** Bytes protectRtp() adds to a packet (the tag). */
  get rtpOverhead(): number {
    return this.rtpTagLen;
  }

  /**
   * protectRtp() into dst[0, n), n = plain.length + rtpOverhead, returned; nothing allocated on the
   * AES-CM path. dst must not overlap plain. Throws like protectRtp (state untouched then).
   */
  protectRtpInto(plain: Buffer, dst: Buffer): number {
    const len = plain.length;
    if (len < 12) throw new SrtpError('too-short', `RTP packet of ${len} bytes`);
    if (plain[0] >>> 6 !== 2) throw new SrtpError('bad-version', `RTP version ${plain[0] >>> 6}`);
    const hdr = rtpHeaderLength(plain, len);
    if (hdr < 0) throw new SrtpError('too-short', 'RTP header (CSRCs/extension) runs past the packet');
    const tagLen = this.rtpTagLen;
    if (dst.length < len + tagLen)
      throw new RangeError(`protectRtpInto: ${len + tagLen} bytes do not fit in ${dst.length}`);
    const seq = (plain[2] << 8) | plain[3];
    const ssrc = readU32(plain, 8);

    let index: number;
    const st = this.sendRtp.get(ssrc);
    if (st === undefined) {
      index = seq;
      this.sendRtp.set(ssrc, { highest: index });
    } else {
      index = estimateIndex(st.highest, seq);
      if (index < 0)
        index = seq; // older than the stream's start across a wrap: ROC 0, state untouched
      else if (index > st.highest) st.highest = index;
    }
    const roc = Math.floor(index / 65536);

    if (this.gcm) {
      const c = createCipheriv(this.gcmAlg, this.rtpKey, gcmRtpIv(this.rtpSalt, ssrc, roc, seq)) as CipherGCM;
      c.setAAD(plain.subarray(0, hdr));
      const ct = c.update(plain.subarray(hdr));
      c.final();
      plain.copy(dst, 0, 0, hdr);
      ct.copy(dst, hdr);
      c.getAuthTag().copy(dst, len);
      return len + tagLen;
    }

    for (let i = 0; i < hdr; i++) dst[i] = plain[i];
    this.rtpCm!.xorAt(this.rtpSalt, ssrc, index, plain, hdr, dst, hdr, len - hdr);
    const tag = this.rtpAuth!.mac(dst, len, roc);
    for (let i = 0; i < tagLen; i++) dst[len + i] = tag[i];
    return len + tagLen;
  }

  /** SRTP -> plain RTP. Throws SrtpError (and nothing else) for anything that does not authenticate. */
  unprotectRtp(packet: Buffer): Buffer {
    try {
      return this.unprotectRtpInner(packet);
    } catch (e) {
      if (e instanceof SrtpError) throw e;
      throw new SrtpError('auth-failed', `unexpected: ${(e as Error)?.message ?? String(e)}`);
    }
  }

  private unprotectRtpInner(packet: Buffer): Buffer {
    const tagLen = this.rtpTagLen;
    const len = packet.length;
    if (len < 12 + tagLen) throw new SrtpError('too-short', `SRTP packet of ${len} bytes`);
    if (packet[0] >>> 6 !== 2) throw new SrtpError('bad-version', `RTP version ${packet[0] >>> 6}`);
    const end = len - tagLen;
    const hdr = rtpHeaderLength(packet, end);
    if (hdr < 0) throw new SrtpError('too-short', 'RTP header (CSRCs/extension) runs past the packet');
    const seq = (packet[2] << 8) | packet[3];
    const ssrc = readU32(packet, 8);

    const win = this.recvRtp.get(ssrc);
    let index: number;
    let out: Buffer | undefined;
    if (win === undefined) {
      index = seq;
      out = this.tryDecryptRtp(packet, hdr, end, ssrc, 0, seq);
      if (out === undefined && seq < 32768) {
        // First packet we see may be just after the sender's wrap (the ones before it lost): try ROC 1.
        out = this.tryDecryptRtp(packet, hdr, end, ssrc, 1, seq);
        if (out !== undefined) index = 65536 + seq;
      }
      if (out === undefined) throw new SrtpError('auth-failed', `SRTP ssrc ${ssrc} seq ${seq}`);
      const fresh = new ReplayWindow(this.windowSize);
      fresh.accept(index);
      keepBounded(this.recvRtp, ssrc, fresh);
      return out;
    }
    index = estimateIndex(win.highest, seq);
    if (index < 0) throw new SrtpError('too-old', `SRTP seq ${seq} precedes the stream start`);
    const verdict = win.check(index);
    if (verdict !== 0) throw replayError(verdict, 'SRTP', index);
    out = this.tryDecryptRtp(packet, hdr, end, ssrc, Math.floor(index / 65536), seq);
    if (out === undefined) throw new SrtpError('auth-failed', `SRTP ssrc ${ssrc} seq ${seq}`);
    win.accept(index); // only after authentication
    return out;
  }

  /** Authenticate and decrypt with the given ROC; undefined if the tag does not verify. */
  private tryDecryptRtp(
    packet: Buffer,
    hdr: number,
    end: number,
    ssrc: number,
    roc: number,
    seq: number,
  ): Buffer | undefined {
    if (this.gcm) {
      const d = createDecipheriv(this.gcmAlg, this.rtpKey, gcmRtpIv(this.rtpSalt, ssrc, roc, seq)) as DecipherGCM;
      d.setAAD(packet.subarray(0, hdr));
      d.setAuthTag(packet.subarray(end));
      const pt = d.update(packet.subarray(hdr, end));
      try {
        d.final();
      } catch {
        return undefined;
      }
      const out = Buffer.allocUnsafe(end);
      packet.copy(out, 0, 0, hdr);
      pt.copy(out, hdr);
      return out;
    }
    const tag = this.rtpAuth!.mac(packet, end, roc);
    if (!tagsEqual(packet, end, tag, this.rtpTagLen)) return undefined;
    const out = Buffer.allocUnsafe(end);
    packet.copy(out, 0, 0, hdr);
    const cm = this.rtpCm!;
    writeCmIv(cm.iv, this.rtpSalt, ssrc, roc, seq);
    cm.xor(packet, hdr, out, hdr, end - hdr);
    return out;
  }

  // --------------------------------------------------------------- SRTCP

  /** Plain (compound) RTCP -> SRTCP, encrypted (E=1), with this context's next SRTCP index. */
  protectRtcp(plain: Buffer): Buffer {
    const len = plain.length;
    if (len < 8) throw new SrtpError('too-short', `RTCP packet of ${len} bytes`);
    if (plain[0] >>> 6 !== 2) throw new SrtpError('bad-version', `RTCP version ${plain[0] >>> 6}`);
    const ssrc = readU32(plain, 4);
    this.srtcpIndex = this.srtcpIndex >= MAX_SRTCP_INDEX ? 0 : this.srtcpIndex + 1;
    const index = this.srtcpIndex;
    const eIndex = (index | 0x80000000) >>> 0;

    if (this.gcm) {
      const out = Buffer.allocUnsafe(len + GCM_TAG + 4);
      plain.copy(out, 0, 0, 8);
      writeU32(out, len + GCM_TAG, eIndex);
      const c = createCipheriv(this.gcmAlg, this.rtcpKey, gcmRtcpIv(this.rtcpSalt, ssrc, index)) as CipherGCM;
      c.setAAD(Buffer.concat([plain.subarray(0, 8), out.subarray(len + GCM_TAG)]));
      const ct = c.update(plain.subarray(8));
      c.final();
      ct.copy(out, 8);
      c.getAuthTag().copy(out, len);
      return out;
    }

    const out = Buffer.allocUnsafe(len + 4 + SRTCP_CM_TAG);
    plain.copy(out, 0, 0, 8);
    const cm = this.rtcpCm!;
    writeCmIv(cm.iv, this.rtcpSalt, ssrc, index >>> 16, index & 0xffff);
    cm.xor(plain, 8, out, 8, len - 8);
    writeU32(out, len, eIndex);
    const tag = this.rtcpAuth!.mac(out, len + 4, -1);
    tag.copy(out, len + 4, 0, SRTCP_CM_TAG);
    return out;
  }

  /** SRTCP -> plain RTCP. Per-SSRC replay protection on the explicit SRTCP index. */
  unprotectRtcp(packet: Buffer): Buffer {
    try {
      return this.unprotectRtcpInner(packet);
    } catch (e) {
      if (e instanceof SrtpError) throw e;
      throw new SrtpError('auth-failed', `unexpected: ${(e as Error)?.message ?? String(e)}`);
    }
  }

  private unprotectRtcpInner(packet: Buffer): Buffer {
    const tagLen = this.rtcpTagLen;
    const len = packet.length;
    if (len < 8 + 4 + tagLen) throw new SrtpError('too-short', `SRTCP packet of ${len} bytes`);
    if (packet[0] >>> 6 !== 2) throw new SrtpError('bad-version', `RTCP version ${packet[0] >>> 6}`);
    const ssrc = readU32(packet, 4);
    // CM: rtcp | E+index | tag ; GCM: rtcp | tag | E+index
    const indexOff = this.gcm ? len - 4 : len - tagLen - 4;
    const eIndex = readU32(packet, indexOff);
    const encrypted = eIndex >>> 31 === 1;
    const index = eIndex & MAX_SRTCP_INDEX;

    let win = this.recvRtcp.get(ssrc);
    if (win !== undefined) {
      const verdict = win.check(index);
      if (verdict !== 0) throw replayError(verdict, 'SRTCP', index);
    }

    let out: Buffer;
    if (this.gcm) {
      const tagOff = len - 4 - GCM_TAG;
      const d = createDecipheriv(this.gcmAlg, this.rtcpKey, gcmRtcpIv(this.rtcpSalt, ssrc, index)) as DecipherGCM;
      d.setAuthTag(packet.subarray(tagOff, len - 4));
      if (encrypted) {
        d.setAAD(Buffer.concat([packet.subarray(0, 8), packet.subarray(len - 4)]));
        const pt = d.update(packet.subarray(8, tagOff));
        try {
          d.final();
        } catch {
          throw new SrtpError('auth-failed', `SRTCP ssrc ${ssrc} index ${index}`);
        }
        out = Buffer.allocUnsafe(tagOff);
        packet.copy(out, 0, 0, 8);
        pt.copy(out, 8);
      } else {
        d.setAAD(Buffer.concat([packet.subarray(0, tagOff), packet.subarray(len - 4)]));
        try {
          d.final();
        } catch {
          throw new SrtpError('auth-failed', `SRTCP ssrc ${ssrc} index ${index}`);
        }
        out = Buffer.from(packet.subarray(0, tagOff));
      }
    } else {
      const tag = this.rtcpAuth!.mac(packet, len - tagLen, -1);
      if (!tagsEqual(packet, len - tagLen, tag, tagLen)) {
        throw new SrtpError('auth-failed', `SRTCP ssrc ${ssrc} index ${index}`);
      }
      out = Buffer.allocUnsafe(indexOff);
      packet.copy(out, 0, 0, 8);
      if (encrypted) {
        const cm = this.rtcpCm!;
        writeCmIv(cm.iv, this.rtcpSalt, ssrc, index >>> 16, index & 0xffff);
        cm.xor(packet, 8, out, 8, indexOff - 8);
      } else {
        packet.copy(out, 8, 8, indexOff);
      }
    }
    if (win === undefined) {
      win = new ReplayWindow(this.windowSize);
      keepBounded(this.recvRtcp, ssrc, win);
    }
    win.accept(index);
    return out;
  }

  /** SSRCs with state: sent (SRTP), received (SRTP), received (SRTCP). For leak checks. */
  get ssrcStates(): { send: number[]; receive: number[]; receiveRtcp: number[] } {
    return {
      send: [...this.sendRtp.keys()],
      receive: [...this.recvRtp.keys()],
      receiveRtcp: [...this.recvRtcp.keys()],
    };
  }

  /** Drop all per-SSRC state (send and receive, SRTP and SRTCP). */
  forget(ssrc: number): void {
    const s = ssrc >>> 0;
    this.sendRtp.delete(s);
    this.rtpCm?.forget(s);
    this.recvRtp.delete(s);
    this.recvRtcp.delete(s);
  }
}

/** For tests / known-answer vectors: a context over given session keys, bypassing the KDF. */
export function contextFromSessionKeys(
  profile: SrtpProfile,
  rtp: SessionKeys,
  rtcp: SessionKeys,
  opts?: SrtpContextOptions,
): SrtpContext {
  injectedSessionKeys = { rtp, rtcp };
  try {
    return new SrtpContext({ profile, masterKey: Buffer.alloc(0), masterSalt: Buffer.alloc(0) }, opts);
  } finally {
    injectedSessionKeys = undefined;
  }
}

/** For tests: set the SRTCP index the next protectRtcp() increments from. */
export function setSrtcpIndexForTest(ctx: SrtpContext, last: number): void {
  (ctx as unknown as { srtcpIndex: number }).srtcpIndex = last;
}

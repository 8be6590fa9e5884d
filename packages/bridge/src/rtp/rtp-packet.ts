// RTP header access by offset (RFC 3550 §5.1) and header extensions (RFC 8285).
// Field readers never throw: on a buffer shorter than the field they read zeros. Validate a packet
// once with rtpPayloadOffset()/isRtpPacket() before trusting offsets.

/** Error thrown by the RTP helpers on malformed input (never another exception type). */
export class RtpError extends Error {
  override name = 'RtpError';
}

export const RTP_HEADER_MIN = 12;
/** One-byte header extension profile (RFC 8285 §4.2). */
export const EXT_PROFILE_ONE_BYTE = 0xbede;
/** Two-byte header extension profile is 0x100X, X = appbits (RFC 8285 §4.3). */
export const EXT_PROFILE_TWO_BYTE = 0x1000;

export const rtpVersion = (b: Buffer): number => (b[0] & 0xff) >> 6;
export const rtpHasPadding = (b: Buffer): boolean => (b[0] & 0x20) !== 0;
export const rtpHasExtension = (b: Buffer): boolean => (b[0] & 0x10) !== 0;
export const rtpCsrcCount = (b: Buffer): number => b[0] & 0x0f;
export const rtpMarker = (b: Buffer): boolean => (b[1] & 0x80) !== 0;
export const rtpPayloadType = (b: Buffer): number => b[1] & 0x7f;
export const rtpSeq = (b: Buffer): number => ((b[2] & 0xff) << 8) | (b[3] & 0xff);
export const rtpTimestamp = (b: Buffer): number => u32(b, 4);
export const rtpSsrc = (b: Buffer): number => u32(b, 8);
/** i-th CSRC (0-based); 0 when absent. */
export const rtpCsrc = (b: Buffer, i: number): number => u32(b, 12 + 4 * i);

function u32(b: Buffer, o: number): number {
  return (((b[o] & 0xff) << 24) | ((b[o + 1] & 0xff) << 16) | ((b[o + 2] & 0xff) << 8) | (b[o + 3] & 0xff)) >>> 0;
}

/** Offset of the 4-byte extension header (profile, length) or -1 when X=0 or it is truncated. */
export function rtpExtensionOffset(b: Buffer): number {
  if ((b[0] & 0x10) === 0) return -1;
  const o = RTP_HEADER_MIN + 4 * (b[0] & 0x0f);
  return o + 4 <= b.length ? o : -1;
}

/** Extension profile (0xBEDE, 0x100X, ...) or -1 when there is no (valid) extension block. */
export function rtpExtensionProfile(b: Buffer): number {
  const o = rtpExtensionOffset(b);
  return o < 0 ? -1 : (b[o] << 8) | b[o + 1];
}

/** Bytes of extension data after the 4-byte extension header; -1 when absent or past the end. */
export function rtpExtensionLength(b: Buffer): number {
  const o = rtpExtensionOffset(b);
  if (o < 0) return -1;
  const len = ((b[o + 2] << 8) | b[o + 3]) * 4;
  return o + 4 + len <= b.length ? len : -1;
}

/** Offset of the payload, or -1 if not version 2 or the header runs past the end. */
export function rtpPayloadOffset(b: Buffer): number {
  if (b.length < RTP_HEADER_MIN || b[0] >> 6 !== 2) return -1;
  let o = RTP_HEADER_MIN + 4 * (b[0] & 0x0f);
  if (b[0] & 0x10) {
    if (o + 4 > b.length) return -1;
    o += 4 + ((b[o + 2] << 8) | b[o + 3]) * 4;
  }
  return o <= b.length ? o : -1;
}

/** Padding bytes at the end (0 when P=0), or -1 when the padding count is 0 or eats the header. */
export function rtpPaddingLength(b: Buffer): number {
  if ((b[0] & 0x20) === 0) return 0;
  const po = rtpPayloadOffset(b);
  if (po < 0) return -1;
  const pad = b[b.length - 1];
  return pad === 0 || pad > b.length - po ? -1 : pad;
}

/** Payload length with padding removed; -1 when malformed. */
export function rtpPayloadLength(b: Buffer): number {
  const po = rtpPayloadOffset(b);
  if (po < 0) return -1;
  const pad = rtpPaddingLength(b);
  return pad < 0 ? -1 : b.length - po - pad;
}

/** Full structural validation: version 2, header, extension block and padding in bounds. */
export function isRtpPacket(b: Buffer): boolean {
  return rtpPayloadLength(b) >= 0;
}

/** Payload without padding as a view into b (no copy), or undefined when malformed. */
export function rtpPayload(b: Buffer): Buffer | undefined {
  const len = rtpPayloadLength(b);
  if (len < 0) return undefined;
  const po = rtpPayloadOffset(b);
  return b.subarray(po, po + len);
}

/** Why a packet is not RTP the bridge can forward; each one is a drop counter's name. */
export type RtpFault = 'rtp-bad-header' | 'rtp-bad-extension' | 'rtp-bad-padding';

/**
 * The first structural fault of an RTP packet, or undefined when it is well formed: version 2, CSRCs
 * and extension block inside the packet, extension elements inside their block (RFC 8285), padding
 * count 1..payload (RFC 3550 §5.1; a receiver's parser drops the packet otherwise). SRTP only checks
 * what it needs to find the payload, so an authenticated packet can still fail here; the bridge
 * checks once on arrival, before any state (loss, cache, TWCC) takes it in.
 */
export function rtpFault(b: Buffer): RtpFault | undefined {
  if (rtpPayloadOffset(b) < 0) return 'rtp-bad-header';
  if (!walk(b, () => false)) return 'rtp-bad-extension';
  if (rtpPaddingLength(b) < 0) return 'rtp-bad-padding';
  return undefined;
}

export interface HeaderExtension {
  id: number;
  /** View into the packet (no copy). */
  data: Buffer;
}

/**
 * Walks the extension elements. Calls visit(id, dataOffset, dataLength); stops when visit returns
 * true. Returns false when the block is malformed, true otherwise (also for unknown profiles).
 */
function walk(b: Buffer, visit: (id: number, off: number, len: number) => boolean | void): boolean {
  const o = rtpExtensionOffset(b);
  if (o < 0) return (b[0] & 0x10) === 0;
  const profile = (b[o] << 8) | b[o + 1];
  let p = o + 4;
  const end = p + ((b[o + 2] << 8) | b[o + 3]) * 4;
  if (end > b.length) return false;
  if (profile === EXT_PROFILE_ONE_BYTE) {
    while (p < end) {
      const id = b[p] >> 4;
      if (id === 0) {
        p++;
        continue;
      } // padding
      if (id === 15) return true; // RFC 8285 §4.2: stop processing
      const len = (b[p] & 0x0f) + 1;
      if (p + 1 + len > end) return false;
      if (visit(id, p + 1, len)) return true;
      p += 1 + len;
    }
    return true;
  }
  if ((profile & 0xfff0) === EXT_PROFILE_TWO_BYTE) {
    while (p < end) {
      const id = b[p];
      if (id === 0) {
        p++;
        continue;
      }
      if (p + 2 > end) return false;
      const len = b[p + 1];
      if (p + 2 + len > end) return false;
      if (visit(id, p + 2, len)) return true;
      p += 2 + len;
    }
  }
  return true;
}

/**
 * All header extension elements (one-byte and two-byte profiles). [] when the packet has none or
 * uses another profile; undefined when the block is malformed.
 */
export function parseHeaderExtensions(b: Buffer): HeaderExtension[] | undefined {
  const out: HeaderExtension[] = [];
  const ok = walk(b, (id, off, len) => {
    out.push({ id, data: b.subarray(off, off + len) });
  });
  return ok ? out : undefined;
}

/** Data of the first element with this id (a view), or undefined. */
export function findHeaderExtension(b: Buffer, id: number): Buffer | undefined {
  let found: Buffer | undefined;
  walk(b, (eid, off, len) => {
    if (eid !== id) return false;
    found = b.subarray(off, off + len);
    return true;
  });
  return found;
}

export interface RtpRewrite {
  ssrc?: number;
  seq?: number;
  pt?: number;
  timestamp?: number;
  marker?: boolean;
}

/** Rewrites header fields in place. Throws RtpError when b is shorter than a fixed header. */
export function rewriteRtp(b: Buffer, f: RtpRewrite): void {
  if (b.length < RTP_HEADER_MIN) throw new RtpError(`rtp: ${b.length} bytes is shorter than a header`);
  if (f.pt !== undefined) b[1] = (b[1] & 0x80) | (f.pt & 0x7f);
  if (f.marker !== undefined) b[1] = f.marker ? b[1] | 0x80 : b[1] & 0x7f;
  if (f.seq !== undefined) {
    b[2] = (f.seq >> 8) & 0xff;
    b[3] = f.seq & 0xff;
  }
  if (f.timestamp !== undefined) b.writeUInt32BE(f.timestamp >>> 0, 4);
  if (f.ssrc !== undefined) b.writeUInt32BE(f.ssrc >>> 0, 8);
}

/**
 * Returns a copy of the packet without the extension elements whose id is in `ids` (e.g. mid 10,
 * rid, repaired-rid). The remaining elements are repacked and zero-padded to 32 bits; when none
 * remain the extension block is dropped and X cleared. RTP padding is kept as is.
 * Returns the input itself when nothing matched (or the profile is unknown).
 * Throws RtpError when the packet or its extension block is malformed.
 */
export function removeHeaderExtension(b: Buffer, ids: number | readonly number[]): Buffer {
  const po = rtpPayloadOffset(b);
  if (po < 0) throw new RtpError('rtp: malformed header');
  const o = rtpExtensionOffset(b);
  if (o < 0) return b;
  const profile = (b[o] << 8) | b[o + 1];
  const oneByte = profile === EXT_PROFILE_ONE_BYTE;
  if (!oneByte && (profile & 0xfff0) !== EXT_PROFILE_TWO_BYTE) return b;
  const hdr = oneByte ? 1 : 2;
  const drop = (id: number): boolean => (typeof ids === 'number' ? id === ids : ids.includes(id));
  let kept = 0;
  let removed = 0;
  const ok = walk(b, (id, _off, len) => {
    if (drop(id)) removed++;
    else kept += hdr + len;
  });
  if (!ok) throw new RtpError('rtp: malformed header extension block');
  if (removed === 0) return b;
  const fixed = o; // 12 + 4*CC
  const extBytes = kept === 0 ? 0 : 4 + ((kept + 3) & ~3);
  const out = Buffer.allocUnsafe(fixed + extBytes + (b.length - po)); // every byte is written below
  b.copy(out, 0, 0, fixed);
  if (kept === 0) {
    out[0] &= ~0x10;
  } else {
    out[fixed] = b[o];
    out[fixed + 1] = b[o + 1];
    out.writeUInt16BE((extBytes - 4) / 4, fixed + 2);
    let w = fixed + 4;
    walk(b, (id, off, len) => {
      if (drop(id)) return;
      b.copy(out, w, off - hdr, off + len);
      w += hdr + len;
    });
    out.fill(0, w, fixed + extBytes); // the block's padding to 32 bits
  }
  b.copy(out, fixed + extBytes, po);
  return out;
}

export interface AudioLevel {
  /** V flag: the encoder believes the packet contains voice. */
  voice: boolean;
  /** 0..127, in -dBov (0 = loudest, 127 = silence). */
  level: number;
}

/** RFC 6464 client-to-mixer audio level, or undefined when the extension is absent. */
export function audioLevel(b: Buffer, extId = 1): AudioLevel | undefined {
  const d = findHeaderExtension(b, extId);
  if (d === undefined || d.length < 1) return undefined;
  return { voice: (d[0] & 0x80) !== 0, level: d[0] & 0x7f };
}

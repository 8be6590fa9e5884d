// RTX retransmission payload format (RFC 4588 §4): the original seq (OSN) is prepended to the
// original payload; the RTX packet has its own ssrc, payload type and sequence numbers.
import { RtpError, rtpPaddingLength, rtpPayloadOffset } from './rtp-packet.js';

export interface ToRtxOptions {
  rtxSsrc: number;
  rtxPt: number;
  /** 16-bit RTX sequence number (see RtxSeqAllocator). */
  rtxSeq: number;
}

export interface FromRtxOptions {
  primarySsrc: number;
  primaryPt: number;
}

function payloadBounds(b: Buffer): { po: number; end: number } | undefined {
  const po = rtpPayloadOffset(b);
  if (po < 0) return undefined;
  const pad = rtpPaddingLength(b);
  if (pad < 0) return undefined;
  return { po, end: b.length - pad };
}

/**
 * New buffer: the original's header (CSRCs and header extensions kept, P bit cleared, marker and
 * timestamp kept) with ssrc/pt/seq replaced, then the 2-byte OSN, then the payload without padding.
 * Throws RtpError when the original is malformed.
 */
export function toRtx(original: Buffer, o: ToRtxOptions): Buffer {
  const bounds = payloadBounds(original);
  if (!bounds) throw new RtpError('rtx: malformed original packet');
  const { po, end } = bounds;
  const out = Buffer.allocUnsafe(po + 2 + (end - po));
  original.copy(out, 0, 0, po);
  out[0] &= ~0x20;
  out[1] = (out[1] & 0x80) | (o.rtxPt & 0x7f);
  out[2] = (o.rtxSeq >> 8) & 0xff;
  out[3] = o.rtxSeq & 0xff;
  out.writeUInt32BE(o.rtxSsrc >>> 0, 8);
  out[po] = original[2];
  out[po + 1] = original[3];
  original.copy(out, po + 2, po, end);
  return out;
}

/** The OSN of an RTX packet, or undefined when malformed or the payload is shorter than 2 bytes
 * (e.g. padding-only probe packets). */
export function rtxOsn(rtx: Buffer): number | undefined {
  const bounds = payloadBounds(rtx);
  if (!bounds || bounds.end - bounds.po < 2) return undefined;
  return (rtx[bounds.po] << 8) | rtx[bounds.po + 1];
}

/**
 * Restores the original packet from an RTX packet (new buffer: seq = OSN, ssrc/pt = primary,
 * RTX padding dropped, P cleared). undefined when malformed or there is no OSN (padding-only
 * probes).
 */
export function fromRtx(rtx: Buffer, o: FromRtxOptions): Buffer | undefined {
  const bounds = payloadBounds(rtx);
  if (!bounds || bounds.end - bounds.po < 2) return undefined;
  const { po, end } = bounds;
  const out = Buffer.allocUnsafe(end - 2);
  rtx.copy(out, 0, 0, po);
  out[0] &= ~0x20;
  out[1] = (out[1] & 0x80) | (o.primaryPt & 0x7f);
  out[2] = rtx[po];
  out[3] = rtx[po + 1];
  out.writeUInt32BE(o.primarySsrc >>> 0, 8);
  rtx.copy(out, po, po + 2, end);
  return out;
}

/**
 * RTX sequence numbers per (receiver, source): each receiver sees its own RTX stream for each
 * source, numbered from a random start and incrementing by one per retransmission.
 */
export class RtxSeqAllocator {
  #bySource = new Map<string, Map<number, number>>();
  #random: () => number;

  constructor(random: () => number = Math.random) {
    this.#random = random;
  }

  /** Next 16-bit RTX seq for this receiver and source ssrc. */
  next(receiverId: string, sourceSsrc: number): number {
    let m = this.#bySource.get(receiverId);
    if (!m) {
      m = new Map();
      this.#bySource.set(receiverId, m);
    }
    const cur = m.get(sourceSsrc);
    const seq = cur === undefined ? Math.floor(this.#random() * 0x10000) & 0xffff : (cur + 1) & 0xffff;
    m.set(sourceSsrc, seq);
    return seq;
  }

  /** Drops a receiver's counters (endpoint left). */
  forgetReceiver(receiverId: string): void {
    this.#bySource.delete(receiverId);
  }

  /** Drops a source's counters for every receiver (source removed). */
  forgetSource(sourceSsrc: number): void {
    for (const m of this.#bySource.values()) m.delete(sourceSsrc);
  }
}

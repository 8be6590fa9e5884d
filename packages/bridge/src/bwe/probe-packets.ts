// Padding-only RTP packets for probing (RFC 3550 §5.1 P bit: the payload is all padding, its last
// byte the count), sent on a receiver's RTX stream so its RTP demuxer knows the SSRC and drops
// them after transport-cc has counted them, as libwebrtc's own padding does.

/** Padding bytes per packet: the most one padding count byte can say. */
export const PADDING_BYTES_PER_PACKET = 255;
/** Packets built per call at most: bounds one tick's burst whatever the budget says. */
const MAX_PACKETS = 32;

export interface ProbeStream {
  ssrc: number;
  payloadType: number;
  /** Next RTX sequence number toward this receiver (shared with retransmissions: no SRTP replay). */
  nextSeq: () => number;
  timestamp?: number;
}

/** Padding packets carrying about `bytes` in all (RTP headers not counted), each plain (unencrypted). */
export function buildPaddingProbes(bytes: number, s: ProbeStream): Buffer[] {
  const out: Buffer[] = [];
  for (let left = Math.floor(bytes); left > 0 && out.length < MAX_PACKETS; left -= PADDING_BYTES_PER_PACKET) {
    const pad = Math.min(left, PADDING_BYTES_PER_PACKET);
    const p = Buffer.alloc(12 + pad);
    p[0] = 0x80 | 0x20;
    p[1] = s.payloadType & 0x7f;
    p.writeUInt16BE(s.nextSeq() & 0xffff, 2);
    p.writeUInt32BE((s.timestamp ?? 0) >>> 0, 4);
    p.writeUInt32BE(s.ssrc >>> 0, 8);
    p[p.length - 1] = pad;
    out.push(p);
  }
  return out;
}

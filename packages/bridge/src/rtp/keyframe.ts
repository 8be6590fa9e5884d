// Best-effort keyframe detection from the RTP payload (no decoding).
// VP8: RFC 7741 §4.2-4.3. VP9: draft-ietf-payload-vp9 §4.2. H264: RFC 6184 §5.6-5.8.
// AV1: AV1 RTP spec §4.4 (N bit of the aggregation header).

export type VideoCodec = 'vp8' | 'vp9' | 'h264' | 'av1';

/**
 * True when this RTP payload (padding removed) starts a keyframe. Only the first packet of the
 * frame carries the signal, so call it on every packet and latch the frame by timestamp.
 * Never throws; truncated payloads give false.
 */
export function isKeyframe(payload: Buffer, codec: VideoCodec): boolean {
  switch (codec) {
    case 'vp8':
      return vp8(payload);
    case 'vp9':
      return vp9(payload);
    case 'h264':
      return h264(payload);
    case 'av1':
      return payload.length >= 1 && (payload[0] & 0x08) !== 0;
    default:
      return false;
  }
}

function vp8(p: Buffer): boolean {
  if (p.length < 1) return false;
  const b0 = p[0];
  // S=1 and PID=0: start of the first partition.
  if ((b0 & 0x10) === 0 || (b0 & 0x07) !== 0) return false;
  let o = 1;
  if (b0 & 0x80) {
    if (p.length < 2) return false;
    const x = p[1];
    o = 2;
    if (x & 0x80) {
      // I: picture id, M bit selects 15 bits
      if (o >= p.length) return false;
      o += p[o] & 0x80 ? 2 : 1;
    }
    if (x & 0x40) o += 1; // L: TL0PICIDX
    if (x & 0x30) o += 1; // T or K: TID/Y/KEYIDX
  }
  if (o >= p.length) return false;
  // VP8 payload header: P (inverse key frame flag) is bit 0 of the first byte.
  return (p[o] & 0x01) === 0;
}

function vp9(p: Buffer): boolean {
  if (p.length < 1) return false;
  const b0 = p[0];
  const I = (b0 & 0x80) !== 0;
  const P = (b0 & 0x40) !== 0;
  const L = (b0 & 0x20) !== 0;
  const B = (b0 & 0x08) !== 0;
  if (P || !B) return false;
  if (!L) return true;
  let o = 1;
  if (I) {
    if (o >= p.length) return false;
    o += p[o] & 0x80 ? 2 : 1;
  }
  if (o >= p.length) return false;
  // Layer indices: TID(3) U(1) SID(3) D(1); the keyframe starts at spatial layer 0.
  const sid = (p[o] >> 1) & 0x07;
  return sid === 0;
}

const isKeyNal = (t: number): boolean => t === 5 || t === 7;

function h264(p: Buffer): boolean {
  if (p.length < 1) return false;
  const type = p[0] & 0x1f;
  if (type >= 1 && type <= 23) return isKeyNal(type);
  if (type === 24) {
    // STAP-A: [hdr] then { size(16) NAL }*
    let o = 1;
    while (o + 2 < p.length) {
      const size = (p[o] << 8) | p[o + 1];
      o += 2;
      if (size === 0 || o + size > p.length) return false;
      if (isKeyNal(p[o] & 0x1f)) return true;
      o += size;
    }
    return false;
  }
  if (type === 28) {
    // FU-A: [indicator][S E R type]
    if (p.length < 2) return false;
    return (p[1] & 0x80) !== 0 && isKeyNal(p[1] & 0x1f);
  }
  return false;
}

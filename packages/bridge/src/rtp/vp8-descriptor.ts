// The VP8 RTP payload descriptor (RFC 7741 §4.2) read and rewritten in place, and the frame size of a
// keyframe (RFC 6386 §9.1). A simulcast projection renumbers picture ids and TL0PICIDX so that a
// receiver switched between layers sees one continuous picture sequence.

export interface Vp8Descriptor {
  /** Start of a VP8 partition (S bit). */
  start: boolean;
  /** Partition index (PID). */
  partition: number;
  /** Picture id when present (I bit); 7 or 15 bits wide as `pictureIdBits` says. */
  pictureId?: number;
  pictureIdBits?: 7 | 15;
  /** Offset of the picture id field in the payload, when present. */
  pictureIdOffset?: number;
  tl0PicIdx?: number;
  tl0PicIdxOffset?: number;
  /** Temporal layer index (T bit), when present. */
  tid?: number;
  /** Length of the descriptor: where the VP8 payload header starts. */
  length: number;
}

/** Parses the descriptor at the start of an RTP payload; undefined when it is truncated. */
export function parseVp8Descriptor(p: Buffer): Vp8Descriptor | undefined {
  if (p.length < 1) return undefined;
  const b0 = p[0];
  const d: Vp8Descriptor = { start: (b0 & 0x10) !== 0, partition: b0 & 0x07, length: 1 };
  if ((b0 & 0x80) === 0) return d;
  if (p.length < 2) return undefined;
  const x = p[1];
  let o = 2;
  if (x & 0x80) {
    if (o >= p.length) return undefined;
    d.pictureIdOffset = o;
    if (p[o] & 0x80) {
      if (o + 1 >= p.length) return undefined;
      d.pictureId = ((p[o] & 0x7f) << 8) | p[o + 1];
      d.pictureIdBits = 15;
      o += 2;
    } else {
      d.pictureId = p[o] & 0x7f;
      d.pictureIdBits = 7;
      o += 1;
    }
  }
  if (x & 0x40) {
    if (o >= p.length) return undefined;
    d.tl0PicIdxOffset = o;
    d.tl0PicIdx = p[o];
    o += 1;
  }
  if (x & 0x30) {
    if (o >= p.length) return undefined;
    if (x & 0x20) d.tid = p[o] >> 6;
    o += 1;
  }
  if (o > p.length) return undefined;
  d.length = o;
  return d;
}

/** Writes a picture id into the field `d` found, keeping its width (7-bit ids wrap at 128). */
export function writeVp8PictureId(p: Buffer, d: Vp8Descriptor, pictureId: number): void {
  const o = d.pictureIdOffset;
  if (o === undefined) return;
  if (d.pictureIdBits === 15) {
    const v = pictureId & 0x7fff;
    p[o] = 0x80 | (v >> 8);
    p[o + 1] = v & 0xff;
  } else {
    p[o] = pictureId & 0x7f;
  }
}

export function writeVp8Tl0PicIdx(p: Buffer, d: Vp8Descriptor, tl0: number): void {
  if (d.tl0PicIdxOffset !== undefined) p[d.tl0PicIdxOffset] = tl0 & 0xff;
}

/** (a - b) for picture ids of `bits` width, as a signed distance. */
export function pictureIdDiff(a: number, b: number, bits: 7 | 15): number {
  const m = bits === 15 ? 0x8000 : 0x80;
  const d = (a - b) & (m - 1);
  return d >= m / 2 ? d - m : d;
}

export interface Vp8FrameSize {
  width: number;
  height: number;
}

/**
 * The frame size of a VP8 keyframe, from the first packet of the frame (S=1, PID=0): the 3-byte frame
 * tag, the start code 9d 01 2a, then 14-bit width and height (RFC 6386 §9.1). undefined otherwise.
 */
export function vp8KeyframeSize(payload: Buffer): Vp8FrameSize | undefined {
  const d = parseVp8Descriptor(payload);
  if (!d || !d.start || d.partition !== 0) return undefined;
  const o = d.length;
  if (payload.length < o + 10) return undefined;
  if ((payload[o] & 0x01) !== 0) return undefined; // P=1: an inter frame
  if (payload[o + 3] !== 0x9d || payload[o + 4] !== 0x01 || payload[o + 5] !== 0x2a) return undefined;
  return { width: payload.readUInt16LE(o + 6) & 0x3fff, height: payload.readUInt16LE(o + 8) & 0x3fff };
}

// VP8 frames from RTP (RFC 7741): the payload descriptor is removed and the packets of one frame
// (same timestamp, first with S=1 and PID=0, last with the marker bit, consecutive sequence
// numbers) are joined. Frames come out in sequence order; a frame still missing a packet holds the
// ones after it for up to maxWaitMs (time for the bridge's NACK and the sender's RTX), then it is
// given up, and nothing but a keyframe comes out until one arrives (`wantsKeyframe` says so).
import { ExtendedSeq, rtpMarker, rtpPayload, rtpSeq, rtpTimestamp } from '../rtp/index.js';

export interface Vp8Frame {
  /** RTP timestamp (90 kHz) of the frame. */
  timestamp: number;
  keyframe: boolean;
  data: Buffer;
  /** Picture size, read from a keyframe's header. */
  width?: number;
  height?: number;
}

export interface Vp8Descriptor {
  /** S=1 and PID=0: this packet starts a frame. */
  frameStart: boolean;
  /** Bytes of payload descriptor before the VP8 data. */
  length: number;
}

/** Reads the RFC 7741 §4.2 payload descriptor; undefined when truncated. */
export function parseVp8Descriptor(p: Buffer): Vp8Descriptor | undefined {
  if (p.length < 1) return undefined;
  const b0 = p[0];
  let o = 1;
  if (b0 & 0x80) {
    if (p.length < 2) return undefined;
    const x = p[1];
    o = 2;
    if (x & 0x80) {
      if (o >= p.length) return undefined;
      o += p[o] & 0x80 ? 2 : 1; // PictureID: 15 bits when M is set, else 7
    }
    if (x & 0x40) o += 1; // TL0PICIDX
    if (x & 0x30) o += 1; // TID/Y/KEYIDX
  }
  if (o >= p.length) return undefined;
  return { frameStart: (b0 & 0x10) !== 0 && (b0 & 0x07) === 0, length: o };
}

/** Size from a VP8 keyframe header (RFC 6386 §9.1): 3-byte frame tag, start code 9d 01 2a, sizes. */
export function vp8KeyframeSize(frame: Buffer): { width: number; height: number } | undefined {
  if (frame.length < 10 || (frame[0] & 0x01) !== 0) return undefined;
  if (frame[3] !== 0x9d || frame[4] !== 0x01 || frame[5] !== 0x2a) return undefined;
  return { width: frame.readUInt16LE(6) & 0x3fff, height: frame.readUInt16LE(8) & 0x3fff };
}

interface Stored {
  timestamp: number;
  start: boolean;
  marker: boolean;
  data: Buffer;
  at: number;
}

export interface Vp8DepacketizerOptions {
  /** How long an incomplete frame may hold later ones, ms (default 500). */
  maxWaitMs?: number;
  /** Packets held at most before the oldest gap is given up (default 2000). */
  maxPackets?: number;
  now?: () => number;
}

export class Vp8Depacketizer {
  private readonly seq = new ExtendedSeq();
  private readonly packets = new Map<number, Stored>();
  /** Extended seq of the last packet of the last frame handed out (or given up). */
  private done: number | undefined;
  private waitingForKeyframe = true;
  private readonly maxWaitMs: number;
  private readonly maxPackets: number;
  private readonly now: () => number;
  /** Frames given up because a packet never came. */
  framesLost = 0;

  constructor(opts: Vp8DepacketizerOptions = {}) {
    this.maxWaitMs = opts.maxWaitMs ?? 500;
    this.maxPackets = opts.maxPackets ?? 2000;
    this.now = opts.now ?? (() => performance.now());
  }

  /** True until a keyframe has come out after the start or after a lost frame. */
  get wantsKeyframe(): boolean {
    return this.waitingForKeyframe;
  }

  /** Takes one decrypted RTP packet (padding allowed) and returns the frames it completes, in order. */
  push(packet: Buffer): Vp8Frame[] {
    const payload = rtpPayload(packet);
    const d = payload && parseVp8Descriptor(payload);
    if (!payload || !d) return this.drain();
    const ext = this.seq.update(rtpSeq(packet));
    if (this.done !== undefined && ext <= this.done) return this.drain(); // late duplicate or RTX after give-up
    if (this.packets.has(ext)) return this.drain();
    this.packets.set(ext, {
      timestamp: rtpTimestamp(packet),
      start: d.frameStart,
      marker: rtpMarker(packet),
      data: Buffer.from(payload.subarray(d.length)),
      at: this.now(),
    });
    return this.drain();
  }

  /** Frames that became ready without a new packet (a wait ran out); call it on a timer. */
  drain(): Vp8Frame[] {
    const out: Vp8Frame[] = [];
    for (;;) {
      if (this.packets.size === 0) return out;
      const cursor = this.done === undefined ? this.firstKeyframeStart() : this.done + 1;
      const frame = cursor === undefined ? undefined : this.completeFrameAt(cursor);
      if (frame) {
        this.take(frame, out);
        continue;
      }
      if (!this.shouldGiveUp(cursor)) return out;
      this.giveUpBefore(cursor === undefined ? undefined : this.nextStartAfter(cursor));
    }
  }

  /** Before anything came out only a keyframe can start the stream: its first packet, the earliest one. */
  private firstKeyframeStart(): number | undefined {
    let first: number | undefined;
    for (const [s, p] of this.packets)
      if (p.start && p.data.length > 0 && (p.data[0] & 0x01) === 0 && (first === undefined || s < first)) first = s;
    return first;
  }

  private nextStartAfter(cursor: number | undefined): number | undefined {
    let next: number | undefined;
    for (const [s, p] of this.packets)
      if (p.start && (cursor === undefined || s > cursor) && (next === undefined || s < next)) next = s;
    return next;
  }

  /** The seqs of the frame starting at `start` when all of its packets are here. */
  private completeFrameAt(start: number): { from: number; to: number } | undefined {
    const first = this.packets.get(start);
    if (!first?.start) return undefined;
    for (let s = start; ; s++) {
      const p = this.packets.get(s);
      if (!p || p.timestamp !== first.timestamp) return undefined;
      if (p.marker) return { from: start, to: s };
    }
  }

  private shouldGiveUp(cursor: number | undefined): boolean {
    if (this.packets.size > this.maxPackets) return true;
    // Before the first keyframe there is nothing to give up; the packet bound above keeps memory in check.
    if (cursor === undefined) return false;
    let oldest = Number.POSITIVE_INFINITY;
    for (const [s, p] of this.packets) if (s >= cursor) oldest = Math.min(oldest, p.at);
    return this.now() - oldest > this.maxWaitMs;
  }

  /** Drops everything before `next` (or everything): a frame was lost, so wait for a keyframe. */
  private giveUpBefore(next: number | undefined): void {
    const end = next === undefined ? Math.max(...this.packets.keys()) : next - 1;
    for (const s of [...this.packets.keys()]) if (s <= end) this.packets.delete(s);
    if (this.done !== undefined) {
      this.framesLost++;
      this.waitingForKeyframe = true;
    }
    this.done = end;
  }

  private take({ from, to }: { from: number; to: number }, out: Vp8Frame[]): void {
    const timestamp = this.packets.get(from)!.timestamp;
    // The first frame: whatever came before it can never be used.
    if (this.done === undefined) for (const s of [...this.packets.keys()]) if (s < from) this.packets.delete(s);
    const parts: Buffer[] = [];
    for (let s = from; s <= to; s++) {
      parts.push(this.packets.get(s)!.data);
      this.packets.delete(s);
    }
    this.done = to;
    const data = Buffer.concat(parts);
    const keyframe = data.length > 0 && (data[0] & 0x01) === 0;
    if (!keyframe && this.waitingForKeyframe) return;
    if (keyframe) this.waitingForKeyframe = false;
    const size = keyframe ? vp8KeyframeSize(data) : undefined;
    out.push({ timestamp, keyframe, data, ...size });
  }
}

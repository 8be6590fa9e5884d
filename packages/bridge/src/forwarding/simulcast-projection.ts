// One simulcast source as one receiver sees it: a single continuous stream on the source's first SIM
// SSRC, whichever layer is forwarded. Each switch (on a keyframe) starts a "run" whose offsets make
// sequence numbers, RTP timestamps and VP8 picture id / TL0PICIDX continue from the last packet sent,
// as JVB's VP8 projection and mediasoup's SimulcastConsumer do. Runs are kept a while so that a
// receiver's NACK of a rewritten seq finds the layer and original seq in that layer's packet cache.
import { rtpPayloadOffset, rtpSeq, rtpTimestamp, rewriteRtp } from '../rtp/rtp-packet.js';
import { seqDiff } from '../rtp/seq.js';
import { parseVp8Descriptor, pictureIdDiff, writeVp8PictureId, writeVp8Tl0PicIdx } from '../rtp/vp8-descriptor.js';

interface Run {
  layer: number;
  inStartSeq: number;
  outStartSeq: number;
  seqOffset: number;
  tsOffset: number;
  /** 15-bit offset; applied mod 128 to 7-bit ids. */
  picOffset: number;
  tl0Offset: number;
  /** Far enough past the start that "before the start" can no longer be told by a 16-bit distance. */
  settled: boolean;
}

/** Runs remembered for NACKs: a switch every few seconds at most, NACKs are answered for ~1.5 s. */
const RUNS_KEPT = 16;
/** Packets of a run after which late packets from before its start are no longer checked for. */
const SETTLE_AFTER = 1000;

export interface ProjectedPacket {
  layer: number;
  packet: Buffer;
  keyframe: boolean;
  /** The payload is VP8 (picture id / TL0PICIDX are rewritten). */
  vp8: boolean;
  /** Clock in ms. */
  now: number;
}

export class SimulcastProjection {
  private target = -1;
  /** The run packets are forwarded in now; none before the first keyframe and while paused. */
  private current?: Run;
  private runs: Run[] = [];
  private maxOutSeq = -1;
  private lastOutTs = 0;
  private lastOutAt = 0;
  private lastPicId = -1;
  private lastTl0 = -1;
  /** Packets and payload octets sent on the projected stream, for its sender reports. */
  packetsSent = 0;
  octetsSent = 0;

  constructor(
    /** The SSRC the receiver knows: the source's first (lowest) SIM SSRC. */
    readonly outSsrc: number,
    private readonly clockRate = 90_000,
  ) {}

  /** The layer the allocator wants for this receiver; -1: paused. */
  get targetLayer(): number {
    return this.target;
  }

  /** Sets the wanted layer; pausing ends the current run, so a resume waits for a keyframe. */
  set targetLayer(layer: number) {
    this.target = layer;
    if (layer < 0) this.current = undefined;
  }

  /** The layer forwarded now; -1 before the first keyframe or while paused. */
  get currentLayer(): number {
    return this.current?.layer ?? -1;
  }

  /** A keyframe of the target layer (or one on the way to it) is needed before the stream changes. */
  get switching(): boolean {
    return this.target >= 0 && this.currentLayer !== this.target;
  }

  /** A layer is worth switching to when it is nearer the target than the current one. */
  private closer(layer: number): boolean {
    const t = this.target;
    if (t < 0) return false;
    const cur = this.currentLayer;
    if (cur < 0) return layer <= t;
    return Math.abs(layer - t) < Math.abs(cur - t);
  }

  /** The rewritten copy of `p` for this receiver, or undefined when it is not forwarded. */
  project(p: ProjectedPacket): Buffer | undefined {
    if (this.target < 0) return undefined;
    let run = this.current;
    if (p.keyframe && p.layer !== run?.layer && this.closer(p.layer)) run = this.current = this.startRun(p);
    else if (!run || p.layer !== run.layer) return undefined;
    const seq = rtpSeq(p.packet);
    if (!run.settled) {
      const d = seqDiff(seq, run.inStartSeq);
      if (d < 0) return undefined; // from before the switch: the receiver's stream already went on
      if (d > SETTLE_AFTER) run.settled = true;
    }
    const out = Buffer.from(p.packet);
    const { seq: outSeq, ts, pic, tl0 } = this.rewrite(out, run, p.vp8);
    if (this.maxOutSeq < 0 || seqDiff(outSeq, this.maxOutSeq) > 0) {
      this.maxOutSeq = outSeq;
      this.lastOutTs = ts;
      this.lastOutAt = p.now;
    }
    if (pic !== undefined && (this.lastPicId < 0 || pictureIdDiff(pic, this.lastPicId, 15) > 0)) this.lastPicId = pic;
    if (tl0 !== undefined && (this.lastTl0 < 0 || ((tl0 - this.lastTl0) & 0xff) < 0x80)) this.lastTl0 = tl0;
    this.packetsSent++;
    const po = rtpPayloadOffset(out);
    if (po > 0) this.octetsSent += out.length - po;
    return out;
  }

  private startRun(p: ProjectedPacket): Run {
    const inSeq = rtpSeq(p.packet);
    const inTs = rtpTimestamp(p.packet);
    const first = this.maxOutSeq < 0;
    const outStartSeq = first ? inSeq : (this.maxOutSeq + 1) & 0xffff;
    // The timestamp goes on by the wall-clock time since the last packet sent (at least one tick).
    const elapsed = Math.max(1, Math.round(((p.now - this.lastOutAt) * this.clockRate) / 1000));
    const outTs = first ? inTs : (this.lastOutTs + elapsed) >>> 0;
    let picOffset = 0;
    let tl0Offset = 0;
    const d = p.vp8 ? parseVp8Descriptor(p.packet.subarray(rtpPayloadOffset(p.packet))) : undefined;
    if (d?.pictureId !== undefined && this.lastPicId >= 0) picOffset = (this.lastPicId + 1 - d.pictureId) & 0x7fff;
    if (d?.tl0PicIdx !== undefined && this.lastTl0 >= 0) tl0Offset = (this.lastTl0 + 1 - d.tl0PicIdx) & 0xff;
    const run: Run = {
      layer: p.layer,
      inStartSeq: inSeq,
      outStartSeq,
      seqOffset: (outStartSeq - inSeq) & 0xffff,
      tsOffset: (outTs - inTs) >>> 0,
      picOffset,
      tl0Offset,
      settled: false,
    };
    this.runs.push(run);
    if (this.runs.length > RUNS_KEPT) this.runs.shift();
    return run;
  }

  /** Rewrites a copy in place with a run's offsets; returns the new values. */
  private rewrite(b: Buffer, run: Run, vp8: boolean): { seq: number; ts: number; pic?: number; tl0?: number } {
    const seq = (rtpSeq(b) + run.seqOffset) & 0xffff;
    const ts = (rtpTimestamp(b) + run.tsOffset) >>> 0;
    rewriteRtp(b, { ssrc: this.outSsrc, seq, timestamp: ts });
    if (!vp8) return { seq, ts };
    const po = rtpPayloadOffset(b);
    if (po < 0) return { seq, ts };
    const payload = b.subarray(po);
    const d = parseVp8Descriptor(payload);
    if (!d) return { seq, ts };
    let pic: number | undefined;
    let tl0: number | undefined;
    if (d.pictureId !== undefined) {
      pic = (d.pictureId + run.picOffset) & 0x7fff;
      writeVp8PictureId(payload, d, pic);
    }
    if (d.tl0PicIdx !== undefined) {
      tl0 = (d.tl0PicIdx + run.tl0Offset) & 0xff;
      writeVp8Tl0PicIdx(payload, d, tl0);
    }
    return { seq, ts, pic, tl0 };
  }

  /** Which layer and original seq a seq this receiver saw (and NACKs) was; undefined when unknown. */
  original(outSeq: number): { layer: number; seq: number } | undefined {
    const r = this.runOf(outSeq);
    return r && { layer: r.layer, seq: (outSeq - r.seqOffset) & 0xffff };
  }

  /** Runs are consecutive in the receiver's seq space: the newest that starts at or before outSeq holds it. */
  private runOf(outSeq: number): Run | undefined {
    if (this.maxOutSeq < 0 || seqDiff(outSeq, this.maxOutSeq) > 0) return undefined;
    for (let i = this.runs.length - 1; i >= 0; i--)
      if (seqDiff(outSeq, this.runs[i].outStartSeq) >= 0) return this.runs[i];
    return undefined;
  }

  /**
   * The packet the receiver saw as `outSeq`, rebuilt from the layer's packet cache (`cached` looks it
   * up by layer and original seq) and rewritten as it was first sent; undefined when it is gone.
   */
  retransmission(
    outSeq: number,
    cached: (layer: number, seq: number) => Buffer | undefined,
    isVp8: (packet: Buffer) => boolean,
  ): Buffer | undefined {
    const r = this.runOf(outSeq);
    const original = r && cached(r.layer, (outSeq - r.seqOffset) & 0xffff);
    if (!r || !original) return undefined;
    const out = Buffer.from(original);
    this.rewrite(out, r, isVp8(out));
    return out;
  }

  /** The RTP timestamp of a sender report of `layer` on the projected stream; undefined when not forwarded. */
  senderReportTimestamp(layer: number, rtpTs: number): number | undefined {
    const run = this.current;
    if (!run || run.layer !== layer) return undefined;
    return (rtpTs + run.tsOffset) >>> 0;
  }
}

// Receive side of transport-wide congestion control (draft-holmer-rmcat-transport-wide-cc-extensions-01
// §3.1): record the transport-wide sequence number and arrival time of every packet from a sender,
// then periodically turn them into RTCP transport-cc feedback (RTPFB, FMT=15) for its send-side BWE.
//
// Encoding follows libwebrtc's TransportFeedback: run-length chunks for runs of one status, one-bit
// status vectors (14 symbols) when a stretch has only "not received" / "small delta", two-bit
// vectors (7 symbols) otherwise. Receive deltas are computed from arrival times rounded to 250 µs
// ticks (not from the previous rounded delta), so the decoded times never drift.
import { findHeaderExtension } from './rtp-packet.js';
import { seqDiff } from './seq.js';
import { FMT_TWCC, RTCP_RTPFB } from './rtcp-types.js';

/** RTP header extension URI of the transport-wide sequence number (2-byte payload). */
export const TWCC_EXTENSION_URI = 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01';

/** Packet status symbols (§3.1.1). */
export const TWCC_NOT_RECEIVED = 0;
export const TWCC_SMALL_DELTA = 1;
export const TWCC_LARGE_DELTA = 2;

/** Fixed part of a feedback packet: RTCP header, sender/media SSRC, base/count, ref time/fb count. */
const FIXED_BYTES = 20;
const MAX_RUN_LENGTH = 0x1fff;
const ONE_BIT_CAPACITY = 14;
const TWO_BIT_CAPACITY = 7;
/** Delta ticks (250 µs) per reference time unit (64 ms). */
const TICKS_PER_REF = 256;
/** A run of more than this many unseen sequence numbers is skipped, not reported as lost. */
const MAX_REPORTED_GAP = 0x7fff;
/** Recorded-but-unreported packets kept at most (oldest dropped beyond this). */
const MAX_PENDING = 1 << 15;
/** How many recently reported received sequence numbers are remembered to drop duplicates. */
const REPORTED_WINDOW = 1 << 12;

export interface TwccRecorderOptions {
  /** Default sender SSRC for buildFeedback() (default 0). */
  senderSsrc?: number;
  /** Default media SSRC for buildFeedback() (default 0; Chrome ignores it). */
  mediaSsrc?: number;
  /** Clock in ms for record() without an arrival time (default performance.now). */
  now?: () => number;
  /** Packet status count limit per feedback packet, 1..65535 (default 65535). */
  maxPacketsPerFeedback?: number;
  /** Size limit of one feedback packet in bytes, 32..65536 (default 1200). */
  maxPacketBytes?: number;
}

/**
 * Reads the 16-bit transport-wide sequence number from an RTP packet's header extension `extId`
 * (one- or two-byte profile). undefined when absent, shorter than 2 bytes, or the block is malformed.
 */
export function transportSeq(b: Buffer, extId = 5): number | undefined {
  if (b.length < 12) return undefined;
  const d = findHeaderExtension(b, extId);
  if (!d || d.length < 2) return undefined;
  return (d[0] << 8) | d[1];
}

/**
 * Collects (transport seq, arrival time) pairs of one sender and builds transport-cc feedback.
 *
 * - Sequence numbers are unwrapped against the highest seen (nearest distance), so 65535 -> 0 and
 *   reordering across the wrap are plain.
 * - Duplicates: the first arrival wins; a copy of a packet already reported as received is dropped
 *   (for the last 4096 reported).
 * - Each buildFeedback() reports everything from the end of the previous report up to the highest
 *   packet recorded since, in sequence order; unseen numbers in between are "not received". A packet
 *   that arrives after its number was already reported (late reordering) is reported again, as
 *   received, in a feedback packet of its own range (libwebrtc keeps lost packets in its history for
 *   exactly this). Runs of more than 32767 unseen numbers are skipped rather than reported.
 * - A feedback packet is split when its status count would exceed maxPacketsPerFeedback, its size
 *   maxPacketBytes, or a receive delta would not fit in 16 signed bits (the next one gets a new
 *   reference time).
 */
export class TwccRecorder {
  private readonly senderSsrc: number;
  private readonly mediaSsrc: number;
  private readonly now: () => number;
  private readonly maxCount: number;
  private readonly maxBytes: number;
  /** extended seq -> arrival ms */
  private readonly pending = new Map<number, number>();
  private highest: number | undefined;
  /** extended seq the next report starts at (one past the last reported). */
  private nextSeq: number | undefined;
  private fbCount = 0;
  /** ring of recently reported received extended seqs, indexed by ext % REPORTED_WINDOW */
  private readonly reported = new Float64Array(REPORTED_WINDOW).fill(-1);

  constructor(opts: TwccRecorderOptions = {}) {
    this.senderSsrc = (opts.senderSsrc ?? 0) >>> 0;
    this.mediaSsrc = (opts.mediaSsrc ?? 0) >>> 0;
    this.now = opts.now ?? (() => performance.now());
    this.maxCount = clampInt(opts.maxPacketsPerFeedback, 1, 0xffff, 0xffff);
    this.maxBytes = clampInt(opts.maxPacketBytes, 32, 65536, 1200);
  }

  /** Recorded packets not yet reported. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /**
   * Call for every RTP packet from the sender that carries the transport-wide seq extension.
   * The seq is taken mod 2^16; a non-finite arrival time is ignored. Never throws.
   */
  record(transportSeq16: number, arrivalMs?: number): void {
    const t = arrivalMs ?? this.now();
    if (!Number.isFinite(t)) return;
    const seq = transportSeq16 & 0xffff;
    let ext: number;
    if (this.highest === undefined) {
      ext = 0x10000 + seq;
      this.highest = ext;
    } else {
      ext = this.highest + seqDiff(seq, this.highest & 0xffff);
      if (ext > this.highest) this.highest = ext;
    }
    if (this.pending.has(ext)) return;
    if (this.nextSeq !== undefined && ext < this.nextSeq && this.reported[ext % REPORTED_WINDOW] === ext) return;
    if (this.pending.size >= MAX_PENDING) {
      const oldest = this.pending.keys().next();
      if (!oldest.done) this.pending.delete(oldest.value);
    }
    this.pending.set(ext, t);
  }

  /**
   * Builds zero or more complete RTCP transport-cc feedback packets (each its own Buffer, in
   * sequence order) covering everything recorded since the last call, and forgets it. [] when
   * nothing was recorded. Call every ~50-100 ms.
   */
  buildFeedback(senderSsrc: number = this.senderSsrc, mediaSsrc: number = this.mediaSsrc): Buffer[] {
    if (this.pending.size === 0) return [];
    const keys = [...this.pending.keys()].sort((a, b) => a - b);
    const out: Buffer[] = [];
    const ssrcs = { sender: senderSsrc >>> 0, media: mediaSsrc >>> 0 };
    const start = this.nextSeq ?? keys[0];
    let i = 0;
    // Late packets (numbers already reported): one feedback range per contiguous run.
    while (i < keys.length && keys[i] < start) {
      let j = i;
      while (j + 1 < keys.length && keys[j + 1] === keys[j] + 1 && keys[j + 1] < start) j++;
      this.encodeRange(keys[i], keys[j], ssrcs, out);
      i = j + 1;
    }
    // New packets: from where the last report ended, unseen numbers reported as lost.
    if (i < keys.length) {
      let from = keys[i] - start > MAX_REPORTED_GAP ? keys[i] : start;
      for (let j = i; j < keys.length; j++) {
        if (j + 1 === keys.length || keys[j + 1] - keys[j] - 1 > MAX_REPORTED_GAP) {
          this.encodeRange(from, keys[j], ssrcs, out);
          if (j + 1 < keys.length) from = keys[j + 1];
        }
      }
      this.nextSeq = keys[keys.length - 1] + 1;
    }
    this.pending.clear();
    return out;
  }

  private encodeRange(first: number, last: number, ssrcs: { sender: number; media: number }, out: Buffer[]): void {
    let b = new FeedbackBuilder(first, this.maxCount, this.maxBytes);
    for (let ext = first; ext <= last; ext++) {
      const t = this.pending.get(ext);
      const tick = t === undefined ? undefined : Math.round(t * 4);
      if (!b.add(tick)) {
        out.push(b.finish(ssrcs.sender, ssrcs.media, this.fbCount));
        this.fbCount = (this.fbCount + 1) & 0xff;
        b = new FeedbackBuilder(ext, this.maxCount, this.maxBytes, b.refTime);
        b.add(tick); // always fits into an empty packet
      }
      if (tick !== undefined) this.reported[ext % REPORTED_WINDOW] = ext;
    }
    out.push(b.finish(ssrcs.sender, ssrcs.media, this.fbCount));
    this.fbCount = (this.fbCount + 1) & 0xff;
  }
}

/** One feedback packet under construction: chunks (libwebrtc's LastChunk scheme) and deltas. */
class FeedbackBuilder {
  private count = 0;
  private readonly chunks: number[] = [];
  /** statuses not yet put into a chunk; only the first ONE_BIT_CAPACITY are kept (beyond that all same) */
  private buf: number[] = [];
  private bufLen = 0;
  private allSame = true;
  private hasLarge = false;
  /** receive deltas in 250 µs ticks */
  private readonly deltas: number[] = [];
  private deltaBytes = 0;
  private prevTick = 0;
  private hasRef = false;

  constructor(
    private readonly baseExt: number,
    private readonly maxCount: number,
    private readonly maxBytes: number,
    /** reference time (64 ms units, unwrapped) used when no packet in here was received */
    public refTime = 0,
  ) {}

  /** Adds the next sequence number (tick undefined: not received); false when it does not fit. */
  add(tick: number | undefined): boolean {
    const empty = this.count === 0;
    if (!empty && this.count >= this.maxCount) return false;
    let sym = TWCC_NOT_RECEIVED;
    let delta = 0;
    let ref = this.refTime;
    if (tick !== undefined) {
      if (this.hasRef) {
        delta = tick - this.prevTick;
        if (delta < -0x8000 || delta > 0x7fff) return false;
      } else {
        ref = Math.floor(tick / TICKS_PER_REF);
        delta = tick - ref * TICKS_PER_REF;
      }
      sym = delta >= 0 && delta <= 0xff ? TWCC_SMALL_DELTA : TWCC_LARGE_DELTA;
    }
    if (!empty) {
      const chunksAfter = this.chunks.length + (this.canAdd(sym) ? 1 : 2);
      const size = FIXED_BYTES + 2 * chunksAfter + this.deltaBytes + sym;
      if (((size + 3) & ~3) > this.maxBytes) return false;
    }
    if (tick !== undefined) {
      if (!this.hasRef) {
        this.hasRef = true;
        this.refTime = ref;
      }
      this.prevTick = tick;
      this.deltas.push(delta);
      this.deltaBytes += sym;
    }
    if (!this.canAdd(sym)) this.emit();
    this.push(sym);
    this.count++;
    return true;
  }

  private canAdd(sym: number): boolean {
    if (this.bufLen < TWO_BIT_CAPACITY) return true;
    if (this.bufLen < ONE_BIT_CAPACITY && !this.hasLarge && sym !== TWCC_LARGE_DELTA) return true;
    return this.bufLen < MAX_RUN_LENGTH && this.allSame && sym === this.buf[0];
  }

  private push(sym: number): void {
    if (this.bufLen < ONE_BIT_CAPACITY) this.buf.push(sym);
    if (this.bufLen > 0 && sym !== this.buf[0]) this.allSame = false;
    if (sym === TWCC_LARGE_DELTA) this.hasLarge = true;
    this.bufLen++;
  }

  /** Moves a full chunk out of buf (called when the next symbol cannot be added). */
  private emit(): void {
    if (this.allSame) {
      this.chunks.push(runLength(this.buf[0], this.bufLen));
      this.resetBuf([]);
    } else if (this.bufLen === ONE_BIT_CAPACITY) {
      this.chunks.push(oneBitVector(this.buf));
      this.resetBuf([]);
    } else {
      this.chunks.push(twoBitVector(this.buf.slice(0, TWO_BIT_CAPACITY)));
      this.resetBuf(this.buf.slice(TWO_BIT_CAPACITY));
    }
  }

  private resetBuf(rest: number[]): void {
    this.buf = [];
    this.bufLen = 0;
    this.allSame = true;
    this.hasLarge = false;
    for (const s of rest) this.push(s);
  }

  finish(senderSsrc: number, mediaSsrc: number, fbCount: number): Buffer {
    const chunks = this.chunks.slice();
    if (this.bufLen > 0) {
      if (this.allSame) chunks.push(runLength(this.buf[0], this.bufLen));
      else if (this.bufLen <= TWO_BIT_CAPACITY) chunks.push(twoBitVector(this.buf));
      else chunks.push(oneBitVector(this.buf));
    }
    const unpadded = FIXED_BYTES + 2 * chunks.length + this.deltaBytes;
    const total = (unpadded + 3) & ~3;
    const b = Buffer.alloc(total);
    const pad = total - unpadded;
    b[0] = 0x80 | (pad ? 0x20 : 0) | FMT_TWCC;
    b[1] = RTCP_RTPFB;
    b.writeUInt16BE(total / 4 - 1, 2);
    b.writeUInt32BE(senderSsrc, 4);
    b.writeUInt32BE(mediaSsrc, 8);
    b.writeUInt16BE(this.baseExt & 0xffff, 12);
    b.writeUInt16BE(this.count, 14);
    b.writeUIntBE(((this.refTime % 0x1000000) + 0x1000000) % 0x1000000, 16, 3);
    b[19] = fbCount & 0xff;
    let o = FIXED_BYTES;
    for (const c of chunks) {
      b.writeUInt16BE(c, o);
      o += 2;
    }
    for (const d of this.deltas) {
      if (d >= 0 && d <= 0xff) b[o++] = d;
      else {
        b.writeInt16BE(d, o);
        o += 2;
      }
    }
    if (pad) b[total - 1] = pad;
    return b;
  }
}

function runLength(sym: number, n: number): number {
  return (sym << 13) | n;
}
function oneBitVector(syms: readonly number[]): number {
  let v = 0x8000;
  for (let i = 0; i < syms.length; i++) if (syms[i]) v |= 1 << (13 - i);
  return v;
}
function twoBitVector(syms: readonly number[]): number {
  let v = 0xc000;
  for (let i = 0; i < syms.length; i++) v |= syms[i] << (12 - 2 * i);
  return v;
}
function clampInt(v: number | undefined, lo: number, hi: number, dflt: number): number {
  if (v === undefined || !Number.isFinite(v)) return dflt;
  return Math.min(hi, Math.max(lo, Math.floor(v)));
}

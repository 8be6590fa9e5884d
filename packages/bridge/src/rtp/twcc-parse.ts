// Send side of transport-wide congestion control: decoding the transport-cc feedback a receiver
// sends back (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1), the inverse of
// TwccRecorder's builder in twcc-feedback.ts. The bridge's per-receiver bandwidth estimate
// (src/bwe/) is driven by what this returns.
import { FMT_TWCC, RTCP_RTPFB } from './rtcp-types.js';
import { RtpError } from './rtp-packet.js';
import { TWCC_LARGE_DELTA, TWCC_NOT_RECEIVED, TWCC_SMALL_DELTA } from './twcc-feedback.js';

/** One packet's status in a feedback packet. */
export interface TwccPacketStatus {
  /** 16-bit transport-wide sequence number */
  seq: number;
  /**
   * Arrival time in ms on the receiver's clock, relative to reference time 0 of this feedback's
   * (unwrapped by the caller) reference time: referenceTime * 64 + the sum of deltas so far.
   * undefined when the packet was not received.
   */
  arrivalMs?: number;
}

export interface TwccFeedback {
  senderSsrc: number;
  mediaSsrc: number;
  baseSeq: number;
  /** 24-bit reference time as sent (unsigned, multiples of 64 ms); wraps after ~12 days */
  referenceTime: number;
  /** 8-bit feedback packet count; wraps */
  fbPktCount: number;
  /** One entry per reported sequence number (packet status count), in sequence order. */
  packets: TwccPacketStatus[];
}

const FIXED_BYTES = 20;

/**
 * Decodes one transport-cc feedback packet starting at `offset` of `b` (a single RTCP packet, or
 * one inside a compound). Arrival times are given against `referenceTime` taken at face value
 * (0..2^24-1 times 64 ms); callers that span a wrap unwrap it themselves (see unwrapReferenceTime).
 * Throws RtpError naming the problem when the packet is not transport-cc or is malformed:
 * truncated chunks or deltas, a reserved symbol (3) in a two-bit vector, a status count of 0.
 */
export function parseTwccFeedback(b: Buffer, offset = 0): TwccFeedback {
  const fail = (why: string): never => {
    throw new RtpError(`transport-cc feedback: ${why}`);
  };
  if (b.length - offset < FIXED_BYTES) fail(`${b.length - offset} bytes is shorter than the fixed part`);
  if (b[offset] >> 6 !== 2) fail(`version ${b[offset] >> 6}`);
  if (b[offset + 1] !== RTCP_RTPFB || (b[offset] & 0x1f) !== FMT_TWCC)
    fail(`PT ${b[offset + 1]} FMT ${b[offset] & 0x1f} is not RTPFB/15`);
  let end = offset + (b.readUInt16BE(offset + 2) + 1) * 4;
  if (end > b.length) fail(`length field says ${end - offset} bytes, ${b.length - offset} present`);
  if (b[offset] & 0x20) {
    const pad = b[end - 1];
    if (pad === 0 || pad > end - offset - FIXED_BYTES) fail(`padding of ${pad} bytes`);
    end -= pad;
  }
  const baseSeq = b.readUInt16BE(offset + 12);
  const count = b.readUInt16BE(offset + 14);
  if (count === 0) fail('packet status count 0');
  const referenceTime = b.readUIntBE(offset + 16, 3);
  const symbols: number[] = [];
  let o = offset + FIXED_BYTES;
  while (symbols.length < count) {
    if (o + 2 > end) fail(`chunks end after ${symbols.length} of ${count} statuses`);
    const chunk = b.readUInt16BE(o);
    o += 2;
    readChunk(chunk, count - symbols.length, symbols, fail);
  }
  const packets: TwccPacketStatus[] = [];
  let ticks = referenceTime * 256; // 250 µs ticks; the reference time is in 64 ms units
  for (let i = 0; i < count; i++) {
    const seq = (baseSeq + i) & 0xffff;
    const sym = symbols[i];
    if (sym === TWCC_NOT_RECEIVED) {
      packets.push({ seq });
      continue;
    }
    if (sym === TWCC_SMALL_DELTA) {
      if (o + 1 > end) fail(`receive delta of seq ${seq} past the end`);
      ticks += b[o];
      o += 1;
    } else {
      if (o + 2 > end) fail(`receive delta of seq ${seq} past the end`);
      ticks += b.readInt16BE(o);
      o += 2;
    }
    packets.push({ seq, arrivalMs: ticks / 4 });
  }
  return {
    senderSsrc: b.readUInt32BE(offset + 4),
    mediaSsrc: b.readUInt32BE(offset + 8),
    baseSeq,
    referenceTime,
    fbPktCount: b[offset + 19],
    packets,
  };
}

/** Appends a chunk's symbols (at most `left`: the last chunk may cover more than the count). */
function readChunk(chunk: number, left: number, out: number[], fail: (why: string) => never): void {
  if ((chunk & 0x8000) === 0) {
    // Run length chunk: T=0, 2-bit symbol, 13-bit run length.
    const sym = (chunk >> 13) & 0x3;
    const run = chunk & 0x1fff;
    if (sym > TWCC_LARGE_DELTA) fail('run length chunk with reserved symbol 3');
    if (run === 0) fail('run length chunk of length 0');
    for (let i = 0; i < Math.min(run, left); i++) out.push(sym);
    return;
  }
  if ((chunk & 0x4000) === 0) {
    // Status vector chunk, 1-bit symbols: 14 of "not received" / "small delta".
    for (let i = 0; i < Math.min(14, left); i++) out.push((chunk >> (13 - i)) & 1);
    return;
  }
  // Status vector chunk, 2-bit symbols: 7 of them.
  for (let i = 0; i < Math.min(7, left); i++) {
    const sym = (chunk >> (12 - 2 * i)) & 0x3;
    if (sym > TWCC_LARGE_DELTA) fail('status vector with reserved symbol 3');
    out.push(sym);
  }
}

/**
 * Calls `visit(offset)` for every transport-cc packet in a compound RTCP buffer, also for one whose
 * length runs past the end (its parse then says why); stops at a header that is not RTCP.
 */
export function forEachTwccFeedback(compound: Buffer, visit: (offset: number) => void): void {
  let o = 0;
  while (o + 4 <= compound.length && compound[o] >> 6 === 2) {
    if (compound[o + 1] === RTCP_RTPFB && (compound[o] & 0x1f) === FMT_TWCC) visit(o);
    o += (compound.readUInt16BE(o + 2) + 1) * 4;
  }
}

/**
 * Unwraps a 24-bit reference time against the previous unwrapped one (nearest distance), so
 * arrival times keep increasing across the wrap at 2^24 * 64 ms.
 */
export function unwrapReferenceTime(ref24: number, previous: number | undefined): number {
  if (previous === undefined) return ref24;
  const span = 0x1000000;
  let diff = (ref24 - (previous % span) + span) % span;
  if (diff >= span / 2) diff -= span;
  return previous + diff;
}

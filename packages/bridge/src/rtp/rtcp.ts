// Compound RTCP parsing (RFC 3550 §6, RFC 4585 §6, RFC 5104 §4.3.1, REMB, transport-cc) and the
// RTP/RTCP demux (RFC 5761 §4). Builders live in rtcp-build.ts and are re-exported here.
import {
  FMT_AFB,
  FMT_FIR,
  FMT_NACK,
  FMT_PLI,
  FMT_TWCC,
  RTCP_APP,
  RTCP_BYE,
  RTCP_PSFB,
  RTCP_RR,
  RTCP_RTPFB,
  RTCP_SDES,
  RTCP_SR,
  RtcpError,
  type ReportBlock,
  type RtcpPacket,
  type SdesChunk,
} from './rtcp-types.js';

export * from './rtcp-types.js';
export * from './rtcp-build.js';

/** RFC 5761 demux: version 2 and second byte (M+PT) in 192..223. */
export function isRtcp(b: Buffer): boolean {
  return b.length >= 4 && b[0] >> 6 === 2 && b[1] >= 192 && b[1] <= 223;
}

const NAMES: Record<number, string> = {
  200: 'SR',
  201: 'RR',
  202: 'SDES',
  203: 'BYE',
  204: 'APP',
  205: 'RTPFB',
  206: 'PSFB',
  207: 'XR',
};
const nameOf = (pt: number, fmt: number): string =>
  `${NAMES[pt] ?? `PT ${pt}`}${pt === 205 || pt === 206 ? ` fmt ${fmt}` : ''}`;

function u32(b: Buffer, o: number): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}
function u16(b: Buffer, o: number): number {
  return (b[o] << 8) | b[o + 1];
}

/**
 * Parses a compound (or single) RTCP packet. Throws RtcpError naming the first malformed packet;
 * never throws anything else. APP packets are skipped; unknown types come back as 'other'.
 */
export function parseRtcp(b: Buffer): RtcpPacket[] {
  if (b.length < 4) throw new RtcpError(`rtcp: ${b.length} bytes is shorter than a header`, 0);
  const out: RtcpPacket[] = [];
  let off = 0;
  while (off < b.length) {
    if (b.length - off < 4) throw new RtcpError(`rtcp: truncated header at offset ${off}`, off);
    const pt = b[off + 1];
    const fmt = b[off] & 0x1f;
    const what = `rtcp ${nameOf(pt, fmt)} at offset ${off}`;
    if (b[off] >> 6 !== 2) throw new RtcpError(`${what}: version ${b[off] >> 6}, expected 2`, off, pt);
    if (pt < 192 || pt > 223) throw new RtcpError(`${what}: not an RTCP packet type`, off, pt);
    const len = (u16(b, off + 2) + 1) * 4;
    if (off + len > b.length) {
      throw new RtcpError(`${what}: length ${len} runs past the end (${b.length - off} bytes left)`, off, pt);
    }
    let end = off + len;
    if (b[off] & 0x20) {
      const pad = b[end - 1];
      if (pad === 0 || pad > len - 4) throw new RtcpError(`${what}: bad padding count ${pad}`, off, pt);
      end -= pad;
    }
    const fail = (why: string): never => {
      throw new RtcpError(`${what}: ${why}`, off, pt);
    };
    const p = parseOne(b, off, end, pt, fmt, fail);
    if (p) out.push(p);
    off += len;
  }
  return out;
}

function parseOne(
  b: Buffer,
  off: number,
  end: number,
  pt: number,
  fmt: number,
  fail: (why: string) => never,
): RtcpPacket | undefined {
  const need = (n: number): void => {
    if (off + n > end) fail(`needs ${n} bytes, has ${end - off}`);
  };
  switch (pt) {
    case RTCP_SR: {
      need(28 + 24 * fmt);
      return {
        type: 'sr',
        ssrc: u32(b, off + 4),
        ntpSec: u32(b, off + 8),
        ntpFrac: u32(b, off + 12),
        rtpTimestamp: u32(b, off + 16),
        packetCount: u32(b, off + 20),
        octetCount: u32(b, off + 24),
        reports: reportBlocks(b, off + 28, fmt),
      };
    }
    case RTCP_RR:
      need(8 + 24 * fmt);
      return { type: 'rr', ssrc: u32(b, off + 4), reports: reportBlocks(b, off + 8, fmt) };
    case RTCP_SDES:
      return { type: 'sdes', chunks: sdesChunks(b, off + 4, end, fmt, fail) };
    case RTCP_BYE: {
      need(4 + 4 * fmt);
      const ssrcs: number[] = [];
      for (let i = 0; i < fmt; i++) ssrcs.push(u32(b, off + 4 + 4 * i));
      const r = off + 4 + 4 * fmt;
      if (r < end) {
        const rl = b[r];
        if (r + 1 + rl > end) fail(`reason length ${rl} runs past the end`);
        return { type: 'bye', ssrcs, reason: b.toString('utf8', r + 1, r + 1 + rl) };
      }
      return { type: 'bye', ssrcs };
    }
    case RTCP_APP:
      return undefined;
    case RTCP_RTPFB:
    case RTCP_PSFB:
      need(12);
      return feedback(b, off, end, pt, fmt, fail);
    default:
      return { type: 'other', pt, fmt, offset: off, length: end - off };
  }
}

function reportBlocks(b: Buffer, o: number, n: number): ReportBlock[] {
  const out: ReportBlock[] = [];
  for (let i = 0; i < n; i++, o += 24) {
    out.push({
      ssrc: u32(b, o),
      fractionLost: b[o + 4],
      packetsLost: (((b[o + 5] << 16) | (b[o + 6] << 8) | b[o + 7]) << 8) >> 8,
      highestSeq: u32(b, o + 8),
      jitter: u32(b, o + 12),
      lsr: u32(b, o + 16),
      dlsr: u32(b, o + 20),
    });
  }
  return out;
}

function sdesChunks(b: Buffer, o: number, end: number, count: number, fail: (why: string) => never): SdesChunk[] {
  const chunks: SdesChunk[] = [];
  for (let i = 0; i < count; i++) {
    if (o + 4 > end) fail(`chunk ${i} truncated`);
    const chunk: SdesChunk = { ssrc: u32(b, o) };
    let p = o + 4;
    for (;;) {
      if (p >= end) fail(`chunk ${i} has no terminating null item`);
      const type = b[p];
      if (type === 0) break;
      if (p + 2 > end || p + 2 + b[p + 1] > end) fail(`chunk ${i} item ${type} runs past the end`);
      if (type === 1) chunk.cname = b.toString('utf8', p + 2, p + 2 + b[p + 1]);
      p += 2 + b[p + 1];
    }
    chunks.push(chunk);
    o = (p + 4) & ~3; // skip null item(s) to the next 32-bit boundary
  }
  return chunks;
}

function feedback(
  b: Buffer,
  off: number,
  end: number,
  pt: number,
  fmt: number,
  fail: (why: string) => never,
): RtcpPacket {
  const senderSsrc = u32(b, off + 4);
  const mediaSsrc = u32(b, off + 8);
  const fci = off + 12;
  if (pt === RTCP_RTPFB && fmt === FMT_NACK) {
    if ((end - fci) % 4 !== 0 || end === fci) fail(`FCI length ${end - fci} is not a positive multiple of 4`);
    const seqs: number[] = [];
    for (let o = fci; o < end; o += 4) {
      const pid = u16(b, o);
      const blp = u16(b, o + 2);
      seqs.push(pid);
      for (let i = 0; i < 16; i++) if (blp & (1 << i)) seqs.push((pid + i + 1) & 0xffff);
    }
    return { type: 'nack', senderSsrc, mediaSsrc, seqs };
  }
  if (pt === RTCP_RTPFB && fmt === FMT_TWCC) {
    if (end - fci < 8) fail(`FCI length ${end - fci} is shorter than 8`);
    return {
      type: 'twcc',
      senderSsrc,
      mediaSsrc,
      baseSeq: u16(b, fci),
      packetStatusCount: u16(b, fci + 2),
      referenceTime: (((b[fci + 4] << 16) | (b[fci + 5] << 8) | b[fci + 6]) << 8) >> 8,
      fbPktCount: b[fci + 7],
    };
  }
  if (pt === RTCP_PSFB && fmt === FMT_PLI) return { type: 'pli', senderSsrc, mediaSsrc };
  if (pt === RTCP_PSFB && fmt === FMT_FIR) {
    if ((end - fci) % 8 !== 0 || end === fci) fail(`FCI length ${end - fci} is not a positive multiple of 8`);
    const entries = [];
    for (let o = fci; o < end; o += 8) entries.push({ ssrc: u32(b, o), seq: b[o + 4] });
    return { type: 'fir', senderSsrc, mediaSsrc, entries };
  }
  if (pt === RTCP_PSFB && fmt === FMT_AFB && end - fci >= 4 && b.toString('latin1', fci, fci + 4) === 'REMB') {
    if (end - fci < 8) fail('REMB shorter than 8 bytes of FCI');
    const n = b[fci + 4];
    if (fci + 8 + 4 * n > end) fail(`REMB lists ${n} ssrcs past the end`);
    const exp = b[fci + 5] >> 2;
    const mantissa = ((b[fci + 5] & 3) << 16) | u16(b, fci + 6);
    const ssrcs: number[] = [];
    for (let i = 0; i < n; i++) ssrcs.push(u32(b, fci + 8 + 4 * i));
    return { type: 'remb', senderSsrc, bitrate: mantissa * 2 ** exp, ssrcs };
  }
  return { type: 'other', pt, fmt, offset: off, length: end - off };
}

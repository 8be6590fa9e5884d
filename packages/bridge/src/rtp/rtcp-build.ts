// RTCP builders. Each returns one RTCP packet; concatenate (Buffer.concat) for a compound.
import { seqDiff } from './seq.js';
import {
  FMT_AFB,
  FMT_FIR,
  FMT_NACK,
  FMT_PLI,
  RTCP_BYE,
  RTCP_PSFB,
  RTCP_RR,
  RTCP_RTPFB,
  RTCP_SDES,
  RTCP_SR,
  RtcpError,
  type FirEntry,
  type ReportBlock,
  type SdesChunk,
  type SenderInfo,
} from './rtcp-types.js';

function header(b: Buffer, count: number, pt: number): void {
  b[0] = 0x80 | (count & 0x1f);
  b[1] = pt;
  b.writeUInt16BE(b.length / 4 - 1, 2);
}

function writeReports(b: Buffer, o: number, reports: readonly ReportBlock[]): void {
  for (const r of reports) {
    b.writeUInt32BE(r.ssrc >>> 0, o);
    b[o + 4] = r.fractionLost & 0xff;
    const lost = r.packetsLost & 0xffffff;
    b[o + 5] = lost >> 16;
    b[o + 6] = (lost >> 8) & 0xff;
    b[o + 7] = lost & 0xff;
    b.writeUInt32BE(r.highestSeq >>> 0, o + 8);
    b.writeUInt32BE(r.jitter >>> 0, o + 12);
    b.writeUInt32BE(r.lsr >>> 0, o + 16);
    b.writeUInt32BE(r.dlsr >>> 0, o + 20);
    o += 24;
  }
}

function checkReports(reports: readonly ReportBlock[]): void {
  if (reports.length > 31) throw new RtcpError(`rtcp: ${reports.length} report blocks, at most 31 fit`);
}

/** Sender report (RFC 3550 §6.4.1). At most 31 report blocks. */
export function buildSr(info: SenderInfo, reports: readonly ReportBlock[] = []): Buffer {
  checkReports(reports);
  const b = Buffer.alloc(28 + 24 * reports.length);
  header(b, reports.length, RTCP_SR);
  b.writeUInt32BE(info.ssrc >>> 0, 4);
  b.writeUInt32BE(info.ntpSec >>> 0, 8);
  b.writeUInt32BE(info.ntpFrac >>> 0, 12);
  b.writeUInt32BE(info.rtpTimestamp >>> 0, 16);
  b.writeUInt32BE(info.packetCount >>> 0, 20);
  b.writeUInt32BE(info.octetCount >>> 0, 24);
  writeReports(b, 28, reports);
  return b;
}

/** Receiver report (RFC 3550 §6.4.2). At most 31 report blocks; [] gives an empty RR. */
export function buildRr(ssrc: number, reports: readonly ReportBlock[] = []): Buffer {
  checkReports(reports);
  const b = Buffer.alloc(8 + 24 * reports.length);
  header(b, reports.length, RTCP_RR);
  b.writeUInt32BE(ssrc >>> 0, 4);
  writeReports(b, 8, reports);
  return b;
}

/** SDES with one CNAME item per chunk (RFC 3550 §6.5). */
export function buildSdes(chunks: readonly Required<SdesChunk>[]): Buffer {
  if (chunks.length > 31) throw new RtcpError(`rtcp: ${chunks.length} SDES chunks, at most 31 fit`);
  const texts = chunks.map((c) => Buffer.from(c.cname, 'utf8'));
  let size = 4;
  for (const t of texts) {
    if (t.length > 255) throw new RtcpError('rtcp: CNAME longer than 255 bytes');
    size += (4 + 2 + t.length + 4) & ~3; // ssrc + item + at least one null byte, padded
  }
  const b = Buffer.alloc(size);
  header(b, chunks.length, RTCP_SDES);
  let o = 4;
  chunks.forEach((c, i) => {
    const t = texts[i];
    b.writeUInt32BE(c.ssrc >>> 0, o);
    b[o + 4] = 1;
    b[o + 5] = t.length;
    t.copy(b, o + 6);
    o += (4 + 2 + t.length + 4) & ~3;
  });
  return b;
}

/** BYE (RFC 3550 §6.6). */
export function buildBye(ssrcs: readonly number[], reason?: string): Buffer {
  if (ssrcs.length > 31) throw new RtcpError(`rtcp: ${ssrcs.length} BYE ssrcs, at most 31 fit`);
  const r = reason === undefined ? undefined : Buffer.from(reason, 'utf8');
  if (r && r.length > 255) throw new RtcpError('rtcp: BYE reason longer than 255 bytes');
  const b = Buffer.alloc(4 + 4 * ssrcs.length + (r ? (1 + r.length + 3) & ~3 : 0));
  header(b, ssrcs.length, RTCP_BYE);
  ssrcs.forEach((s, i) => b.writeUInt32BE(s >>> 0, 4 + 4 * i));
  if (r) {
    b[4 + 4 * ssrcs.length] = r.length;
    r.copy(b, 5 + 4 * ssrcs.length);
  }
  return b;
}

/**
 * Packs 16-bit seqs into NACK FCI items, returned flat as [pid0, blp0, pid1, blp1, ...].
 * Wrap-aware: seqs are ordered relative to the first one, so [65534, 65535, 0, 1] is one item.
 * Duplicates are merged.
 */
export function packNack(seqs: readonly number[]): number[] {
  if (seqs.length === 0) return [];
  const ref = seqs[0] & 0xffff;
  const rel = seqs.map((s) => seqDiff(s & 0xffff, ref)).sort((a, b) => a - b);
  const out: number[] = [];
  let pidRel = NaN;
  let blp = 0;
  for (const r of rel) {
    if (r === pidRel) continue;
    if (r > pidRel && r <= pidRel + 16) {
      blp |= 1 << (r - pidRel - 1);
      continue;
    }
    if (!Number.isNaN(pidRel)) out.push((ref + pidRel) & 0xffff, blp);
    pidRel = r;
    blp = 0;
  }
  out.push((ref + pidRel) & 0xffff, blp);
  return out;
}

function feedbackPacket(fmt: number, pt: number, senderSsrc: number, mediaSsrc: number, fciBytes: number): Buffer {
  const b = Buffer.alloc(12 + fciBytes);
  header(b, fmt, pt);
  b.writeUInt32BE(senderSsrc >>> 0, 4);
  b.writeUInt32BE(mediaSsrc >>> 0, 8);
  return b;
}

/** Generic NACK (RFC 4585 §6.2.1) from a list of 16-bit seqs. Throws RtcpError when empty. */
export function buildNack(senderSsrc: number, mediaSsrc: number, seqs: readonly number[]): Buffer {
  if (seqs.length === 0) throw new RtcpError('rtcp: NACK needs at least one sequence number');
  const items = packNack(seqs);
  const b = feedbackPacket(FMT_NACK, RTCP_RTPFB, senderSsrc, mediaSsrc, items.length * 2);
  for (let i = 0; i < items.length; i++) b.writeUInt16BE(items[i], 12 + 2 * i);
  return b;
}

/** Picture Loss Indication (RFC 4585 §6.3.1). */
export function buildPli(senderSsrc: number, mediaSsrc: number): Buffer {
  return feedbackPacket(FMT_PLI, RTCP_PSFB, senderSsrc, mediaSsrc, 0);
}

/** Full Intra Request (RFC 5104 §4.3.1); media ssrc in the header is 0, targets are in entries. */
export function buildFir(senderSsrc: number, entries: readonly FirEntry[]): Buffer {
  if (entries.length === 0) throw new RtcpError('rtcp: FIR needs at least one entry');
  const b = feedbackPacket(FMT_FIR, RTCP_PSFB, senderSsrc, 0, 8 * entries.length);
  entries.forEach((e, i) => {
    b.writeUInt32BE(e.ssrc >>> 0, 12 + 8 * i);
    b[16 + 8 * i] = e.seq & 0xff;
  });
  return b;
}

/**
 * Receiver Estimated Max Bitrate (draft-alvestrand-rmcat-remb). bitrate in bps (rounded down to
 * what an 18-bit mantissa and 6-bit exponent can express).
 */
export function buildRemb(senderSsrc: number, bitrate: number, ssrcs: readonly number[]): Buffer {
  if (ssrcs.length > 255) throw new RtcpError('rtcp: REMB lists more than 255 ssrcs');
  let mantissa = Math.max(0, Math.floor(bitrate));
  let exp = 0;
  while (mantissa > 0x3ffff && exp < 63) {
    mantissa = Math.floor(mantissa / 2);
    exp++;
  }
  if (mantissa > 0x3ffff) mantissa = 0x3ffff;
  const b = feedbackPacket(FMT_AFB, RTCP_PSFB, senderSsrc, 0, 8 + 4 * ssrcs.length);
  b.write('REMB', 12, 'latin1');
  b[16] = ssrcs.length;
  b[17] = (exp << 2) | (mantissa >> 16);
  b.writeUInt16BE(mantissa & 0xffff, 18);
  ssrcs.forEach((s, i) => b.writeUInt32BE(s >>> 0, 20 + 4 * i));
  return b;
}

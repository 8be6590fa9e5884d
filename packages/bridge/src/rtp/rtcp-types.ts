// RTCP packet shapes (RFC 3550, 4585, 5104, draft-alvestrand-rmcat-remb, draft-holmer-rmcat-transport-wide-cc).

/** Error thrown by the RTCP parser and builders; the message names the offending packet. */
export class RtcpError extends Error {
  override name = 'RtcpError';
  constructor(
    message: string,
    /** Byte offset of the offending packet inside the compound (or -1 for builders). */
    readonly offset = -1,
    /** RTCP packet type of the offending packet, when known. */
    readonly packetType?: number,
  ) {
    super(message);
  }
}

export const RTCP_SR = 200;
export const RTCP_RR = 201;
export const RTCP_SDES = 202;
export const RTCP_BYE = 203;
export const RTCP_APP = 204;
export const RTCP_RTPFB = 205;
export const RTCP_PSFB = 206;
export const RTCP_XR = 207;
/** RTPFB FMT values */
export const FMT_NACK = 1;
export const FMT_TWCC = 15;
/** PSFB FMT values */
export const FMT_PLI = 1;
export const FMT_FIR = 4;
export const FMT_AFB = 15;

export interface ReportBlock {
  ssrc: number;
  /** 8-bit fixed point fraction, 0..255 */
  fractionLost: number;
  /** cumulative number of packets lost, signed 24-bit */
  packetsLost: number;
  /** extended highest sequence number received */
  highestSeq: number;
  jitter: number;
  /** middle 32 bits of the last SR NTP timestamp */
  lsr: number;
  /** delay since last SR, 1/65536 s */
  dlsr: number;
}

export interface SenderInfo {
  ssrc: number;
  ntpSec: number;
  ntpFrac: number;
  rtpTimestamp: number;
  packetCount: number;
  octetCount: number;
}

export interface SenderReport extends SenderInfo {
  type: 'sr';
  reports: ReportBlock[];
}
export interface ReceiverReport {
  type: 'rr';
  ssrc: number;
  reports: ReportBlock[];
}
export interface SdesChunk {
  ssrc: number;
  cname?: string;
}
export interface SdesPacket {
  type: 'sdes';
  chunks: SdesChunk[];
}
export interface ByePacket {
  type: 'bye';
  ssrcs: number[];
  reason?: string;
}
export interface NackPacket {
  type: 'nack';
  senderSsrc: number;
  mediaSsrc: number;
  /** 16-bit sequence numbers, PID/BLP expanded, in packet order */
  seqs: number[];
}
/** transport-cc feedback, header fields only (status chunks and deltas are not decoded). */
export interface TransportCcPacket {
  type: 'twcc';
  senderSsrc: number;
  mediaSsrc: number;
  baseSeq: number;
  packetStatusCount: number;
  /** signed 24-bit, multiples of 64 ms */
  referenceTime: number;
  fbPktCount: number;
}
export interface PliPacket {
  type: 'pli';
  senderSsrc: number;
  mediaSsrc: number;
}
export interface FirEntry {
  ssrc: number;
  /** command sequence number 0..255 */
  seq: number;
}
export interface FirPacket {
  type: 'fir';
  senderSsrc: number;
  mediaSsrc: number;
  entries: FirEntry[];
}
export interface RembPacket {
  type: 'remb';
  senderSsrc: number;
  /** bits per second */
  bitrate: number;
  ssrcs: number[];
}
/** Any other RTCP packet (XR, unknown FMT, non-REMB AFB...). APP packets are skipped entirely. */
export interface OtherRtcpPacket {
  type: 'other';
  pt: number;
  /** the 5-bit count/FMT field */
  fmt: number;
  /** byte offset and length of the packet inside the compound */
  offset: number;
  length: number;
}

export type RtcpPacket =
  | SenderReport
  | ReceiverReport
  | SdesPacket
  | ByePacket
  | NackPacket
  | TransportCcPacket
  | PliPacket
  | FirPacket
  | RembPacket
  | OtherRtcpPacket;

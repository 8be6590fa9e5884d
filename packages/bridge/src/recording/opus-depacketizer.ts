// Opus frames from RTP (RFC 7587): each packet's payload is one Opus packet. Only order matters:
// a packet older than the last one handed out (a late duplicate) is dropped.
import { ExtendedSeq, rtpPayload, rtpSeq, rtpTimestamp } from '../rtp/index.js';

export interface OpusFrame {
  /** RTP timestamp (48 kHz). */
  timestamp: number;
  data: Buffer;
}

export class OpusDepacketizer {
  private readonly seq = new ExtendedSeq();
  private last = -1;

  push(packet: Buffer): OpusFrame | undefined {
    const payload = rtpPayload(packet);
    if (!payload || payload.length === 0) return undefined;
    const ext = this.seq.update(rtpSeq(packet));
    if (ext <= this.last) return undefined;
    this.last = ext;
    return { timestamp: rtpTimestamp(packet), data: Buffer.from(payload) };
  }
}

/** Channels an Opus packet is coded with: the TOC byte's s bit (RFC 6716 §3.1). */
export function opusChannels(packet: Buffer): 1 | 2 {
  return packet.length > 0 && (packet[0] & 0x04) !== 0 ? 2 : 1;
}

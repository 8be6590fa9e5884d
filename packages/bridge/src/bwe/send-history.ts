// What the bridge sent to one receiver, by transport-wide sequence number: the per-receiver counter
// stamped into the transport-cc header extension (stampTransportSeq), and a bounded ring of
// (send time, size) so that feedback can be matched with what was sent.
import { EXT_PROFILE_ONE_BYTE, EXT_PROFILE_TWO_BYTE, findHeaderExtension, rtpExtensionOffset } from '../rtp/index.js';

/** Packets remembered: ~8 s at 1000 packets/s, far longer than feedback takes to come back. */
const HISTORY = 8192;

const UNREPORTED = 0;
const REPORTED_LOST = 1;
const REPORTED_RECEIVED = 2;

export interface SentPacket {
  sendMs: number;
  size: number;
  /** Reported as received before (a duplicate report is ignored). */
  received: boolean;
  /** Reported as lost before (a late "received" is still taken, a second "lost" is not). */
  lost: boolean;
}

export class SendHistory {
  private readonly seqs = new Float64Array(HISTORY).fill(-1);
  private readonly sendMs = new Float64Array(HISTORY);
  private readonly sizes = new Uint32Array(HISTORY);
  private readonly states = new Uint8Array(HISTORY);
  /** Extended (never wrapping) number the next packet gets. */
  private next = 0;

  /** Takes the next sequence number and remembers the packet; returns its 16-bit value for the header. */
  add(sendMs: number, size: number): number {
    const ext = this.next++;
    const i = ext % HISTORY;
    this.seqs[i] = ext;
    this.sendMs[i] = sendMs;
    this.sizes[i] = size;
    this.states[i] = UNREPORTED;
    return ext & 0xffff;
  }

  get sent(): number {
    return this.next;
  }

  /**
   * The packet a 16-bit number in feedback refers to (the most recent one sent with it), marked as
   * reported; undefined when it is older than the history or was never sent.
   */
  report(seq16: number, received: boolean): SentPacket | undefined {
    if (this.next === 0) return undefined;
    const newest = this.next - 1;
    const ext = newest - ((newest - seq16) & 0xffff);
    if (ext < 0) return undefined;
    const i = ext % HISTORY;
    if (this.seqs[i] !== ext) return undefined;
    const before = this.states[i];
    if (before === REPORTED_RECEIVED || (!received && before === REPORTED_LOST)) return undefined;
    this.states[i] = received ? REPORTED_RECEIVED : REPORTED_LOST;
    return { sendMs: this.sendMs[i], size: this.sizes[i], received, lost: before === REPORTED_LOST };
  }
}

/**
 * Writes a 16-bit transport-wide sequence number into extension `extId` (1..14): in place when the
 * packet already carries it (2 bytes), else into a copy with the element added (a one-byte block
 * is created or extended; a two-byte block gets a two-byte element). undefined when the packet's
 * extension block has another profile or is malformed: then it goes out unstamped.
 */
export function stampTransportSeq(b: Buffer, extId: number, seq: number): Buffer | undefined {
  const present = findHeaderExtension(b, extId);
  if (present && present.length === 2) {
    present[0] = (seq >> 8) & 0xff;
    present[1] = seq & 0xff;
    return b;
  }
  if (present) return undefined; // another length: not ours to rewrite
  const fixed = 12 + 4 * (b[0] & 0x0f);
  if (b.length < fixed) return undefined;
  const o = rtpExtensionOffset(b);
  if (o < 0) {
    if (b[0] & 0x10) return undefined; // X set but the block is truncated
    const out = Buffer.allocUnsafe(b.length + 8);
    b.copy(out, 0, 0, fixed);
    out[0] |= 0x10;
    out.writeUInt16BE(EXT_PROFILE_ONE_BYTE, fixed);
    out.writeUInt16BE(1, fixed + 2);
    out[fixed + 4] = (extId << 4) | 1;
    out[fixed + 5] = (seq >> 8) & 0xff;
    out[fixed + 6] = seq & 0xff;
    out[fixed + 7] = 0;
    b.copy(out, fixed + 8, fixed);
    return out;
  }
  const profile = b.readUInt16BE(o);
  const words = b.readUInt16BE(o + 2);
  const dataEnd = o + 4 + words * 4;
  if (dataEnd > b.length) return undefined;
  // Appended after the existing data; its zero padding is legal between elements (RFC 8285 §4.2, §4.3).
  let element: number[];
  if (profile === EXT_PROFILE_ONE_BYTE) element = [(extId << 4) | 1, (seq >> 8) & 0xff, seq & 0xff, 0];
  else if ((profile & 0xfff0) === EXT_PROFILE_TWO_BYTE) element = [extId, 2, (seq >> 8) & 0xff, seq & 0xff];
  else return undefined;
  const out = Buffer.allocUnsafe(b.length + 4);
  b.copy(out, 0, 0, dataEnd);
  out.writeUInt16BE(words + 1, o + 2);
  out.set(element, dataEnd);
  b.copy(out, dataEnd + 4, dataEnd);
  return out;
}

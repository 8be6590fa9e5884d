// Seeded junk RTP and RTCP for the authenticated-media fuzz (rtp-fuzz.test.ts): packets built field by
// field so that most of them pass SRTP and reach the bridge's parsers and forwarding (random headers,
// CSRC counts, header extensions, padding, truncation, payload types, SSRCs; RTCP compounds of every
// type with junk lengths and counts), then sometimes mutated byte by byte.
import { junkBytes as junkArray, mutateBytes, pick, type Rnd } from '@parley/protocol/fuzz';

const junkBytes = (rnd: Rnd, n: number) => Buffer.from(junkArray(rnd, n));

export interface JunkTargets {
  /** The fuzzing endpoint's own signaled SSRCs (its packets with these are forwarded). */
  own: number[];
  /** The other endpoints' SSRCs (spoofed as a sender; targets of feedback). */
  others: number[];
  /** The next sequence number the fuzzer may use on one of its own SSRCs (keeps the real stream's SRTP index sane). */
  nextSeq(ssrc: number): number;
}

export interface JunkRtp {
  packet: Buffer;
  /** Where the receiver's SRTP takes the payload to start (header, CSRCs and extension). */
  headerLength: number;
  ssrc: number;
  seq: number;
}

const u32 = (rnd: Rnd) => Math.floor(rnd() * 2 ** 32) >>> 0;

function junkSsrc(rnd: Rnd, t: JunkTargets): number {
  const r = rnd();
  if (r < 0.5 && t.own.length) return pick(rnd, t.own);
  if (r < 0.7 && t.others.length) return pick(rnd, t.others);
  return pick(rnd, [0, 1, 0xffffffff, u32(rnd), u32(rnd)]);
}

/** Header extension elements: the ids Parley maps (1 audio level, 3 abs-send-time, 5 transport-cc, 10 mid, 11/12 rid) and others. */
function junkExtension(rnd: Rnd): Buffer {
  const twoByte = rnd() < 0.25;
  const profile = twoByte ? pick(rnd, [0x1000, 0x1001, 0x100f]) : rnd() < 0.9 ? 0xbede : u32(rnd) & 0xffff;
  const parts: Buffer[] = [];
  for (let n = Math.floor(rnd() * 5); n > 0; n--) {
    const id = pick(rnd, [1, 3, 5, 10, 11, 12, 0, 14, 15, Math.floor(rnd() * 256)]);
    const len = pick(rnd, [0, 1, 2, 3, 4, 16, Math.floor(rnd() * 40)]);
    const data = junkBytes(rnd, len);
    parts.push(twoByte ? Buffer.from([id, len]) : Buffer.from([(id << 4) | ((len - 1) & 0x0f)]), data);
  }
  let body = Buffer.concat(parts);
  body = Buffer.concat([body, Buffer.alloc((4 - (body.length % 4)) % 4)]);
  // The length in 32-bit words: right, or off, or wild.
  const words = rnd() < 0.75 ? body.length / 4 : pick(rnd, [0, 1, body.length / 4 + 1, 0xffff]);
  const head = Buffer.alloc(4);
  head.writeUInt16BE(profile, 0);
  head.writeUInt16BE(words & 0xffff, 2);
  return Buffer.concat([head, body]);
}

function junkPayload(rnd: Rnd, pt: number): Buffer {
  const r = rnd();
  if (r < 0.15) return Buffer.alloc(0);
  if (r < 0.3 && pt === 96) return junkBytes(rnd, Math.floor(rnd() * 3)); // RTX: no or half an original seq
  if (r < 0.5) {
    // VP8 descriptor (X, S, PID 0) and a key frame header with junk sizes: the keyframe detector reads it.
    const vp8 = Buffer.from([0x90 | Math.floor(rnd() * 16), 0xe0, u32(rnd) & 0xff, u32(rnd) & 0xff, 0x10, 0, 0]);
    return Buffer.concat([vp8, Buffer.from([0x9d, 0x01, 0x2a]), junkBytes(rnd, Math.floor(rnd() * 20))]);
  }
  return junkBytes(rnd, pick(rnd, [1, 4, 20, 200, 1100, Math.floor(rnd() * 1400)]));
}

export function junkRtp(rnd: Rnd, t: JunkTargets): JunkRtp {
  const ssrc = junkSsrc(rnd, t);
  const seq = t.own.includes(ssrc) ? t.nextSeq(ssrc) : u32(rnd) & 0xffff;
  const pt = pick(rnd, [111, 100, 96, 0, 13, 35, 63, 127, Math.floor(rnd() * 128)]);
  const cc = rnd() < 0.7 ? 0 : Math.floor(rnd() * 16);
  const csrcsPresent = rnd() < 0.85 ? cc : Math.floor(rnd() * cc);
  const ext = rnd() < 0.5 ? junkExtension(rnd) : undefined;
  const padded = rnd() < 0.15;
  const head = Buffer.alloc(12 + 4 * csrcsPresent);
  head[0] = 0x80 | (padded ? 0x20 : 0) | (ext ? 0x10 : 0) | cc;
  head[1] = (rnd() < 0.5 ? 0x80 : 0) | pt;
  head.writeUInt16BE(seq, 2);
  head.writeUInt32BE(u32(rnd), 4);
  head.writeUInt32BE(ssrc, 8);
  for (let i = 0; i < csrcsPresent; i++) head.writeUInt32BE(junkSsrc(rnd, t), 12 + 4 * i);
  const payload = junkPayload(rnd, pt);
  // Padding: its count byte right, zero, or larger than the payload.
  const padding = padded ? junkBytes(rnd, pick(rnd, [0, 1, 4, 8])) : Buffer.alloc(0);
  if (padding.length)
    padding[padding.length - 1] = pick(rnd, [padding.length, 0, 255, padding.length + payload.length + 1]);
  let packet = Buffer.concat([head, ext ?? Buffer.alloc(0), payload, padding]);
  // Byte mutations after the addressing fields (seq, ssrc stay what the SRTP index was chosen for).
  if (rnd() < 0.25) packet = Buffer.from(mutateBytes(packet, rnd, 12));
  return { packet, headerLength: rtpHeaderLength(packet), ssrc, seq };
}

/** The header length a receiver computes (fixed header, CSRCs, extension), capped at the packet's length. */
export function rtpHeaderLength(p: Buffer): number {
  let n = 12 + 4 * (p[0] & 0x0f);
  if (p[0] & 0x10 && p.length >= n + 4) n += 4 + 4 * p.readUInt16BE(n + 2);
  return Math.min(n, p.length);
}

/** One RTCP packet (header + body) of a type the bridge knows, or any other, with junk counts and lengths. */
function junkRtcpPacket(rnd: Rnd, t: JunkTargets): Buffer {
  const type = pick(rnd, [200, 201, 202, 203, 204, 205, 205, 205, 206, 206, 206, 207, 192, 195, 210]);
  let count = Math.floor(rnd() * 32);
  const sender = junkSsrc(rnd, t);
  const media = junkSsrc(rnd, t);
  const ssrcs = (n: number) => {
    const b = Buffer.alloc(4 * n);
    for (let i = 0; i < n; i++) b.writeUInt32BE(junkSsrc(rnd, t), 4 * i);
    return b;
  };
  const words = (n: number) => junkBytes(rnd, 4 * n);
  let body: Buffer;
  if (type === 200 || type === 201) {
    count = Math.floor(rnd() * 4);
    const blocks = rnd() < 0.8 ? count : Math.floor(rnd() * 4);
    body = Buffer.concat([ssrcs(1), type === 200 ? words(5) : Buffer.alloc(0), words(6 * blocks)]);
    if (blocks) body.writeUInt32BE(media, type === 200 ? 24 : 4);
  } else if (type === 202) {
    body = Buffer.concat([ssrcs(1), Buffer.from([1, 5]), junkBytes(rnd, 5), Buffer.from([0, 0])]);
  } else if (type === 203) {
    count = Math.floor(rnd() * 4);
    body = Buffer.concat([ssrcs(rnd() < 0.8 ? count : 3), Buffer.from([3]), Buffer.from('bye')]);
  } else if (type === 205) {
    count = pick(rnd, [1, 1, 15, 15, 3, count]); // generic NACK, transport-cc, TMMBR, other
    const fci =
      count === 15
        ? Buffer.concat([
            Buffer.from([(u32(rnd) >> 8) & 0xff, u32(rnd) & 0xff]),
            Buffer.from([rnd() < 0.5 ? 0 : 0xff, u32(rnd) & 0xff]),
            words(1 + Math.floor(rnd() * 6)),
          ])
        : words(Math.floor(rnd() * 20));
    body = Buffer.concat([ssrcs(1), Buffer.alloc(4), fci]);
    body.writeUInt32BE(media, 4);
  } else if (type === 206) {
    count = pick(rnd, [1, 1, 4, 15, 15, 2, count]); // PLI, FIR, REMB (AFB), SLI, other
    let fci: Buffer;
    if (count === 15) {
      const n = pick(rnd, [0, 1, 2, 255]);
      fci = Buffer.concat([Buffer.from('REMB'), Buffer.from([n, u32(rnd) & 0xff, 0xff, 0xff]), ssrcs(Math.min(n, 4))]);
    } else if (count === 4) fci = Buffer.concat([ssrcs(1), words(1)]);
    else fci = words(Math.floor(rnd() * 3));
    body = Buffer.concat([ssrcs(1), Buffer.alloc(4), fci]);
    body.writeUInt32BE(media, 4);
  } else body = Buffer.concat([ssrcs(1), words(Math.floor(rnd() * 8))]);
  body.writeUInt32BE(sender, 0);
  const head = Buffer.alloc(4);
  head[0] = 0x80 | (rnd() < 0.1 ? 0x20 : 0) | (count & 0x1f);
  head[1] = type;
  // Length in words minus one: right, or one off, or wild.
  const right = (4 + body.length) / 4 - 1;
  head.writeUInt16BE(rnd() < 0.75 ? right : pick(rnd, [0, right - 1, right + 1, 0xffff]) & 0xffff, 2);
  return Buffer.concat([head, body]);
}

/** A compound of one to four junk RTCP packets, sometimes mutated; at least 8 bytes (SRTCP needs the sender SSRC). */
export function junkRtcp(rnd: Rnd, t: JunkTargets): Buffer {
  const parts = Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => junkRtcpPacket(rnd, t));
  let compound: Buffer = Buffer.concat(parts);
  if (rnd() < 0.25) compound = Buffer.from(mutateBytes(compound, rnd, 2)); // keep V/P/count and type: it stays RTCP
  if (compound.length < 8) compound = Buffer.concat([compound, Buffer.alloc(8 - compound.length)]);
  return compound;
}

// Test helper: real VP8 and Opus frames made by ffmpeg (libvpx, libopus) and an RFC 7741 / RFC 7587
// RTP packetizer, so the depacketizers and the writer are checked against an independent encoder.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface EncodedFrame {
  data: Buffer;
  /** Presentation time, ms. */
  ms: number;
}

/**
 * VP8 frames of a solid colour (or, with `source`, any lavfi source such as testsrc2): `seconds` at
 * `fps`, a keyframe every `gop` frames.
 */
export function vp8Frames(
  dir: string,
  colour: string,
  seconds: number,
  fps = 30,
  gop = 30,
  o: { size?: string; bitrate?: string; source?: string } = {},
): EncodedFrame[] {
  const file = join(dir, `${colour}-${o.source ? 'src' : 'solid'}.ivf`);
  const input = o.source ?? `color=c=${colour}:s=${o.size ?? '320x240'}:r=${fps}`;
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    input,
    '-t',
    String(seconds),
    '-c:v',
    'libvpx',
    '-g',
    String(gop),
    '-b:v',
    o.bitrate ?? '300k',
    '-f',
    'ivf',
    file,
  ]);
  const ivf = readFileSync(file);
  // IVF: 32-byte file header, then per frame: 4-byte size, 8-byte timestamp (in 1/fps units), data.
  const frames: EncodedFrame[] = [];
  for (let o = ivf.readUInt16LE(6); o + 12 <= ivf.length; ) {
    const size = ivf.readUInt32LE(o);
    const pts = Number(ivf.readBigUInt64LE(o + 4));
    frames.push({ data: ivf.subarray(o + 12, o + 12 + size), ms: (pts * 1000) / fps });
    o += 12 + size;
  }
  return frames;
}

/** Opus packets (20 ms each) of a sine tone. */
export function opusFrames(dir: string, seconds: number, hz = 440): EncodedFrame[] {
  const file = join(dir, `tone-${hz}.ogg`);
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `sine=f=${hz}:r=48000`,
    '-t',
    String(seconds),
    '-c:a',
    'libopus',
    '-frame_duration',
    '20',
    '-ac',
    '1',
    '-f',
    'ogg',
    file,
  ]);
  const packets = oggPackets(readFileSync(file)).slice(2); // OpusHead, OpusTags
  return packets.map((data, i) => ({ data, ms: i * 20 }));
}

/** Packets of an Ogg stream (RFC 3533): pages of lacing values; a value below 255 ends a packet. */
function oggPackets(ogg: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let pending: Buffer[] = [];
  for (let o = 0; o + 27 <= ogg.length; ) {
    if (ogg.toString('ascii', o, o + 4) !== 'OggS') throw new Error(`no Ogg page at ${o}`);
    const segments = ogg[o + 26];
    let data = o + 27 + segments;
    for (let i = 0; i < segments; i++) {
      const len = ogg[o + 27 + i];
      pending.push(ogg.subarray(data, data + len));
      data += len;
      if (len < 255) {
        out.push(Buffer.concat(pending));
        pending = [];
      }
    }
    o = data;
  }
  return out;
}

export interface RtpOptions {
  ssrc: number;
  pt: number;
  seq: number;
  clockRate: number;
}

function rtpHeader(o: RtpOptions, seq: number, ts: number, marker: boolean): Buffer {
  const h = Buffer.alloc(12);
  h[0] = 0x80;
  h[1] = (marker ? 0x80 : 0) | o.pt;
  h.writeUInt16BE(seq & 0xffff, 2);
  h.writeUInt32BE(ts >>> 0, 4);
  h.writeUInt32BE(o.ssrc >>> 0, 8);
  return h;
}

/**
 * RFC 7741 packetization: each frame split into pieces of at most `mtu` bytes, a descriptor with a
 * 15-bit PictureID on each, S=1 on the first, the marker bit on the last.
 */
export function vp8Packets(frames: EncodedFrame[], o: RtpOptions, mtu = 500, tsStart = 0): Buffer[] {
  const out: Buffer[] = [];
  let seq = o.seq;
  frames.forEach((f, picture) => {
    const ts = tsStart + Math.round((f.ms * o.clockRate) / 1000);
    for (let at = 0; at < f.data.length; at += mtu) {
      const piece = f.data.subarray(at, at + mtu);
      const last = at + mtu >= f.data.length;
      const descriptor = Buffer.from([
        0x80 | (at === 0 ? 0x10 : 0),
        0x80,
        0x80 | ((picture >> 8) & 0x7f),
        picture & 0xff,
      ]);
      out.push(Buffer.concat([rtpHeader(o, seq++, ts, last), descriptor, piece]));
    }
  });
  return out;
}

/** RFC 7587 packetization: one Opus packet per RTP packet. */
export function opusPackets(frames: EncodedFrame[], o: RtpOptions, tsStart = 0): Buffer[] {
  return frames.map((f, i) =>
    Buffer.concat([rtpHeader(o, o.seq + i, tsStart + Math.round((f.ms * o.clockRate) / 1000), false), f.data]),
  );
}

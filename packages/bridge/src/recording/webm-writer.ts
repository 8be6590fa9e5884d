// A streaming WebM (Matroska) writer for VP8 and Opus as received: no transcoding, no seeking back.
// The Segment and every Cluster are written with "unknown size", so a file cut at any byte plays
// up to the last whole block before the cut (what a recorder killed mid-meeting leaves behind).
// Pure: each call returns the bytes to append; the caller owns the file.
import { binary, element, float, openElement, string, uint } from './ebml.js';

const ID = {
  EBML: 0x1a45dfa3,
  EBMLVersion: 0x4286,
  EBMLReadVersion: 0x42f7,
  EBMLMaxIDLength: 0x42f2,
  EBMLMaxSizeLength: 0x42f3,
  DocType: 0x4282,
  DocTypeVersion: 0x4287,
  DocTypeReadVersion: 0x4285,
  Segment: 0x18538067,
  Info: 0x1549a966,
  TimecodeScale: 0x2ad7b1,
  MuxingApp: 0x4d80,
  WritingApp: 0x5741,
  Tracks: 0x1654ae6b,
  TrackEntry: 0xae,
  TrackNumber: 0xd7,
  TrackUID: 0x73c5,
  TrackType: 0x83,
  FlagLacing: 0x9c,
  CodecID: 0x86,
  CodecPrivate: 0x63a2,
  CodecDelay: 0x56aa,
  SeekPreRoll: 0x56bb,
  Name: 0x536e,
  Video: 0xe0,
  PixelWidth: 0xb0,
  PixelHeight: 0xba,
  Audio: 0xe1,
  SamplingFrequency: 0xb5,
  Channels: 0x9f,
  Cluster: 0x1f43b675,
  Timecode: 0xe7,
  SimpleBlock: 0xa3,
} as const;

export type WebmTrack =
  | { number: number; kind: 'video'; codec: 'vp8'; width: number; height: number; name?: string }
  | { number: number; kind: 'audio'; codec: 'opus'; channels: 1 | 2; name?: string };

/** A block's time relative to its cluster is a signed 16-bit count of milliseconds. */
const MAX_CLUSTER_SPAN_MS = 30_000;
/** Audio-only files still get a cluster now and then, so players can seek. */
const AUDIO_CLUSTER_MS = 5_000;
/** Opus decoders discard 80 ms after a seek (Matroska's recommended SeekPreRoll for Opus). */
const OPUS_SEEK_PRE_ROLL_NS = 80_000_000;

/** The Ogg-style identification header that Matroska carries as Opus's CodecPrivate (RFC 7845 §5.1). */
export function opusHead(channels: 1 | 2, preSkip = 0): Buffer {
  const b = Buffer.alloc(19);
  b.write('OpusHead', 0, 'ascii');
  b[8] = 1; // version
  b[9] = channels;
  b.writeUInt16LE(preSkip, 10);
  b.writeUInt32LE(48_000, 12); // input sample rate (informational)
  b.writeInt16LE(0, 16); // output gain
  b[18] = 0; // channel mapping family 0: mono or stereo
  return b;
}

export class WebmWriter {
  private clusterMs: number | undefined;
  private readonly lastMs = new Map<number, number>();
  private readonly hasVideo: boolean;

  constructor(private readonly tracks: readonly WebmTrack[]) {
    if (tracks.length === 0) throw new Error('a WebM file needs at least one track');
    const numbers = new Set(tracks.map((t) => t.number));
    if (numbers.size !== tracks.length || [...numbers].some((n) => n < 1 || n > 126))
      throw new Error('WebM track numbers must be distinct and between 1 and 126');
    this.hasVideo = tracks.some((t) => t.kind === 'video');
  }

  /** The EBML header, the open Segment, Info (1 ms timecodes) and Tracks. Written once, first. */
  header(): Buffer {
    const ebml = element(
      ID.EBML,
      uint(ID.EBMLVersion, 1),
      uint(ID.EBMLReadVersion, 1),
      uint(ID.EBMLMaxIDLength, 4),
      uint(ID.EBMLMaxSizeLength, 8),
      string(ID.DocType, 'webm'),
      uint(ID.DocTypeVersion, 4),
      uint(ID.DocTypeReadVersion, 2),
    );
    const info = element(
      ID.Info,
      uint(ID.TimecodeScale, 1_000_000),
      string(ID.MuxingApp, 'parley'),
      string(ID.WritingApp, 'parley-bridge-recorder'),
    );
    const tracks = element(ID.Tracks, ...this.tracks.map((t) => trackEntry(t)));
    return Buffer.concat([ebml, openElement(ID.Segment), info, tracks]);
  }

  /**
   * One frame as a SimpleBlock, preceded by a new Cluster when one is due: at each video keyframe
   * (so every cluster can be decoded on its own), every few seconds for audio-only files, and
   * whenever the relative time would not fit. A frame earlier than its track's previous one is
   * written at the previous time (Matroska wants each track's times in order).
   */
  block(track: number, timeMs: number, keyframe: boolean, frame: Buffer): Buffer {
    const t = this.tracks.find((x) => x.number === track);
    if (!t) throw new Error(`no WebM track ${track}`);
    const time = Math.max(Math.round(timeMs), this.lastMs.get(track) ?? 0, 0);
    this.lastMs.set(track, time);
    const parts: Buffer[] = [];
    const rel = this.clusterMs === undefined ? undefined : time - this.clusterMs;
    const due =
      rel === undefined ||
      rel > MAX_CLUSTER_SPAN_MS ||
      rel < -MAX_CLUSTER_SPAN_MS ||
      (t.kind === 'video' && keyframe && rel > 0) ||
      (!this.hasVideo && rel >= AUDIO_CLUSTER_MS);
    if (due) {
      this.clusterMs = time;
      parts.push(openElement(ID.Cluster), uint(ID.Timecode, time));
    }
    const head = Buffer.alloc(4);
    head[0] = 0x80 | track; // track number as a 1-byte EBML varint
    head.writeInt16BE(time - this.clusterMs!, 1);
    // Flags: keyframe for video keyframes and for every audio frame (each Opus packet decodes alone).
    head[3] = keyframe || t.kind === 'audio' ? 0x80 : 0x00;
    parts.push(element(ID.SimpleBlock, head, frame));
    return Buffer.concat(parts);
  }
}

function trackEntry(t: WebmTrack): Buffer {
  const common = [
    uint(ID.TrackNumber, t.number),
    uint(ID.TrackUID, t.number),
    uint(ID.FlagLacing, 0),
    ...(t.name ? [string(ID.Name, t.name)] : []),
  ];
  if (t.kind === 'video')
    return element(
      ID.TrackEntry,
      ...common,
      uint(ID.TrackType, 1),
      string(ID.CodecID, 'V_VP8'),
      element(ID.Video, uint(ID.PixelWidth, t.width), uint(ID.PixelHeight, t.height)),
    );
  return element(
    ID.TrackEntry,
    ...common,
    uint(ID.TrackType, 2),
    string(ID.CodecID, 'A_OPUS'),
    binary(ID.CodecPrivate, opusHead(t.channels)),
    uint(ID.CodecDelay, 0),
    uint(ID.SeekPreRoll, OPUS_SEEK_PRE_ROLL_NS),
    element(ID.Audio, float(ID.SamplingFrequency, 48_000), uint(ID.Channels, t.channels)),
  );
}

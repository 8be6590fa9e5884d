// A named source an endpoint sends ("<endpointId>-v0"): its SSRCs, grouped into streams (a primary
// SSRC with its RTX SSRC), and for video the packet cache and loss detector of each stream. A video
// source with an ssrc-group SIM is simulcast: its streams are the layers, low to high, in SIM order.
import type { Colibri2MediaSource, MediaType, VideoType } from '@parley/protocol';
import { BitrateMeter, LossDetector, PacketCache } from '../rtp/index.js';

export class IncomingStream {
  readonly cache?: PacketCache;
  readonly loss?: LossDetector;
  /** The last sender report, forwarded to new receivers for lip sync. */
  lastSenderReport?: Buffer;
  /** Payload type of the last media packet, to map RTX back (apt). */
  lastPt = -1;
  /** A keyframe request arrived while requests to this stream were being rate limited: send one when allowed. */
  keyframeWanted = false;
  /** Frame height from this stream's last VP8 keyframe (simulcast layer selection). */
  height?: number;
  /** What this video stream costs a receiver (simulcast layer allocation). */
  readonly bitrate?: BitrateMeter;

  constructor(
    readonly source: MediaSource,
    readonly primarySsrc: number,
    readonly rtxSsrc: number | undefined,
    /** Simulcast layer index, 0 the lowest; 0 for a source without simulcast. */
    readonly layer = 0,
    /** When the stream was announced (its bitrate reads 0 after a silent second). */
    announcedAt = performance.now(),
  ) {
    if (source.media === 'video') {
      this.bitrate = new BitrateMeter(announcedAt);
      this.cache = new PacketCache({ capacity: 1024, maxAgeMs: 1500 });
      this.loss = new LossDetector({ maxNacks: 10, retryIntervalMs: 50, maxAgeMs: 1000 });
    }
  }
}

export class MediaSource {
  readonly streams: IncomingStream[] = [];

  constructor(
    readonly name: string,
    readonly media: MediaType,
    readonly owner: string,
    /** From colibri2; a sender may change it later on the bridge channel (SourceVideoTypeMessage). */
    public videoType: VideoType | undefined,
  ) {}

  /** More than one layer (ssrc-group SIM): receivers get one layer, rewritten onto the first SSRC. */
  get simulcast(): boolean {
    return this.streams.length > 1 && this.streams[1].layer === 1;
  }

  /**
   * Builds a source from colibri2: primaries are the SSRCs that are not the second of a FID pair; a
   * SIM group (video) orders them as layers, low to high, as lib-jitsi-meet and Chrome list them.
   */
  static fromColibri2(ms: Colibri2MediaSource, owner: string, now = performance.now()): MediaSource {
    const videoType = ms.sources.find((s) => s.videoType)?.videoType;
    const source = new MediaSource(ms.id, ms.type, owner, ms.type === 'video' ? (videoType ?? 'camera') : undefined);
    const rtxOf = new Map<number, number>();
    for (const g of ms.ssrcGroups) if (g.semantics === 'FID' && g.ssrcs.length === 2) rtxOf.set(g.ssrcs[0], g.ssrcs[1]);
    const rtx = new Set(rtxOf.values());
    const known = new Set(ms.sources.map((s) => s.ssrc));
    const sim = ms.type === 'video' ? ms.ssrcGroups.find((g) => g.semantics === 'SIM') : undefined;
    const simSsrcs = [...new Set(sim?.ssrcs ?? [])];
    const layers = simSsrcs.length > 1 && simSsrcs.every((s) => known.has(s) && !rtx.has(s)) ? simSsrcs : [];
    for (const [i, ssrc] of layers.entries()) {
      source.streams.push(new IncomingStream(source, ssrc, rtxOf.get(ssrc), i, now));
    }
    for (const s of ms.sources) {
      if (rtx.has(s.ssrc) || source.streams.some((x) => x.primarySsrc === s.ssrc)) continue;
      source.streams.push(new IncomingStream(source, s.ssrc, rtxOf.get(s.ssrc), layers.length ? -1 : 0));
    }
    return source;
  }

  ssrcs(): number[] {
    return this.streams.flatMap((s) => (s.rtxSsrc === undefined ? [s.primarySsrc] : [s.primarySsrc, s.rtxSsrc]));
  }

  dump() {
    return {
      name: this.name,
      media: this.media,
      videoType: this.videoType,
      streams: this.streams.map((s) => ({
        ssrc: s.primarySsrc,
        rtx: s.rtxSsrc,
        missing: s.loss?.missingCount ?? 0,
        ...(this.simulcast ? { layer: s.layer, height: s.height } : {}),
      })),
    };
  }
}

// Payload-type facts an endpoint needs while forwarding: which PT is RTX for which, and the
// video codec of a PT (for keyframe detection).
import type { PayloadType } from '@parley/protocol';
import type { VideoCodec } from '../rtp/index.js';

export class CodecMap {
  private readonly rtxFor = new Map<number, number>();
  private readonly aptOf = new Map<number, number>();
  private readonly codec = new Map<number, VideoCodec>();

  constructor(payloadTypes: readonly PayloadType[] = []) {
    for (const pt of payloadTypes) {
      const name = pt.name.toLowerCase();
      if (name === 'rtx' && pt.parameters.apt !== undefined) {
        const apt = Number(pt.parameters.apt);
        this.rtxFor.set(apt, pt.id);
        this.aptOf.set(pt.id, apt);
      } else if (name === 'vp8' || name === 'vp9' || name === 'h264' || name === 'av1') {
        this.codec.set(pt.id, name);
      }
    }
  }

  rtxPayloadType(primaryPt: number): number | undefined {
    return this.rtxFor.get(primaryPt);
  }

  primaryPayloadType(rtxPt: number): number | undefined {
    return this.aptOf.get(rtxPt);
  }

  videoCodec(pt: number): VideoCodec | undefined {
    return this.codec.get(pt);
  }
}

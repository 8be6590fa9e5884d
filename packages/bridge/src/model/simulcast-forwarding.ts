// Simulcast on the forwarding path: per receiver and simulcast source, the layer the allocator picks
// and the projection that rewrites it into one continuous stream on the source's first SIM SSRC.
// The Conference hands it packets, NACKs, keyframe requests and sender reports of simulcast sources.
import { allocateLayers, assumedHeight, type SourceDemand } from '../forwarding/layer-allocation.js';
import { SimulcastProjection } from '../forwarding/simulcast-projection.js';
import { maxHeightFor } from '../forwarding/video-selection.js';
import { buildSr, rtpPayload, vp8KeyframeSize, type SenderReport } from '../rtp/index.js';
import type { Endpoint } from './endpoint.js';
import type { IncomingStream, MediaSource } from './media-source.js';

export interface SimulcastHost {
  now(): number;
  /** Asks the sender for a keyframe of one layer (rate limited by the caller). */
  requestLayerKeyframe(source: MediaSource, layer: number): void;
}

export class SimulcastForwarding {
  /** By receiver, then source name: a sender re-announcing its sources (new objects) keeps the numbering. */
  private readonly projections = new WeakMap<Endpoint, Map<string, SimulcastProjection>>();

  constructor(private readonly host: SimulcastHost) {}

  /** The receiver's projection of a simulcast source, made on first use. */
  projection(receiver: Endpoint, source: MediaSource): SimulcastProjection {
    let bySource = this.projections.get(receiver);
    if (!bySource) this.projections.set(receiver, (bySource = new Map()));
    const ssrc = source.streams[0].primarySsrc;
    let p = bySource.get(source.name);
    if (p?.outSsrc !== ssrc) bySource.set(source.name, (p = new SimulcastProjection(ssrc)));
    return p;
  }

  private existing(receiver: Endpoint, source: MediaSource): SimulcastProjection | undefined {
    const p = this.projections.get(receiver)?.get(source.name);
    return p?.outSsrc === source.streams[0].primarySsrc ? p : undefined;
  }

  /** Learns a layer's height from its VP8 keyframe (the first packet of the frame). */
  observeKeyframe(stream: IncomingStream, packet: Buffer): void {
    const payload = rtpPayload(packet);
    const size = payload && vp8KeyframeSize(payload);
    if (size) stream.height = size.height;
  }

  /** Sends the receivers their projection of a layer's packet (leg extensions already removed). */
  forward(stream: IncomingStream, packet: Buffer, keyframe: boolean, vp8: boolean, receivers: Endpoint[]): void {
    if (stream.layer < 0) return;
    const now = this.host.now();
    for (const r of receivers) {
      const out = this.existing(r, stream.source)?.project({ layer: stream.layer, packet, keyframe, vp8, now });
      if (out) r.sendRtp(out);
    }
  }

  /** The packet the receiver saw as `outSeq` (its NACK), rebuilt from the layer's cache; undefined when gone. */
  retransmission(
    receiver: Endpoint,
    source: MediaSource,
    outSeq: number,
    isVp8: (b: Buffer) => boolean,
  ): Buffer | undefined {
    const cached = (layer: number, seq: number) => source.streams[layer]?.cache?.get(seq)?.packet;
    return this.existing(receiver, source)?.retransmission(outSeq, cached, isVp8);
  }

  /** The layer a receiver's keyframe request (PLI/FIR on the projected SSRC) is for: the one it gets. */
  keyframeLayer(receiver: Endpoint, source: MediaSource): number {
    const p = this.existing(receiver, source);
    if (!p) return -1;
    return p.currentLayer >= 0 ? p.currentLayer : p.targetLayer;
  }

  /**
   * A layer's sender report as each receiver forwarded that layer must see it: the projected SSRC,
   * timestamp and the packet/octet counts of what it was sent.
   */
  senderReports(stream: IncomingStream, sr: SenderReport, receivers: Endpoint[]): [Endpoint, Buffer][] {
    const out: [Endpoint, Buffer][] = [];
    for (const r of receivers) {
      const p = this.existing(r, stream.source);
      const ts = p?.senderReportTimestamp(stream.layer, sr.rtpTimestamp);
      if (p === undefined || ts === undefined) continue;
      const info = { ...sr, ssrc: p.outSsrc, rtpTimestamp: ts, packetCount: p.packetsSent, octetCount: p.octetsSent };
      out.push([r, buildSr(info, [])]);
    }
    return out;
  }

  /**
   * Chooses the layer of each simulcast source the receiver gets (`forwarded` in rank order), within
   * its bandwidth estimate less what its other video costs; asks for keyframes of layers to switch to.
   */
  allocate(receiver: Endpoint, forwarded: readonly MediaSource[], otherVideoBps: number): void {
    const now = this.host.now();
    const simulcast = forwarded.filter((s) => s.simulcast);
    const demands: SourceDemand[] = simulcast.map((s) => ({
      name: s.name,
      maxHeight: maxHeightFor(receiver.constraints, s.name),
      layers: s.streams
        .filter((st) => st.layer >= 0)
        .map((st) => ({ height: st.height ?? assumedHeight(st.layer), bitrateBps: st.bitrate?.bps(now) })),
    }));
    const estimate = receiver.estimatedBandwidthBps;
    const layers = allocateLayers(demands, estimate === undefined ? undefined : Math.max(0, estimate - otherVideoBps));
    // What an unlimited link would carry: above the estimate, the bridge probes for more (bwe/prober.ts).
    let wantedBps = otherVideoBps;
    for (const [name, layer] of allocateLayers(demands)) {
      const d = demands.find((x) => x.name === name);
      if (layer >= 0) wantedBps += d?.layers[layer]?.bitrateBps ?? 0;
    }
    receiver.bwe.wantedBps = estimate !== undefined && wantedBps > estimate ? wantedBps : undefined;
    const wanted = new Set(simulcast.map((s) => s.name));
    for (const s of simulcast) {
      const p = this.projection(receiver, s);
      p.targetLayer = layers.get(s.name) ?? -1;
      if (p.switching && receiver.connected) this.host.requestLayerKeyframe(s, p.targetLayer);
    }
    // Sources no longer forwarded are paused, not forgotten: if they come back, numbering goes on.
    for (const [s, p] of this.projections.get(receiver) ?? []) if (!wanted.has(s)) p.targetLayer = -1;
  }

  /** Forgets sources that left (their projections in every receiver). */
  forget(receivers: Iterable<Endpoint>, sourceNames: Iterable<string>): void {
    for (const name of sourceNames) for (const r of receivers) this.projections.get(r)?.delete(name);
  }

  /** Per receiver: forwarded simulcast source → [target, current] layer (debug dump). */
  dump(receiver: Endpoint): Record<string, { target: number; current: number }> {
    const out: Record<string, { target: number; current: number }> = {};
    for (const [name, p] of this.projections.get(receiver) ?? [])
      out[name] = { target: p.targetLayer, current: p.currentLayer };
    return out;
  }
}

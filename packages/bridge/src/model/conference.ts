// One conference on the bridge: its endpoints, the SSRC index, and the forwarding between them.
// Forwarding never decodes: RTP goes from the sender's SRTP context to each receiver's, with the
// mid extension removed; RTCP is terminated per leg (NACK answered from the cache with RTX,
// keyframe requests coalesced toward the sender, sender reports passed on for lip sync). A simulcast
// source goes through SimulcastForwarding: one layer per receiver, rewritten into one stream.
import type { BridgeChannelMessage, Colibri2Media, ReceiverAudioSubscription } from '@parley/protocol';
import type { Logger } from '@parley/service';
import {
  audioLevel,
  buildNack,
  buildPli,
  buildSr,
  fromRtx,
  isKeyframe,
  parseRtcp,
  PliLimiter,
  removeHeaderExtension,
  RtxSeqAllocator,
  rtpFault,
  rtpHasExtension,
  rtpPayload,
  rtpPayloadType,
  rtpSeq,
  rtpSsrc,
  toRtx,
  transportSeq,
  type RtcpPacket,
} from '../rtp/index.js';
import { buildPaddingProbes } from '../bwe/index.js';
import { DominantSpeaker } from '../forwarding/dominant-speaker.js';
import { selectVideoSources } from '../forwarding/video-selection.js';
import type { ConferenceRecorder } from '../recording/conference-recorder.js';
import type { LiveStream } from '../recording/live-stream.js';
import { CodecMap } from './codecs.js';
import type { BridgeCounters } from './counters.js';
import { Endpoint, type EndpointHost } from './endpoint.js';
import type { MediaTransport } from './media-transport.js';
import type { IncomingStream, MediaSource } from './media-source.js';
import { SimulcastForwarding } from './simulcast-forwarding.js';

/**
 * Header extensions that belong to one leg: the mids each receiver maps for itself. The sender's
 * transport-wide sequence number (5) stays in place: each receiver's leg overwrites it with its own
 * (Endpoint.sendRtp, src/bwe), which costs no copy.
 */
const LEG_SPECIFIC_EXTENSIONS = [10 /* sdes:mid */, 11 /* rid */, 12 /* repaired-rid */];
const AUDIO_LEVEL_EXTENSION = 1;
const TRANSPORT_CC_EXTENSION = 5;

interface SsrcEntry {
  stream: IncomingStream;
  endpoint: Endpoint;
  isRtx: boolean;
}

export interface ConferenceOptions {
  counters: BridgeCounters;
  log: Logger;
  now?: () => number;
  bridgeLastN?: number;
}

/** How long after a reconnection a source's keyframe is asked for (receivers ask themselves after ~3 s). */
const KEYFRAME_CHASE_MS = 3_000;
/** How often simulcast layers are chosen again from measured bitrates and bandwidth estimates. */
const LAYER_ALLOCATION_MS = 500;

export class Conference implements EndpointHost {
  readonly endpoints = new Map<string, Endpoint>();
  private readonly ssrcs = new Map<number, SsrcEntry>();
  private readonly speakers = new DominantSpeaker();
  private readonly pli = new PliLimiter({ intervalMs: 300 });
  /** Video sources of a reconnected endpoint, until when their keyframe is asked for (see onReconnected). */
  private readonly keyframeOnResume = new WeakMap<MediaSource, number>();
  private readonly rtxSeq = new RtxSeqAllocator();
  private codecs = new CodecMap();
  readonly counters: BridgeCounters;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly simulcast = new SimulcastForwarding({
    now: () => this.now(),
    requestLayerKeyframe: (source, layer) => this.requestLayerKeyframe(source, layer),
  });
  private lastLayerAllocation = 0;
  closed = false;
  /** The recording tap: decrypted media of each endpoint's first audio and video source, when recording. */
  recorder?: ConferenceRecorder;
  /** The live stream tap (RTMP push through ffmpeg): the same packets as the recorder. */
  liveStream?: LiveStream;

  constructor(
    readonly meetingId: string,
    readonly name: string | undefined,
    private readonly opts: ConferenceOptions,
  ) {
    this.counters = opts.counters;
    this.log = opts.log.child({ conference: name ?? meetingId });
    this.now = opts.now ?? (() => performance.now());
  }

  createEndpoint(id: string, transport: MediaTransport, opts: { statsId?: string; media?: Colibri2Media[] }): Endpoint {
    if (this.endpoints.has(id)) throw new Error(`endpoint ${id} already exists`);
    const pts = opts.media?.flatMap((m) => m.payloadTypes) ?? [];
    if (pts.length) this.codecs = new CodecMap(pts);
    const ep = new Endpoint(id, this, transport, this.log.child({ endpoint: id }), opts.statsId);
    this.endpoints.set(id, ep);
    this.log.info('endpoint.created', { endpoint: id });
    return ep;
  }

  expireEndpoint(id: string): void {
    const ep = this.endpoints.get(id);
    if (!ep) return;
    this.endpoints.delete(id);
    this.recorder?.endpointLeft(id);
    this.liveStream?.endpointLeft(id);
    const gone: number[] = [];
    for (const [ssrc, e] of this.ssrcs)
      if (e.endpoint === ep) {
        this.ssrcs.delete(ssrc);
        gone.push(ssrc);
      }
    this.forgetSsrcs(gone);
    this.simulcast.forget(this.endpoints.values(), ep.sources.keys());
    this.rtxSeq.forgetReceiver(id);
    ep.close();
    const speaker = this.speakers.remove(id);
    if (speaker) this.announceSpeaker();
    this.log.info('endpoint.expired', { endpoint: id });
    this.updateForwarding();
  }

  // ---- EndpointHost ----

  onSourcesChanged(ep: Endpoint, before: MediaSource[]): void {
    const removed = new Set<number>();
    for (const s of before)
      for (const ssrc of s.ssrcs())
        if (this.ssrcs.get(ssrc)?.endpoint === ep) {
          this.ssrcs.delete(ssrc);
          removed.add(ssrc);
        }
    for (const s of ep.sources.values()) {
      for (const stream of s.streams) {
        for (const [ssrc, isRtx] of [
          [stream.primarySsrc, false],
          [stream.rtxSsrc, true],
        ] as const) {
          if (ssrc === undefined) continue;
          const owner = this.ssrcs.get(ssrc);
          if (owner && owner.endpoint !== ep) {
            this.log.warn('ssrc.conflict', { ssrc, endpoint: ep.id, owner: owner.endpoint.id });
            continue;
          }
          this.ssrcs.set(ssrc, { stream, endpoint: ep, isRtx });
          removed.delete(ssrc);
        }
      }
    }
    this.forgetSsrcs(removed);
    const gone = before.filter((s) => !ep.sources.has(s.name)).map((s) => s.name);
    this.simulcast.forget(this.endpoints.values(), gone);
    this.updateForwarding();
  }

  /**
   * SSRCs that left the conference: every endpoint forgets their SRTP state (the sender's receive
   * side, the receivers' send side). Without this a receiver in a long meeting kept the state of
   * every stream ever forwarded to it.
   */
  private forgetSsrcs(ssrcs: Iterable<number>): void {
    const list = [...ssrcs];
    if (!list.length) return;
    for (const e of this.endpoints.values()) e.forgetSsrcs(list);
  }

  onConnected(ep: Endpoint): void {
    this.log.info('endpoint.connected', { endpoint: ep.id });
    // A new receiver needs a keyframe of everything it gets, and the senders' clocks for lip sync.
    for (const name of ep.forwardedVideo) this.requestKeyframe(this.sourceByName(name));
    for (const other of this.endpoints.values()) {
      if (other === ep) continue;
      for (const s of other.sources.values()) {
        if (s.simulcast) continue; // its reports are rewritten per receiver once a layer is forwarded
        for (const st of s.streams) if (st.lastSenderReport) ep.sendRtcp(st.lastSenderReport);
      }
    }
    this.updateForwarding();
  }

  onReconnected(ep: Endpoint): void {
    this.log.info('endpoint.reconnected', { endpoint: ep.id });
    // What ep receives and what it sends both had a gap: keyframes both ways.
    this.onConnected(ep);
    for (const other of this.endpoints.values())
      if (other !== ep) for (const name of other.forwardedVideo) this.requestKeyframeFrom(ep, name);
    // A browser pauses its encoder while its network is down and may miss a request sent as it comes
    // back (its receivers would then wait ~3 s to ask themselves): its packets keep asking (one PLI
    // per limiter interval) until a keyframe comes, for at most KEYFRAME_CHASE_MS.
    const until = Date.now() + KEYFRAME_CHASE_MS;
    for (const s of ep.sources.values()) if (s.media === 'video') this.keyframeOnResume.set(s, until);
  }

  /** After a reconnection: asks for a keyframe until one of this source's packets is one. */
  private chaseKeyframe(source: MediaSource, packet: Buffer): void {
    const until = this.keyframeOnResume.get(source);
    if (until === undefined) return;
    const codec = this.codecs.videoCodec(rtpPayloadType(packet));
    const payload = codec && rtpPayload(packet);
    if ((payload && isKeyframe(payload, codec)) || Date.now() > until) {
      this.keyframeOnResume.delete(source);
      this.log.debug('source.resumed', { source: source.name, keyframe: Date.now() <= until });
      return;
    }
    this.requestKeyframe(source);
  }

  private requestKeyframeFrom(owner: Endpoint, name: string): void {
    const source = this.sourceByName(name);
    if (source && owner.sources.get(name) === source) this.requestKeyframe(source);
  }

  onRtp(from: Endpoint, plain: Buffer): void {
    // Before any state takes it in: a cached malformed packet would break every later retransmission.
    const fault = rtpFault(plain);
    if (fault) return this.counters.drop(fault);
    const entry = this.ssrcs.get(rtpSsrc(plain));
    if (!entry || entry.endpoint !== from) return this.counters.drop('unknown-ssrc');
    const { stream } = entry;
    const transportSeq16 = transportSeq(plain, TRANSPORT_CC_EXTENSION);
    if (transportSeq16 !== undefined) from.twcc.record(transportSeq16);
    let packet = plain;
    if (entry.isRtx) {
      const apt = this.codecs.primaryPayloadType(rtpPayloadType(plain)) ?? stream.lastPt;
      const original = fromRtx(plain, { primarySsrc: stream.primarySsrc, primaryPt: apt });
      if (!original) return this.counters.drop('rtx-padding');
      if (stream.loss && !stream.loss.isRecent(rtpSeq(original))) return this.counters.drop('rtx-not-recent');
      packet = original;
      this.counters.recoveredByRtx++;
      stream.loss?.onRecovered(rtpSeq(packet));
    } else {
      stream.lastPt = rtpPayloadType(plain);
      stream.loss?.onPacket(rtpSeq(plain));
      stream.bitrate?.record(plain.length, this.now());
    }
    stream.cache?.insert(packet);
    if (!entry.isRtx) this.chaseKeyframe(stream.source, packet);
    if (stream.source.media === 'audio') this.trackAudioLevel(from, packet);
    if (this.recorder?.running || this.liveStream?.running) this.record(from, stream, packet);
    const out = rtpHasExtension(packet) ? removeHeaderExtension(packet, LEG_SPECIFIC_EXTENSIONS) : packet;
    if (stream.source.simulcast) return this.forwardSimulcast(from, stream, packet, out, entry.isRtx);
    for (const receiver of this.endpoints.values()) {
      if (receiver === from) continue;
      if (stream.source.media === 'video' && !receiver.forwardedVideo.includes(stream.source.name)) continue;
      receiver.sendRtp(out);
    }
  }

  /** A simulcast layer's packet: measured, then projected for each receiver that gets the source. */
  private forwardSimulcast(from: Endpoint, stream: IncomingStream, packet: Buffer, out: Buffer, isRtx: boolean): void {
    const codec = this.codecs.videoCodec(rtpPayloadType(packet));
    const payload = codec && rtpPayload(packet);
    const keyframe = payload ? isKeyframe(payload, codec) : false;
    const vp8 = codec === 'vp8';
    if (!isRtx && keyframe && vp8) this.simulcast.observeKeyframe(stream, packet);
    const name = stream.source.name;
    const receivers: Endpoint[] = [];
    for (const r of this.endpoints.values()) if (r !== from && r.forwardedVideo.includes(name)) receivers.push(r);
    this.simulcast.forward(stream, out, keyframe, vp8, receivers);
  }

  /**
   * Hands a packet (decrypted, RTX already turned back into the original) to the recorder and the
   * live stream: only
   * each endpoint's first audio and camera source (`<id>-a0`, `<id>-v0`), first stream (no simulcast).
   */
  private record(from: Endpoint, stream: IncomingStream, packet: Buffer): void {
    const { source } = stream;
    const audio = `${from.id}-a0`;
    const video = `${from.id}-v0`;
    if (source.name === `${from.id}-v1` && source.streams[0] === stream && this.recorder?.running) {
      // The screen share: recorded in a file of its own, shown large in the composed file.
      this.recorder.onScreenPacket(from.id, packet);
      if (this.recorder.wantsScreenKeyframe(from.id)) this.requestKeyframe(source);
      return;
    }
    if ((source.name !== audio && source.name !== video) || source.streams[0] !== stream) return;
    const has = { audio: from.sources.has(audio), video: from.sources.has(video) };
    let wantsKeyframe = false;
    for (const tap of [this.recorder, this.liveStream]) {
      if (!tap?.running) continue;
      tap.onPacket(from.id, source.media, packet, has);
      wantsKeyframe ||= tap.wantsKeyframe(from.id);
    }
    if (source.media === 'video' && wantsKeyframe) this.requestKeyframe(source);
  }

  onRtcp(from: Endpoint, plain: Buffer): void {
    let packets: RtcpPacket[];
    try {
      packets = parseRtcp(plain);
    } catch {
      return this.counters.drop('rtcp-malformed');
    }
    // The SSRC SRTCP keyed this compound's state on: gone with the last stream it reports on.
    if (plain.length >= 8) from.noteRtcpReporter(plain.readUInt32BE(4), packets, (ssrc) => this.ssrcs.has(ssrc));
    for (const p of packets) {
      switch (p.type) {
        case 'nack':
          this.counters.nacksReceived++;
          this.retransmit(from, p.mediaSsrc, p.seqs);
          break;
        case 'pli':
        case 'fir': {
          this.counters.plisReceived++;
          const targets = p.type === 'pli' ? [p.mediaSsrc] : p.entries.map((e) => e.ssrc);
          for (const ssrc of targets) {
            const source = this.ssrcs.get(ssrc)?.stream.source;
            // A simulcast receiver asks on the projected SSRC: the keyframe it needs is of the layer it gets.
            if (source?.simulcast) this.requestLayerKeyframe(source, this.simulcast.keyframeLayer(from, source));
            else this.requestKeyframe(source);
          }
          break;
        }
        case 'sr': {
          const entry = this.ssrcs.get(p.ssrc);
          if (!entry || entry.endpoint !== from) break;
          // Only the sender info travels on: report blocks speak of the sender's own receive side.
          entry.stream.lastSenderReport = buildSr(p, []);
          if (entry.stream.source.simulcast) {
            const receivers = this.receiversOf(entry.stream.source);
            for (const [r, sr] of this.simulcast.senderReports(entry.stream, p, receivers)) r.sendRtcp(sr);
            break;
          }
          for (const r of this.receiversOf(entry.stream.source)) r.sendRtcp(entry.stream.lastSenderReport);
          break;
        }
        default:
          break; // RR, SDES, BYE, REMB, transport-cc: terminated here
      }
    }
  }

  onMessage(from: Endpoint, m: BridgeChannelMessage): void {
    switch (m.colibriClass) {
      case 'ReceiverVideoConstraints':
        from.constraints = m;
        this.updateForwarding();
        break;
      case 'EndpointMessage': {
        const relay = { ...m, from: from.id };
        if (m.to) this.endpoints.get(m.to)?.send(relay);
        else for (const ep of this.endpoints.values()) if (ep !== from) ep.send(relay);
        break;
      }
      case 'EndpointStats':
        for (const ep of this.endpoints.values()) if (ep !== from) ep.send({ ...m, from: from.id });
        break;
      case 'LastNChangedEvent':
        from.constraints = { ...(from.constraints ?? { colibriClass: 'ReceiverVideoConstraints' }), lastN: m.lastN };
        this.updateForwarding();
        break;
      case 'SourceVideoTypeMessage': {
        // Only the sender's own video sources; 'none' (nothing sent) leaves the type as it was.
        const source = from.sources.get(m.sourceName);
        if (source?.media !== 'video' || m.videoType === 'none') break;
        source.videoType = m.videoType === 'camera' ? 'camera' : 'desktop';
        this.updateForwarding();
        break;
      }
      case 'ReceiverAudioSubscription':
        from.audioSubscription = m;
        break;
      default:
        break; // ClientHello and the rest need no answer
    }
  }

  // ---- forwarding ----

  /** Recomputes what every receiver gets; announces changes and asks for keyframes of new video. */
  updateForwarding(): void {
    const videoSources = [...this.endpoints.values()].flatMap((e) =>
      [...e.sources.values()]
        .filter((s) => s.media === 'video')
        .map((s) => ({ name: s.name, owner: e.id, videoType: s.videoType })),
    );
    for (const r of this.endpoints.values()) {
      const next = selectVideoSources({
        receiver: r.id,
        sources: videoSources,
        constraints: r.constraints,
        speakerOrder: this.speakers.order,
        bridgeLastN: this.opts.bridgeLastN,
      });
      const added = next.filter((n) => !r.forwardedVideo.includes(n));
      const changed = added.length > 0 || next.length !== r.forwardedVideo.length;
      r.forwardedVideo = next;
      this.allocateLayers(r);
      if (!changed) continue;
      if (r.connected) for (const n of added) this.requestKeyframe(this.sourceByName(n));
      r.send({ colibriClass: 'ForwardedSources', forwardedSources: next });
    }
  }

  /**
   * Picks the simulcast layer of each source the receiver gets. A source paused for bandwidth stays in
   * its ForwardedSources: the receiver keeps its tile and shows it paused, not gone.
   */
  private allocateLayers(r: Endpoint): void {
    const forwarded: MediaSource[] = [];
    for (const name of r.forwardedVideo) {
      const s = this.sourceByName(name);
      if (s) forwarded.push(s);
    }
    if (!forwarded.some((s) => s.simulcast)) return;
    const now = this.now();
    let otherVideoBps = 0;
    for (const s of forwarded) if (!s.simulcast) for (const st of s.streams) otherVideoBps += st.bitrate?.bps(now) ?? 0;
    this.simulcast.allocate(r, forwarded, otherVideoBps);
  }

  private receiversOf(source: MediaSource): Endpoint[] {
    return [...this.endpoints.values()].filter(
      (r) =>
        r.id !== source.owner &&
        (source.media === 'audio'
          ? wantsAudio(r.audioSubscription, source.name)
          : r.forwardedVideo.includes(source.name)),
    );
  }

  private sourceByName(name: string): MediaSource | undefined {
    for (const ep of this.endpoints.values()) {
      const s = ep.sources.get(name);
      if (s) return s;
    }
    return undefined;
  }

  private requestKeyframe(source: MediaSource | undefined): void {
    if (!source || source.media !== 'video') return;
    const sender = this.endpoints.get(source.owner);
    if (!sender?.connected) return;
    for (const st of source.streams) this.sendKeyframeRequest(sender, st);
  }

  /** A keyframe of one simulcast layer (the one a receiver gets or is switching to). */
  private requestLayerKeyframe(source: MediaSource, layer: number): void {
    const sender = this.endpoints.get(source.owner);
    const st = source.streams[layer];
    if (layer < 0 || !st || !sender?.connected) return;
    this.sendKeyframeRequest(sender, st);
  }

  /** One PLI per stream per limiter interval; a request inside the interval is kept and sent when it ends. */
  private sendKeyframeRequest(sender: Endpoint, st: IncomingStream): void {
    if (!this.pli.request(st.primarySsrc)) {
      st.keyframeWanted = true;
      return;
    }
    st.keyframeWanted = false;
    this.counters.plisSent++;
    sender.sendRtcp(buildPli(sender.rtcpSsrc, st.primarySsrc));
  }

  /** Answers a receiver's NACK from the cache: RTX when negotiated, else the original packet. */
  private retransmit(receiver: Endpoint, mediaSsrc: number, seqs: readonly number[]): void {
    const entry = this.ssrcs.get(mediaSsrc);
    if (!entry || entry.isRtx || !entry.stream.cache) return;
    if (entry.stream.source.simulcast) return this.retransmitSimulcast(receiver, entry.stream.source, seqs);
    const { stream } = entry;
    for (const seq of seqs) {
      const cached = stream.cache!.get(seq);
      if (!cached) {
        this.counters.retransmissionMisses++;
        continue;
      }
      const rtxPt = this.codecs.rtxPayloadType(rtpPayloadType(cached.packet));
      let out: Buffer;
      if (stream.rtxSsrc !== undefined && rtxPt !== undefined) {
        out = toRtx(cached.packet, {
          rtxSsrc: stream.rtxSsrc,
          rtxPt,
          rtxSeq: this.rtxSeq.next(receiver.id, stream.rtxSsrc),
        });
      } else {
        out = Buffer.from(cached.packet);
      }
      if (rtpHasExtension(out)) out = removeHeaderExtension(out, LEG_SPECIFIC_EXTENSIONS);
      this.counters.retransmissions++;
      receiver.sendRtp(out);
    }
  }

  /** A NACK on the projected stream: each seq is found in the cache of the layer it was, and sent rewritten. */
  private retransmitSimulcast(receiver: Endpoint, source: MediaSource, seqs: readonly number[]): void {
    const rtxSsrc = source.streams[0].rtxSsrc;
    const isVp8 = (b: Buffer) => this.codecs.videoCodec(rtpPayloadType(b)) === 'vp8';
    for (const seq of seqs) {
      const packet = this.simulcast.retransmission(receiver, source, seq, isVp8);
      if (!packet) {
        this.counters.retransmissionMisses++;
        continue;
      }
      const rtxPt = this.codecs.rtxPayloadType(rtpPayloadType(packet));
      let out =
        rtxSsrc !== undefined && rtxPt !== undefined
          ? toRtx(packet, { rtxSsrc, rtxPt, rtxSeq: this.rtxSeq.next(receiver.id, rtxSsrc) })
          : packet;
      if (rtpHasExtension(out)) out = removeHeaderExtension(out, LEG_SPECIFIC_EXTENSIONS);
      this.counters.retransmissions++;
      receiver.sendRtp(out);
    }
  }

  private trackAudioLevel(from: Endpoint, packet: Buffer): void {
    const level = audioLevel(packet, AUDIO_LEVEL_EXTENSION);
    if (!level) return;
    if (this.speakers.update(from.id, level.level, level.voice, this.now())) {
      this.announceSpeaker();
      this.updateForwarding();
    }
  }

  private announceSpeaker(): void {
    const dominant = this.speakers.dominant;
    if (!dominant) return;
    const m = {
      colibriClass: 'DominantSpeakerEndpointChangeEvent' as const,
      dominantSpeakerEndpoint: dominant,
      previousSpeakers: this.speakers.order.slice(1),
    };
    for (const ep of this.endpoints.values()) ep.send(m);
  }

  /** Sends transport-cc feedback to every sender; called on the bridge's timer (~every 60 ms). */
  flushTransportFeedback(): void {
    for (const ep of this.endpoints.values()) ep.flushTransportFeedback();
  }

  /** Sends NACKs for what senders lost and deferred keyframe requests; called on the bridge's timer. */
  tick(): void {
    const now = this.now();
    if (now - this.lastLayerAllocation >= LAYER_ALLOCATION_MS) {
      this.lastLayerAllocation = now;
      for (const r of this.endpoints.values()) this.allocateLayers(r);
    }
    for (const ep of this.endpoints.values()) if (ep.connected) this.probe(ep);
    for (const { stream, endpoint, isRtx } of this.ssrcs.values()) {
      if (isRtx || !endpoint.connected) continue;
      if (stream.keyframeWanted) this.sendKeyframeRequest(endpoint, stream);
      if (!stream.loss) continue;
      const due = stream.loss.nacksDue();
      if (due.length === 0) continue;
      this.counters.nacksSent++;
      endpoint.sendRtcp(buildNack(endpoint.rtcpSsrc, stream.primarySsrc, due));
    }
  }

  /** Padding toward a receiver whose allocator wants more than its estimate, on a forwarded stream's RTX (src/bwe). */
  private probe(ep: Endpoint): void {
    const bytes = ep.bwe.probeBytesDue();
    if (bytes <= 0) return;
    const stream = ep.forwardedVideo
      .map((n) => this.sourceByName(n)?.streams[0])
      .find((s) => s?.rtxSsrc !== undefined && this.codecs.rtxPayloadType(s.lastPt) !== undefined);
    if (!stream) return;
    const ssrc = stream.rtxSsrc!;
    const payloadType = this.codecs.rtxPayloadType(stream.lastPt)!;
    const nextSeq = () => this.rtxSeq.next(ep.id, ssrc);
    for (const p of buildPaddingProbes(bytes, { ssrc, payloadType, nextSeq })) ep.sendRtp(p);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    void this.recorder?.stop('conference-ended');
    void this.liveStream?.stop('conference-ended');
    for (const id of [...this.endpoints.keys()]) {
      this.endpoints.get(id)!.close();
      this.endpoints.delete(id);
    }
    this.ssrcs.clear();
    this.log.info('conference.closed');
  }

  dump() {
    return {
      meetingId: this.meetingId,
      name: this.name,
      dominantSpeaker: this.speakers.dominant,
      endpoints: [...this.endpoints.values()].map((e) => ({ ...e.dump(), simulcastLayers: this.simulcast.dump(e) })),
    };
  }
}

/** lib-jitsi-meet's audio subscription: everyone (no message, or All), no one, only or all but the listed sources. */
export function wantsAudio(sub: ReceiverAudioSubscription | undefined, sourceName: string): boolean {
  switch (sub?.mode ?? 'All') {
    case 'None':
      return false;
    case 'Include':
      return sub?.list?.includes(sourceName) ?? false;
    case 'Exclude':
      return !(sub?.list?.includes(sourceName) ?? false);
    default:
      return true;
  }
}

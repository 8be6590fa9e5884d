// One participant on the bridge: its transport (ICE/DTLS/SCTP), its SRTP contexts, the sources
// it sends, and what it receives (forwarded video, constraints). Packets go to its conference.
import { randomInt } from 'node:crypto';
import {
  encodeBridgeChannelMessage,
  parseBridgeChannelMessage,
  UnknownColibriClassError,
  type BridgeChannelMessage,
  type Colibri2MediaSource,
  type IceTransport,
  type ReceiverAudioSubscription,
  type ReceiverVideoConstraints,
} from '@parley/protocol';
import type { Logger } from '@parley/service';
import { isRtcp, TwccRecorder, type RtcpPacket } from '../rtp/index.js';
import { SrtpContext, SrtpError, srtpKeysFromDtls } from '../srtp/index.js';
import { ReceiverBwe } from '../bwe/index.js';
import type { BridgeCounters } from './counters.js';
import type { MediaTransport, MediaTransportState } from './media-transport.js';
import { MediaSource } from './media-source.js';
import { RtcpReporters } from './rtcp-reporters.js';

/** What an endpoint calls on its conference. */
export interface EndpointHost {
  readonly counters: BridgeCounters;
  onRtp(from: Endpoint, plain: Buffer): void;
  onRtcp(from: Endpoint, plain: Buffer): void;
  onConnected(ep: Endpoint): void;
  /** The transport is back after an ICE restart or consent loss: keys kept, media resumes. */
  onReconnected(ep: Endpoint): void;
  onMessage(from: Endpoint, m: BridgeChannelMessage): void;
  onSourcesChanged(ep: Endpoint, before: MediaSource[]): void;
}

const NO_SSRC_STATES: SrtpContext['ssrcStates'] = { send: [], receive: [], receiveRtcp: [] };

export class Endpoint {
  readonly sources = new Map<string, MediaSource>();
  /** Video source names this endpoint receives now. */
  forwardedVideo: string[] = [];
  constraints?: ReceiverVideoConstraints;
  private estimateForTest: number | undefined | null = null;
  /** Whose audio this endpoint wants (lib-jitsi-meet's ReceiverAudioSubscription); everyone's when unset. */
  audioSubscription?: ReceiverAudioSubscription;
  /** Bridge-channel classes this endpoint sent that Parley does not know: logged once each, then only counted. */
  private readonly unknownClasses = new Set<string>();
  /** SSRC the bridge uses for RTCP feedback it sends to this endpoint. */
  readonly rtcpSsrc = randomInt(1, 0xffffffff);
  /** Arrival times of this endpoint's packets, reported back as transport-cc feedback for its bandwidth estimate. */
  readonly twcc = new TwccRecorder();
  /** Bandwidth estimate toward this endpoint, from its transport-cc feedback on what the bridge sends it. */
  readonly bwe: ReceiverBwe;
  private srtpIn?: SrtpContext;
  private srtpOut?: SrtpContext;
  private channelOpen = false;
  private handlerThrew = false;
  /** RTCP sender SSRCs no signaling names, and what they report on (their SRTCP state goes with it). */
  private readonly reporters = new RtcpReporters();
  private closed = false;
  readonly createdAt = Date.now();
  /**
   * Loss simulation for tests: sees each packet as it arrives (still encrypted; the RTP header is
   * readable) and drops it when this returns true, as a lossy network would.
   */
  inboundFilterForTest?: (encrypted: Buffer) => boolean;

  constructor(
    readonly id: string,
    private readonly host: EndpointHost,
    readonly transport: MediaTransport,
    private readonly log: Logger,
    readonly statsId?: string,
  ) {
    this.bwe = new ReceiverBwe({ counters: host.counters, log });
    transport.onStateChange((s) => this.onTransportState(s));
    transport.onPacket((b) => this.onPacket(b));
    transport.onDataChannelOpen((label) => {
      this.channelOpen = true;
      this.log.info('bridge_channel.open', { label });
      this.send({ colibriClass: 'ServerHello', version: 'parley' });
    });
    transport.onDataChannelMessage((text) => this.onChannelText(text));
  }

  /** bits/s this endpoint's link takes from the bridge, as estimated; undefined until its feedback arrives. */
  get estimatedBandwidthBps(): number | undefined {
    return this.estimateForTest !== null ? this.estimateForTest : this.bwe.estimateBps;
  }

  /** Tests stand in for the estimator (layer allocation): a number, undefined (no estimate), or null (the real one). */
  overrideEstimateForTest(bps: number | undefined | null): void {
    this.estimateForTest = bps;
  }

  get connected(): boolean {
    return this.srtpOut !== undefined;
  }

  setRemoteTransport(remote: IceTransport): void {
    this.transport.start(remote);
  }

  /** New local ICE credentials (the peer's ICE failed); its new ones follow in setRemoteTransport. */
  restartIce(): IceTransport {
    this.log.info('transport.ice_restart', { state: this.transport.state });
    return this.transport.restartIce();
  }

  /** Replaces the whole set of sources this endpoint sends (colibri2 semantics). */
  setSources(list: readonly Colibri2MediaSource[]): void {
    const before = [...this.sources.values()];
    this.sources.clear();
    for (const ms of list) this.sources.set(ms.id, MediaSource.fromColibri2(ms, this.id));
    this.host.onSourcesChanged(this, before);
  }

  private onTransportState(state: MediaTransportState): void {
    this.log.info('transport.state', { state });
    if (state === 'connected' && !this.srtpOut && this.transport.srtp) {
      const { profile, keyingMaterial, isClient } = this.transport.srtp;
      const keys = srtpKeysFromDtls(keyingMaterial, profile, isClient);
      this.srtpOut = new SrtpContext(keys.local);
      this.srtpIn = new SrtpContext(keys.remote);
      this.host.onConnected(this);
    } else if (state === 'connected' && this.srtpOut) {
      this.host.onReconnected(this);
    }
  }

  private onPacket(encrypted: Buffer): void {
    const c = this.host.counters;
    c.packetsIn++;
    c.bytesIn += encrypted.length;
    if (this.inboundFilterForTest?.(encrypted)) return c.drop('simulated-loss');
    if (!this.srtpIn) return c.drop('before-dtls');
    const rtcp = isRtcp(encrypted);
    let plain: Buffer;
    try {
      plain = rtcp ? this.srtpIn.unprotectRtcp(encrypted) : this.srtpIn.unprotectRtp(encrypted);
    } catch (err) {
      return c.drop(err instanceof SrtpError ? `srtp-${err.reason}` : 'srtp-unexpected');
    }
    // Handlers reject bad input with a named drop; an exception here is a bug (the fuzz asserts none),
    // kept from taking the session down, counted, and logged once per endpoint.
    try {
      if (rtcp) {
        this.bwe.onRtcp(plain);
        this.host.onRtcp(this, plain);
      } else this.host.onRtp(this, plain);
    } catch (err) {
      c.drop('handler-threw');
      if (!this.handlerThrew)
        this.log.error('packet.handler_threw', { rtcp, error: err as Error, stack: (err as Error).stack });
      this.handlerThrew = true;
    }
  }

  /** Forgets the SRTP state of SSRCs that left the conference (sent to this endpoint or received from it). */
  forgetSsrcs(ssrcs: readonly number[]): void {
    for (const ssrc of ssrcs) {
      this.srtpOut?.forget(ssrc);
      this.srtpIn?.forget(ssrc);
    }
    for (const reporter of this.reporters.release(ssrcs)) this.srtpIn?.forget(reporter);
  }

  /** An RTCP compound from this endpoint, parsed: a reporter that speaks of nothing `known` keeps no SRTCP state. */
  noteRtcpReporter(reporter: number, packets: readonly RtcpPacket[], known: (ssrc: number) => boolean): void {
    if (this.reporters.note(reporter, packets, known)) this.srtpIn?.forget(reporter);
  }

  /** The SSRCs this endpoint's SRTP contexts hold state for, by direction (leak checks). */
  get srtpStates(): { in: SrtpContext['ssrcStates']; out: SrtpContext['ssrcStates'] } {
    return { in: this.srtpIn?.ssrcStates ?? NO_SSRC_STATES, out: this.srtpOut?.ssrcStates ?? NO_SSRC_STATES };
  }

  sendRtp(rtp: Buffer): void {
    const srtp = this.srtpOut;
    if (!srtp || this.closed) return;
    const plain = this.bwe.stamp(rtp, srtp.rtpOverhead); // this leg's transport-wide seq
    // Protected into memory the transport lends, sent, never kept: no buffer per packet and receiver.
    const lent = this.transport.lendSendBuffer?.(plain.length + srtp.rtpOverhead);
    if (!lent) return this.put(srtp.protectRtp(plain));
    this.put(lent.subarray(0, srtp.protectRtpInto(plain, lent)));
  }

  sendRtcp(plain: Buffer): void {
    if (!this.srtpOut || this.closed) return;
    this.put(this.srtpOut.protectRtcp(plain));
  }

  private put(encrypted: Buffer): void {
    this.host.counters.packetsOut++;
    this.host.counters.bytesOut += encrypted.length;
    this.transport.send(encrypted);
  }

  /** Sends a bridge-channel message; dropped (not queued) until the channel is open. */
  send(m: BridgeChannelMessage): void {
    if (!this.channelOpen || this.closed) return;
    try {
      this.transport.sendDataChannel(encodeBridgeChannelMessage(m));
    } catch (err) {
      this.log.warn('bridge_channel.send_failed', { class: m.colibriClass, error: err as Error });
    }
  }

  private onChannelText(text: string): void {
    let m: BridgeChannelMessage;
    try {
      m = parseBridgeChannelMessage(text);
    } catch (err) {
      if (err instanceof UnknownColibriClassError) {
        this.host.counters.drop('bridge-channel-unknown-class');
        if (this.unknownClasses.size < 32 && !this.unknownClasses.has(err.colibriClass)) {
          this.unknownClasses.add(err.colibriClass);
          this.log.debug('bridge_channel.unknown_class', { class: err.colibriClass });
        }
        return;
      }
      this.host.counters.drop('bridge-channel-malformed');
      this.log.warn('bridge_channel.bad_message', { error: err as Error });
      return;
    }
    this.host.onMessage(this, m);
  }

  /** Sends the transport-cc feedback collected since the last call. */
  flushTransportFeedback(): void {
    if (!this.connected || this.twcc.pendingCount === 0) return;
    const sources = [...this.sources.values()].filter((s) => s.streams.length);
    const mediaSsrc = (sources.find((s) => s.media === 'video') ?? sources[0])?.streams[0].primarySsrc ?? 0;
    for (const p of this.twcc.buildFeedback(this.rtcpSsrc, mediaSsrc)) this.sendRtcp(p);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.transport.close();
  }

  dump() {
    return {
      id: this.id,
      statsId: this.statsId,
      transport: this.transport.state,
      connected: this.connected,
      bridgeChannel: this.channelOpen,
      sources: [...this.sources.values()].map((s) => s.dump()),
      forwardedVideo: this.forwardedVideo,
      constraints: this.constraints,
      bwe: this.bwe.stats(),
    };
  }
}

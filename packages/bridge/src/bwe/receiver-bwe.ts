// Bandwidth estimation toward one receiver: the endpoint's leg stamps what it sends with its own
// transport-wide sequence numbers, the receiver's transport-cc feedback is matched with what was
// sent, and a BandwidthEstimator turns that into an estimate. Also the probing budget: padding
// the conference sends when the allocator wants more (wantedBps) than the estimate.
import type { Logger } from '@parley/service';
import { forEachTwccFeedback, parseTwccFeedback, rtpPayloadLength, unwrapReferenceTime } from '../rtp/index.js';
import { BandwidthEstimator, type EstimatorOptions, type PacketResult } from './bandwidth-estimator.js';
import { Prober } from './prober.js';
import { SendHistory, stampTransportSeq } from './send-history.js';

/** transport-cc's header extension id in Parley's offer (packages/protocol jingle/codecs.ts), audio and video. */
export const TRANSPORT_CC_EXTENSION = 5;
/** An estimate that moved by more than this fraction since the last one logged is logged (debug). */
const LOG_CHANGE = 0.1;
const RATE_BUCKET_MS = 50;
const RATE_BUCKETS = 10;

/** Where the bwe counts what it sees; BridgeCounters fits. */
export interface BweCounters {
  drop(reason: string): void;
  twccFeedbackReceived: number;
  probePaddingBytes: number;
}

export interface ReceiverBweOptions {
  counters: BweCounters;
  log: Logger;
  now?: () => number;
  extId?: number;
  estimator?: EstimatorOptions;
}

export interface ReceiverBweStats {
  estimateBps?: number;
  wantedBps?: number;
  sendBps: number;
  probeBps: number;
  packetsSent: number;
  feedbacks: number;
  delayBasedBps?: number;
  lossBasedBps?: number;
  ackedBps?: number;
  usage?: string;
  lossFraction?: number;
}

export class ReceiverBwe {
  private readonly history = new SendHistory();
  private readonly estimator: BandwidthEstimator;
  private readonly prober = new Prober();
  private readonly now: () => number;
  private readonly extId: number;
  private refTime?: number;
  private feedbacks = 0;
  private loggedBps?: number;
  private hasReceived = false;
  /** bytes sent (padding excluded) per RATE_BUCKET_MS bucket, a ring of RATE_BUCKETS */
  private readonly sentBuckets = new Float64Array(RATE_BUCKETS);
  private bucket = 0;
  /**
   * What the allocator would send to this receiver with an unlimited link (bits/s); set it when
   * that exceeds the estimate so padding probes for more; undefined (default) probes nothing.
   */
  wantedBps?: number;

  constructor(private readonly opts: ReceiverBweOptions) {
    this.now = opts.now ?? (() => performance.now());
    this.extId = opts.extId ?? TRANSPORT_CC_EXTENSION;
    this.estimator = new BandwidthEstimator(opts.estimator);
  }

  /** bits/s; undefined until the receiver's feedback reported a packet received. */
  get estimateBps(): number | undefined {
    return this.hasReceived ? Math.round(this.estimator.estimateBps) : undefined;
  }

  /**
   * Stamps the next transport-wide sequence number into an outgoing (plain) RTP packet and records
   * it with its size on the wire (`overhead`: SRTP's tag). Returns the packet to protect: `plain`
   * itself (rewritten in place) or a copy with the extension added.
   */
  stamp(plain: Buffer, overhead: number): Buffer {
    const now = this.now();
    const size = plain.length + overhead;
    const out = stampTransportSeq(plain, this.extId, this.history.sent & 0xffff);
    if (!out) return plain;
    this.history.add(now, size + (out.length - plain.length));
    const isPadding = (plain[0] & 0x20) !== 0 && rtpPayloadLength(plain) === 0;
    if (!isPadding) this.addSent(now, size);
    return out;
  }

  /** A receiver's (decrypted, compound) RTCP: its transport-cc feedback is taken; never throws. */
  onRtcp(plain: Buffer): void {
    try {
      forEachTwccFeedback(plain, (offset) => this.onFeedback(plain, offset));
    } catch {
      this.opts.counters.drop('twcc-feedback-malformed');
    }
  }

  private onFeedback(plain: Buffer, offset: number): void {
    let fb: ReturnType<typeof parseTwccFeedback>;
    try {
      fb = parseTwccFeedback(plain, offset);
    } catch {
      this.opts.counters.drop('twcc-feedback-malformed');
      return;
    }
    this.opts.counters.twccFeedbackReceived++;
    this.refTime = unwrapReferenceTime(fb.referenceTime, this.refTime);
    const shiftMs = (this.refTime - fb.referenceTime) * 64;
    const results: PacketResult[] = [];
    for (const p of fb.packets) {
      const sent = this.history.report(p.seq, p.arrivalMs !== undefined);
      if (!sent) continue;
      if (p.arrivalMs === undefined) results.push({ sendMs: sent.sendMs, size: sent.size });
      else results.push({ sendMs: sent.sendMs, size: sent.size, arrivalMs: p.arrivalMs + shiftMs });
    }
    if (results.length === 0) return this.opts.counters.drop('twcc-feedback-unmatched');
    this.feedbacks++;
    if (results.some((r) => r.arrivalMs !== undefined)) this.hasReceived = true;
    this.estimator.onFeedback(results, this.now());
    this.logChange();
  }

  private logChange(): void {
    const bps = this.estimateBps;
    if (bps === undefined) return;
    if (this.loggedBps !== undefined && Math.abs(bps - this.loggedBps) <= this.loggedBps * LOG_CHANGE) return;
    const s = this.estimator.state;
    this.opts.log.debug('bwe.estimate', {
      bps,
      delayBasedBps: Math.round(s.delayBasedBps),
      lossBasedBps: Math.round(s.lossBasedBps),
      ackedBps: s.ackedBps === undefined ? undefined : Math.round(s.ackedBps),
      usage: s.usage,
      lossFraction: Math.round(s.lossFraction * 1000) / 1000,
    });
    this.loggedBps = bps;
  }

  private addSent(nowMs: number, bytes: number): void {
    this.advance(nowMs);
    this.sentBuckets[this.bucket % RATE_BUCKETS] += bytes;
  }

  private advance(nowMs: number): void {
    const b = Math.floor(nowMs / RATE_BUCKET_MS);
    if (b - this.bucket >= RATE_BUCKETS) this.sentBuckets.fill(0);
    else for (let i = this.bucket + 1; i <= b; i++) this.sentBuckets[i % RATE_BUCKETS] = 0;
    this.bucket = Math.max(this.bucket, b);
  }

  /** What was sent (padding excluded) over the last ~0.5 s, bits/s. */
  get sendBps(): number {
    this.advance(this.now());
    let bytes = 0;
    for (const v of this.sentBuckets) bytes += v;
    return (bytes * 8 * 1000) / (RATE_BUCKET_MS * RATE_BUCKETS);
  }

  /** Bytes of padding to send now; call on the conference's tick (~20 ms). */
  probeBytesDue(): number {
    const s = this.estimator.state;
    const due = this.prober.bytesDue(this.now(), {
      estimateBps: this.estimateBps,
      wantedBps: this.wantedBps,
      mediaBps: this.sendBps,
      congested: s.usage === 'overusing' || s.lossFraction > 0.02,
    });
    this.opts.counters.probePaddingBytes += due;
    return due;
  }

  stats(): ReceiverBweStats {
    const s = this.estimator.state;
    const estimated = this.estimateBps !== undefined;
    return {
      estimateBps: this.estimateBps,
      wantedBps: this.wantedBps,
      sendBps: Math.round(this.sendBps),
      probeBps: Math.round(this.prober.rateBps),
      packetsSent: this.history.sent,
      feedbacks: this.feedbacks,
      ...(estimated && {
        delayBasedBps: Math.round(s.delayBasedBps),
        lossBasedBps: Math.round(s.lossBasedBps),
        ackedBps: s.ackedBps === undefined ? undefined : Math.round(s.ackedBps),
        usage: s.usage,
        lossFraction: s.lossFraction,
      }),
    };
  }
}

// GCC-family bandwidth estimate toward one receiver: min(delay-based, loss-based). A pure module:
// it sees (send time, arrival time, size) of each reported packet and the clock it is given,
// nothing else, so tests drive it with a simulated link.
import { AckedBitrate } from './acked-bitrate.js';
import { AimdRateControl, type RateControlState } from './aimd-rate-control.js';
import { DelayDetector, type BandwidthUsage } from './delay-detector.js';
import { LossBasedEstimate } from './loss-based.js';

/** One packet a feedback reported on, matched with what the sender recorded when sending it. */
export interface PacketResult {
  /** sender's clock, ms */
  sendMs: number;
  /** receiver's clock, ms (any origin: only differences count); undefined: reported lost */
  arrivalMs?: number;
  /** bytes on the wire (RTP + SRTP) */
  size: number;
}

export interface EstimatorOptions {
  initialBps?: number;
  minBps?: number;
  maxBps?: number;
}

export const DEFAULT_INITIAL_BPS = 1_000_000;
export const DEFAULT_MIN_BPS = 30_000;
export const DEFAULT_MAX_BPS = 50_000_000;

export interface EstimatorState {
  estimateBps: number;
  delayBasedBps: number;
  lossBasedBps: number;
  ackedBps?: number;
  usage: BandwidthUsage;
  rateControl: RateControlState;
  lossFraction: number;
}

export class BandwidthEstimator {
  private readonly detector = new DelayDetector();
  private readonly acked = new AckedBitrate();
  private readonly aimd: AimdRateControl;
  private readonly loss: LossBasedEstimate;

  constructor(opts: EstimatorOptions = {}) {
    const initialBps = opts.initialBps ?? DEFAULT_INITIAL_BPS;
    const minBps = opts.minBps ?? DEFAULT_MIN_BPS;
    const maxBps = opts.maxBps ?? DEFAULT_MAX_BPS;
    this.aimd = new AimdRateControl({ initialBps, minBps, maxBps });
    this.loss = new LossBasedEstimate(initialBps, minBps, maxBps);
  }

  get estimateBps(): number {
    return Math.min(this.aimd.bps, this.loss.bps);
  }

  get state(): EstimatorState {
    return {
      estimateBps: this.estimateBps,
      delayBasedBps: this.aimd.bps,
      lossBasedBps: this.loss.bps,
      ackedBps: this.acked.bps,
      usage: this.detector.state,
      rateControl: this.aimd.controlState,
      lossFraction: this.loss.lossFraction,
    };
  }

  /** The packets of one feedback (each reported for the first time), at `nowMs` on the sender's clock. */
  onFeedback(results: readonly PacketResult[], nowMs: number): number {
    const received = results.filter((r) => r.arrivalMs !== undefined) as Array<Required<PacketResult>>;
    received.sort((a, b) => a.arrivalMs - b.arrivalMs || a.sendMs - b.sendMs);
    let usage = this.detector.state;
    for (const r of received) {
      this.acked.onPacket(r.arrivalMs, r.size);
      usage = this.detector.onPacket(r.sendMs, r.arrivalMs);
    }
    const ackedBps = this.acked.bps;
    if (received.length) this.aimd.update(usage, ackedBps, nowMs);
    this.loss.update(results.length - received.length, received.length, ackedBps, nowMs);
    return this.estimateBps;
  }
}

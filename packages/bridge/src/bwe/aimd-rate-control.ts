// The delay-based rate controller of GCC (draft-ietf-rmcat-gcc-02 §5.5): a three-state machine
// driven by the overuse detector's signal. Overuse: decrease to 0.85 x what the receiver
// acknowledged; normal: increase, multiplicatively (8 %/s) far from the last known link capacity,
// additively (about a packet per response time) near it; underuse: hold (queues are draining).
// The estimate never climbs above 1.5 x the acknowledged rate: a claim must have been shown.
import type { BandwidthUsage } from './delay-detector.js';

export type RateControlState = 'hold' | 'increase' | 'decrease';

const BETA = 0.85;
const MULTIPLICATIVE_PER_S = 1.08;
/** Bits of one average packet, per assumed response time (100 ms + RTT, RTT unknown: 200 ms). */
const ADDITIVE_BPS_PER_S = (1200 * 8 * 1000) / 300;
/** How far (fraction of its value) the link capacity estimate reaches on either side. */
const CAPACITY_BAND = 0.15;
const CAPACITY_SMOOTHING = 0.05;
/** Decreases are at most this often: one reaction per feedback round trip. */
const MIN_DECREASE_INTERVAL_MS = 200;

export interface AimdOptions {
  initialBps: number;
  minBps: number;
  maxBps: number;
}

export class AimdRateControl {
  private estimate: number;
  private state: RateControlState = 'hold';
  /** Average acknowledged rate at decreases: where the link's capacity was last found. */
  private capacityBps?: number;
  private lastUpdateMs?: number;
  private lastDecreaseMs = -Infinity;

  constructor(private readonly opts: AimdOptions) {
    this.estimate = opts.initialBps;
  }

  get bps(): number {
    return this.estimate;
  }

  get controlState(): RateControlState {
    return this.state;
  }

  /** One update per feedback: the detector's signal and the acknowledged rate (undefined while unknown). */
  update(usage: BandwidthUsage, ackedBps: number | undefined, nowMs: number): number {
    const dtMs = Math.min(Math.max(nowMs - (this.lastUpdateMs ?? nowMs), 0), 1000);
    this.lastUpdateMs = nowMs;
    if (usage === 'overusing') this.state = 'decrease';
    else if (usage === 'underusing') this.state = 'hold';
    else if (this.state === 'hold') this.state = 'increase';

    if (ackedBps !== undefined && this.capacityBps !== undefined && ackedBps > this.capacityBps * (1 + CAPACITY_BAND))
      this.capacityBps = undefined; // the link carries more than it did: search multiplicatively again

    let next = this.estimate;
    if (this.state === 'increase') {
      if (this.capacityBps !== undefined && this.estimate > this.capacityBps * (1 - CAPACITY_BAND))
        next += (ADDITIVE_BPS_PER_S * dtMs) / 1000;
      else next += Math.max(1000 * (dtMs / 1000), this.estimate * (MULTIPLICATIVE_PER_S ** (dtMs / 1000) - 1));
      if (ackedBps !== undefined) next = Math.min(next, Math.max(1.5 * ackedBps + 10_000, this.estimate));
    } else if (this.state === 'decrease') {
      if (ackedBps !== undefined && nowMs - this.lastDecreaseMs >= MIN_DECREASE_INTERVAL_MS) {
        next = Math.min(BETA * ackedBps, this.estimate);
        // A rate far below the capacity found before means the link changed: start from this one.
        const known = this.capacityBps;
        this.capacityBps =
          known === undefined || ackedBps < known * (1 - CAPACITY_BAND)
            ? ackedBps
            : (1 - CAPACITY_SMOOTHING) * known + CAPACITY_SMOOTHING * ackedBps;
        this.lastDecreaseMs = nowMs;
      }
      this.state = 'hold';
    }
    this.estimate = Math.min(this.opts.maxBps, Math.max(this.opts.minBps, next));
    return this.estimate;
  }
}

// Loss-based half of GCC (draft-ietf-rmcat-gcc-02 §6): over each stretch of at least MIN_PACKETS
// reported packets, more than 10 % lost cuts the estimate by half the loss fraction, less than 2 %
// lets it grow 8 %/s (never past 1.5 x what was acknowledged), in between it holds.

const MIN_PACKETS = 20;
const HIGH_LOSS = 0.1;
const LOW_LOSS = 0.02;
const INCREASE_PER_S = 1.08;
/** One decrease per this long: a burst of loss reported in several feedbacks is one event. */
const DECREASE_INTERVAL_MS = 300;

export class LossBasedEstimate {
  private estimate: number;
  private lost = 0;
  private reported = 0;
  private lastUpdateMs?: number;
  private lastDecreaseMs = -Infinity;
  /** Loss fraction of the last complete stretch. */
  lossFraction = 0;

  constructor(
    initialBps: number,
    private readonly minBps: number,
    private readonly maxBps: number,
  ) {
    this.estimate = initialBps;
  }

  get bps(): number {
    return this.estimate;
  }

  /** Counts of one feedback (packets it newly reported lost and received); updates when enough are in. */
  update(lost: number, received: number, ackedBps: number | undefined, nowMs: number): number {
    this.lost += lost;
    this.reported += lost + received;
    if (this.reported < MIN_PACKETS) return this.estimate;
    const p = this.lost / this.reported;
    this.lossFraction = p;
    this.lost = 0;
    this.reported = 0;
    const dtMs = Math.min(Math.max(nowMs - (this.lastUpdateMs ?? nowMs), 0), 1000);
    this.lastUpdateMs = nowMs;
    let next = this.estimate;
    if (p > HIGH_LOSS) {
      if (nowMs - this.lastDecreaseMs >= DECREASE_INTERVAL_MS) {
        next = this.estimate * (1 - 0.5 * p);
        this.lastDecreaseMs = nowMs;
      }
    } else if (p < LOW_LOSS) {
      next = this.estimate * INCREASE_PER_S ** (dtMs / 1000) + 1000 * (dtMs / 1000);
      if (ackedBps !== undefined) next = Math.min(next, Math.max(1.5 * ackedBps + 10_000, this.estimate));
    }
    this.estimate = Math.min(this.maxBps, Math.max(this.minBps, next));
    return this.estimate;
  }
}

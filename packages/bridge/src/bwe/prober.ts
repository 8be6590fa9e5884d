// Probing: when the allocator wants more than the estimate, padding fills what is sent up to the
// estimate, so the receiver acknowledges that much and the delay-based controller (capped at
// 1.5 x acknowledged) may climb further; it stops as soon as queues grow or loss shows.
// Bounded: at most MAX_PROBE_BPS of padding, paced by the caller's tick.

/** Padding never exceeds this, whatever the gap. */
export const MAX_PROBE_BPS = 2_000_000;
/** Unspent budget carried from one tick to the next at most (bursts stay small). */
const MAX_CARRY_MS = 40;
/** The first tick of a probe (or after a pause) spends this long's budget: probing starts at once. */
const FIRST_TICK_MS = 20;

export interface ProbeInputs {
  estimateBps: number | undefined;
  /** What the allocator would send with an unlimited link; undefined: it wants nothing more. */
  wantedBps: number | undefined;
  /** What was sent recently (media, retransmissions, padding excluded). */
  mediaBps: number;
  /** The estimator sees queues growing or losses: no probing now. */
  congested: boolean;
}

export class Prober {
  private lastTickMs?: number;
  private budgetBytes = 0;
  /** Padding rate of the last tick, for stats. */
  rateBps = 0;

  /** Bytes of padding to send now (0 when no probing is due). Call on a regular tick. */
  bytesDue(nowMs: number, i: ProbeInputs): number {
    const rate = probeRate(i);
    const elapsed =
      this.rateBps === 0 || this.lastTickMs === undefined
        ? FIRST_TICK_MS
        : Math.min(Math.max(nowMs - this.lastTickMs, 0), MAX_CARRY_MS);
    this.lastTickMs = nowMs;
    this.rateBps = rate;
    if (rate === 0) {
      this.budgetBytes = 0;
      return 0;
    }
    this.budgetBytes = Math.min(
      this.budgetBytes + (this.rateBps * elapsed) / 8000,
      (this.rateBps * MAX_CARRY_MS) / 8000,
    );
    const due = Math.floor(this.budgetBytes);
    this.budgetBytes -= due;
    return due;
  }
}

/** Padding rate: the gap between what is sent and the estimate, when more is wanted than the estimate. */
export function probeRate(i: ProbeInputs): number {
  if (i.estimateBps === undefined || i.wantedBps === undefined || i.congested) return 0;
  if (i.wantedBps <= i.estimateBps) return 0;
  return Math.max(0, Math.min(i.estimateBps - i.mediaBps, i.wantedBps - i.mediaBps, MAX_PROBE_BPS));
}

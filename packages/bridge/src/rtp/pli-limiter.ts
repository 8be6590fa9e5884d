// Coalesces keyframe requests (PLI/FIR) per source: however many receivers ask, the sender gets
// at most one request per interval. Also hands out FIR command sequence numbers per target ssrc.

export interface PliLimiterOptions {
  /** Minimum spacing of requests sent to one source (default 300 ms). */
  intervalMs?: number;
  /** Clock in ms (default performance.now). */
  now?: () => number;
}

export class PliLimiter {
  #interval: number;
  #now: () => number;
  #lastSent = new Map<number, number>();
  #firSeq = new Map<number, number>();
  #suppressed = new Map<number, number>();

  constructor(opts: PliLimiterOptions = {}) {
    this.#interval = opts.intervalMs ?? 300;
    this.#now = opts.now ?? (() => performance.now());
  }

  /**
   * A receiver wants a keyframe of sourceSsrc. Returns true when the caller should send a PLI
   * (or FIR) to the sender now; false when one was sent less than intervalMs ago (coalesced).
   */
  request(sourceSsrc: number): boolean {
    const now = this.#now();
    const last = this.#lastSent.get(sourceSsrc);
    if (last !== undefined && now - last < this.#interval) {
      this.#suppressed.set(sourceSsrc, (this.#suppressed.get(sourceSsrc) ?? 0) + 1);
      return false;
    }
    this.#lastSent.set(sourceSsrc, now);
    return true;
  }

  /**
   * Next FIR command sequence number (0..255, wrapping) for this target ssrc (RFC 5104 §4.3.1.1:
   * incremented per new request, repeated for retransmissions of the same one).
   */
  nextFirSeq(targetSsrc: number): number {
    const cur = this.#firSeq.get(targetSsrc);
    const next = cur === undefined ? 0 : (cur + 1) & 0xff;
    this.#firSeq.set(targetSsrc, next);
    return next;
  }

  /** How many requests for this source were coalesced away so far (stats). */
  suppressedCount(sourceSsrc: number): number {
    return this.#suppressed.get(sourceSsrc) ?? 0;
  }

  /** Drops all state of a source (source removed). */
  forget(sourceSsrc: number): void {
    this.#lastSent.delete(sourceSsrc);
    this.#firSeq.delete(sourceSsrc);
    this.#suppressed.delete(sourceSsrc);
  }
}

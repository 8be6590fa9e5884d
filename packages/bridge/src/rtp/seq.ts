// Wrap-safe 16-bit RTP sequence number arithmetic and an unwrapper to extended sequence numbers.

/** a - b as a signed 16-bit distance, in -32768..32767. */
export function seqDiff(a: number, b: number): number {
  return (((a - b) & 0xffff) << 16) >> 16;
}
/** Alias of seqDiff. */
export const diff = seqDiff;

/** True when a comes after b (wrap-aware). isNewer(0, 65535) === true; isNewer(a, a) === false. */
export function isNewer(a: number, b: number): boolean {
  return seqDiff(a, b) > 0;
}

/** (a + n) mod 2^16, n may be negative. */
export function seqAdd(a: number, n: number): number {
  return (a + n) & 0xffff;
}

export interface ExtendedSeqOptions {
  /**
   * A packet more than this many behind the highest seen is not "late" but a stream restart
   * (default 3000).
   */
  maxMisorder?: number;
  /**
   * A forward jump larger than this sets `restarted` (default 3000, RFC 3550's MAX_DROPOUT). The
   * extended number is the same either way (highest + jump).
   */
  maxDropout?: number;
}

/**
 * Unwraps 16-bit sequence numbers into a monotonic extended number (a plain JS number, no BigInt).
 * Invariant: (extended & 0xffff) === seq16. The first packet gets extended = 65536 + seq, so a
 * reordered packet from before the first is still positive.
 * On a restart (backward jump past maxMisorder) the extended number keeps increasing: it becomes
 * the smallest value above the previous highest whose low 16 bits equal the new seq.
 */
export class ExtendedSeq {
  #highest = -1;
  #maxMisorder: number;
  #maxDropout: number;
  /** True when the last update() was a restart. */
  restarted = false;

  constructor(opts: ExtendedSeqOptions = {}) {
    this.#maxMisorder = opts.maxMisorder ?? 3000;
    this.#maxDropout = opts.maxDropout ?? 3000;
  }

  /** Highest extended seq seen, -1 before the first packet. */
  get highest(): number {
    return this.#highest;
  }

  /** Extended number that seq16 would get, without recording it (-1 before the first packet). */
  unwrap(seq16: number): number {
    if (this.#highest < 0) return -1;
    return this.#highest + seqDiff(seq16, this.#highest);
  }

  /** Records a received seq and returns its extended number. */
  update(seq16: number): number {
    seq16 &= 0xffff;
    this.restarted = false;
    if (this.#highest < 0) {
      this.#highest = 0x10000 + seq16;
      return this.#highest;
    }
    const d = seqDiff(seq16, this.#highest);
    if (d > 0) {
      this.restarted = d > this.#maxDropout;
      this.#highest += d;
      return this.#highest;
    }
    if (-d <= this.#maxMisorder) return this.#highest + d;
    this.restarted = true;
    this.#highest += d + 0x10000;
    return this.#highest;
  }

  reset(): void {
    this.#highest = -1;
    this.restarted = false;
  }
}

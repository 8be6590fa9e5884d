// Receive-side loss detection toward one sender ssrc: tracks missing seqs and says which to NACK.
// Works on extended sequence numbers, so losing 65535 itself or a burst across the wrap is
// handled like any other loss.
import { ExtendedSeq } from './seq.js';

export interface LossDetectorOptions {
  /** Each seq is NACKed at most this many times (default 10). */
  maxNacks?: number;
  /** Minimum spacing between NACKs of the same seq, ~RTT (default 100 ms; see setRtt). */
  retryIntervalMs?: number;
  /** A seq missing for longer than this is given up (default 1000 ms). */
  maxAgeMs?: number;
  /** Wait this long after detecting a gap before the first NACK, for reordering (default 0). */
  reorderDelayMs?: number;
  /**
   * At most this many seqs are tracked; the oldest are dropped beyond it. A single gap larger
   * than this (or a stream restart) clears the set instead (default 1000).
   */
  maxMissing?: number;
  /** Clock in ms (default performance.now). */
  now?: () => number;
}

interface Missing {
  detected: number;
  lastSent: number;
  count: number;
}

export class LossDetector {
  #maxNacks: number;
  #interval: number;
  #maxAge: number;
  #reorderDelay: number;
  #maxMissing: number;
  #now: () => number;
  #seq = new ExtendedSeq();
  /** extended seq -> state; insertion order is ascending extended seq. */
  #missing = new Map<number, Missing>();

  constructor(opts: LossDetectorOptions = {}) {
    this.#maxNacks = opts.maxNacks ?? 10;
    this.#interval = opts.retryIntervalMs ?? 100;
    this.#maxAge = opts.maxAgeMs ?? 1000;
    this.#reorderDelay = opts.reorderDelayMs ?? 0;
    this.#maxMissing = opts.maxMissing ?? 1000;
    this.#now = opts.now ?? (() => performance.now());
  }

  /** Updates the NACK retry spacing from a measured round-trip time. */
  setRtt(rttMs: number): void {
    if (Number.isFinite(rttMs) && rttMs > 0) this.#interval = rttMs;
  }

  /** A packet from the sender arrived (primary stream). */
  onPacket(seq16: number): void {
    const before = this.#seq.highest;
    const ext = this.#seq.update(seq16);
    if (this.#seq.restarted) {
      this.#missing.clear();
      return;
    }
    if (before < 0) return;
    if (ext <= before) {
      this.#missing.delete(ext);
      return;
    }
    const gap = ext - before - 1;
    if (gap === 0) return;
    if (gap > this.#maxMissing) {
      this.#missing.clear();
      return;
    }
    const now = this.#now();
    for (let e = before + 1; e < ext; e++) this.#missing.set(e, { detected: now, lastSent: 0, count: 0 });
    let excess = this.#missing.size - this.#maxMissing;
    if (excess > 0) {
      for (const k of this.#missing.keys()) {
        this.#missing.delete(k);
        if (--excess === 0) break;
      }
    }
  }

  /** A packet was recovered (RTX, by its OSN): stop asking for it. Does not move the highest seq. */
  onRecovered(seq16: number): void {
    const ext = this.#seq.unwrap(seq16 & 0xffff);
    if (ext >= 0) this.#missing.delete(ext);
  }

  /**
   * The 16-bit seqs to NACK now (ascending, wrap-aware order), counting this as a send for each.
   * Drops seqs that were NACKed maxNacks times or are older than maxAgeMs. Feed to buildNack.
   */
  nacksDue(): number[] {
    const now = this.#now();
    const out: number[] = [];
    for (const [ext, m] of this.#missing) {
      if (m.count >= this.#maxNacks || now - m.detected > this.#maxAge) {
        this.#missing.delete(ext);
        continue;
      }
      if (now - m.detected < this.#reorderDelay) continue;
      if (m.count > 0 && now - m.lastSent < this.#interval) continue;
      m.count++;
      m.lastSent = now;
      out.push(ext & 0xffff);
    }
    return out;
  }

  /** Currently missing 16-bit seqs, ascending (wrap-aware). */
  missing(): number[] {
    return [...this.#missing.keys()].map((e) => e & 0xffff);
  }

  get missingCount(): number {
    return this.#missing.size;
  }

  /**
   * Whether `seq16` is at most `window` packets behind the highest seq seen (a retransmission worth
   * forwarding). An RTX packet whose original seq is anything else would make receivers' SRTP and
   * jitter buffers jump (the fuzz in tests/media/rtp-fuzz.test.ts broke a stream so).
   */
  isRecent(seq16: number, window = 1000): boolean {
    const ext = this.#seq.unwrap(seq16 & 0xffff);
    const highest = this.#seq.highest;
    return ext >= 0 && ext <= highest && highest - ext < window;
  }

  /** Highest extended seq seen, -1 before the first packet. */
  get highest(): number {
    return this.#seq.highest;
  }

  reset(): void {
    this.#missing.clear();
    this.#seq.reset();
  }
}

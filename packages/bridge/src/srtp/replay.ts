/** Sliding replay window over 48-bit packet indexes (RFC 3711 3.3.2), as a ring bitmap. */

export const REPLAY_OK = 0;
export const REPLAY_DUPLICATE = 1;
export const REPLAY_TOO_OLD = 2;

export class ReplayWindow {
  /** Highest authenticated index; -1 before the first packet. */
  highest = -1;
  private readonly bits: Uint32Array;
  private readonly mask: number;

  constructor(readonly size: number) {
    let ring = 32;
    while (ring < size) ring *= 2;
    this.mask = ring - 1;
    this.bits = new Uint32Array(ring >>> 5);
  }

  check(index: number): number {
    if (index > this.highest) return REPLAY_OK;
    if (this.highest - index >= this.size) return REPLAY_TOO_OLD;
    const pos = index % (this.mask + 1);
    return this.bits[pos >>> 5] & (1 << (pos & 31)) ? REPLAY_DUPLICATE : REPLAY_OK;
  }

  /** Record an index that has been authenticated (call only after check() said OK). */
  accept(index: number): void {
    const ring = this.mask + 1;
    if (index > this.highest) {
      const diff = this.highest < 0 ? ring : index - this.highest;
      if (diff >= ring) {
        this.bits.fill(0);
      } else {
        for (let i = this.highest + 1; i < index; i++) {
          const p = i % ring;
          this.bits[p >>> 5] &= ~(1 << (p & 31));
        }
      }
      this.highest = index;
    }
    const pos = index % ring;
    this.bits[pos >>> 5] |= 1 << (pos & 31);
  }
}

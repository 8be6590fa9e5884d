// The rate the receiver acknowledged: bytes of received packets over a sliding window of their
// arrival times. GCC's decrease (0.85 x this) and increase cap (1.5 x this) are both relative to it.

const WINDOW_MS = 500;

export class AckedBitrate {
  private readonly samples: Array<{ arrivalMs: number; bytes: number }> = [];
  private bytesInWindow = 0;
  private firstArrivalMs?: number;
  private newestMs = -Infinity;

  /** A received packet; arrival times need not be sorted across calls, only roughly increasing. */
  onPacket(arrivalMs: number, bytes: number): void {
    this.firstArrivalMs ??= arrivalMs;
    this.samples.push({ arrivalMs, bytes });
    this.bytesInWindow += bytes;
    this.newestMs = Math.max(this.newestMs, arrivalMs);
    while (this.samples.length && this.samples[0].arrivalMs <= this.newestMs - WINDOW_MS) {
      this.bytesInWindow -= this.samples.shift()!.bytes;
    }
  }

  /** bits/s over the last window; undefined until a whole window of arrivals has been seen. */
  get bps(): number | undefined {
    if (this.firstArrivalMs === undefined || this.newestMs - this.firstArrivalMs < WINDOW_MS) return undefined;
    return (this.bytesInWindow * 8 * 1000) / WINDOW_MS;
  }
}

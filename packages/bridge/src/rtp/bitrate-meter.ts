// The bitrate of one incoming stream over the last second, in 100 ms buckets: what a simulcast layer
// costs a receiver, for the layer allocator. Allocation-free after construction.

const BUCKET_MS = 100;
const BUCKETS = 10;
const WINDOW_MS = BUCKET_MS * BUCKETS;

export class BitrateMeter {
  readonly #bytes = new Float64Array(BUCKETS);
  /** Index (time / BUCKET_MS) of the newest bucket written. */
  #head = -1;

  /** `since` is when the stream was announced: a layer silent for a whole window after it reads 0. */
  constructor(private readonly since: number) {}

  record(bytes: number, now: number): void {
    this.advance(now);
    this.#bytes[this.#head % BUCKETS] += bytes;
  }

  /** Bits per second over the last second; undefined during the first second (not measured yet). */
  bps(now: number): number | undefined {
    if (now - this.since < WINDOW_MS) return undefined;
    if (this.#head < 0) return 0;
    this.advance(now);
    let sum = 0;
    for (const b of this.#bytes) sum += b;
    // Nine whole buckets and the part of the current one that has passed.
    const spanMs = WINDOW_MS - BUCKET_MS + (now % BUCKET_MS);
    return (sum * 8 * 1000) / spanMs;
  }

  /** Empties the buckets between the last one written and now. */
  private advance(now: number): void {
    const idx = Math.floor(now / BUCKET_MS);
    if (this.#head < 0) this.#head = idx - BUCKETS;
    if (idx <= this.#head) return;
    const n = Math.min(idx - this.#head, BUCKETS);
    for (let i = 1; i <= n; i++) this.#bytes[(this.#head + i) % BUCKETS] = 0;
    this.#head = idx;
  }
}

// Per-source ring cache of recently forwarded packets, for answering NACKs with RTX.
import { ExtendedSeq } from './seq.js';
import { rtpSeq, RTP_HEADER_MIN } from './rtp-packet.js';

export interface PacketCacheOptions {
  /** Slots in the ring (default 1024). */
  capacity?: number;
  /** Packets older than this are not returned (default 1000 ms). */
  maxAgeMs?: number;
  /** Clock in ms (default performance.now). */
  now?: () => number;
}

export interface CachedPacket {
  /**
   * The packet bytes. A view into a slot buffer that the cache reuses: valid until the next
   * insert(); copy it (toRtx does) before keeping it.
   */
  packet: Buffer;
  /** Clock time of insert(). */
  arrival: number;
  /** Extended sequence number. */
  extSeq: number;
}

const SLOT_BYTES = 1500;

/**
 * Stores copies of plaintext RTP packets of one source keyed by extended sequence number. Slot
 * buffers are allocated once and reused, so steady-state inserts do not allocate.
 */
export class PacketCache {
  readonly capacity: number;
  readonly maxAgeMs: number;
  #now: () => number;
  #seq = new ExtendedSeq();
  #bufs: (Buffer | undefined)[];
  #lens: Int32Array;
  #exts: Float64Array;
  #times: Float64Array;

  constructor(opts: PacketCacheOptions = {}) {
    this.capacity = Math.max(1, Math.floor(opts.capacity ?? 1024));
    this.maxAgeMs = opts.maxAgeMs ?? 1000;
    this.#now = opts.now ?? (() => performance.now());
    this.#bufs = new Array<Buffer | undefined>(this.capacity);
    this.#lens = new Int32Array(this.capacity);
    this.#exts = new Float64Array(this.capacity).fill(-1);
    this.#times = new Float64Array(this.capacity);
  }

  /**
   * Copies the packet in. Its extended seq comes from the packet's own seq (unwrapped against
   * what this cache has seen). Returns the extended seq, or -1 if b is shorter than an RTP header.
   * A stream restart (seq jump) empties the cache.
   */
  insert(b: Buffer): number {
    if (b.length < RTP_HEADER_MIN) return -1;
    const ext = this.#seq.update(rtpSeq(b));
    if (this.#seq.restarted) this.#exts.fill(-1);
    const slot = ext % this.capacity;
    let buf = this.#bufs[slot];
    if (buf === undefined || buf.length < b.length) {
      buf = Buffer.allocUnsafe(Math.max(SLOT_BYTES, b.length));
      this.#bufs[slot] = buf;
    }
    b.copy(buf, 0);
    this.#lens[slot] = b.length;
    this.#exts[slot] = ext;
    this.#times[slot] = this.#now();
    return ext;
  }

  /** The most recent packet whose seq is seq16, if still cached and younger than maxAgeMs. */
  get(seq16: number): CachedPacket | undefined {
    const ext = this.#seq.unwrap(seq16 & 0xffff);
    return ext < 0 ? undefined : this.getExtended(ext);
  }

  /** Same as get() by extended seq. */
  getExtended(ext: number): CachedPacket | undefined {
    if (ext < 0) return undefined;
    const slot = ext % this.capacity;
    if (this.#exts[slot] !== ext) return undefined;
    const arrival = this.#times[slot];
    if (this.#now() - arrival > this.maxAgeMs) return undefined;
    const buf = this.#bufs[slot] as Buffer;
    return { packet: buf.subarray(0, this.#lens[slot]), arrival, extSeq: ext };
  }

  /** Highest extended seq inserted, -1 when empty. */
  get highest(): number {
    return this.#seq.highest;
  }

  clear(): void {
    this.#exts.fill(-1);
    this.#seq.reset();
  }
}

// Test helper: a sender driving a BandwidthEstimator over a simulated bottleneck link, in
// simulated time. The link is a FIFO queue drained at a fixed capacity (changeable mid-run), with
// a propagation delay, seeded arrival jitter, optional random loss and a drop-tail limit on
// queueing delay. The receiver reports every FEEDBACK_MS, the report arrives one propagation later.
import { BandwidthEstimator, type EstimatorOptions, type PacketResult } from './bandwidth-estimator.js';
import { Prober } from './prober.js';

const PROPAGATION_MS = 20;
const FEEDBACK_MS = 50;
const TICK_MS = 5;
const MAX_QUEUE_MS = 300;
const MEDIA_PACKET_BYTES = 1200;
const PADDING_PACKET_BYTES = 280;

export interface LinkPlan {
  seed: number;
  /** capacity (bits/s) from each time on: [[0, 2e6], [30_000, 6e5]] */
  capacity: Array<[atMs: number, bps: number]>;
  /** random loss fraction on the link besides queue drops */
  loss?: number;
  /** Media sent: 'estimate' (an encoder that follows the estimate) or a fixed rate in bits/s. */
  media: 'estimate' | number;
  /** When set, a Prober pads up to the estimate while this much is wanted. */
  wantedBps?: number;
  estimator?: EstimatorOptions;
}

export interface Sample {
  atMs: number;
  estimateBps: number;
}

export function seededRandom(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x100000000;
  };
}

export class SimulatedLink {
  readonly estimator: BandwidthEstimator;
  readonly samples: Sample[] = [];
  private readonly prober = new Prober();
  private readonly rand: () => number;
  private nowMs = 0;
  private linkFreeAtMs = 0;
  private mediaCredit = 0;
  /** sent, not yet reported */
  private inFlight: Array<PacketResult & { lost: boolean }> = [];
  private feedbacks: Array<{ atMs: number; results: PacketResult[] }> = [];
  private nextFeedbackMs = FEEDBACK_MS;
  private readonly sentWindow: Array<{ atMs: number; bytes: number }> = [];

  constructor(private readonly plan: LinkPlan) {
    this.estimator = new BandwidthEstimator(plan.estimator);
    this.rand = seededRandom(plan.seed);
  }

  private capacityAt(ms: number): number {
    let bps = this.plan.capacity[0][1];
    for (const [at, c] of this.plan.capacity) if (ms >= at) bps = c;
    return bps;
  }

  private send(bytes: number): void {
    const serviceMs = (bytes * 8 * 1000) / this.capacityAt(this.nowMs);
    const start = Math.max(this.nowMs, this.linkFreeAtMs);
    const queueMs = start - this.nowMs;
    const dropped = queueMs > MAX_QUEUE_MS || this.rand() < (this.plan.loss ?? 0);
    if (queueMs <= MAX_QUEUE_MS) this.linkFreeAtMs = start + serviceMs;
    const arrivalMs = start + serviceMs + PROPAGATION_MS + this.rand() * 0.5;
    this.inFlight.push({ sendMs: this.nowMs, arrivalMs, size: bytes, lost: dropped });
  }

  private mediaBps(): number {
    while (this.sentWindow.length && this.sentWindow[0].atMs <= this.nowMs - 500) this.sentWindow.shift();
    return (this.sentWindow.reduce((n, s) => n + s.bytes, 0) * 8 * 1000) / 500;
  }

  /** Runs until `untilMs` of simulated time, sampling the estimate every 100 ms. */
  run(untilMs: number): void {
    for (; this.nowMs < untilMs; this.nowMs += TICK_MS) {
      const rate = this.plan.media === 'estimate' ? this.estimator.estimateBps : this.plan.media;
      this.mediaCredit += (rate * TICK_MS) / 8000;
      while (this.mediaCredit >= MEDIA_PACKET_BYTES) {
        this.mediaCredit -= MEDIA_PACKET_BYTES;
        this.send(MEDIA_PACKET_BYTES);
        this.sentWindow.push({ atMs: this.nowMs, bytes: MEDIA_PACKET_BYTES });
      }
      if (this.plan.wantedBps !== undefined) {
        const st = this.estimator.state;
        let pad = this.prober.bytesDue(this.nowMs, {
          estimateBps: st.estimateBps,
          wantedBps: this.plan.wantedBps,
          mediaBps: this.mediaBps(),
          congested: st.usage === 'overusing' || st.lossFraction > 0.02,
        });
        for (; pad > 0; pad -= PADDING_PACKET_BYTES) this.send(Math.min(pad, PADDING_PACKET_BYTES));
      }
      if (this.nowMs >= this.nextFeedbackMs) {
        this.nextFeedbackMs += FEEDBACK_MS;
        const due = this.inFlight.filter((p) => p.arrivalMs! <= this.nowMs);
        this.inFlight = this.inFlight.filter((p) => p.arrivalMs! > this.nowMs);
        const results = due.map((p) => ({
          sendMs: p.sendMs,
          size: p.size,
          arrivalMs: p.lost ? undefined : p.arrivalMs,
        }));
        if (results.length) this.feedbacks.push({ atMs: this.nowMs + PROPAGATION_MS, results });
      }
      while (this.feedbacks.length && this.feedbacks[0].atMs <= this.nowMs)
        this.estimator.onFeedback(this.feedbacks.shift()!.results, this.nowMs);
      if (this.nowMs % 100 === 0) this.samples.push({ atMs: this.nowMs, estimateBps: this.estimator.estimateBps });
    }
  }

  /** Samples taken in [fromMs, toMs). */
  between(fromMs: number, toMs: number): number[] {
    return this.samples.filter((s) => s.atMs >= fromMs && s.atMs < toMs).map((s) => s.estimateBps);
  }
}

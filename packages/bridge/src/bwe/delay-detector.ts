// Delay-based half of GCC (draft-ietf-rmcat-gcc-02 §5.1-5.4): packets are grouped into bursts by
// send time, the change of one-way delay between consecutive groups (inter-group delay variation)
// is accumulated and smoothed, a trendline (least squares slope over the last groups) tells whether
// queues grow, and an overuse detector with an adaptive threshold turns that into a signal.
// The constants are the ones the draft and libwebrtc's TrendlineEstimator document.

export type BandwidthUsage = 'normal' | 'overusing' | 'underusing';

/** Packets sent within this long of a group's first packet belong to the group (§5.2). */
const BURST_MS = 5;
const WINDOW = 20;
const SMOOTHING = 0.9;
const THRESHOLD_GAIN = 4;
/** Deltas counted toward the gain before the trend is trusted fully. */
const MIN_DELTAS = 60;
const OVERUSE_TIME_MS = 10;
const K_UP = 0.0087;
const K_DOWN = 0.039;
const MAX_ADAPT_MS = 100;
/** A group whose arrival jumps this far past the previous one restarts the detector (clock or route change). */
const ARRIVAL_JUMP_MS = 3_000;

interface Group {
  firstSendMs: number;
  lastSendMs: number;
  firstArrivalMs: number;
  lastArrivalMs: number;
}

export class DelayDetector {
  private current?: Group;
  private previous?: Group;
  private firstArrivalMs?: number;
  private accumulatedMs = 0;
  private smoothedMs = 0;
  private readonly points: Array<{ x: number; y: number }> = [];
  private numDeltas = 0;
  private threshold = 12.5;
  private lastThresholdUpdateMs?: number;
  private prevTrend = 0;
  private timeOverUsingMs = -1;
  private overuseCount = 0;
  private usage: BandwidthUsage = 'normal';
  /** The last modified trend, exposed for stats and tests. */
  modifiedTrend = 0;

  get state(): BandwidthUsage {
    return this.usage;
  }

  /** One received packet, in arrival order. Returns the usage signal (unchanged when no group completed). */
  onPacket(sendMs: number, arrivalMs: number): BandwidthUsage {
    const g = this.current;
    if (!g) {
      this.current = { firstSendMs: sendMs, lastSendMs: sendMs, firstArrivalMs: arrivalMs, lastArrivalMs: arrivalMs };
      return this.usage;
    }
    if (sendMs < g.firstSendMs) return this.usage; // reordered from an earlier group: ignored, as libwebrtc does
    if (this.belongsTo(g, sendMs, arrivalMs)) {
      g.lastSendMs = Math.max(g.lastSendMs, sendMs);
      g.lastArrivalMs = Math.max(g.lastArrivalMs, arrivalMs);
      return this.usage;
    }
    // g is complete; compare it with the group before it.
    if (this.previous) {
      const sendDelta = g.lastSendMs - this.previous.lastSendMs;
      const arrivalDelta = g.lastArrivalMs - this.previous.lastArrivalMs;
      if (arrivalDelta < 0 || arrivalDelta - sendDelta > ARRIVAL_JUMP_MS) this.reset();
      else this.update(arrivalDelta - sendDelta, arrivalDelta, g.lastArrivalMs);
    }
    this.previous = g;
    this.current = { firstSendMs: sendMs, lastSendMs: sendMs, firstArrivalMs: arrivalMs, lastArrivalMs: arrivalMs };
    return this.usage;
  }

  private belongsTo(g: Group, sendMs: number, arrivalMs: number): boolean {
    if (sendMs - g.firstSendMs <= BURST_MS) return true;
    // A burst that arrives together (the network delivered a queue at once) is one group too.
    const arrivalDelta = arrivalMs - g.lastArrivalMs;
    const sendDelta = sendMs - g.lastSendMs;
    return arrivalDelta <= BURST_MS && arrivalDelta - sendDelta < 0 && arrivalMs - g.firstArrivalMs < 100;
  }

  private reset(): void {
    this.firstArrivalMs = undefined;
    this.accumulatedMs = 0;
    this.smoothedMs = 0;
    this.points.length = 0;
    this.numDeltas = 0;
    this.timeOverUsingMs = -1;
    this.overuseCount = 0;
    this.usage = 'normal';
  }

  private update(delayDeltaMs: number, arrivalDeltaMs: number, arrivalMs: number): void {
    this.numDeltas = Math.min(this.numDeltas + 1, 1000);
    this.firstArrivalMs ??= arrivalMs;
    this.accumulatedMs += delayDeltaMs;
    this.smoothedMs = SMOOTHING * this.smoothedMs + (1 - SMOOTHING) * this.accumulatedMs;
    this.points.push({ x: arrivalMs - this.firstArrivalMs, y: this.smoothedMs });
    if (this.points.length > WINDOW) this.points.shift();
    let trend = this.prevTrend;
    if (this.points.length === WINDOW) trend = slope(this.points) ?? trend;
    this.detect(trend, arrivalDeltaMs, arrivalMs);
  }

  private detect(trend: number, arrivalDeltaMs: number, nowMs: number): void {
    if (this.numDeltas < 2) return;
    const modified = Math.min(this.numDeltas, MIN_DELTAS) * trend * THRESHOLD_GAIN;
    this.modifiedTrend = modified;
    if (modified > this.threshold) {
      if (this.timeOverUsingMs === -1) this.timeOverUsingMs = arrivalDeltaMs / 2;
      else this.timeOverUsingMs += arrivalDeltaMs;
      this.overuseCount++;
      if (this.timeOverUsingMs > OVERUSE_TIME_MS && this.overuseCount > 1 && trend >= this.prevTrend) {
        this.timeOverUsingMs = 0;
        this.overuseCount = 0;
        this.usage = 'overusing';
      }
    } else if (modified < -this.threshold) {
      this.timeOverUsingMs = -1;
      this.overuseCount = 0;
      this.usage = 'underusing';
    } else {
      this.timeOverUsingMs = -1;
      this.overuseCount = 0;
      this.usage = 'normal';
    }
    this.prevTrend = trend;
    this.adaptThreshold(modified, nowMs);
  }

  /** §5.4: the threshold follows |trend| slowly upward and faster downward, so a competing flow is not starved. */
  private adaptThreshold(modified: number, nowMs: number): void {
    const last = this.lastThresholdUpdateMs ?? nowMs;
    this.lastThresholdUpdateMs = nowMs;
    if (Math.abs(modified) > this.threshold + 15) return; // a spike: do not let it drag the threshold up
    const k = Math.abs(modified) < this.threshold ? K_DOWN : K_UP;
    const dt = Math.min(nowMs - last, MAX_ADAPT_MS);
    this.threshold = Math.min(600, Math.max(6, this.threshold + k * (Math.abs(modified) - this.threshold) * dt));
  }
}

/** Least squares slope of y over x; undefined when every x is the same. */
function slope(points: ReadonlyArray<{ x: number; y: number }>): number | undefined {
  let sx = 0;
  let sy = 0;
  for (const p of points) {
    sx += p.x;
    sy += p.y;
  }
  const mx = sx / points.length;
  const my = sy / points.length;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) * (p.x - mx);
  }
  return den === 0 ? undefined : num / den;
}

// The dominant speaker from RFC 6464 audio levels (0 = loudest, 127 = silence, -dBov): each
// endpoint's speech activity is smoothed over a short window, and the speaker changes only when
// someone else has been clearly more active for a while (hysteresis), so coughs do not switch it.

export interface DominantSpeakerOptions {
  /** Level (-dBov) at or below which a packet counts as speech. */
  speechLevel?: number;
  /** Time constant of the activity average, ms. */
  windowMs?: number;
  /** How long a challenger must lead before it takes over, ms. */
  holdMs?: number;
  /** How much more active (0..1) the challenger must be. */
  margin?: number;
}

interface Activity {
  value: number;
  at: number;
  leadSince?: number;
}

export class DominantSpeaker {
  private readonly activity = new Map<string, Activity>();
  private current?: string;
  /** Endpoint ids, most recent dominant speaker first (for last-N). */
  readonly order: string[] = [];
  private readonly o: Required<DominantSpeakerOptions>;

  constructor(opts: DominantSpeakerOptions = {}) {
    this.o = { speechLevel: 60, windowMs: 1000, holdMs: 600, margin: 0.15, ...opts };
  }

  get dominant(): string | undefined {
    return this.current;
  }

  /**
   * Feeds one audio packet's level. Returns the new dominant speaker when it changed, else undefined.
   */
  update(endpointId: string, level: number, voice: boolean, now: number): string | undefined {
    const speech = voice || level <= this.o.speechLevel ? 1 : 0;
    const a = this.decayed(endpointId, now);
    const alpha = Math.min(1, 20 / this.o.windowMs); // each packet is ~20 ms of audio
    a.value += alpha * (speech - a.value);
    if (!this.order.includes(endpointId)) this.order.push(endpointId);
    if (this.current === undefined) {
      if (speech) return this.promote(endpointId);
      return undefined;
    }
    if (endpointId === this.current) return undefined;
    const cur = this.decayed(this.current, now);
    if (a.value > cur.value + this.o.margin) {
      a.leadSince ??= now;
      if (now - a.leadSince >= this.o.holdMs) return this.promote(endpointId);
    } else {
      a.leadSince = undefined;
    }
    return undefined;
  }

  remove(endpointId: string): string | undefined {
    this.activity.delete(endpointId);
    const i = this.order.indexOf(endpointId);
    if (i >= 0) this.order.splice(i, 1);
    if (this.current !== endpointId) return undefined;
    this.current = undefined;
    const next = this.order[0];
    return next ? this.promote(next) : undefined;
  }

  private promote(endpointId: string): string {
    this.current = endpointId;
    const i = this.order.indexOf(endpointId);
    if (i >= 0) this.order.splice(i, 1);
    this.order.unshift(endpointId);
    for (const a of this.activity.values()) a.leadSince = undefined;
    return endpointId;
  }

  private decayed(endpointId: string, now: number): Activity {
    let a = this.activity.get(endpointId);
    if (!a) this.activity.set(endpointId, (a = { value: 0, at: now }));
    if (now > a.at) {
      a.value *= Math.exp(-(now - a.at) / this.o.windowMs);
      a.at = now;
    }
    return a;
  }
}

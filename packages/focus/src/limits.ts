// Bounds on conference creation (issue 11, attack 4: one anonymous session made 500 conferences
// in 2.5 s). Only requests that would *create* a conference are limited: people join existing
// conferences by link, so a request for a running conference never spends anything here.
//
// Three limits, checked in this order, each refused with resource-constraint and a text naming it:
//   - a global cap on live conferences (the one bound that also holds against many sessions);
//   - per requester, at most N live conferences it created;
//   - per requester, a token bucket of N new conferences per minute.
// The requester is the bare real JID of the IQ's sender: one session for anonymous guests (each
// gets a random node), one account for everyone else. The focus cannot see the client's network
// address through XMPP (Prosody does not pass it to components); the per-address bound lives in
// the web server's proxy (connections per address), which does see it.
import { ProtocolError } from '@parley/protocol';

export type Clock = () => number;

/** Capacity `capacity`, refilled continuously at `perMinute` tokens per minute. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly capacity: number,
    readonly perMinute: number,
    private readonly now: Clock = Date.now,
  ) {
    this.tokens = capacity;
    this.last = now();
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((t - this.last) * this.perMinute) / 60_000);
    this.last = t;
  }

  /** Takes one token if there is one. */
  take(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** True when the bucket is back to full: nothing would be lost by forgetting it. */
  full(): boolean {
    this.refill();
    return this.tokens >= this.capacity;
  }
}

export interface ConferenceLimitSettings {
  /** Live conferences on this focus at once. */
  maxConferences: number;
  /** Live conferences one requester created, at once. */
  maxConferencesPerSession: number;
  /** New conferences one requester may create per minute (also the burst). */
  newConferencesPerMinute: number;
}

export const DEFAULT_CONFERENCE_LIMITS: ConferenceLimitSettings = {
  maxConferences: 200,
  maxConferencesPerSession: 5,
  newConferencesPerMinute: 10,
};

/** Requester state kept at most; beyond it, full buckets of requesters with nothing live are dropped. */
const TRACKED_REQUESTERS = 10_000;

export class ConferenceLimits {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly live = new Map<string, number>();

  constructor(
    readonly settings: ConferenceLimitSettings = DEFAULT_CONFERENCE_LIMITS,
    private readonly now: Clock = Date.now,
  ) {}

  /**
   * Admits one new conference for `requester` (a bare JID) while `liveConferences` run, or throws
   * the refusal. The returned function must be called once when that conference ends.
   */
  admitNew(requester: string, liveConferences: number): () => void {
    const s = this.settings;
    if (liveConferences >= s.maxConferences)
      throw refusal(`this deployment runs at most ${s.maxConferences} conferences at once; try again later`);
    const mine = this.live.get(requester) ?? 0;
    if (mine >= s.maxConferencesPerSession)
      throw refusal(`at most ${s.maxConferencesPerSession} live conferences per session`);
    if (!this.bucketOf(requester).take())
      throw refusal(`at most ${s.newConferencesPerMinute} new conferences per minute per session`);
    this.live.set(requester, mine + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const n = (this.live.get(requester) ?? 1) - 1;
      if (n > 0) this.live.set(requester, n);
      else this.live.delete(requester);
    };
  }

  /** How many requesters are tracked (bounded memory, for tests and metrics). */
  get tracked(): number {
    return this.buckets.size;
  }

  private bucketOf(requester: string): TokenBucket {
    let b = this.buckets.get(requester);
    if (!b) {
      if (this.buckets.size >= TRACKED_REQUESTERS) this.forgetIdle();
      b = new TokenBucket(this.settings.newConferencesPerMinute, this.settings.newConferencesPerMinute, this.now);
      this.buckets.set(requester, b);
    }
    return b;
  }

  /** Drops requesters whose bucket is full again and who run nothing: they lose nothing by it. */
  private forgetIdle(): void {
    for (const [jid, b] of this.buckets) if (!this.live.has(jid) && b.full()) this.buckets.delete(jid);
  }
}

function refusal(text: string): ProtocolError {
  return new ProtocolError(text, 'resource-constraint');
}

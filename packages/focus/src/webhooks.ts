// Webhooks: the focus tells the operator's URLs what happens to meetings (room created/ended,
// participant joined/left). Each request is signed, retried with backoff, and never waits in a
// conference's queue: a slow or dead receiver cannot hold a meeting up.
//
// Request: POST <url>, Content-Type application/json, body one MeetingEvent as JSON, and
//   X-Parley-Event:      the event name, e.g. participant.joined
//   X-Parley-Delivery:   the event's id (the same on every retry: receivers drop repeats by it)
//   X-Parley-Timestamp:  Unix seconds when this attempt was sent
//   X-Parley-Signature:  v1=<hex HMAC-SHA256 of "<timestamp>.<body>" with the webhook secret>
// A 2xx answer is delivery; anything else (or no answer within the timeout) is retried.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Logger } from '@parley/service';

export type MeetingEventName = 'room.created' | 'room.ended' | 'participant.joined' | 'participant.left';

export interface MeetingEvent {
  /** Unique per event; the X-Parley-Delivery header. */
  id: string;
  event: MeetingEventName;
  /** ISO time the focus saw it. */
  time: string;
  /** room@conference.<domain> */
  room: string;
  meetingId: string;
  participant?: { id: string; name?: string; moderator?: boolean };
  /** participant.left: why (left the room, refused the session, ...). room.ended: why, and how long it ran. */
  reason?: string;
  durationMs?: number;
}

/** Where conferences report what happens to them; the webhook sender is one. */
export interface MeetingEvents {
  emit(event: Omit<MeetingEvent, 'id' | 'time'>): void;
}

export interface WebhookOptions {
  urls: string[];
  secret: string;
  log: Logger;
  /** Tries per event and URL, the first included (default 6). */
  attempts?: number;
  /** Wait before the second try; doubles up to maxDelayMs (defaults 1 s and 60 s). */
  firstDelayMs?: number;
  maxDelayMs?: number;
  /** An attempt without an answer for this long failed (default 5 s). */
  timeoutMs?: number;
  /** Deliveries waiting or retrying at once, all URLs together; beyond it the oldest is dropped (default 1000). */
  maxPending?: number;
}

interface Delivery {
  url: string;
  event: MeetingEvent;
  body: string;
  attempt: number;
  timer?: NodeJS.Timeout;
}

export const SIGNATURE_HEADER = 'x-parley-signature';
export const TIMESTAMP_HEADER = 'x-parley-timestamp';

/** The X-Parley-Signature value of `body` sent at `timestamp` (Unix seconds). */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return 'v1=' + createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/**
 * What a receiver checks: the signature matches and the timestamp is within `toleranceS` of now
 * (replays of an old request are refused). Returns why not, or undefined when the request is good.
 */
export function webhookProblem(
  secret: string,
  headers: { signature?: string; timestamp?: string },
  body: string,
  toleranceS = 300,
  nowS = Math.floor(Date.now() / 1000),
): string | undefined {
  const ts = Number(headers.timestamp);
  if (!headers.timestamp || !Number.isInteger(ts)) return `no ${TIMESTAMP_HEADER} header of Unix seconds`;
  if (Math.abs(nowS - ts) > toleranceS) return `timestamp ${ts} is more than ${toleranceS} s from now`;
  if (!headers.signature) return `no ${SIGNATURE_HEADER} header`;
  const want = Buffer.from(signWebhook(secret, ts, body));
  const got = Buffer.from(headers.signature);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return 'the signature does not match the body';
  return undefined;
}

export class WebhookSender implements MeetingEvents {
  private readonly pending = new Set<Delivery>();
  private readonly inFlight = new Set<AbortController>();
  private closed = false;
  private readonly attempts: number;
  private readonly firstDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly timeoutMs: number;
  private readonly maxPending: number;
  /** Deliveries that got a 2xx, and that were given up (all tries failed, dropped when full, or closed). */
  readonly counts = { delivered: 0, failedAttempts: 0, givenUp: 0 };

  constructor(private readonly opts: WebhookOptions) {
    for (const url of opts.urls) {
      const u = new URL(url); // throws on a malformed URL, naming it
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`webhook URL ${url} is not http(s)`);
    }
    if (opts.urls.length && opts.secret.length < 16)
      throw new Error('the webhook secret is shorter than 16 characters');
    this.attempts = opts.attempts ?? 6;
    this.firstDelayMs = opts.firstDelayMs ?? 1000;
    this.maxDelayMs = opts.maxDelayMs ?? 60_000;
    this.timeoutMs = opts.timeoutMs ?? 5000;
    this.maxPending = opts.maxPending ?? 1000;
  }

  emit(partial: Omit<MeetingEvent, 'id' | 'time'>): void {
    if (this.closed || this.opts.urls.length === 0) return;
    const event: MeetingEvent = { id: randomUUID(), time: new Date().toISOString(), ...partial };
    const body = JSON.stringify(event);
    for (const url of this.opts.urls) {
      if (this.pending.size >= this.maxPending) this.dropOldest();
      const d: Delivery = { url, event, body, attempt: 0 };
      this.pending.add(d);
      void this.attempt(d);
    }
  }

  /** Waits (bounded) until nothing is pending; for shutdown and tests. */
  async drained(timeoutMs = 10_000): Promise<boolean> {
    for (const deadline = Date.now() + timeoutMs; this.pending.size > 0; ) {
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 20));
    }
    return true;
  }

  close(): void {
    this.closed = true;
    for (const d of this.pending) if (d.timer) clearTimeout(d.timer);
    if (this.pending.size) this.opts.log.warn('webhook.dropped_on_close', { deliveries: this.pending.size });
    this.counts.givenUp += this.pending.size;
    this.pending.clear();
    for (const c of this.inFlight) c.abort();
  }

  private async attempt(d: Delivery): Promise<void> {
    d.timer = undefined;
    d.attempt++;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.timeoutMs);
    this.inFlight.add(abort);
    let problem: string | undefined;
    try {
      const timestamp = Math.floor(Date.now() / 1000);
      const res = await fetch(d.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-parley-event': d.event.event,
          'x-parley-delivery': d.event.id,
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: signWebhook(this.opts.secret, timestamp, d.body),
        },
        body: d.body,
        signal: abort.signal,
        redirect: 'error',
      });
      await res.arrayBuffer().catch(() => undefined); // free the connection
      if (!res.ok) problem = `HTTP ${res.status}`;
    } catch (err) {
      problem = abort.signal.aborted ? `no answer in ${this.timeoutMs} ms` : (err as Error).message;
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(abort);
    }
    if (!this.pending.has(d)) return; // closed or dropped meanwhile
    if (!problem) {
      this.pending.delete(d);
      this.counts.delivered++;
      return;
    }
    this.counts.failedAttempts++;
    const fields = { url: d.url, event: d.event.event, delivery: d.event.id, attempt: d.attempt, problem };
    if (d.attempt >= this.attempts) {
      this.pending.delete(d);
      this.counts.givenUp++;
      this.opts.log.warn('webhook.gave_up', fields);
      return;
    }
    const delayMs = Math.min(this.maxDelayMs, this.firstDelayMs * 2 ** (d.attempt - 1));
    this.opts.log.info('webhook.retrying', { ...fields, inMs: delayMs });
    d.timer = setTimeout(() => void this.attempt(d), delayMs);
    d.timer.unref();
  }

  private dropOldest(): void {
    const oldest = this.pending.values().next().value as Delivery | undefined;
    if (!oldest) return;
    if (oldest.timer) clearTimeout(oldest.timer);
    this.pending.delete(oldest);
    this.counts.givenUp++;
    this.opts.log.warn('webhook.dropped', { url: oldest.url, event: oldest.event.event, why: 'too many pending' });
  }
}

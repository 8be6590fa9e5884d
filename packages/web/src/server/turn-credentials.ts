// Short-lived TURN credentials in the TURN REST API scheme (draft-uberti-behave-turn-rest, as
// coturn's use-auth-secret implements it): username = "<expiry unix seconds>:parley", password =
// base64(HMAC-SHA1(shared secret, username)). coturn checks both, so nothing is stored per user.
import { createHmac } from 'node:crypto';

export interface TurnOptions {
  /** coturn's static-auth-secret. */
  secret: string;
  /** TURN URLs given to browsers, e.g. ['turn:10.0.0.5:3478?transport=tcp', 'turns:10.0.0.5:5349?transport=tcp']. */
  urls: string[];
  /**
   * How long a credential stays valid (default 86400). coturn also checks it when a browser
   * refreshes its allocation, so it must outlast the longest meeting.
   */
  ttlSeconds?: number;
}

export interface TurnCredentialsJson {
  iceServers: { urls: string[]; username: string; credential: string }[];
  /** Seconds the credential is valid from now. */
  ttl: number;
}

export const DEFAULT_TURN_TTL_SECONDS = 86_400;

/** The credential for a username (the TURN REST API's HMAC). */
export function turnPassword(secret: string, username: string): string {
  return createHmac('sha1', secret).update(username).digest('base64');
}

/** The body of GET /turn-credentials at `nowMs`. */
export function turnCredentials(o: TurnOptions, nowMs: number = Date.now()): TurnCredentialsJson {
  const ttl = o.ttlSeconds ?? DEFAULT_TURN_TTL_SECONDS;
  if (!Number.isInteger(ttl) || ttl <= 0) throw new Error(`turn: ttlSeconds must be a positive integer (got ${ttl})`);
  if (!o.secret) throw new Error('turn: the shared secret is empty');
  if (!o.urls.length) throw new Error('turn: no TURN URLs');
  const username = `${Math.floor(nowMs / 1000) + ttl}:parley`;
  return { iceServers: [{ urls: [...o.urls], username, credential: turnPassword(o.secret, username) }], ttl };
}

// What the parts of one conference store share and never change: the environment (browser APIs,
// timeouts, log), the room's addresses, the queue, and the state with its reducer. store.ts
// creates it; the join's mutable facts live in the modules that own them, not here.
import type { ConferenceError, ConferenceState, ParleyConfig } from './types.js';
import type { SerialQueue } from '@parley/protocol';
import type { StateEvent } from './state.js';
import { createXmppConnection, type XmppFactory } from './xmpp-connection.js';

export interface StoreEnv {
  mediaDevices: MediaDevices | undefined;
  isSecureContext: boolean;
  location: { protocol: string; host: string; origin: string; search?: string };
  RTCPeerConnection: typeof RTCPeerConnection;
  MediaStream: typeof MediaStream;
  AudioContext: typeof AudioContext | undefined;
  createXmpp: XmppFactory;
  storage: Pick<Storage, 'getItem' | 'setItem'> | undefined;
  /** Per-tab storage that survives a reload (the moderator key); absent where the browser denies it. */
  session?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | undefined;
  clipboard: { writeText(text: string): Promise<void> } | undefined;
  timeouts: { focusMs: number; mediaMs: number; reconnectMs: number; connectMs: number; waitingMs: number };
  log(event: string, data?: Record<string, unknown>): void;
}

export function defaultEnv(): StoreEnv {
  const g = globalThis as unknown as Partial<Window & typeof globalThis>;
  let storage: Storage | undefined;
  let session: Storage | undefined;
  try {
    storage = g.localStorage;
    session = g.sessionStorage;
  } catch {
    storage ??= undefined;
  }
  return {
    mediaDevices: g.navigator?.mediaDevices,
    isSecureContext: g.isSecureContext !== false,
    location: g.location ?? { protocol: 'https:', host: 'localhost', origin: 'https://localhost' },
    RTCPeerConnection: g.RTCPeerConnection!,
    MediaStream: g.MediaStream!,
    AudioContext: g.AudioContext,
    createXmpp: createXmppConnection,
    storage,
    session,
    clipboard: g.navigator?.clipboard,
    timeouts: { focusMs: 15_000, mediaMs: 20_000, reconnectMs: 30_000, connectMs: 15_000, waitingMs: 60 * 60_000 },
    log: (event, data) => console.info(JSON.stringify({ event, ...data })),
  };
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(t)),
    new Promise<T>((_, reject) => {
      t = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms);
    }),
  ]);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * What every part of one conference store reads: the environment, the room's addresses, the queue
 * and the state with its reducer. Nothing in it changes while the store runs: each join fact (the
 * connection, the room, the peer connection, the tracks) has one owner module that keeps it private
 * and hands out narrow read interfaces (signaling.ts, media-session.ts, local-tracks.ts).
 */
export interface ConferenceContext {
  readonly env: StoreEnv;
  readonly config: ParleyConfig;
  readonly room: string;
  readonly roomJid: string;
  /** The WebSocket URL, resolved against the page. */
  readonly wsUrl: string;
  /** Jingle, presence, messages and the actions that renegotiate all run through this queue. */
  readonly queue: SerialQueue;
  readonly state: ConferenceState;
  /** Applies one event through the reducer (state.ts) and tells the listeners. */
  dispatch(event: StateEvent): void;
  /** A part reports new facts: shorthand for a `patch` event. */
  set(patch: Partial<ConferenceState>): void;
  /** Recomputes participants, tiles and audio from the owners' facts, with this patch. */
  refresh(patch?: Partial<ConferenceState>): void;
  fail(error: ConferenceError): void;
  /** Left, or an error other than no-devices / permission-denied: nothing more happens. */
  terminal(): boolean;
}

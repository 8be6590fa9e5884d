// What the parts of one conference store share: the environment (browser APIs, timeouts, log),
// the room's addresses, the state and its notifier, and the mutable facts of the current join
// (XMPP connection, endpoint id, room model, screen stream). store.ts creates it; signaling,
// media-session, local-tracks and moderation read and write it.
import type { ConferenceError, ConferenceState, ParleyConfig } from './types.js';
import type { SerialQueue } from '@parley/protocol';
import type { RoomModel } from './room.js';
import { createXmppConnection, type XmppConnection, type XmppFactory } from './xmpp-connection.js';

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

/** One conference store's shared state; the fields below `terminal` change while it runs. */
export interface Conference {
  readonly env: StoreEnv;
  readonly config: ParleyConfig;
  readonly room: string;
  readonly roomJid: string;
  /** The WebSocket URL, resolved against the page. */
  readonly wsUrl: string;
  /** The focus and the focus JIDs it named in its conference answers: who may send Jingle. */
  readonly focusJids: Set<string>;
  /** Jingle, presence, messages and the actions that renegotiate all run through this queue. */
  readonly queue: SerialQueue;
  readonly state: ConferenceState;
  set(patch: Partial<ConferenceState>): void;
  /** Recomputes participants, tiles and audio from the room model and the session. */
  refresh(patch?: Partial<ConferenceState>): void;
  fail(error: ConferenceError): void;
  /** Left, or an error other than no-devices / permission-denied: nothing more happens. */
  terminal(): boolean;
  /** Our presence in the room (mute flags, screen, raised hand), when we are in it. */
  sendPresence(): void;

  xmpp: XmppConnection | undefined;
  endpointId: string | undefined;
  myJid: string;
  roomModel: RoomModel;
  inRoom: boolean;
  leaving: boolean;
  screen: MediaStream | null;
  raisedHand: number | undefined;
  /** The room password we join with (typed in prejoin, or given to us when a moderator admitted us). */
  roomPassword?: string;
  /** Access (issue 11): the invite link's token, sent with the conference request. */
  token?: string;
  /** Access mode "login": the host's account; connect() then logs in on config.domain. */
  login?: { username: string; password: string };
}

// Password and lobby on the client. Joining: when the room refuses us with not-authorized the
// prejoin screen asks for the password (the next join() starts afresh and sends it); with
// registration-required (members-only: the lobby is on) we knock on the focus and wait until a
// moderator answers. Moderating: the focus pushes the room's access settings and the knocks to
// moderators; their changes are IQs to the focus, which checks them. It owns the room password we
// join with. DOM-free (unit-tested in Node): it sees the store through RoomAccessHost and signaling
// through RoomAccessSignaling.
import {
  PARLEY_FOCUS_NS,
  bareJid,
  parseKnockAnswer,
  parseKnockResult,
  parseRoomAccessSnapshot,
  roomAccessRequestToXml,
  xml,
  type Element,
  type RoomAccessRequest,
} from '@parley/protocol';
import { errorDetail } from './errors.js';
import type { SerialQueue } from '@parley/protocol';
import { NO_ROOM_ACCESS, type RoomAccessState } from './room-access-state.js';

/** Knocks answered "admitted" in a row whose join the room still refused: then we stop trying. */
const MAX_FRUITLESS_ADMITS = 2;

type IqAnswer = boolean | { error: string; text?: string };

/** The part of XmppConnection this module uses. */
export interface RoomAccessConnection {
  send(el: Element): void;
  request(el: Element, timeoutMs: number): Promise<Element>;
  onIqSet(ns: string, name: string, handler: (iq: Element, payload: Element) => Promise<IqAnswer>): void;
  stop(): Promise<void>;
}

/** The part of the store's ConferenceContext (context.ts) this module uses. */
export interface RoomAccessHost {
  readonly env: { log(event: string, data?: Record<string, unknown>): void };
  readonly config: { focusJid: string };
  readonly roomJid: string;
  readonly wsUrl: string;
  readonly queue: SerialQueue;
  readonly state: { phase: string; displayName: string; roomAccess?: RoomAccessState };
  set(patch: { phase?: 'prejoin' | 'joining' | 'lobby'; roomAccess?: RoomAccessState }): void;
  fail(error: { kind: 'signaling-failed' | 'lobby-denied'; detail?: string; url?: string }): void;
  terminal(): boolean;
}

/** The part of Signaling this module uses. */
export interface RoomAccessSignaling {
  readonly connection: RoomAccessConnection | undefined;
  /** The focus and the focus JIDs it named: who may push room access settings and knock results. */
  readonly focusJids: ReadonlySet<string>;
  /** Closes the connection: the next join() starts afresh. */
  disconnect(): void;
  joinRoom(maxHistory: number): void;
  requestConference(x: RoomAccessConnection): Promise<void>;
}

export interface RoomAccessClient {
  /** Signaling hooks: our IQ handlers on each connection, and the room's refusals of our join. */
  hooks: {
    connected(x: RoomAccessConnection): void;
    joinRefused(condition: string): boolean;
    joinPassword(): string | undefined;
  };
  /** The ConferenceActions this module implements. */
  actions: {
    setJoinPassword(password: string): void;
    setRoomPassword(password: string): void;
    setLobbyEnabled(enabled: boolean): void;
    answerKnock(knockerId: string, admit: boolean): void;
  };
}

/** `signaling` is read lazily: the store creates it after us, with our hooks. */
export function createRoomAccess(c: RoomAccessHost, signaling: () => RoomAccessSignaling): RoomAccessClient {
  const { env, config, roomJid } = c;
  let fruitlessAdmits = 0;
  /** The room password we join with (typed in prejoin, or given to us when a moderator admitted us). */
  let roomPassword: string | undefined;

  const access = (): RoomAccessState => c.state.roomAccess ?? NO_ROOM_ACCESS;
  const update = (patch: Partial<RoomAccessState>) => c.set({ roomAccess: { ...access(), ...patch } });
  const fromFocus = (iq: Element) => {
    try {
      return signaling().focusJids.has(bareJid(String(iq.attrs.from ?? '')));
    } catch {
      return false;
    }
  };

  function ask(r: RoomAccessRequest): Promise<Element> {
    const x = signaling().connection;
    if (!x) return Promise.reject(new Error('not connected'));
    return x.request(xml('iq', { type: 'set', to: config.focusJid }, roomAccessRequestToXml(r)), 10_000);
  }

  /** A moderator's change; a refusal is shown in the panel in the focus's words. */
  function moderate(r: RoomAccessRequest): void {
    update({ actionError: undefined });
    ask(r).catch((err: unknown) => {
      env.log('room_access.refused', { kind: r.kind, error: errorDetail(err) });
      update({ actionError: errorDetail(err) });
    });
  }

  async function enter(): Promise<void> {
    const x = signaling().connection;
    if (!x || c.terminal()) return;
    c.set({ phase: 'joining' });
    try {
      await signaling().requestConference(x);
    } catch (err) {
      return c.fail({ kind: 'signaling-failed', detail: errorDetail(err), url: c.wsUrl });
    }
    if (signaling().connection === x && c.state.phase === 'joining') signaling().joinRoom(20);
  }

  async function knock(): Promise<void> {
    const x = signaling().connection;
    if (!x) return;
    c.set({ phase: 'lobby' });
    // A directed presence: when this session ends, Prosody tells the focus, which drops our knock.
    x.send(xml('presence', { to: config.focusJid }));
    let answer: Element;
    try {
      answer = await ask({ kind: 'knock', room: roomJid, nick: c.state.displayName });
    } catch (err) {
      return c.fail({ kind: 'signaling-failed', detail: `the focus refused our knock: ${errorDetail(err)}` });
    }
    const knockEl = answer.getChild('knock', PARLEY_FOCUS_NS);
    if (knockEl && parseKnockAnswer(knockEl).status === 'admitted') {
      fruitlessAdmits++;
      await enter(); // the lobby was turned off meanwhile
    }
  }

  function register(x: RoomAccessConnection): void {
    x.onIqSet(PARLEY_FOCUS_NS, 'room-access', async (iq, payload) => {
      if (!fromFocus(iq)) return false;
      try {
        const s = parseRoomAccessSnapshot(payload);
        update({ passwordSet: s.passwordSet, lobbyEnabled: s.lobbyEnabled, knockers: s.knockers });
      } catch (err) {
        return { error: 'bad-request', text: errorDetail(err) };
      }
      return true;
    });
    x.onIqSet(PARLEY_FOCUS_NS, 'knock-result', async (iq, payload) => {
      if (!fromFocus(iq)) return false;
      let result: ReturnType<typeof parseKnockResult>;
      try {
        result = parseKnockResult(payload);
      } catch (err) {
        return { error: 'bad-request', text: errorDetail(err) };
      }
      if (c.state.phase !== 'lobby') return true;
      env.log('lobby.answered', { result: result.result });
      if (result.result === 'denied') c.fail({ kind: 'lobby-denied' });
      else {
        if (result.password !== undefined) roomPassword = result.password;
        c.queue.post('admitted', enter);
      }
      return true;
    });
  }

  function joinRefused(condition: string): boolean {
    const phase = c.state.phase;
    if (phase !== 'joining' && phase !== 'lobby') return false;
    if (condition === 'not-authorized') {
      // Back to prejoin with a password field; the next join() starts afresh, with the password.
      signaling().disconnect();
      update({ passwordPrompt: roomPassword ? 'wrong' : 'required' });
      c.set({ phase: 'prejoin' });
      return true;
    }
    if (condition === 'registration-required' && fruitlessAdmits < MAX_FRUITLESS_ADMITS) {
      c.queue.post('knock', knock);
      return true;
    }
    return false;
  }

  return {
    hooks: { connected: register, joinRefused, joinPassword: () => roomPassword },
    actions: {
      setJoinPassword: (password) => {
        roomPassword = password;
      },
      setRoomPassword: (password) => moderate({ kind: 'password', room: roomJid, password }),
      setLobbyEnabled: (enabled) => moderate({ kind: 'lobby', room: roomJid, enabled }),
      answerKnock: (id, admit) => moderate({ kind: admit ? 'admit' : 'deny', room: roomJid, knocker: id }),
    },
  };
}

// Test doubles for createConferenceStore in Node (store.test.ts; never bundled: nothing in the
// app imports this file): an XMPP connection that records what the store sends and plays the MUC
// room and the focus as scripted, camera and microphone tracks, and a StoreEnv made of them.
import { xml, type Element } from '@parley/protocol';
import type { StoreEnv } from './context.js';
import type { ConferenceState, ConferenceStore, ParleyConfig } from './types.js';
import type { XmppConnection, XmppHandlers } from './xmpp-connection.js';

export const CONFIG: ParleyConfig = {
  domain: 'meet.example',
  mucDomain: 'conference.meet.example',
  focusJid: 'focus.meet.example',
  websocketUrl: '/xmpp-websocket',
  boshUrl: '/http-bind',
  doctorUrl: '/doctor',
  language: null,
};
export const ROOM_JID = 'standup@conference.meet.example';
const MY_JID = 'guest-1@meet.example/web';

type IqAnswer = Awaited<ReturnType<Parameters<XmppConnection['onIqSet']>[2]>>;

/** One connection the store opened: what it sent, and the room's and focus's side of it. */
export class FakeXmpp implements XmppConnection {
  readonly sent: Element[] = [];
  readonly requests: Element[] = [];
  readonly iqHandlers = new Map<string, (iq: Element, payload: Element) => Promise<IqAnswer>>();
  stopped = false;
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly opts: { service: string; domain: string; username?: string; password?: string },
    readonly handlers: XmppHandlers,
    /** The focus's answer to an IQ request (the conference request, moderation...). */
    private readonly answer: (iq: Element) => Promise<Element>,
  ) {}

  async start(): Promise<string> {
    return MY_JID;
  }

  async stop(): Promise<void> {
    this.stopped = true;
  }

  send(el: Element): void {
    this.sent.push(el);
    // The room reflects groupchat messages to everyone, the sender included.
    if (el.name === 'message' && el.attrs.type === 'groupchat') {
      const nick = this.joinPresence()?.attrs.to.split('/')[1];
      this.deliver(xml('message', { ...el.attrs, from: `${ROOM_JID}/${nick}`, to: MY_JID }, ...el.children));
    }
    this.notify();
  }

  request(el: Element): Promise<Element> {
    this.requests.push(el);
    this.notify();
    return this.answer(el);
  }

  onIqSet(ns: string, name: string, handler: (iq: Element, payload: Element) => Promise<IqAnswer>): void {
    this.iqHandlers.set(`${ns} ${name}`, handler);
  }

  /** A stanza from the server (presence or message from the room). */
  deliver(el: Element): void {
    this.handlers.stanza(el);
  }

  /** Our MUC join presence (the one with the muc <x/>), if sent. */
  joinPresence(): Element | undefined {
    return this.sent.find((el) => el.name === 'presence' && el.getChild('x', 'http://jabber.org/protocol/muc'));
  }

  /** The room lets us in: it reflects our join presence back to us. */
  reflectJoin(): void {
    const join = this.joinPresence();
    if (!join) throw new Error('no MUC join presence was sent');
    const children = join.getChildElements().filter((c) => c.name !== 'x');
    this.deliver(xml('presence', { from: join.attrs.to, to: MY_JID }, ...children));
  }

  /** Resolves once a sent stanza or request matches (bounded: rejects after `ms`). */
  waitFor(what: string, match: (el: Element) => boolean, ms = 5000): Promise<Element> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = [...this.sent, ...this.requests].find(match);
        if (!found) return false;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`${what}: not sent within ${ms} ms`));
      }, ms);
      if (!check()) this.waiters.add(check);
    });
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }
}

export class FakeTrack {
  enabled = true;
  stopped = false;
  private readonly onEnded: (() => void)[] = [];
  constructor(
    readonly kind: 'audio' | 'video',
    readonly deviceId: string,
  ) {}
  stop(): void {
    this.stopped = true;
  }
  getSettings(): MediaTrackSettings {
    return { deviceId: this.deviceId };
  }
  addEventListener(type: string, listener: () => void): void {
    if (type === 'ended') this.onEnded.push(listener);
  }
  /** The browser ends the track (e.g. its own "stop sharing" button). */
  end(): void {
    this.stopped = true;
    for (const l of this.onEnded) l();
  }
}

export class FakeStream {
  private readonly tracks: FakeTrack[];
  constructor(tracks: FakeTrack[] = []) {
    this.tracks = [...tracks];
  }
  getTracks(): FakeTrack[] {
    return [...this.tracks];
  }
  getAudioTracks(): FakeTrack[] {
    return this.tracks.filter((t) => t.kind === 'audio');
  }
  getVideoTracks(): FakeTrack[] {
    return this.tracks.filter((t) => t.kind === 'video');
  }
  addTrack(t: FakeTrack): void {
    this.tracks.push(t);
  }
}

/** A browser for the store: camera, microphone and screen as the options say, connections recorded. */
export function fakeEnv(
  opts: {
    getUserMedia?: () => Promise<FakeStream>;
    getDisplayMedia?: () => Promise<FakeStream>;
    answer?: (iq: Element) => Promise<Element>;
    secure?: boolean;
  } = {},
) {
  const connections: FakeXmpp[] = [];
  const devices = [
    { kind: 'audioinput', deviceId: 'mic-1', label: 'Microphone', groupId: 'g' },
    { kind: 'videoinput', deviceId: 'cam-1', label: 'Camera', groupId: 'g' },
  ];
  const mediaDevices = {
    getUserMedia: opts.getUserMedia ?? (async () => new FakeStream([new FakeTrack('audio', 'mic-1')])),
    enumerateDevices: async () => devices,
    getDisplayMedia: opts.getDisplayMedia ?? (async () => new FakeStream([new FakeTrack('video', 'screen')])),
  };
  const answer = opts.answer ?? (async () => xml('iq', { type: 'result' }));
  const env: Partial<StoreEnv> = {
    mediaDevices: mediaDevices as unknown as MediaDevices,
    isSecureContext: opts.secure ?? true,
    location:
      opts.secure === false
        ? { protocol: 'http:', host: 'meet.example', origin: 'http://meet.example', search: '' }
        : { protocol: 'https:', host: 'meet.example', origin: 'https://meet.example', search: '' },
    RTCPeerConnection: undefined as unknown as typeof RTCPeerConnection, // no Jingle session in these tests
    MediaStream: FakeStream as unknown as typeof MediaStream,
    AudioContext: undefined,
    createXmpp: (o, handlers) => {
      const x = new FakeXmpp(o, handlers, answer);
      connections.push(x);
      return x;
    },
    storage: undefined,
    session: undefined,
    clipboard: undefined,
    timeouts: { focusMs: 2000, mediaMs: 2000, reconnectMs: 2000, connectMs: 2000, waitingMs: 2000 },
    log: () => {},
  };
  return { env, connections };
}

/** Resolves with the first state that matches (bounded: rejects after `ms`, naming the phase). */
export function stateWhere(
  store: ConferenceStore,
  what: string,
  match: (s: ConferenceState) => boolean,
  ms = 5000,
): Promise<ConferenceState> {
  return new Promise((resolve, reject) => {
    if (match(store.getState())) return resolve(store.getState());
    const timer = setTimeout(() => {
      off();
      reject(new Error(`${what}: not within ${ms} ms (phase ${store.getState().phase})`));
    }, ms);
    const off = store.subscribe((s) => {
      if (!match(s)) return;
      clearTimeout(timer);
      off();
      resolve(s);
    });
  });
}

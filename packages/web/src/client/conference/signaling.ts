// The signaling side of a conference: the XMPP connection, the conference request to the focus,
// joining the MUC room and our presence in it (mute flags, screen, raised hand), the room's
// presence and messages, the Jingle IQs handed to the media session, and the reconnection after a
// dropped connection (rejoin the room: the focus sees a new occupant and sends a new
// session-initiate). It owns the join's signaling facts: the connection, our endpoint id and JID,
// the room model, whether we are in the room or leaving, the raised hand and the host's login.
import {
  bareJid,
  mucJoinPresence,
  occupantJid,
  parseJingle,
  participantPresenceChildren,
  TOKEN_PROPERTY,
  xml,
  type Element,
  type Jingle,
  type ParticipantInfo,
  type SourceInfoEntry,
  JINGLE_NS,
  MUTE_AUDIO_NS,
  newEndpointId,
} from '@parley/protocol';
import { withTimeout, type ConferenceContext } from './context.js';
import { errorDetail } from './errors.js';
import { FocusIdentity } from './focus-identity.js';
import { inviteToken } from './access.js';
import { requestConference } from './conference-request.js';
import { applyPresenceStanza, emptyRoom, parseChatStanza, type RoomModel } from './room.js';
import type { XmppConnection } from './xmpp-connection.js';

export interface SignalingHooks {
  /** A Jingle IQ from the focus, on the queue; a rejection of session-initiate is answered as an error. */
  onJingle(j: Jingle): Promise<void>;
  /** The focus asked us to mute our microphone. */
  remoteMute(): void;
  /** The connection dropped: the media session will be replaced. */
  disconnected(): void;
  /** Our presence says whether we share a screen (the media session owns the screen stream). */
  screenSharing(): boolean;
  /** Properties of the conference request (e.g. a moderator's key after a reload). */
  conferenceProperties?(): Record<string, string>;
  /** Registers more handlers of IQs from the focus on a new connection (moderation.ts). */
  focusIqs?(x: XmppConnection, fromFocus: (iq: Element) => boolean): void;
  /** A presence of the real focus occupant (recording state, recording.ts). */
  focusPresence?(presence: Element): void;
  /** A new connection: register more IQ handlers on it (room access). */
  connected?(x: XmppConnection): void;
  /** The room refused our join with this condition: true when handled (password prompt, lobby). */
  joinRefused?(condition: string): boolean;
  /** The room password to join with (room-access.ts owns it). */
  joinPassword?(): string | undefined;
}

/** Access mode "login": the host's account on config.domain. */
export interface Login {
  username: string;
  password: string;
}

export interface Signaling {
  /** The current connection: undefined before join, after teardown or a password refusal. */
  readonly connection: XmppConnection | undefined;
  /** Our nick in the room and the prefix of our source names; set by startJoin(). */
  readonly endpointId: string | undefined;
  /** Our full JID on the current connection. */
  readonly myJid: string;
  /** The room's occupants as their presence says. */
  readonly roomModel: RoomModel;
  /** The room reflected our presence and we have not left it since. */
  readonly inRoom: boolean;
  /** When we raised our hand (ms), or undefined. */
  readonly raisedHand: number | undefined;
  /** The host logged in (access mode "login"): later connections use the account. */
  readonly loggedIn: boolean;
  /** The focus and the focus JIDs it named in its conference answers: who may send its notices. */
  readonly focusJids: ReadonlySet<string>;
  /** A new join: a fresh endpoint id and an empty room. */
  startJoin(): void;
  /**
   * Connects and authenticates (as the host with `login`, else as before); the new connection
   * replaces the current one, which is closed. Rejects with `signaling: true` errors.
   */
  connect(login?: Login): Promise<XmppConnection>;
  requestConference(x: XmppConnection): Promise<void>;
  joinRoom(maxHistory: number): void;
  sendPresence(): void;
  toggleRaisedHand(): void;
  /** The user leaves: from now on the room's goodbye is no error; unavailable presence when in the room. */
  leave(): void;
  /** Closes the connection (teardown, or back to prejoin after a password refusal). */
  disconnect(): void;
  /** Stops the reconnect timer (teardown). */
  stopTimers(): void;
  readonly droppedStanzas: number;
}

export function createSignaling(c: ConferenceContext, hooks: SignalingHooks): Signaling {
  const { env, config, roomJid, wsUrl, queue } = c;
  // Access (issue 11): the invite link's token, sent with every conference request.
  const token = inviteToken(env.location.search);
  const focusJids = new Set([config.focusJid]);
  let xmpp: XmppConnection | undefined;
  let endpointId: string | undefined;
  let myJid = '';
  let roomModel = emptyRoom();
  let inRoom = false;
  let leaving = false;
  let raisedHand: number | undefined;
  let login: Login | undefined;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let rejoinDeadline = 0;
  let droppedStanzas = 0;
  // Jingle and mute are taken only from the room's focus occupant (lib-jitsi-meet's rule).
  const focus = new FocusIdentity(roomJid, focusJids);

  function presenceInfo(): ParticipantInfo {
    const { state } = c;
    const id = endpointId!;
    const sourceInfo: Record<string, SourceInfoEntry> = {
      [`${id}-a0`]: { muted: state.audioMuted },
      [`${id}-v0`]: { muted: state.videoMuted, videoType: 'camera' },
    };
    if (hooks.screenSharing()) sourceInfo[`${id}-v1`] = { muted: false, videoType: 'desktop' };
    const info: ParticipantInfo = {
      nick: state.displayName,
      audioMuted: state.audioMuted,
      videoMuted: state.videoMuted,
      sourceInfo,
    };
    if (raisedHand !== undefined) info.raisedHand = raisedHand;
    return info;
  }

  function sendPresence(): void {
    if (!xmpp || !endpointId || !inRoom) return;
    xmpp.send(
      xml('presence', { to: occupantJid(roomJid, endpointId) }, ...participantPresenceChildren(presenceInfo())),
    );
  }

  function joinRoom(maxHistory: number): void {
    const password = hooks.joinPassword?.();
    xmpp?.send(
      mucJoinPresence(occupantJid(roomJid, endpointId!), {
        maxHistory,
        ...(password ? { password } : {}),
        children: participantPresenceChildren(presenceInfo()),
      }),
    );
  }

  function onPresence(stanza: Element): void {
    const from = String(stanza.attrs.from ?? '');
    if (stanza.attrs.type === 'error') {
      if (from !== occupantJid(roomJid, endpointId!)) return;
      const condition = stanza.getChild('error')?.getChildElements()[0]?.name ?? 'error';
      if (condition === 'conflict' && Date.now() < rejoinDeadline) {
        // After a reconnect the old occupant may linger for a moment: try the same nick again.
        setTimeout(() => {
          if (xmpp && !c.terminal()) joinRoom(0);
        }, 2000);
        return;
      }
      if (hooks.joinRefused?.(condition)) return;
      c.fail({
        kind: 'signaling-failed',
        detail: `the room ${roomJid} refused to let us in: ${condition}`,
        url: wsUrl,
      });
      return;
    }
    const r = applyPresenceStanza(roomModel, stanza, endpointId);
    if (r.error) {
      droppedStanzas++;
      env.log('presence.malformed', { from, error: errorDetail(r.error) });
      return;
    }
    roomModel = r.room;
    const o = r.outcome;
    if (o.kind === 'ignored') return;
    if (o.kind === 'self') {
      inRoom = true;
      c.refresh(c.state.phase === 'joining' ? { phase: 'in-meeting' } : {});
      return;
    }
    if (o.kind === 'self-gone') {
      inRoom = false;
      if (leaving) return;
      if (o.removed) return c.fail({ kind: 'removed' });
      if (c.state.reconnecting) return;
      return c.fail({ kind: 'meeting-ended', detail: `left the room (status ${o.codes.join(', ') || 'none'})` });
    }
    if (o.kind === 'left' && c.state.dominantSpeaker === o.nick) return c.refresh({ dominantSpeaker: undefined });
    c.refresh();
  }

  function onMessage(stanza: Element): void {
    const incoming = parseChatStanza(stanza, roomJid, endpointId, roomModel);
    if (incoming) c.dispatch({ type: 'chat', incoming });
  }

  function handleIqs(x: XmppConnection): void {
    const fromFocus = (iq: Element) => focus.isFocus(iq.attrs.from);
    x.onIqSet(JINGLE_NS, 'jingle', async (iq, payload) => {
      if (!fromFocus(iq)) return false;
      let j: Jingle;
      try {
        j = parseJingle(payload);
      } catch (err) {
        return { error: 'bad-request', text: errorDetail(err) };
      }
      try {
        await queue.run(`jingle ${j.action}`, () => hooks.onJingle(j));
      } catch (err) {
        if (j.action === 'session-initiate') return { error: 'internal-server-error', text: errorDetail(err) };
      }
      return true;
    });
    x.onIqSet(MUTE_AUDIO_NS, 'mute', async (iq, payload) => {
      if (!fromFocus(iq)) return false;
      if (payload.getText().trim() === 'true') await queue.run('remote mute', () => hooks.remoteMute());
      return true;
    });
    // The focus's own notices (moderator key, meeting ended) come from the focus component itself,
    // an address only the focus can send from (Prosody stamps it), or through the room like Jingle.
    hooks.focusIqs?.(x, (iq) => fromFocus(iq) || focusJids.has(String(iq.attrs.from ?? '')));
  }

  function onStanza(el: Element): void {
    let from: string;
    try {
      from = bareJid(String(el.attrs.from ?? ''));
    } catch {
      return;
    }
    if (from !== roomJid) return;
    // Followed at once, not on the queue: the focus's Jingle may arrive while the queue is busy.
    if (el.name === 'presence') focus.observePresence(el);
    if (el.name === 'presence' && focus.isFocus(el.attrs.from))
      queue.post('focus presence', () => hooks.focusPresence?.(el));
    if (el.name === 'presence') queue.post('presence', () => onPresence(el));
    else if (el.name === 'message') queue.post('message', () => onMessage(el));
  }

  async function connect(account: Login | undefined = login): Promise<XmppConnection> {
    // Access mode "login": guests are anonymous on config.anonymousDomain; the host logs in on config.domain.
    const x = env.createXmpp(
      account
        ? { service: wsUrl, domain: config.domain, ...account }
        : { service: wsUrl, domain: config.anonymousDomain ?? config.domain },
      {
        stanza: onStanza,
        online: (jid) => {
          if (xmpp === x) queue.post('reconnected', () => onReconnected(jid));
        },
        resumed: () => {
          if (xmpp === x) recovered();
        },
        disconnected: (reason) => {
          if (xmpp === x) onDisconnected(reason);
        },
      },
    );
    handleIqs(x);
    hooks.connected?.(x);
    try {
      myJid = await withTimeout(x.start(), env.timeouts.connectMs, `XMPP connection to ${wsUrl}`);
    } catch (err) {
      void x.stop();
      // @xmpp/client's browser build has no BOSH transport, so there is no fallback to config.boshUrl.
      throw Object.assign(new Error(errorDetail(err)), { signaling: true });
    }
    login = account;
    // The host's login replaces the guest connection only once it works: a wrong password leaves the guest.
    const old = xmpp;
    xmpp = x;
    if (old !== x) void old?.stop();
    return x;
  }

  function conferenceRequest(x: XmppConnection): Promise<void> {
    return requestConference(x, {
      focusJid: config.focusJid,
      room: roomJid,
      properties: { ...hooks.conferenceProperties?.(), ...(token ? { [TOKEN_PROPERTY]: token } : {}) },
      timeoutMs: env.timeouts.focusMs,
      focusNamed: (jid) => focusJids.add(jid),
    });
  }

  function onDisconnected(reason: string): void {
    if (leaving || c.terminal()) return;
    env.log('xmpp.disconnected', { reason });
    inRoom = false;
    hooks.disconnected();
    clearTimeout(reconnectTimer);
    reconnectTimer = setTimeout(() => {
      c.fail({
        kind: 'signaling-failed',
        detail: `the connection was lost (${reason}) and not restored within ${env.timeouts.reconnectMs / 1000} s`,
        url: wsUrl,
      });
    }, env.timeouts.reconnectMs);
    c.set({ reconnecting: true });
  }

  function recovered(): void {
    clearTimeout(reconnectTimer);
    if (c.state.reconnecting) c.set({ reconnecting: false });
  }

  async function onReconnected(jid: string): Promise<void> {
    if (leaving || c.terminal() || !xmpp) return;
    myJid = jid;
    env.log('xmpp.reconnected', { jid });
    recovered();
    try {
      await conferenceRequest(xmpp);
    } catch (err) {
      return c.fail({ kind: 'signaling-failed', detail: errorDetail(err), url: wsUrl });
    }
    // The focus sees a new occupant and sends a new session-initiate (it replaces the peer connection).
    rejoinDeadline = Date.now() + env.timeouts.reconnectMs;
    joinRoom(0);
  }

  return {
    get connection() {
      return xmpp;
    },
    get endpointId() {
      return endpointId;
    },
    get myJid() {
      return myJid;
    },
    get roomModel() {
      return roomModel;
    },
    get inRoom() {
      return inRoom;
    },
    get raisedHand() {
      return raisedHand;
    },
    get loggedIn() {
      return login !== undefined;
    },
    focusJids,
    startJoin() {
      endpointId = newEndpointId();
      roomModel = emptyRoom();
    },
    connect,
    requestConference: conferenceRequest,
    joinRoom,
    sendPresence,
    toggleRaisedHand() {
      raisedHand = raisedHand === undefined ? Date.now() : undefined;
    },
    leave() {
      leaving = true;
      if (xmpp && endpointId && inRoom)
        xmpp.send(xml('presence', { to: occupantJid(roomJid, endpointId), type: 'unavailable' }));
    },
    disconnect() {
      const x = xmpp;
      xmpp = undefined;
      inRoom = false;
      void x?.stop();
    },
    stopTimers: () => clearTimeout(reconnectTimer),
    get droppedStanzas() {
      return droppedStanzas;
    },
  };
}

// The signaling side of a conference: the XMPP connection, the conference request to the focus,
// joining the MUC room and our presence in it, the room's presence and messages, the Jingle IQs
// handed to the media session, and the reconnection after a dropped connection (rejoin the room:
// the focus sees a new occupant and sends a new session-initiate).
import {
  bareJid,
  conferenceRequestToXml,
  mucJoinPresence,
  occupantJid,
  parseConferenceReady,
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
} from '@parley/protocol';
import { sleep, withTimeout, type Conference } from './context.js';
import { errorDetail } from './errors.js';
import { FocusIdentity } from './focus-identity.js';
import { refusalOf } from './access.js';
import { addChat, applyPresenceStanza, parseChatStanza } from './room.js';
import type { XmppConnection } from './xmpp-connection.js';

export interface SignalingHooks {
  /** A Jingle IQ from the focus, on the queue; a rejection of session-initiate is answered as an error. */
  onJingle(j: Jingle): Promise<void>;
  /** The focus asked us to mute our microphone. */
  remoteMute(): void;
  /** The connection dropped: the media session will be replaced. */
  disconnected(): void;
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
}

export interface Signaling {
  /** Connects and authenticates; rejects with `signaling: true` errors. */
  connect(): Promise<XmppConnection>;
  requestConference(x: XmppConnection): Promise<void>;
  joinRoom(maxHistory: number): void;
  sendPresence(): void;
  /** Stops the reconnect timer (teardown). */
  stopTimers(): void;
  readonly droppedStanzas: number;
}

export function createSignaling(c: Conference, hooks: SignalingHooks): Signaling {
  const { env, config, roomJid, wsUrl, focusJids, queue } = c;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let rejoinDeadline = 0;
  let droppedStanzas = 0;
  // Jingle and mute are taken only from the room's focus occupant (lib-jitsi-meet's rule).
  const focus = new FocusIdentity(roomJid, focusJids);

  function presenceInfo(): ParticipantInfo {
    const { state } = c;
    const id = c.endpointId!;
    const sourceInfo: Record<string, SourceInfoEntry> = {
      [`${id}-a0`]: { muted: state.audioMuted },
      [`${id}-v0`]: { muted: state.videoMuted, videoType: 'camera' },
    };
    if (c.screen) sourceInfo[`${id}-v1`] = { muted: false, videoType: 'desktop' };
    const info: ParticipantInfo = {
      nick: state.displayName,
      audioMuted: state.audioMuted,
      videoMuted: state.videoMuted,
      sourceInfo,
    };
    if (c.raisedHand !== undefined) info.raisedHand = c.raisedHand;
    return info;
  }

  function sendPresence(): void {
    if (!c.xmpp || !c.endpointId || !c.inRoom) return;
    c.xmpp.send(
      xml('presence', { to: occupantJid(roomJid, c.endpointId) }, ...participantPresenceChildren(presenceInfo())),
    );
  }

  function joinRoom(maxHistory: number): void {
    c.xmpp?.send(
      mucJoinPresence(occupantJid(roomJid, c.endpointId!), {
        maxHistory,
        ...(c.roomPassword ? { password: c.roomPassword } : {}),
        children: participantPresenceChildren(presenceInfo()),
      }),
    );
  }

  function onPresence(stanza: Element): void {
    const from = String(stanza.attrs.from ?? '');
    if (stanza.attrs.type === 'error') {
      if (from !== occupantJid(roomJid, c.endpointId!)) return;
      const condition = stanza.getChild('error')?.getChildElements()[0]?.name ?? 'error';
      if (condition === 'conflict' && Date.now() < rejoinDeadline) {
        // After a reconnect the old occupant may linger for a moment: try the same nick again.
        setTimeout(() => {
          if (c.xmpp && !c.terminal()) joinRoom(0);
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
    const r = applyPresenceStanza(c.roomModel, stanza, c.endpointId);
    if (r.error) {
      droppedStanzas++;
      env.log('presence.malformed', { from, error: errorDetail(r.error) });
      return;
    }
    c.roomModel = r.room;
    const o = r.outcome;
    if (o.kind === 'ignored') return;
    if (o.kind === 'self') {
      c.inRoom = true;
      c.refresh(c.state.phase === 'joining' ? { phase: 'in-meeting' } : {});
      return;
    }
    if (o.kind === 'self-gone') {
      c.inRoom = false;
      if (c.leaving) return;
      if (o.removed) return c.fail({ kind: 'removed' });
      if (c.state.reconnecting) return;
      return c.fail({ kind: 'meeting-ended', detail: `left the room (status ${o.codes.join(', ') || 'none'})` });
    }
    if (o.kind === 'left' && c.state.dominantSpeaker === o.nick) return c.refresh({ dominantSpeaker: undefined });
    c.refresh();
  }

  function onMessage(stanza: Element): void {
    const incoming = parseChatStanza(stanza, roomJid, c.endpointId, c.roomModel);
    if (!incoming) return;
    c.set(addChat(c.state, incoming, c.state.chatOpen));
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
    hooks.focusIqs?.(x, (iq) => fromFocus(iq) || [...focusJids].includes(String(iq.attrs.from ?? '')));
  }

  async function connect(): Promise<XmppConnection> {
    // Access mode "login": guests are anonymous on config.anonymousDomain; the host logs in on config.domain.
    const x = env.createXmpp(
      c.login
        ? { service: wsUrl, domain: config.domain, ...c.login }
        : { service: wsUrl, domain: config.anonymousDomain ?? config.domain },
      {
        stanza: (el) => {
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
        },
        online: (jid) => {
          if (c.xmpp === x) queue.post('reconnected', () => onReconnected(jid));
        },
        resumed: () => {
          if (c.xmpp === x) recovered();
        },
        disconnected: (reason) => {
          if (c.xmpp === x) onDisconnected(reason);
        },
      },
    );
    handleIqs(x);
    hooks.connected?.(x);
    try {
      c.myJid = await withTimeout(x.start(), env.timeouts.connectMs, `XMPP connection to ${wsUrl}`);
    } catch (err) {
      void x.stop();
      // @xmpp/client's browser build has no BOSH transport, so there is no fallback to config.boshUrl.
      throw Object.assign(new Error(errorDetail(err)), { signaling: true });
    }
    return x;
  }

  async function requestConference(x: XmppConnection): Promise<void> {
    const deadline = Date.now() + env.timeouts.focusMs;
    for (;;) {
      const left = deadline - Date.now();
      let res: Element;
      try {
        res = await x.request(
          xml(
            'iq',
            { type: 'set', to: config.focusJid },
            conferenceRequestToXml({
              room: roomJid,
              properties: { ...hooks.conferenceProperties?.(), ...(c.token ? { [TOKEN_PROPERTY]: c.token } : {}) },
            }),
          ),
          Math.max(1, left),
        );
      } catch (err) {
        const access = refusalOf(err);
        if (access)
          throw Object.assign(new Error(`the focus ${config.focusJid} refused: ${errorDetail(err)}`), {
            signaling: true,
            access,
          });
        const timeout = /timeout/i.test(errorDetail(err)) || Date.now() >= deadline;
        throw Object.assign(
          new Error(
            timeout
              ? `no answer from the focus ${config.focusJid} within ${env.timeouts.focusMs / 1000} s`
              : `the focus ${config.focusJid} refused the conference request: ${errorDetail(err)}`,
          ),
          { signaling: true },
        );
      }
      try {
        const ready = parseConferenceReady(res);
        focusJids.add(bareJid(ready.focusJid));
        if (ready.ready) return;
      } catch {
        return; // an empty result: take it as ready
      }
      if (Date.now() + 1000 >= deadline)
        throw Object.assign(
          new Error(
            `the focus ${config.focusJid} did not get the conference ready within ${env.timeouts.focusMs / 1000} s`,
          ),
          { signaling: true },
        );
      await sleep(1000);
    }
  }

  function onDisconnected(reason: string): void {
    if (c.leaving || c.terminal()) return;
    env.log('xmpp.disconnected', { reason });
    c.inRoom = false;
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
    if (c.leaving || c.terminal() || !c.xmpp) return;
    c.myJid = jid;
    env.log('xmpp.reconnected', { jid });
    recovered();
    try {
      await requestConference(c.xmpp);
    } catch (err) {
      return c.fail({ kind: 'signaling-failed', detail: errorDetail(err), url: wsUrl });
    }
    // The focus sees a new occupant and sends a new session-initiate (it replaces the peer connection).
    rejoinDeadline = Date.now() + env.timeouts.reconnectMs;
    joinRoom(0);
  }

  return {
    connect,
    requestConference,
    joinRoom,
    sendPresence,
    stopTimers: () => clearTimeout(reconnectTimer),
    get droppedStanzas() {
      return droppedStanzas;
    },
  };
}

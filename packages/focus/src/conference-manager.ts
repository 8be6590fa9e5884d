// The focus's front door: routes each stanza to the conference it belongs to. Answers the
// conference request (creating the conference on first use), Jingle from participants (only from
// the participant that owns the session), and presence from the rooms it runs.
import {
  bareJid,
  conferenceReadyToXml,
  errorIq,
  FOCUS_NS,
  JINGLE_NS,
  MUTE_AUDIO_NS,
  MUTE_VIDEO_NS,
  isModerationRequest,
  isJibriRequest,
  jibriResultToXml,
  parseJibriRequest,
  moderatorKeyOf,
  parseModerationRequest,
  isRoomAccessRequest,
  parseConferenceRequest,
  parseRoomAccessRequest,
  parseJingle,
  resourceOf,
  splitJid,
  toStanzaError,
  xml,
  ProtocolError,
  type Element,
} from '@parley/protocol';
import type { Logger } from '@parley/service';
import { NoBridgeError, type BridgeClient } from './bridge-client.js';
import { Conference } from './conference.js';
import { listRooms } from './room-adoption.js';
import { ConferenceLimits } from './limits.js';
import type { FocusMetrics } from './metrics.js';
import type { Participant } from './participant.js';
import type { XmppLink } from './xmpp-link.js';
import type { MeetingEvents } from './webhooks.js';
import { applyAdmission } from './auth/admit.js';
import { createAccessPolicy, type AccessPolicy } from './auth/access-policy.js';
import { RoomMembership } from './auth/room-membership.js';

export interface ManagerOptions {
  link: XmppLink;
  bridge: BridgeClient;
  log: Logger;
  metrics: FocusMetrics;
  /** conference.<domain>: the only MUC service the focus runs conferences in. */
  mucDomain: string;
  focusNick?: string;
  idleTimeoutMs?: number;
  jingleTimeoutMs?: number;
  /** Bounds on creating conferences (limits.ts); default: DEFAULT_CONFERENCE_LIMITS. */
  limits?: ConferenceLimits;
  /** Who may start or join (issue 11); default: everyone. */
  access?: AccessPolicy;
  /** Where rooms and participants coming and going are reported (webhooks.ts). */
  events?: MeetingEvents;
  /** Hosts a moderator may live stream to (--stream-allowed-hosts); empty or unset: any. */
  allowedStreamHosts?: readonly string[];
}

/**
 * Whether a Jingle IQ comes from the participant that owns the session. Relayed by the room (sent
 * to room/focus, as Jitsi clients do) its `from` is the sender's occupant JID; sent straight to the
 * component, its real JID. Prosody stamps both; a client cannot choose its `from`.
 */
function sentBy(c: Conference, p: Participant, from: string): boolean {
  const viaRoom = bareJid(from).toLowerCase() === c.roomJid;
  return viaRoom ? from === p.occupantJid : from === p.realJid;
}

export class ConferenceManager {
  readonly conferences = new Map<string, Conference>();
  private readonly sessions = new Map<string, { conference: Conference; participant: Participant }>();
  private readonly limits: ConferenceLimits;
  private readonly access: AccessPolicy;
  private readonly membership: RoomMembership;

  constructor(private readonly opts: ManagerOptions) {
    this.limits = opts.limits ?? new ConferenceLimits();
    this.access = opts.access ?? createAccessPolicy({ mode: 'none' });
    this.membership = new RoomMembership(opts.link);
    opts.link.onStanza((s) => this.handleStanza(s));
    opts.bridge.onBridgeDown?.((bridgeId) => {
      for (const c of this.conferences.values()) void c.bridgeLost(bridgeId);
    });
  }

  handleStanza(stanza: Element): void {
    try {
      if (stanza.name === 'iq') this.handleIq(stanza);
      else if (stanza.name === 'presence') this.handlePresence(stanza);
    } catch (err) {
      this.opts.metrics.errors.inc({ kind: 'stanza' });
      this.opts.log.error('stanza.failed', { stanza: stanza.name, from: stanza.attrs.from, error: err as Error });
    }
  }

  private handleIq(iq: Element): void {
    const type = iq.attrs.type;
    if (type !== 'get' && type !== 'set') return; // results of our own requests are settled by the link
    const payload = iq.getChildElements()[0];
    const reply = (p: Promise<Element | undefined>) =>
      p.then(
        (child) =>
          this.opts.link.send(
            xml('iq', { type: 'result', id: iq.attrs.id, to: iq.attrs.from, from: iq.attrs.to }, child),
          ),
        (err) => this.refuse(iq, err),
      );
    if (payload?.name === 'conference' && payload.attrs.xmlns === FOCUS_NS)
      void reply(this.onConferenceRequest(payload, iq.attrs.from ?? ''));
    else if (payload?.name === 'jingle' && payload.attrs.xmlns === JINGLE_NS && type === 'set')
      void reply(this.onJingle(iq, payload).then(() => undefined));
    else if (
      payload?.name === 'mute' &&
      (payload.attrs.xmlns === MUTE_AUDIO_NS || payload.attrs.xmlns === MUTE_VIDEO_NS) &&
      type === 'set'
    )
      void reply(this.onMute(iq, payload));
    else if (isModerationRequest(payload) && type === 'set') void reply(this.onModeration(iq, payload!));
    else if (isRoomAccessRequest(payload) && type === 'set') void reply(this.onRoomAccess(iq, payload!));
    else if (isJibriRequest(payload) && type === 'set') void reply(this.onRecording(iq, payload!));
    else
      this.refuse(
        iq,
        new ProtocolError(
          `the focus does not answer ${payload ? `<${payload.name} xmlns="${payload.attrs.xmlns}">` : 'an empty iq'}`,
          'service-unavailable',
        ),
      );
  }

  private refuse(iq: Element, err: unknown): void {
    const e = err instanceof NoBridgeError ? new ProtocolError(err.message, 'service-unavailable') : err;
    const { condition } = toStanzaError(e);
    this.opts.metrics.errors.inc({ kind: condition });
    this.opts.log.warn('iq.refused', { from: iq.attrs.from, condition, error: e as Error });
    this.opts.link.send(errorIq(iq, condition, toStanzaError(e).text));
  }

  private async onConferenceRequest(payload: Element, from: string): Promise<Element> {
    const request = parseConferenceRequest(payload);
    const room = request.room.toLowerCase();
    if (splitJid(room).domain !== this.opts.mucDomain) {
      throw new ProtocolError(
        `room ${request.room} is not on this deployment's MUC service ${this.opts.mucDomain}`,
        'not-acceptable',
      );
    }
    const running = this.conferences.get(room);
    const admission = await this.access.admit({
      room,
      from,
      properties: request.properties,
      roomExists: !!running && running.state !== 'ended',
    });
    let conference = this.conferences.get(room);
    if (!conference) {
      if (this.opts.bridge.available() === 0)
        throw new NoBridgeError('no healthy bridge is connected; the conference cannot get media');
      // Only creating is limited: joining a running conference by link never is.
      const release = this.limits.admitNew(bareJid(from).toLowerCase(), this.conferences.size);
      conference = this.createConference(room, release);
    }
    await conference.ready;
    await applyAdmission(this.membership, conference, admission, from);
    // A moderator who reloads keeps the role, and gets back in past the lobby (members-only room).
    if (conference.moderation.presentKey(from, moderatorKeyOf(request))) await conference.access.addMember(from);
    return conferenceReadyToXml({ room, ready: true, focusJid: this.opts.link.jid });
  }

  /**
   * Takes over the rooms of the MUC service that no conference of this focus runs: rooms a focus
   * process that died left behind (room-adoption.ts). Their participants are invited anew; nothing
   * is refused, since the rooms exist already. Returns the rooms taken over.
   */
  async adoptRooms(): Promise<string[]> {
    const rooms = (await listRooms(this.opts.link, this.opts.mucDomain)).filter((r) => !this.conferences.has(r));
    for (const room of rooms) {
      this.opts.log.warn('conference.adopting', { conference: room, why: 'running without a focus' });
      this.createConference(room, () => {}, { adopt: true });
    }
    return rooms;
  }

  private createConference(room: string, release: () => void, opts: { adopt?: boolean } = {}): Conference {
    const conference = new Conference(room, {
      link: this.opts.link,
      bridge: this.opts.bridge,
      log: this.opts.log,
      metrics: this.opts.metrics,
      focusNick: this.opts.focusNick ?? 'focus',
      idleTimeoutMs: this.opts.idleTimeoutMs ?? 60_000,
      jingleTimeoutMs: this.opts.jingleTimeoutMs ?? 15_000,
      alwaysMembersOnly: this.access.mode === 'token',
      allowedStreamHosts: this.opts.allowedStreamHosts,
      events: this.opts.events,
      sessions: {
        add: (sid, c, p) => this.sessions.set(sid, { conference: c, participant: p }),
        remove: (sid) => this.sessions.delete(sid),
      },
      onEnded: (c) => {
        release();
        if (this.conferences.get(c.roomJid) === c) {
          this.conferences.delete(c.roomJid);
          this.membership.forget(c.roomJid);
          this.opts.metrics.conferences.dec();
        }
      },
    });
    this.conferences.set(room, conference);
    this.opts.metrics.conferences.inc();
    this.opts.metrics.conferencesCreated.inc();
    conference.start(undefined, opts).catch((err) => {
      this.opts.log.error('conference.start_failed', { conference: room, error: err as Error });
      void conference.end(`could not join the room: ${(err as Error).message}`);
    });
    return conference;
  }

  private async onJingle(iq: Element, payload: Element): Promise<void> {
    const sid = payload.attrs.sid;
    const known = sid ? this.sessions.get(sid) : undefined;
    if (!known) throw new ProtocolError(`unknown Jingle session ${sid ?? '(no sid)'}`, 'item-not-found');
    if (!sentBy(known.conference, known.participant, iq.attrs.from ?? '')) {
      throw new ProtocolError(`Jingle session ${sid} belongs to another participant`, 'forbidden');
    }
    const j = parseJingle(payload);
    this.opts.metrics.jingleReceived.inc({ action: j.action });
    await known.conference.handleJingle(known.participant, j);
  }

  private async onMute(iq: Element, payload: Element): Promise<undefined> {
    const target = payload.attrs.jid;
    if (!target || !resourceOf(target)) throw new ProtocolError('mute request without jid="room@conference/nick"');
    const conference = this.conferences.get(bareJid(target).toLowerCase());
    if (!conference) throw new ProtocolError(`no conference ${bareJid(target)}`, 'item-not-found');
    const value = payload.getText().trim();
    if (value !== 'true' && value !== 'false')
      throw new ProtocolError(`mute value must be true or false, not "${value}"`);
    conference.requestMute(
      iq.attrs.from,
      resourceOf(target)!,
      payload.attrs.xmlns === MUTE_AUDIO_NS ? 'audio' : 'video',
      value === 'true',
    );
    return undefined;
  }

  /** Grant moderator, mute everyone, end for everyone: checked by the room's conference (moderation.ts). */
  private async onModeration(iq: Element, payload: Element): Promise<undefined> {
    const request = parseModerationRequest(payload);
    const conference = this.conferences.get(request.room.toLowerCase());
    if (!conference) throw new ProtocolError(`no conference ${request.room}`, 'item-not-found');
    await conference.moderation.handle(iq.attrs.from, request);
    return undefined;
  }

  /**
   * Jitsi's <jibri> recording request, to the focus component (room attribute) or through the room to
   * the focus occupant (the room is the sender's, the requester its nick); the conference checks the role.
   */
  private async onRecording(iq: Element, payload: Element): Promise<Element> {
    const request = parseJibriRequest(payload);
    const from = iq.attrs.from ?? '';
    const viaRoom = this.conferences.get(bareJid(from).toLowerCase());
    const conference = viaRoom ?? (request.room ? this.conferences.get(request.room.toLowerCase()) : undefined);
    if (!conference)
      throw new ProtocolError(`no conference ${request.room ?? bareJid(from)} is running`, 'item-not-found');
    const requester = viaRoom
      ? conference.participants.get(resourceOf(from) ?? '')
      : [...conference.participants.values()].find((p) => p.realJid === from);
    const session = request.mode === 'stream' ? conference.streaming : conference.recording;
    return jibriResultToXml(await session.handle(requester, request.action, request.streamUrl));
  }

  /** Password, lobby, knock, admit, deny (room-access.ts); the conference checks who asks. */
  private async onRoomAccess(iq: Element, payload: Element): Promise<Element | undefined> {
    const request = parseRoomAccessRequest(payload);
    const conference = this.conferences.get(request.room.toLowerCase());
    if (!conference) throw new ProtocolError(`no conference ${request.room} is running`, 'item-not-found');
    return conference.handleRoomAccess(iq.attrs.from, request);
  }

  private handlePresence(stanza: Element): void {
    const from = stanza.attrs.from ?? '';
    const conference = this.conferences.get(bareJid(from).toLowerCase());
    if (conference) return conference.handlePresence(stanza);
    // A knocker's directed presence to the focus ends (it left, or its session closed).
    if (stanza.attrs.type === 'unavailable') for (const c of this.conferences.values()) c.access.knockerGone(from);
  }

  /** Ends every conference (the focus leaves each room); used on shutdown. */
  async close(): Promise<void> {
    await Promise.all([...this.conferences.values()].map((c) => c.end('the focus is shutting down')));
  }

  dump(): unknown {
    return [...this.conferences.values()].map((c) => ({
      room: c.roomJid,
      meetingId: c.meetingId,
      state: c.state,
      participants: [...c.participants.values()].map((p) => ({
        endpointId: p.endpointId,
        jid: p.realJid,
        session: p.sessionState,
        moderator: p.isModerator,
        ssrcs: p.sources.audio.sources.length + p.sources.video.sources.length,
      })),
    }));
  }
}

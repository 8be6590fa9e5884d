// One conference: the focus's occupant in the MUC room, the media participants, and the bridge
// session. Every event goes through the conference's queue, one at a time.
import { randomUUID } from 'node:crypto';
import {
  jingleToXml,
  occupantJid,
  parseParticipantPresence,
  type ParticipantPresence,
  resourceOf,
  setRoleIq,
  isEndpointId,
  xml,
  ProtocolError,
  QueueClosedError,
  MUTE_AUDIO_NS,
  MUTE_VIDEO_NS,
  SerialQueue,
  type Element,
  type Jingle,
  type RoomAccessRequest,
} from '@parley/protocol';
import type { Logger } from '@parley/service';
import type { BridgeClient, ColibriSession } from './bridge-client.js';
import type { FocusMetrics } from './metrics.js';
import { FocusSeat } from './focus-seat.js';
import { ConferenceRecording } from './recording.js';
import { Participant } from './participant.js';
import { isEmpty, minus, noSources, sourceProblem, ssrcsOf, union, unionAll, type EndpointSources } from './sources.js';
import { sessionOpening, sourceChange, sourcesOf, transportOf } from './jingle-offer.js';
import { RoomAccess } from './room-access.js';
import { DepartedSources } from './departures.js';
import { IqError, type XmppLink } from './xmpp-link.js';
import type { MeetingEvents } from './webhooks.js';
import { ConferenceModeration } from './moderation.js';
import { roomMeetingId } from './room-adoption.js';
import { IceRestarts } from './ice-restart.js';

/** The resource of the focus's session in every room (jicofo's is 'focus' too). */
export const FOCUS_RESOURCE = 'focus';

export interface ConferenceDeps {
  link: XmppLink;
  bridge: BridgeClient;
  log: Logger;
  metrics: FocusMetrics;
  focusNick: string;
  /** How long a conference with nobody in it waits before the focus leaves. */
  idleTimeoutMs: number;
  jingleTimeoutMs: number;
  /** How long the removes for people who left wait for more leaves (default 250 ms; departures.ts). */
  leaveSettleMs?: number;
  sessions: { add(sid: string, c: Conference, p: Participant): void; remove(sid: string): void };
  /** Token mode: the room stays members-only even when a moderator turns the lobby off. */
  alwaysMembersOnly?: boolean;
  /** Where rooms and participants coming and going are reported (webhooks.ts); default: nowhere. */
  events?: MeetingEvents;
  /** Hosts a live stream may go to; empty or unset: any. */
  allowedStreamHosts?: readonly string[];
  onEnded(c: Conference): void;
}

export type ConferenceState = 'joining' | 'running' | 'ended';

export class Conference {
  /** The room's meeting id once joined (the bridge conference's id); a fresh one until then. */
  private meeting: string = randomUUID();
  readonly participants = new Map<string, Participant>();
  state: ConferenceState = 'joining';
  private readonly queue: SerialQueue;
  private colibri: ColibriSession;
  private readonly log: Logger;
  private joined!: { resolve(): void; reject(e: Error): void };
  readonly ready: Promise<void>;
  private idleTimer?: NodeJS.Timeout;
  /** Removes for people who left, sent once the leaves of a moment have arrived (departures.ts). */
  private readonly departedSources = new DepartedSources();
  private settleTimer?: NodeJS.Timeout;
  /** When the focus was in the room (undefined until then: a conference that never started is not reported). */
  private startedAt?: number;
  /** Grant moderator, mute everyone, end for everyone, moderator keys (moderation.ts). */
  readonly moderation: ConferenceModeration;
  private readonly seat: FocusSeat;
  /** Password and lobby: who may enter the room (room-access.ts). */
  readonly access: RoomAccess;
  /** Real JIDs that are moderators on joining: logged-in users, holders of a moderator token. */
  readonly moderatorsByRight = new Set<string>();
  /** Occupants whose unavailable presence arrived but whose leave is still queued: nothing more is sent to them. */
  private readonly departed = new Set<string>();
  /** ICE restarts of participants whose network dropped (ice-restart.ts). */
  readonly iceRestarts: IceRestarts;
  /** Recording at the bridge, started and stopped by moderators (recording.ts). */
  readonly recording: ConferenceRecording;
  /** The live stream (RTMP push from the bridge), the same kind of session in mode "stream". */
  readonly streaming: ConferenceRecording;

  constructor(
    readonly roomJid: string,
    private readonly deps: ConferenceDeps,
  ) {
    this.log = deps.log.child({ conference: roomJid });
    this.queue = new SerialQueue((err, label) => {
      deps.metrics.errors.inc({ kind: 'conference_event' });
      this.log.error('conference.task_failed', { task: label, error: err as Error });
    });
    this.colibri = deps.bridge.session(this.meetingId, roomJid);
    this.seat = new FocusSeat(roomJid, deps.focusNick, deps.link, this.log, this.focusSessionJid);
    this.ready = new Promise((resolve, reject) => (this.joined = { resolve, reject }));
    this.ready.catch(() => {});
    this.moderation = new ConferenceModeration(
      {
        roomJid,
        participants: this.participants,
        run: (label, task) => this.inQueue(label, task),
        makeModerator: (p, why) => this.makeModerator(p, why),
        requestMute: (...args) => this.requestMute(...args),
        endNow: (why) => this.endNow(why),
        kickNow: (nick, reason) =>
          this.requestAsOccupant(setRoleIq(this.roomJid, nick, 'none', reason)).then(() => undefined),
      },
      deps.link,
      this.log,
    );
    this.iceRestarts = new IceRestarts({
      log: this.log,
      colibri: () => this.colibri,
      initiator: () => this.focusOccupant,
      request: (p, j) => this.jingleRequest(p, j),
      reinvite: (p, why) => this.reinvite(p, why),
      run: (label, task) => this.queue.post(label, task),
      received: (p) =>
        unionAll(
          this.others(p)
            .filter((q) => q.sessionState === 'active')
            .map((q) => q.sources),
        ),
      current: (p, sid) => this.participants.get(p.endpointId) === p && p.sid === sid,
    });
    const recorded = {
      participants: this.participants,
      colibri: () => this.colibri,
      run: (label: string, task: () => Promise<void>) => this.inQueue(label, task),
      publishFocusPresence: () =>
        this.deps.link.send(
          xml(
            'presence',
            { to: this.focusOccupant, from: this.focusSessionJid },
            ...this.recording.presenceChildren(),
            ...this.streaming.presenceChildren(),
          ),
        ),
    };
    this.recording = new ConferenceRecording(recorded, this.log);
    this.streaming = new ConferenceRecording(recorded, this.log, {
      mode: 'stream',
      allowedStreamHosts: deps.allowedStreamHosts,
    });
    this.access = new RoomAccess({
      roomJid,
      link: deps.link,
      log: this.log,
      participants: () => this.participants.values(),
      alwaysMembersOnly: () => deps.alwaysMembersOnly === true,
    });
  }

  /** When the focus was in the room (undefined while joining). */
  get runningSince(): number | undefined {
    return this.startedAt;
  }

  get meetingId(): string {
    return this.meeting;
  }

  get focusOccupant(): string {
    return this.seat.occupant;
  }

  /**
   * The full JID the focus is in the room as (focus.<domain>/focus), like jicofo's: every occupant
   * sees it as the focus occupant's real JID, which Jitsi clients check against the conference
   * answer's focusjid. Stanzas to the room and to occupants must come from it, or the MUC does
   * not know the focus as an occupant.
   */
  get focusSessionJid(): string {
    return `${this.deps.link.jid}/${FOCUS_RESOURCE}`;
  }

  /**
   * Joins the room as its owner (taking back the focus's nick if needed); resolves once in. Runs in
   * the queue, so the occupants' presences the join brings are handled after it, with the room's
   * meeting id known. `adopt`: a focus process that died left this room running (see room-adoption.ts).
   */
  async start(timeoutMs = 10_000, opts: { adopt?: boolean } = {}): Promise<void> {
    try {
      await this.inQueue('start', () => this.startNow(timeoutMs, opts.adopt === true));
    } catch (err) {
      this.joined.reject(err as Error);
      throw err;
    }
    this.joined.resolve();
    this.state = 'running';
    this.startedAt = Date.now();
    this.log.info('conference.started', { meetingId: this.meetingId, adopted: opts.adopt === true });
    // An adopted room was announced by the focus that created it.
    if (!opts.adopt) this.report({ event: 'room.created' });
    this.armIdleTimer();
  }

  private async startNow(timeoutMs: number, adopt: boolean): Promise<void> {
    // The dead focus's occupant is ours (same real JID): a join from it would be a mere presence
    // update, without the occupants' presences. Ending it first makes the join a real one.
    if (adopt)
      this.deps.link.send(xml('presence', { to: this.focusOccupant, from: this.focusSessionJid, type: 'unavailable' }));
    await this.seat.join(timeoutMs);
    const id = await roomMeetingId(this.deps.link, this.roomJid).catch((err: Error) => {
      this.log.warn('conference.meeting_id_unknown', { error: err });
      return undefined;
    });
    if (id) {
      this.meeting = id;
      this.colibri = this.deps.bridge.session(id, this.roomJid);
    }
    // The predecessor's bridge conference still holds every endpoint: end it before inviting anew.
    if (adopt && id)
      await this.deps.bridge
        .expireMeeting?.(id)
        .catch((err: Error) => this.log.warn('bridge.expire_failed', { meetingId: id, error: err }));
  }

  /** Presence from this room (any occupant, the focus included). */
  handlePresence(stanza: Element): void {
    const nick = resourceOf(stanza.attrs.from ?? '');
    if (nick === this.deps.focusNick) return this.seat.onPresence(stanza);
    if (stanza.attrs.type === 'error') return;
    let info: ReturnType<typeof parseParticipantPresence>;
    try {
      info = parseParticipantPresence(stanza);
    } catch (err) {
      this.deps.metrics.errors.inc({ kind: 'bad_presence' });
      this.log.warn('presence.malformed', { from: stanza.attrs.from, error: err as Error });
      return;
    }
    if (!nick || !isEndpointId(nick)) return; // a chat-only occupant, e.g. another XMPP app
    const known = this.participants.get(nick);
    if (info.unavailable) {
      this.departed.add(nick);
      this.queue.post('leave', () => this.removeParticipant(nick, 'left the room'));
    } else if (known) {
      if (info.role) known.isModerator = info.role === 'moderator';
      known.noteState(info);
      this.access.participantUpdated(known);
    } else {
      const realJid = info.jid;
      if (!realJid) {
        this.log.warn('participant.no_real_jid', {
          endpoint: nick,
          hint: 'the focus must be a MUC owner/admin to see real JIDs',
        });
        return;
      }
      this.queue.post('join', () => this.addParticipant(nick, realJid, info));
    }
  }

  /**
   * A Jingle request from the participant that owns the session (the manager checked the sender).
   * Runs in the queue; a failure is thrown to the caller, who answers the IQ with it.
   */
  handleJingle(p: Participant, j: Jingle): Promise<void> {
    return this.inQueue(`jingle ${j.action}`, () => this.handleJingleNow(p, j));
  }

  private async handleJingleNow(p: Participant, j: Jingle): Promise<void> {
    if (this.participants.get(p.endpointId) !== p) throw new ProtocolError('this session has ended', 'item-not-found');
    switch (j.action) {
      case 'session-accept':
        return this.onSessionAccept(p, j);
      case 'source-add':
      case 'source-remove':
        return this.onSourceChange(p, j, j.action);
      case 'transport-info': {
        const transport = transportOf(j);
        if (transport) await this.colibri.update(p.endpointId, { transport });
        return;
      }
      case 'session-info':
        return this.iceRestarts.onSessionInfo(p, j);
      case 'transport-accept':
        return this.iceRestarts.onTransportAccept(p, j);
      case 'session-terminate':
        if (j.restartRequested) return this.iceRestarts.onRestartRequest(p, j);
        return this.removeParticipant(p.endpointId, `session-terminate: ${j.reason?.condition ?? 'no reason'}`, false);
      default:
        throw new ProtocolError(`the focus does not handle Jingle action ${j.action}`, 'feature-not-implemented');
    }
  }

  /**
   * A moderator asks to mute someone (Jitsi's <mute xmlns="http://jitsi.org/jitmeet/audio|video">):
   * the focus passes the request to the participant, whose client mutes itself. Nobody can unmute
   * someone else.
   */
  requestMute(requesterJid: string, targetNick: string, media: 'audio' | 'video', mute: boolean): void {
    // The sender's real JID (sent to the component) or its occupant JID (relayed by the MUC, as
    // lib-jitsi-meet sends it to room/focus): both are stamped by Prosody, never by the client.
    const requester = [...this.participants.values()].find(
      (p) => p.realJid === requesterJid || p.occupantJid === requesterJid,
    );
    if (!requester?.isModerator) throw new ProtocolError('only a moderator may mute others', 'forbidden');
    if (!mute) throw new ProtocolError('nobody can unmute someone else; ask them to unmute', 'not-allowed');
    const target = this.participants.get(targetNick);
    if (!target) throw new ProtocolError(`no participant ${targetNick} in ${this.roomJid}`, 'item-not-found');
    const ns = media === 'audio' ? MUTE_AUDIO_NS : MUTE_VIDEO_NS;
    this.log.info('participant.mute_requested', { endpoint: target.endpointId, by: requester.endpointId, media });
    this.requestAsOccupant(
      xml('iq', { type: 'set', to: target.occupantJid }, xml('mute', { xmlns: ns, jid: target.occupantJid }, 'true')),
    ).catch((err: Error) => this.log.warn('participant.mute_refused', { endpoint: target.endpointId, error: err }));
  }

  /** A password or lobby request (the manager found the room); runs in the queue, refusals are thrown. */
  async handleRoomAccess(from: string, r: RoomAccessRequest): Promise<Element | undefined> {
    const answer = await this.inQueue(`room access ${r.kind}`, () => this.access.handle(from, r));
    if (this.state === 'ended')
      throw new ProtocolError(`the conference in ${this.roomJid} has ended`, 'item-not-found');
    return answer;
  }

  private async addParticipant(endpointId: string, realJid: string, info: ParticipantPresence): Promise<void> {
    if (this.state === 'ended' || this.participants.has(endpointId)) return;
    const p = new Participant(endpointId, occupantJid(this.roomJid, endpointId), realJid, info.statsId);
    p.noteState(info);
    this.participants.set(endpointId, p);
    this.deps.metrics.participants.inc();
    this.disarmIdleTimer();
    this.log.info('participant.joined', { endpoint: endpointId, jid: realJid });
    this.report({ event: 'participant.joined', participant: { id: endpointId, name: p.name } });
    if (this.moderatorsByRight.has(realJid)) await this.makeModerator(p, 'by right').catch(() => undefined);
    await this.ensureModerator();
    await this.offer(p);
  }

  /** Allocates the participant on the bridge and offers it a session; everyone else's sources follow its accept. */
  private async offer(p: Participant): Promise<void> {
    const allocation = await this.colibri.allocate(p.endpointId, { statsId: p.statsId, sources: p.sources });
    if (this.participants.get(p.endpointId) !== p) return; // left while the bridge answered
    p.bridgeId = allocation.bridgeId;
    p.sid = randomUUID().replace(/-/g, '').slice(0, 16);
    const others = unionAll(
      this.others(p)
        .filter((q) => q.sessionState === 'active')
        .map((q) => q.sources),
    );
    const { offer, afterAccept } = sessionOpening({
      sid: p.sid,
      initiator: this.focusOccupant,
      responder: p.realJid,
      transport: allocation.transport,
      others,
    });
    this.deps.sessions.add(p.sid, this, p);
    p.sessionState = 'offered';
    // Everyone else's sources follow the accept, before any change announced meanwhile (jingle-offer.ts).
    if (afterAccept) p.held.unshift(afterAccept);
    this.sendJingle(p, offer);
    this.log.info('session.offered', {
      endpoint: p.endpointId,
      sid: p.sid,
      bridge: allocation.bridgeId,
      remoteSources: ssrcsOf(others).length,
    });
  }

  /**
   * A bridge this conference used has gone: the conference moves to another bridge. Like jicofo's
   * re-invite, every session is ended (session-terminate, reason connectivity-error) and offered anew.
   */
  bridgeLost(bridgeId: string): Promise<void> {
    return this.queue
      .run('bridge lost', async () => {
        if (![...this.participants.values()].some((p) => p.bridgeId === bridgeId)) return;
        this.log.warn('conference.moving', { from: bridgeId, participants: this.participants.size });
        this.colibri = this.deps.bridge.session(this.meetingId, this.roomJid);
        const people = [...this.participants.values()].sort((a, b) => a.joinedAt - b.joinedAt);
        for (const p of people) {
          if (p.sid) {
            this.sendJingle(p, {
              action: 'session-terminate',
              sid: p.sid,
              contents: [],
              reason: { condition: 'connectivity-error', text: 'the media bridge failed; moving to another one' },
            });
            this.deps.sessions.remove(p.sid);
          }
          p.sid = undefined;
          p.sources = noSources;
          p.held.length = 0;
          p.sessionState = 'allocating';
        }
        for (const p of people) await this.offer(p);
      })
      .then(() => undefined);
  }

  /** Ends p's session and offers it a new one on the same bridge conference; others see its sources go and come. */
  private async reinvite(p: Participant, why: string): Promise<void> {
    if (this.participants.get(p.endpointId) !== p) return;
    this.log.warn('session.reinvite', { endpoint: p.endpointId, why });
    if (p.sid) {
      this.sendJingle(p, {
        action: 'session-terminate',
        sid: p.sid,
        contents: [],
        reason: { condition: 'connectivity-error', text: why },
      });
      this.deps.sessions.remove(p.sid);
    }
    if (!isEmpty(p.sources)) this.announce(p, 'source-remove', p.sources);
    p.sid = undefined;
    p.sources = noSources;
    p.held.length = 0;
    p.sessionState = 'allocating';
    await this.colibri
      .expireEndpoint(p.endpointId)
      .catch((err) => this.log.warn('bridge.expire_failed', { endpoint: p.endpointId, error: err }));
    await this.offer(p);
  }

  private async onSessionAccept(p: Participant, j: Jingle): Promise<void> {
    if (p.sessionState !== 'offered')
      throw new ProtocolError(`session-accept while the session is ${p.sessionState}`, 'unexpected-request');
    const sources = sourcesOf(j, p.endpointId);
    this.checkSources(p, sources, noSources);
    const transport = transportOf(j);
    if (!transport) throw new ProtocolError('session-accept has no transport');
    await this.colibri.update(p.endpointId, { transport, sources });
    p.sources = sources;
    p.sessionState = 'active';
    this.log.info('session.accepted', { endpoint: p.endpointId, ssrcs: ssrcsOf(sources).length });
    for (const held of p.held.splice(0)) this.sendJingle(p, held);
    this.announce(p, 'source-add', sources);
  }

  private async onSourceChange(p: Participant, j: Jingle, action: 'source-add' | 'source-remove'): Promise<void> {
    if (p.sessionState !== 'active')
      throw new ProtocolError(`${action} before the session is accepted`, 'unexpected-request');
    const change = sourcesOf(j, p.endpointId);
    let next: EndpointSources;
    if (action === 'source-add') {
      this.checkSources(p, change, p.sources);
      next = union(p.sources, change);
    } else {
      const own = new Set(ssrcsOf(p.sources));
      const foreign = ssrcsOf(change).find((s) => !own.has(s));
      if (foreign !== undefined)
        throw new ProtocolError(`source-remove names ssrc ${foreign}, which ${p.endpointId} does not send`);
      next = minus(p.sources, change);
    }
    await this.colibri.update(p.endpointId, { sources: next });
    p.sources = next;
    this.announce(p, action, change);
  }

  private checkSources(p: Participant, sources: EndpointSources, ownExisting: EndpointSources): void {
    const own = new Set(ssrcsOf(ownExisting));
    const inUse = new Set<number>();
    for (const q of this.participants.values()) for (const s of ssrcsOf(q.sources)) if (!own.has(s)) inUse.add(s);
    const problem = sourceProblem(p.endpointId, sources, inUse);
    if (problem) throw new ProtocolError(problem, 'bad-request');
  }

  private async removeParticipant(endpointId: string, why: string, leftRoom = true): Promise<void> {
    const p = this.participants.get(endpointId);
    this.departed.delete(endpointId);
    if (!p) return;
    this.participants.delete(endpointId);
    this.deps.metrics.participants.dec();
    this.access.participantLeft(endpointId);
    if (p.sid) this.deps.sessions.remove(p.sid);
    p.sessionState = 'ended';
    this.log.info('participant.left', { endpoint: endpointId, why, leftRoom });
    this.report({ event: 'participant.left', participant: { id: endpointId }, reason: why });
    if (this.participants.size === 0) return this.endNow('the last participant left');
    // Held for the other leaves of the moment (departures.ts); sent by afterLeaves().
    if (!isEmpty(p.sources))
      this.announce(p, 'source-remove', p.sources, (q) => this.departedSources.add(q.endpointId, q.sid!, p.sources));
    this.armSettleTimer();
    await this.colibri
      .expireEndpoint(endpointId)
      .catch((err) => this.log.warn('bridge.expire_failed', { endpoint: endpointId, error: err }));
  }

  private armSettleTimer(): void {
    if (this.settleTimer) return;
    this.settleTimer = setTimeout(() => {
      this.settleTimer = undefined;
      this.queue.post('after leaves', () => this.afterLeaves());
    }, this.deps.leaveSettleMs ?? 250);
    this.settleTimer.unref();
  }

  /** The leaves of a moment are in: tell those still here what is gone, and keep a moderator. */
  private async afterLeaves(): Promise<void> {
    if (this.state === 'ended') return;
    for (const id of this.departedSources.recipients()) {
      const q = this.participants.get(id);
      if (q && !this.departed.has(id)) this.sendHeldRemoval(q);
      else this.departedSources.take(id, undefined);
    }
    await this.ensureModerator();
  }

  /** Sends q the removes held for it (before anything newer, so q hears changes in order). */
  private sendHeldRemoval(q: Participant): void {
    const sources = this.departedSources.take(q.endpointId, q.sid);
    const j = sources && q.sid && sourceChange('source-remove', q.sid, sources);
    if (j) this.sendJingle(q, j);
  }

  /**
   * Tells every other participant about a change in p's sources: held until they accept, otherwise
   * `deliver`ed (default: sent now, after any removes held for them, so they hear changes in order).
   */
  private announce(
    p: Participant,
    action: 'source-add' | 'source-remove',
    sources: EndpointSources,
    deliver = (q: Participant, j: Jingle) => {
      this.sendHeldRemoval(q);
      this.sendJingle(q, j);
    },
  ): void {
    for (const q of this.others(p)) {
      if (!q.receivesSourceUpdates || !q.sid || this.departed.has(q.endpointId)) continue;
      const j = sourceChange(action, q.sid, sources);
      if (!j) continue;
      if (q.sessionState === 'offered') q.held.push(j);
      else deliver(q, j);
    }
  }

  /** A Jingle request to p; rejects with its refusal. */
  private jingleRequest(p: Participant, j: Jingle): Promise<Element> {
    this.deps.metrics.jingleSent.inc({ action: j.action });
    // To the participant's occupant JID: the MUC relays it with from = room/focus, the only sender
    // a Jitsi client takes Jingle from (and answers to).
    const iq = xml('iq', { type: 'set', to: p.occupantJid }, jingleToXml(j));
    return this.requestAsOccupant(iq, this.deps.jingleTimeoutMs);
  }

  private sendJingle(p: Participant, j: Jingle): void {
    this.jingleRequest(p, j).catch((err: Error) => {
      if (occupantGone(err)) this.log.info('jingle.recipient_gone', { endpoint: p.endpointId, action: j.action });
      else {
        this.deps.metrics.errors.inc({ kind: 'jingle_refused' });
        this.log.warn('jingle.refused', { endpoint: p.endpointId, action: j.action, error: err });
      }
      if (j.action === 'session-initiate')
        this.queue.post('offer refused', () =>
          this.removeParticipant(p.endpointId, `refused session-initiate: ${err.message}`, false),
        );
    });
  }

  /**
   * Jitsi's rule: the room always has a moderator; the longest-present participant becomes one.
   * A participant that presented a valid moderator key (a moderator who reloaded) is one again.
   */
  private async ensureModerator(): Promise<void> {
    const people = [...this.participants.values()].filter((q) => !this.departed.has(q.endpointId));
    for (const p of people) {
      if (!p.isModerator && this.moderation.restores(p))
        await this.makeModerator(p, 'moderator key').catch(() => undefined);
    }
    if (people.length === 0 || people.some((q) => q.isModerator)) return;
    const first = people.reduce((a, b) => (b.joinedAt < a.joinedAt ? b : a));
    await this.makeModerator(first, 'longest present').catch(() => undefined);
  }

  /** Sets MUC role moderator (the focus is the room's owner) and gives p its moderator key. */
  private async makeModerator(p: Participant, why: string): Promise<void> {
    p.isModerator = true;
    try {
      await this.requestAsOccupant(setRoleIq(this.roomJid, p.endpointId, 'moderator'));
      this.log.info('participant.moderator', { endpoint: p.endpointId, why });
      this.access.participantUpdated(p);
    } catch (err) {
      p.isModerator = false;
      // Gone while the grant was on its way: its leave is queued, and the next one is chosen after it.
      if (occupantGone(err)) this.log.info('participant.moderator_gone', { endpoint: p.endpointId });
      else this.log.warn('participant.moderator_failed', { endpoint: p.endpointId, error: err as Error });
      throw err;
    }
    this.moderation.issueKey(p);
  }

  /**
   * An IQ to the room or one of its occupants, from the focus's session in the room: the MUC relays
   * IQs to occupants only from an occupant, and checks role changes against the actor's occupant
   * (found by its full JID); affiliation and configuration changes may come from the bare JID.
   */
  private requestAsOccupant(iq: Element, timeoutMs?: number): Promise<Element> {
    iq.attrs.from = this.focusSessionJid;
    return this.deps.link.request(iq, timeoutMs);
  }

  private others(p: Participant): Participant[] {
    return [...this.participants.values()].filter((q) => q !== p);
  }

  private report(e: Omit<Parameters<MeetingEvents['emit']>[0], 'room' | 'meetingId'>): void {
    this.deps.events?.emit({ room: this.roomJid, meetingId: this.meetingId, ...e });
  }

  private armIdleTimer(): void {
    this.disarmIdleTimer();
    this.idleTimer = setTimeout(
      () => this.queue.post('idle', () => this.endNow('nobody joined')),
      this.deps.idleTimeoutMs,
    );
    this.idleTimer.unref();
  }

  private disarmIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  /** Ends the conference: bridge session expired, the focus leaves the room, the manager forgets it. */
  end(why: string): Promise<void> {
    // Never rejects: callers end conferences in bulk (a lost link, shutdown) and do not wait on each.
    return this.queue
      .run('end', () => this.endNow(why))
      .catch((err: unknown) => {
        if (!(err instanceof QueueClosedError)) this.log.error('conference.end_failed', { error: err as Error });
      });
  }

  /** Runs `job` on the queue for a caller that waits: its failure is the caller's; an ended conference says so. */
  private inQueue<T>(label: string, job: () => Promise<T>): Promise<T> {
    return this.queue.run(label, job).catch((err: unknown) => {
      if (err instanceof QueueClosedError)
        throw new ProtocolError(`the conference in ${this.roomJid} has ended`, 'item-not-found');
      throw err;
    });
  }

  private async endNow(why: string): Promise<void> {
    if (this.state === 'ended') return;
    this.state = 'ended';
    this.disarmIdleTimer();
    if (this.settleTimer) clearTimeout(this.settleTimer);
    this.departedSources.clear();
    for (const p of this.participants.values()) {
      if (p.sid) this.deps.sessions.remove(p.sid);
      this.deps.metrics.participants.dec();
    }
    this.participants.clear();
    this.access.close();
    this.recording.close();
    this.streaming.close();
    await this.colibri.expire().catch((err) => this.log.warn('bridge.expire_failed', { error: err }));
    this.deps.link.send(xml('presence', { to: this.focusOccupant, from: this.focusSessionJid, type: 'unavailable' }));
    this.queue.close();
    this.log.info('conference.ended', { why });
    if (this.startedAt) this.report({ event: 'room.ended', reason: why, durationMs: Date.now() - this.startedAt });
    this.deps.onEnded(this);
  }
}

/**
 * The MUC's answer for an occupant that has left (its unavailable presence is still on its way to us):
 * a race that a meeting ending or a network cut always has, not a refusal.
 */
function occupantGone(err: unknown): boolean {
  return err instanceof IqError && err.condition === 'item-not-found';
}

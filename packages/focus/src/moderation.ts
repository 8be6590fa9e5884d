// A conference's moderation beyond the first moderator (issue 11): a moderator grants moderator to
// another participant, mutes everyone, or ends the meeting for everyone, each by an IQ to the focus
// that is checked here (the sender's real JID must be a moderator of that room). Participants keep
// MUC role moderator only, so they cannot grant roles or destroy the room themselves: the focus,
// the room's owner, acts for them.
//
// Moderator keys: every participant made moderator gets a random key (an IQ to its real JID). A
// reloaded client presents it in its next conference request; the focus restores moderator to
// that participant when it joins. Keys belong to one conference and die with it.
import { randomBytes } from 'node:crypto';
import {
  destroyRoomIq,
  meetingEndedToXml,
  moderatorKeyToXml,
  ProtocolError,
  xml,
  type ModerationMedia,
  type ModerationRequest,
} from '@parley/protocol';
import type { Logger } from '@parley/service';
import type { Participant } from './participant.js';
import type { XmppLink } from './xmpp-link.js';

/** What moderation needs of its conference (Conference implements it; tests can fake it). */
export interface ModeratedConference {
  readonly roomJid: string;
  readonly participants: ReadonlyMap<string, Participant>;
  /**
   * Runs `task` on the conference's queue (after every event before it); settles as it does, and
   * refuses (item-not-found) once the conference has ended.
   */
  run(label: string, task: () => Promise<void>): Promise<void>;
  /** Sets the MUC role moderator (the focus is owner); throws when the room refuses. */
  makeModerator(p: Participant, why: string): Promise<void>;
  /** Relays a mute request to the target's client (Jitsi's mute IQ); checks the requester itself. */
  requestMute(requesterJid: string, targetNick: string, media: ModerationMedia, mute: boolean): void;
  /** Ends the conference now (call from a task on the queue). */
  endNow(why: string): Promise<void>;
  /** Removes an occupant from the room (MUC role none; the focus is owner); throws when the room refuses. */
  kickNow(nick: string, reason: string): Promise<void>;
}

/** How long the focus waits for participants to acknowledge "meeting ended" before destroying the room. */
const NOTICE_TIMEOUT_MS = 3000;

export class ConferenceModeration {
  /** key -> the endpoint it was first given to (for logs). */
  private readonly keys = new Map<string, string>();
  /** real JID -> the valid key it presented in its conference request. */
  private readonly restoring = new Map<string, string>();

  constructor(
    private readonly conference: ModeratedConference,
    private readonly link: XmppLink,
    private readonly log: Logger,
  ) {}

  /**
   * A conference request carried a moderator key. A valid key of this conference marks the sender
   * for moderator when it joins; anything else (a guess, another room's key, a key from an ended
   * conference) does nothing.
   */
  presentKey(realJid: string, key: string | undefined): boolean {
    if (key === undefined) return false;
    if (!this.keys.has(key)) {
      this.log.warn('moderator_key.unknown', { jid: realJid });
      return false;
    }
    this.restoring.set(realJid, key);
    return true;
  }

  /** True when this participant presented a valid key and should be moderator again. */
  restores(p: Participant): boolean {
    return this.restoring.has(p.realJid);
  }

  /** Called once p has become moderator: gives it its key (the one it presented, or a new one). */
  issueKey(p: Participant): void {
    let key = this.restoring.get(p.realJid);
    this.restoring.delete(p.realJid);
    if (!key) {
      key = randomBytes(32).toString('base64url');
      this.keys.set(key, p.endpointId);
    }
    this.link
      .request(
        xml('iq', { type: 'set', to: p.realJid }, moderatorKeyToXml({ room: this.conference.roomJid, key })),
        NOTICE_TIMEOUT_MS,
      )
      .catch((err: Error) => this.log.warn('moderator_key.refused', { endpoint: p.endpointId, error: err }));
  }

  /** A moderator's request (the manager parsed it and found this conference). */
  async handle(requesterJid: string, r: ModerationRequest): Promise<void> {
    switch (r.action) {
      case 'grant-moderator':
        return this.grant(requesterJid, r.nick);
      case 'mute-all':
        return this.muteAll(requesterJid, r.media);
      case 'end-meeting':
        return this.endForEveryone(requesterJid);
    }
  }

  private moderator(requesterJid: string, what: string): Participant {
    const requester = [...this.conference.participants.values()].find((p) => p.realJid === requesterJid);
    if (!requester?.isModerator) throw new ProtocolError(`only a moderator may ${what}`, 'forbidden');
    return requester;
  }

  /** Runs `task` on the conference's queue; its failure is the caller's, and an ended conference says so. */
  private exclusive(label: string, task: () => Promise<void>): Promise<void> {
    return this.conference.run(label, task);
  }

  private grant(requesterJid: string, nick: string): Promise<void> {
    return this.exclusive('grant moderator', async () => {
      const by = this.moderator(requesterJid, 'grant moderator');
      const target = this.conference.participants.get(nick);
      if (!target) throw new ProtocolError(`no participant ${nick} in ${this.conference.roomJid}`, 'item-not-found');
      if (target.isModerator) return;
      await this.conference.makeModerator(target, `granted by ${by.endpointId}`).catch((err: Error) => {
        throw new ProtocolError(`the room refused to make ${nick} a moderator: ${err.message}`, 'not-allowed');
      });
    });
  }

  private muteAll(requesterJid: string, media: ModerationMedia): void {
    const by = this.moderator(requesterJid, 'mute everyone');
    const others = [...this.conference.participants.values()].filter((p) => p !== by);
    this.log.info('conference.mute_all', { by: by.endpointId, media, participants: others.length });
    for (const p of others) this.conference.requestMute(requesterJid, p.endpointId, media, true);
  }

  /**
   * Ends the meeting for everyone: each participant is told (its client shows "ended by the
   * moderator"), the room is destroyed (anyone left in it, another XMPP app included, is removed),
   * and the conference ends (bridge endpoints expired, sessions forgotten, keys gone).
   */
  private endForEveryone(requesterJid: string): Promise<void> {
    return this.exclusive('end for everyone', async () => {
      const by = this.moderator(requesterJid, 'end the meeting for everyone');
      await this.end(by.endpointId, `the moderator ${by.endpointId}`);
    });
  }

  /** The operator ends the meeting (HTTP API, already authenticated there): as a moderator would. */
  endByOperator(): Promise<void> {
    return this.exclusive('end by the operator', () => this.end('operator', 'the operator'));
  }

  /** The operator removes one participant (HTTP API): it is kicked from the room, the others stay. */
  removeByOperator(nick: string): Promise<void> {
    return this.exclusive('remove by the operator', async () => {
      if (!this.conference.participants.has(nick))
        throw new ProtocolError(`no participant ${nick} in ${this.conference.roomJid}`, 'item-not-found');
      this.log.info('participant.removed_by_operator', { endpoint: nick });
      await this.conference.kickNow(nick, 'Removed by the operator').catch((err: Error) => {
        throw new ProtocolError(`the room refused to remove ${nick}: ${err.message}`, 'not-allowed');
      });
    });
  }

  /** Tells everyone (their clients show "ended by <by>"), destroys the room, ends the conference. */
  private async end(by: string, who: string): Promise<void> {
    const room = this.conference.roomJid;
    const people = [...this.conference.participants.values()];
    this.log.info('conference.ended_by_moderator', { by, participants: people.length });
    await Promise.allSettled(
      people.map((p) =>
        this.link.request(
          xml('iq', { type: 'set', to: p.realJid }, meetingEndedToXml({ room, by })),
          NOTICE_TIMEOUT_MS,
        ),
      ),
    );
    await this.link
      .request(destroyRoomIq(room, 'The moderator ended the meeting'))
      .catch((err: Error) => this.log.warn('room.destroy_failed', { error: err }));
    this.keys.clear();
    this.restoring.clear();
    await this.conference.endNow(`ended by ${who}`);
  }
}

// Who may enter one conference room: its password and its lobby. The focus decides, Prosody
// enforces: the password is the MUC password and a room with the lobby on is members-only, both
// set by the focus as the room's owner through the room config form. A moderator's request is an
// IQ to the focus (checked here: the sender's real JID must be a moderator of this room).
//
// Knocking is an IQ to the focus, not a second "lobby" MUC as in Jitsi: the knocker first sends a
// directed presence to the focus, so Prosody tells the focus (presence unavailable) when the
// knocker's session ends, exactly as it tells a MUC room. That gives the list of who waits without
// another MUC component, and the knocker's real JID comes from the IQ's `from`, stamped by Prosody.
import { randomBytes } from 'node:crypto';
import {
  knockAnswerToXml,
  knockResultToXml,
  roomAccessSnapshotToXml,
  roomConfigIq,
  setAffiliationIq,
  bareJid,
  xml,
  ProtocolError,
  type Element,
  type Knocker,
  type RoomAccessRequest,
} from '@parley/protocol';
import type { Logger } from '@parley/service';
import type { Participant } from './participant.js';
import type { XmppLink } from './xmpp-link.js';

/** Most people who may wait in one room's lobby at once; more knocks are refused. */
export const MAX_KNOCKERS = 50;

export interface RoomAccessDeps {
  roomJid: string;
  link: XmppLink;
  log: Logger;
  /** The conference's media participants right now. */
  participants(): Iterable<Participant>;
  /** True when the room must stay members-only even with the lobby off (e.g. token mode). */
  alwaysMembersOnly?: () => boolean;
}

interface WaitingKnocker extends Knocker {
  /** The knocker's full JID, as Prosody stamped it on the knock. */
  jid: string;
}

const WHAT: Record<RoomAccessRequest['kind'], string> = {
  password: 'set or clear the password of',
  lobby: 'turn the lobby on or off in',
  knock: 'knock on',
  admit: 'admit people into',
  deny: 'turn people away from',
};

export class RoomAccess {
  private password: string | undefined;
  private lobby = false;
  private readonly knockers = new Map<string, WaitingKnocker>();
  /** Endpoint ids of the moderators that have the current snapshot. */
  private readonly told = new Set<string>();

  constructor(private readonly deps: RoomAccessDeps) {}

  get lobbyEnabled(): boolean {
    return this.lobby;
  }

  get hasPassword(): boolean {
    return this.password !== undefined;
  }

  get waiting(): Knocker[] {
    return [...this.knockers.values()].map(({ id, nick }) => ({ id, nick }));
  }

  /**
   * One request from `from` (a full JID). Run it in the conference's queue. Resolves with the
   * IQ result's child (the knock answer) or undefined; a refusal is a ProtocolError.
   */
  async handle(from: string, r: RoomAccessRequest): Promise<Element | undefined> {
    if (r.kind === 'knock') return this.knock(from, r.nick);
    const moderator = this.moderatorOf(from);
    if (!moderator)
      throw new ProtocolError(`only a moderator of ${this.deps.roomJid} may ${WHAT[r.kind]} it`, 'forbidden');
    const by = moderator.endpointId;
    switch (r.kind) {
      case 'password':
        await this.setPassword(r.password, by);
        break;
      case 'lobby':
        await this.setLobby(r.enabled, by);
        break;
      case 'admit':
        await this.admit(this.knocker(r.knocker), by);
        break;
      case 'deny':
        this.deny(this.knocker(r.knocker), by);
        break;
    }
    this.pushToModerators();
    return undefined;
  }

  /** A participant joined or its role changed: a new moderator gets the current snapshot. */
  participantUpdated(p: Participant): void {
    if (!p.isModerator) {
      this.told.delete(p.endpointId);
      return;
    }
    if (this.told.has(p.endpointId)) return;
    this.told.add(p.endpointId);
    this.sendSnapshot(p);
  }

  participantLeft(endpointId: string): void {
    this.told.delete(endpointId);
  }

  /** Presence unavailable from `jid` reached the focus: a knocker who left stops waiting. */
  knockerGone(jid: string): boolean {
    const k = [...this.knockers.values()].find((x) => x.jid === jid);
    if (!k) return false;
    this.knockers.delete(k.id);
    this.deps.log.info('lobby.knocker_left', { knocker: k.id });
    this.pushToModerators();
    return true;
  }

  /**
   * Makes `realJid` a member of the room, so it passes a members-only room (the lobby, token
   * mode). For other parts of the focus that admit people (a valid token, a moderator's reload).
   */
  async addMember(realJid: string): Promise<void> {
    await this.deps.link.request(setAffiliationIq(this.deps.roomJid, bareJid(realJid), 'member'));
  }

  /** The conference ends: whoever still waits is let go to start afresh (the room is gone). */
  close(): void {
    for (const k of this.knockers.values()) this.tellKnocker(k, 'admitted');
    this.knockers.clear();
  }

  private moderatorOf(jid: string): Participant | undefined {
    for (const p of this.deps.participants()) if (p.realJid === jid && p.isModerator) return p;
    return undefined;
  }

  private knocker(id: string): WaitingKnocker {
    const k = this.knockers.get(id);
    if (!k)
      throw new ProtocolError(`nobody with knock ${id} waits in the lobby (they may have left)`, 'item-not-found');
    return k;
  }

  private async configure(fields: Record<string, string>): Promise<void> {
    try {
      await this.deps.link.request(roomConfigIq(this.deps.roomJid, fields));
    } catch (err) {
      throw new ProtocolError(`the room refused the change: ${(err as Error).message}`, 'internal-server-error');
    }
  }

  private async setPassword(password: string, by: string): Promise<void> {
    await this.configure({
      'muc#roomconfig_roomsecret': password,
      'muc#roomconfig_passwordprotectedroom': password ? '1' : '0',
    });
    this.password = password || undefined;
    this.deps.log.info(password ? 'room.password_set' : 'room.password_cleared', { by });
  }

  private async setLobby(enabled: boolean, by: string): Promise<void> {
    if (enabled) {
      // Members-only removes every non-member (status 322): the people already in stay as members.
      await Promise.all([...this.deps.participants()].map((p) => this.addMember(p.realJid)));
      await this.configure({ 'muc#roomconfig_membersonly': '1' });
    } else {
      await this.configure({ 'muc#roomconfig_membersonly': this.deps.alwaysMembersOnly?.() ? '1' : '0' });
    }
    this.lobby = enabled;
    this.deps.log.info(enabled ? 'lobby.on' : 'lobby.off', { by, waiting: this.knockers.size });
    if (enabled) return;
    // Whoever waits gets in. Membership matters only when the room stays members-only.
    for (const k of [...this.knockers.values()]) {
      await this.addMember(k.jid).catch((err: Error) =>
        this.deps.log.warn('lobby.member_failed', { knocker: k.id, error: err }),
      );
      this.knockers.delete(k.id);
      this.tellKnocker(k, 'admitted');
    }
  }

  private knock(from: string, nick: string): Element {
    const room = this.deps.roomJid;
    if (!this.lobby) {
      if (this.deps.alwaysMembersOnly?.())
        throw new ProtocolError(`${room} admits invited people only; knocking does not open it`, 'not-allowed');
      return knockAnswerToXml({ room, status: 'admitted' });
    }
    const again = [...this.knockers.values()].find((k) => k.jid === from);
    if (again) {
      again.nick = nick;
    } else {
      if (this.knockers.size >= MAX_KNOCKERS)
        throw new ProtocolError(
          `${MAX_KNOCKERS} people already wait in the lobby; try again later`,
          'resource-constraint',
        );
      const k = { id: randomBytes(4).toString('hex'), nick, jid: from };
      this.knockers.set(k.id, k);
      this.deps.log.info('lobby.knock', { knocker: k.id });
    }
    this.pushToModerators();
    return knockAnswerToXml({ room, status: 'waiting' });
  }

  private async admit(k: WaitingKnocker, by: string): Promise<void> {
    await this.addMember(k.jid);
    this.knockers.delete(k.id);
    this.tellKnocker(k, 'admitted');
    this.deps.log.info('lobby.admitted', { knocker: k.id, by });
  }

  private deny(k: WaitingKnocker, by: string): void {
    this.knockers.delete(k.id);
    this.tellKnocker(k, 'denied');
    this.deps.log.info('lobby.denied', { knocker: k.id, by });
  }

  private tellKnocker(k: WaitingKnocker, result: 'admitted' | 'denied'): void {
    const answer = knockResultToXml({
      room: this.deps.roomJid,
      result,
      ...(result === 'admitted' && this.password !== undefined ? { password: this.password } : {}),
    });
    this.deps.link
      .request(xml('iq', { type: 'set', to: k.jid }, answer))
      .catch((err: Error) => this.deps.log.warn('lobby.knocker_unreachable', { knocker: k.id, error: err }));
  }

  private pushToModerators(): void {
    this.told.clear();
    for (const p of this.deps.participants()) if (p.isModerator) this.participantUpdated(p);
  }

  private sendSnapshot(p: Participant): void {
    const snapshot = roomAccessSnapshotToXml({
      room: this.deps.roomJid,
      passwordSet: this.hasPassword,
      lobbyEnabled: this.lobby,
      knockers: this.waiting,
    });
    this.deps.link
      .request(xml('iq', { type: 'set', to: p.realJid }, snapshot))
      .catch((err: Error) => this.deps.log.warn('room_access.push_failed', { endpoint: p.endpointId, error: err }));
  }
}

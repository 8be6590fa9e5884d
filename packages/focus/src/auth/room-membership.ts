// The Prosody side of an admission: Prosody enforces, the focus decides. A token-mode room is
// members-only (a plain MUC join without the focus's say-so is refused with registration-required),
// and the focus adds each admitted person's JID as a member before it answers the request.
import { roomConfigIq, setAffiliationIq } from '@parley/protocol';
import type { XmppLink } from '../xmpp-link.js';

/** Makes each conference members-only once (the first admission that needs it). */
export class RoomMembership {
  private readonly membersOnly = new Map<string, Promise<unknown>>();

  constructor(private readonly link: XmppLink) {}

  async makeMembersOnly(room: string): Promise<void> {
    let done = this.membersOnly.get(room);
    if (!done) {
      done = this.link.request(roomConfigIq(room, { 'muc#roomconfig_membersonly': '1' }));
      this.membersOnly.set(room, done);
      done.catch(() => this.membersOnly.delete(room));
    }
    await done;
  }

  async addMember(room: string, bareJid: string): Promise<void> {
    await this.link.request(setAffiliationIq(room, bareJid, 'member'));
  }

  /** The conference ended: the next one in the same room is configured anew. */
  forget(room: string): void {
    this.membersOnly.delete(room);
  }
}

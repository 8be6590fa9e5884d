// Who may send us Jingle and mute requests: the focus, recognised the way lib-jitsi-meet does it.
// The focus is the room's occupant `focus` whose real JID (the MUC shows real JIDs to everyone in
// Parley's rooms) starts with `<focusjid>/`, focusjid being what the conference answer named. A
// guest who takes another nick, or a client writing to us directly, is not the focus. Pure (no DOM).
import { occupantJid, type Element } from '@parley/protocol';
import { FOCUS_NICK } from './room.js';

const MUC_USER_NS = 'http://jabber.org/protocol/muc#user';

export class FocusIdentity {
  /** room@conference/focus: where the focus's Jingle comes from and where ours goes. */
  readonly occupant: string;
  private realJid: string | undefined;

  constructor(
    roomJid: string,
    /** The focus JIDs the conference answers named (bare, e.g. focus.meet.example). */
    private readonly focusJids: ReadonlySet<string>,
  ) {
    this.occupant = occupantJid(roomJid, FOCUS_NICK);
  }

  /** Follows the focus occupant's presence (call it for every presence from the room, in order). */
  observePresence(presence: Element): void {
    if (presence.attrs.from !== this.occupant) return;
    if (presence.attrs.type === 'unavailable' || presence.attrs.type === 'error') {
      this.realJid = undefined;
      return;
    }
    const jid = presence.getChild('x', MUC_USER_NS)?.getChild('item')?.attrs.jid;
    this.realJid = typeof jid === 'string' && jid ? jid : undefined;
  }

  /** True when a stanza from `from` comes from the focus (the occupant, with the focus's real JID). */
  isFocus(from: unknown): boolean {
    if (from !== this.occupant || !this.realJid) return false;
    const real = this.realJid;
    return [...this.focusJids].some((f) => real.startsWith(`${f}/`));
  }
}

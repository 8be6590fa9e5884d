// The focus's own occupant in a conference room, under the nick Jitsi clients look for ("focus").
// Nobody else may hold that nick: after joining, the focus reserves it in the room (XEP-0045
// reserved nickname: an owner-affiliation item with a nick), so Prosody refuses anyone else the
// nick from then on, also after the focus has left while others stay. When the nick is already
// taken at join time (a room the focus finds occupied), the reservation makes Prosody remove the
// holder ("This nickname is reserved"); the focus then joins again, a bounded number of times.
import {
  MUC_ADMIN_NS,
  MUC_USER_NS,
  mucJoinPresence,
  occupantJid,
  parseStanzaError,
  xml,
  type Element,
} from '@parley/protocol';
import type { Logger } from '@parley/service';
import type { XmppLink } from './xmpp-link.js';

/** Joins after the first that may meet a taken nick before the focus gives up. */
export const NICK_CONFLICT_RETRIES = 3;

type JoinAnswer = { joined: true } | { joined: false; condition: string; text?: string };

/** `<item affiliation="owner" jid=focusJid nick=nick>`: owner of the room, holder of the nick. */
export function reserveNickIq(roomJid: string, focusJid: string, nick: string): Element {
  return xml(
    'iq',
    { type: 'set', to: roomJid },
    xml('query', { xmlns: MUC_ADMIN_NS }, xml('item', { affiliation: 'owner', jid: focusJid, nick })),
  );
}

export class FocusSeat {
  private waiter?: (answer: JoinAnswer) => void;

  constructor(
    private readonly roomJid: string,
    private readonly nick: string,
    private readonly link: XmppLink,
    private readonly log: Logger,
    /** The full JID the focus joins from (focus.<domain>/focus): Jitsi clients know the focus by it. */
    private readonly sessionJid: string,
  ) {}

  get occupant(): string {
    return occupantJid(this.roomJid, this.nick);
  }

  /** A presence from the focus's own occupant JID: settles a pending join. */
  onPresence(stanza: Element): void {
    if (!this.waiter) return;
    if (stanza.attrs.type === 'error') {
      const e = parseStanzaError(stanza);
      this.waiter({ joined: false, condition: e?.condition ?? 'undefined-condition', text: e?.text });
    } else if (stanza.attrs.type !== 'unavailable' && hasStatus(stanza, '110')) this.waiter({ joined: true });
  }

  /** Joins the room as the focus; resolves once the MUC confirms the focus's own presence. */
  async join(timeoutMs: number): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const answer = await this.joinOnce(timeoutMs);
      if (answer.joined) break;
      const why = `${answer.condition}${answer.text ? ` (${answer.text})` : ''}`;
      if (answer.condition !== 'conflict') throw new Error(`the room ${this.roomJid} refused the focus: ${why}`);
      if (attempt >= NICK_CONFLICT_RETRIES)
        throw new Error(`the nick ${this.nick} in ${this.roomJid} stayed taken after ${attempt + 1} joins`);
      this.log.warn('conference.nick_taken', { nick: this.nick, attempt: attempt + 1, action: 'reserve and rejoin' });
      // The reservation removes whoever holds the nick; a refusal shows in the next join's answer.
      await this.reserve().catch((err: Error) => this.log.warn('conference.nick_reserve_failed', { error: err }));
    }
    await this.reserve().catch((err: Error) => this.log.warn('conference.nick_reserve_failed', { error: err }));
  }

  private reserve(): Promise<Element> {
    return this.link.request(reserveNickIq(this.roomJid, this.link.jid, this.nick));
  }

  private joinOnce(timeoutMs: number): Promise<JoinAnswer> {
    return new Promise<JoinAnswer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new Error(`room ${this.roomJid} did not answer the focus's join in ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiter = (answer) => {
        clearTimeout(timer);
        this.waiter = undefined;
        resolve(answer);
      };
      const join = mucJoinPresence(this.occupant, { maxHistory: 0 });
      join.attrs.from = this.sessionJid;
      this.link.send(join);
    });
  }
}

function hasStatus(presence: Element, code: string): boolean {
  return presence
    .getChildren('x')
    .some((x) => x.attrs.xmlns === MUC_USER_NS && x.getChildren('status').some((s) => s.attrs.code === code));
}

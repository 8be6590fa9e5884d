// Tests only: an XmppLink that plays Prosody's MUC for the focus, so that ConferenceManager and
// Conference run without a server (Galène's and jicofo's style of focus tests). It answers the
// focus's join with its own presence, disco#info with the room's meeting id, and every other IQ
// with a result — except IQs to occupants the test says are gone (item-not-found, as the MUC does).
// Tests inject what participants send with deliver() and read what the focus sent from `sent`.
import { parseXml, resourceOf, xml, type Element } from '@parley/protocol';
import { IqError, type XmppLink } from './xmpp-link.js';

const MUC_USER_NS = 'http://jabber.org/protocol/muc#user';

export class FakeXmppLink implements XmppLink {
  readonly jid = 'focus.meet.test';
  /** Everything the focus sent or asked, in order. */
  readonly sent: Element[] = [];
  /** Occupant JIDs whose IQs fail as the MUC answers for someone who left. */
  readonly gone = new Set<string>();
  private handlers: ((s: Element) => void)[] = [];
  private waiters: (() => void)[] = [];

  constructor(private readonly meetingId = 'a1b2c3d4-e5f6-4a5b-8c7d-0123456789ab') {}

  send(stanza: Element): void {
    this.record(stanza);
    // The focus joining a room: the MUC answers with the focus's own presence (110), as owner.
    const to = String(stanza.attrs.to ?? '');
    if (stanza.name === 'presence' && resourceOf(to) === 'focus' && stanza.attrs.type !== 'unavailable')
      queueMicrotask(() =>
        this.deliver(
          `<presence from="${to}" to="${this.jid}/focus"><x xmlns="${MUC_USER_NS}">` +
            `<item affiliation="owner" role="moderator" jid="${this.jid}/focus"/><status code="110"/></x></presence>`,
        ),
      );
  }

  async request(iq: Element): Promise<Element> {
    this.record(iq);
    const to = String(iq.attrs.to ?? '');
    if (this.gone.has(to)) throw new IqError('item-not-found', 'Recipient not in room');
    const query = iq.getChild('query', 'http://jabber.org/protocol/disco#info');
    if (query)
      return parseXml(
        `<iq type="result" from="${to}"><query xmlns="http://jabber.org/protocol/disco#info">` +
          `<x xmlns="jabber:x:data" type="result"><field var="FORM_TYPE"><value>http://jabber.org/protocol/muc#roominfo</value></field>` +
          `<field var="muc#roominfo_meetingId"><value>${this.meetingId}</value></field></x></query></iq>`,
      );
    return xml('iq', { type: 'result', from: to });
  }

  onStanza(handler: (stanza: Element) => void): void {
    this.handlers.push(handler);
  }

  async close(): Promise<void> {
    this.handlers = [];
  }

  /** A stanza from Prosody to the focus (a participant's presence or IQ), as XML text or an element. */
  deliver(stanza: string | Element): void {
    const el = typeof stanza === 'string' ? parseXml(stanza) : stanza;
    for (const h of this.handlers) h(el);
  }

  /** Waits (bounded) until the focus has sent something that `match` accepts; returns it. */
  async waitSent(what: string, match: (s: Element) => boolean, timeoutMs = 2000): Promise<Element> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.sent.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`the focus never sent ${what}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 20);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  private record(s: Element): void {
    this.sent.push(s);
    for (const w of this.waiters.splice(0)) w();
  }
}

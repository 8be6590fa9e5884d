// Rooms a previous focus process left running. A focus killed with -9 never leaves its rooms:
// Prosody keeps its occupant (a component has no session to end), the participants stay, and
// their media keeps flowing through the bridge, but nobody is left to invite a newcomer, pass a
// source on or expire an endpoint. A starting (or reconnected) focus lists the MUC service's rooms,
// joins each one it does not run, and re-invites everyone in it (see Conference.start's adopt).
import { xml, type Element } from '@parley/protocol';
import type { XmppLink } from './xmpp-link.js';

const DISCO_ITEMS_NS = 'http://jabber.org/protocol/disco#items';
const DISCO_INFO_NS = 'http://jabber.org/protocol/disco#info';
const MEETING_ID_FIELD = 'muc#roominfo_meetingId';

/** The rooms of the MUC service (conference rooms are public, so disco#items lists them all). */
export async function listRooms(link: Pick<XmppLink, 'request'>, mucDomain: string): Promise<string[]> {
  const answer = await link.request(xml('iq', { type: 'get', to: mucDomain }, xml('query', { xmlns: DISCO_ITEMS_NS })));
  const query = answer.getChild('query', DISCO_ITEMS_NS);
  return (query?.getChildren('item') ?? [])
    .map((item: Element) => String(item.attrs.jid ?? '').toLowerCase())
    .filter((jid: string) => jid.endsWith(`@${mucDomain}`));
}

/**
 * The room's meeting id (mod_parley_roominfo sets one when the room is created): the conference's
 * id on the bridge, so a focus that takes the room over can end its predecessor's bridge conference.
 * Undefined when the room does not say (an older Prosody config without the plugin).
 */
export async function roomMeetingId(link: Pick<XmppLink, 'request'>, roomJid: string): Promise<string | undefined> {
  const answer = await link.request(xml('iq', { type: 'get', to: roomJid }, xml('query', { xmlns: DISCO_INFO_NS })));
  for (const x of answer.getChild('query', DISCO_INFO_NS)?.getChildren('x') ?? []) {
    for (const field of x.getChildren('field')) {
      if (field.attrs.var !== MEETING_ID_FIELD) continue;
      const value = field.getChildText('value')?.trim();
      if (value && /^[A-Za-z0-9-]{8,64}$/.test(value)) return value;
    }
  }
  return undefined;
}

// MUC (XEP-0045) pure builders: join presence, role/affiliation changes, room configuration.
import { xml, type Element } from '../xml/element.js';
import { ProtocolError } from '../errors/protocol-error.js';
import { bareJid, splitJid } from './jid.js';

export const MUC_NS = 'http://jabber.org/protocol/muc';
export const MUC_USER_NS = 'http://jabber.org/protocol/muc#user';
export const MUC_ADMIN_NS = 'http://jabber.org/protocol/muc#admin';
export const MUC_OWNER_NS = 'http://jabber.org/protocol/muc#owner';
export const MUC_ROOMCONFIG_NS = 'http://jabber.org/protocol/muc#roomconfig';
export const DATA_FORMS_NS = 'jabber:x:data';

export type MucRole = 'moderator' | 'participant' | 'visitor' | 'none';
export type MucAffiliation = 'owner' | 'admin' | 'member' | 'outcast' | 'none';

export interface MucJoinOptions {
  password?: string;
  maxHistory?: number;
  children?: Element[];
}

/** The presence that joins `occupant` ("room@conference.example/nick"), with the muc `<x>`. */
export function mucJoinPresence(occupant: string, opts: MucJoinOptions = {}): Element {
  if (splitJid(occupant).resource === undefined)
    throw new ProtocolError(`MUC join: '${occupant}' has no nick (resource)`);
  return xml(
    'presence',
    { to: occupant },
    xml(
      'x',
      { xmlns: MUC_NS },
      opts.password !== undefined && xml('password', {}, opts.password),
      opts.maxHistory !== undefined && xml('history', { maxstanzas: opts.maxHistory }),
    ),
    opts.children ?? [],
  );
}

/** muc#admin role change (kick = role 'none', grant moderator = 'moderator'). */
export function setRoleIq(room: string, nick: string, role: MucRole, reason?: string): Element {
  return xml(
    'iq',
    { type: 'set', to: bareJid(room) },
    xml(
      'query',
      { xmlns: MUC_ADMIN_NS },
      xml('item', { nick, role }, reason !== undefined && xml('reason', {}, reason)),
    ),
  );
}

export function setAffiliationIq(room: string, jid: string, affiliation: MucAffiliation, reason?: string): Element {
  return xml(
    'iq',
    { type: 'set', to: bareJid(room) },
    xml(
      'query',
      { xmlns: MUC_ADMIN_NS },
      xml('item', { jid: bareJid(jid), affiliation }, reason !== undefined && xml('reason', {}, reason)),
    ),
  );
}

/** The owner `<query>` submitting a muc#roomconfig data form (XEP-0004 type="submit"). */
export function roomConfigSubmit(fields: Record<string, string | string[]>): Element {
  return xml(
    'query',
    { xmlns: MUC_OWNER_NS },
    xml(
      'x',
      { xmlns: DATA_FORMS_NS, type: 'submit' },
      xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, MUC_ROOMCONFIG_NS)),
      Object.entries(fields).map(([name, v]) =>
        xml(
          'field',
          { var: name },
          (Array.isArray(v) ? v : [v]).map((s) => xml('value', {}, s)),
        ),
      ),
    ),
  );
}

/** The full owner IQ: `<iq type="set" to=room>` + roomConfigSubmit(fields). */
export function roomConfigIq(room: string, fields: Record<string, string | string[]>): Element {
  return xml('iq', { type: 'set', to: bareJid(room) }, roomConfigSubmit(fields));
}

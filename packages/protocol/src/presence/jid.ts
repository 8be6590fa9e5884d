// Pure string JID helpers (RFC 7622 shape only; no stringprep) and endpoint ids.
import { ProtocolError } from '../errors/protocol-error.js';

export interface JidParts {
  local?: string;
  domain: string;
  resource?: string;
}

/** Splits "local@domain/resource"; the resource may itself contain '@' and '/'. */
export function splitJid(jid: string): JidParts {
  const slash = jid.indexOf('/');
  const bare = slash >= 0 ? jid.slice(0, slash) : jid;
  const resource = slash >= 0 ? jid.slice(slash + 1) : undefined;
  const at = bare.indexOf('@');
  const local = at >= 0 ? bare.slice(0, at) : undefined;
  const domain = at >= 0 ? bare.slice(at + 1) : bare;
  if (!domain || local === '' || resource === '' || domain.includes('@')) throw new ProtocolError(`bad JID '${jid}'`);
  const parts: JidParts = { domain };
  if (local !== undefined) parts.local = local;
  if (resource !== undefined) parts.resource = resource;
  return parts;
}

export function bareJid(jid: string): string {
  const { local, domain } = splitJid(jid);
  return local === undefined ? domain : `${local}@${domain}`;
}

/** The resource of `jid`; undefined when there is none or the JID is malformed (never throws). */
export function resourceOf(jid: string): string | undefined {
  try {
    return splitJid(jid).resource;
  } catch {
    return undefined;
  }
}

/** "room@conference.example" + "a1b2c3d4" -> "room@conference.example/a1b2c3d4". */
export function occupantJid(room: string, nick: string): string {
  if (!nick) throw new ProtocolError('occupant JID: empty nick');
  return `${bareJid(room)}/${nick}`;
}

/** An endpoint id: 8 lowercase hex characters (the MUC nick of a participant). */
export function isEndpointId(s: unknown): s is string {
  return typeof s === 'string' && /^[0-9a-f]{8}$/.test(s);
}

export function newEndpointId(random: () => number = Math.random): string {
  let id = '';
  for (let i = 0; i < 8; i++) id += Math.min(15, Math.floor(random() * 16)).toString(16);
  return id;
}

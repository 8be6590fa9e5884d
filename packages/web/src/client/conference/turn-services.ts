// TURN servers for the peer connection, asked of Prosody over our logged-in XMPP session
// (XEP-0215 external service discovery, as Jitsi's clients do): only someone with a session gets a
// credential, and it is short-lived (Prosody signs it with the secret it shares with coturn).
import { xml, type Element } from '@parley/protocol';

export const EXTDISCO_NS = 'urn:xmpp:extdisco:2';

export interface TurnIceServer {
  urls: string[];
  username: string;
  credential: string;
}

/** `<iq type="get" to="<domain>"><services xmlns="urn:xmpp:extdisco:2"/></iq>` */
export function turnServicesRequest(domain: string): Element {
  return xml('iq', { type: 'get', to: domain }, xml('services', { xmlns: EXTDISCO_NS }));
}

/**
 * The TURN entries of an extdisco answer as RTCIceServers (one per service: each may carry its own
 * credential). STUN and anything else is ignored: the bridge is on this network and needs no STUN.
 */
export function turnIceServers(answer: Element): TurnIceServer[] {
  const services = answer.getChild('services', EXTDISCO_NS) ?? answer.getChild('credentials', EXTDISCO_NS);
  const out: TurnIceServer[] = [];
  for (const s of services?.getChildren('service') ?? []) {
    const { type, host, port, transport, username, password } = s.attrs as Record<string, string | undefined>;
    if ((type !== 'turn' && type !== 'turns') || !host || !username || !password) continue;
    if (port !== undefined && !/^\d{1,5}$/.test(port)) continue;
    const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
    const t = transport === 'tcp' || transport === 'udp' ? `?transport=${transport}` : '';
    out.push({ urls: [`${type}:${h}${port ? `:${port}` : ''}${t}`], username, credential: password });
  }
  return out;
}

/** Asks Prosody for TURN servers over `request` (the XMPP connection's IQ request). */
export async function fetchTurnIceServers(
  request: (el: Element, timeoutMs: number) => Promise<Element>,
  domain: string,
  timeoutMs = 5000,
): Promise<TurnIceServer[]> {
  return turnIceServers(await request(turnServicesRequest(domain), timeoutMs));
}

// <transport xmlns="urn:xmpp:jingle:transports:ice-udp:1"> (XEP-0176) with DTLS fingerprints (XEP-0320),
// the SCTP data channel port (XEP-0343: Jitsi's <sctpmap>, or <sctp-port>) and Jitsi's colibri
// <web-socket url> (the bridge channel URL colibri2 and Jicofo put inside the transport).
import { xml, type Element } from '../xml/element.js';
import { ProtocolError } from '../errors/protocol-error.js';
import { NS, type Fingerprint, type IceCandidate, type IceTransport } from './model.js';
import { attr, child, children, oneOf, optUint, parseUint, requireAttr, requireUint } from '../xml/attrs.js';

export const CANDIDATE_TYPES = ['host', 'srflx', 'prflx', 'relay'] as const;
export const CANDIDATE_PROTOCOLS = ['udp', 'tcp'] as const;
export const TCP_TYPES = ['active', 'passive', 'so'] as const;
export const SETUP_ROLES = ['actpass', 'active', 'passive'] as const;
/** Namespace of `<web-socket url>` inside the ICE transport (and of the bridge's `<stats>`). */
export const COLIBRI_NS = 'http://jitsi.org/protocol/colibri';

export function iceCandidateToXml(c: IceCandidate): Element {
  return xml('candidate', {
    component: c.component,
    foundation: c.foundation,
    generation: c.generation,
    id: c.id,
    ip: c.ip,
    network: c.network,
    port: c.port,
    priority: c.priority,
    protocol: c.protocol,
    type: c.type,
    'rel-addr': c.relAddr,
    'rel-port': c.relPort,
    tcptype: c.tcptype,
  });
}

/** `webSocketUrl`: also render the colibri `<web-socket url>` child (the bridge channel). */
export function iceTransportToXml(t: IceTransport, webSocketUrl?: string): Element {
  return xml(
    'transport',
    { xmlns: NS.iceUdp, ufrag: t.ufrag || undefined, pwd: t.pwd || undefined },
    t.rtcpMux && xml('rtcp-mux'),
    t.iceLite && xml('ice-lite'),
    t.fingerprints.map((f) => xml('fingerprint', { xmlns: NS.dtls, hash: f.hash, setup: f.setup }, f.value)),
    t.sctpPort !== undefined &&
      xml('sctpmap', { xmlns: NS.sctp, number: t.sctpPort, protocol: 'webrtc-datachannel', streams: 1024 }),
    webSocketUrl !== undefined && xml('web-socket', { xmlns: COLIBRI_NS, url: webSocketUrl }),
    t.candidates.map(iceCandidateToXml),
  );
}

export function parseIceCandidate(el: Element, where = ''): IceCandidate {
  const c: IceCandidate = {
    foundation: requireAttr(el, 'foundation', where),
    component: requireUint(el, 'component', where, 256),
    protocol: oneOf(requireAttr(el, 'protocol', where).toLowerCase(), CANDIDATE_PROTOCOLS, 'candidate protocol', where),
    priority: requireUint(el, 'priority', where),
    ip: requireAttr(el, 'ip', where),
    port: requireUint(el, 'port', where, 65535),
    type: oneOf(requireAttr(el, 'type', where), CANDIDATE_TYPES, 'candidate type', where),
  };
  const generation = optUint(el, 'generation', where);
  if (generation !== undefined) c.generation = generation;
  const network = optUint(el, 'network', where);
  if (network !== undefined) c.network = network;
  const id = attr(el, 'id');
  if (id) c.id = id;
  const relAddr = attr(el, 'rel-addr');
  if (relAddr) c.relAddr = relAddr;
  const relPort = optUint(el, 'rel-port', where, 65535);
  if (relPort !== undefined) c.relPort = relPort;
  const tcptype = attr(el, 'tcptype');
  if (tcptype) c.tcptype = oneOf(tcptype, TCP_TYPES, 'candidate tcptype', where);
  return c;
}

export function parseFingerprint(el: Element, where = ''): Fingerprint {
  const hash = requireAttr(el, 'hash', where);
  const value = el.getText().trim();
  if (!value) throw new ProtocolError(`fingerprint without value${where}`);
  const setup = attr(el, 'setup') ?? 'actpass';
  return { hash, value, setup: oneOf(setup, SETUP_ROLES, 'fingerprint setup', where) };
}

export interface IceTransportParseOptions {
  /** Context for error messages when not inside a Jingle content, e.g. " in colibri2 <endpoint id="e">". */
  where?: string;
  /** Reject a transport without ufrag/pwd (colibri2 always carries them; Jingle transport-info may not). */
  requireCredentials?: boolean;
}

export function parseIceTransport(
  el: Element,
  contentName?: string,
  opts: IceTransportParseOptions = {},
): IceTransport {
  const where = opts.where ?? (contentName !== undefined ? ` in content '${contentName}'` : '');
  const credential = (name: 'ufrag' | 'pwd'): string => {
    const v = attr(el, name) ?? '';
    if (!v && opts.requireCredentials) {
      throw new ProtocolError(`transport without ICE credentials: missing attribute '${name}'${where}`);
    }
    return v;
  };
  const t: IceTransport = {
    ufrag: credential('ufrag'),
    pwd: credential('pwd'),
    candidates: children(el, 'candidate').map((c) => parseIceCandidate(c, where)),
    fingerprints: children(el, 'fingerprint', NS.dtls).map((f) => parseFingerprint(f, where)),
    rtcpMux: children(el, 'rtcp-mux').length > 0,
  };
  if (children(el, 'ice-lite').length > 0) t.iceLite = true;
  const sctpmap = child(el, 'sctpmap', NS.sctp);
  const sctpPortEl = child(el, 'sctp-port');
  if (sctpmap) t.sctpPort = requireUint(sctpmap, 'number', where, 65535);
  else if (sctpPortEl) t.sctpPort = requireUint(sctpPortEl, 'value', where, 65535);
  else if (attr(el, 'sctp-port')) t.sctpPort = parseUint(attr(el, 'sctp-port')!, 'sctp-port', where, 65535);
  return t;
}

/** The colibri `<web-socket url>` inside an ICE transport, if any. */
export function parseIceWebSocketUrl(el: Element, where = ''): string | undefined {
  const ws = child(el, 'web-socket', COLIBRI_NS);
  return ws && requireAttr(ws, 'url', where);
}

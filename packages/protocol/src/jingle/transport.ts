// <transport xmlns="urn:xmpp:jingle:transports:ice-udp:1"> (XEP-0176) with DTLS fingerprints (XEP-0320)
// and the SCTP data channel port (XEP-0343: Jitsi's <sctpmap>, or <sctp-port>).
import { xml, type Element } from '../xml/element.js';
import { ProtocolError } from '../errors/protocol-error.js';
import { NS, type Fingerprint, type IceCandidate, type IceTransport } from './model.js';
import { attr, children, oneOf, optUint, parseUint, requireAttr } from './util.js';

export const CANDIDATE_TYPES = ['host', 'srflx', 'prflx', 'relay'] as const;
export const CANDIDATE_PROTOCOLS = ['udp', 'tcp'] as const;
export const TCP_TYPES = ['active', 'passive', 'so'] as const;
export const SETUP_ROLES = ['actpass', 'active', 'passive'] as const;

export function iceCandidateToXml(c: IceCandidate): Element {
  return xml('candidate', {
    component: c.component, foundation: c.foundation, generation: c.generation, id: c.id, ip: c.ip,
    network: c.network, port: c.port, priority: c.priority, protocol: c.protocol, type: c.type,
    'rel-addr': c.relAddr, 'rel-port': c.relPort, tcptype: c.tcptype,
  });
}

export function iceTransportToXml(t: IceTransport): Element {
  return xml('transport', { xmlns: NS.iceUdp, ufrag: t.ufrag || undefined, pwd: t.pwd || undefined },
    t.rtcpMux && xml('rtcp-mux'),
    t.fingerprints.map((f) => xml('fingerprint', { xmlns: NS.dtls, hash: f.hash, setup: f.setup }, f.value)),
    t.sctpPort !== undefined &&
      xml('sctpmap', { xmlns: NS.sctp, number: t.sctpPort, protocol: 'webrtc-datachannel', streams: 1024 }),
    t.candidates.map(iceCandidateToXml));
}

export function parseIceCandidate(el: Element, where = ''): IceCandidate {
  const w = where;
  const num = (name: string, max?: number): number => parseUint(requireAttr(el, name, w), `candidate ${name}${w}`, max);
  const ip = requireAttr(el, 'ip', w);
  const c: IceCandidate = {
    foundation: requireAttr(el, 'foundation', w),
    component: num('component', 256),
    protocol: oneOf(requireAttr(el, 'protocol', w).toLowerCase(), CANDIDATE_PROTOCOLS, `candidate protocol${w}`),
    priority: num('priority'),
    ip,
    port: num('port', 65535),
    type: oneOf(requireAttr(el, 'type', w), CANDIDATE_TYPES, `candidate type${w}`),
  };
  const generation = optUint(el, 'generation', `candidate generation${w}`);
  if (generation !== undefined) c.generation = generation;
  const network = optUint(el, 'network', `candidate network${w}`);
  if (network !== undefined) c.network = network;
  const id = attr(el, 'id');
  if (id) c.id = id;
  const relAddr = attr(el, 'rel-addr');
  if (relAddr) c.relAddr = relAddr;
  const relPort = optUint(el, 'rel-port', `candidate rel-port${w}`, 65535);
  if (relPort !== undefined) c.relPort = relPort;
  const tcptype = attr(el, 'tcptype');
  if (tcptype) c.tcptype = oneOf(tcptype, TCP_TYPES, `candidate tcptype${w}`);
  return c;
}

export function parseFingerprint(el: Element, where = ''): Fingerprint {
  const hash = attr(el, 'hash');
  if (!hash) throw new ProtocolError(`fingerprint without hash${where}`);
  const value = el.getText().trim();
  if (!value) throw new ProtocolError(`fingerprint without value${where}`);
  const setup = attr(el, 'setup') ?? 'actpass';
  return { hash, value, setup: oneOf(setup, SETUP_ROLES, `fingerprint setup${where}`) };
}

export function parseIceTransport(el: Element, contentName?: string): IceTransport {
  const where = contentName !== undefined ? ` in content '${contentName}'` : '';
  const t: IceTransport = {
    ufrag: attr(el, 'ufrag') ?? '',
    pwd: attr(el, 'pwd') ?? '',
    candidates: children(el, 'candidate').map((c) => parseIceCandidate(c, where)),
    fingerprints: children(el, 'fingerprint', NS.dtls).map((f) => parseFingerprint(f, where)),
    rtcpMux: children(el, 'rtcp-mux').length > 0,
  };
  const sctpmap = children(el, 'sctpmap', NS.sctp)[0];
  const sctpPortEl = children(el, 'sctp-port')[0];
  if (sctpmap) t.sctpPort = parseUint(requireAttr(sctpmap, 'number', where), `sctpmap number${where}`, 65535);
  else if (sctpPortEl) t.sctpPort = parseUint(requireAttr(sctpPortEl, 'value', where), `sctp-port${where}`, 65535);
  else if (attr(el, 'sctp-port')) t.sctpPort = parseUint(attr(el, 'sctp-port')!, `sctp-port${where}`, 65535);
  return t;
}

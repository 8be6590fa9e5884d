// Local renderers/parsers for the Jingle child elements colibri2 embeds (payload-type, rtp-hdrext,
// source, ssrc-group, ice-udp transport). Shapes are identical to Jingle's (XEP-0167/0176/0320/0339);
// the lead may later unify these with the Jingle codec.
import { xml, type Element } from '../xml/element.js';
import { ProtocolError } from '../errors/protocol-error.js';
import {
  NS, type Fingerprint, type HeaderExtension, type IceCandidate, type IceTransport, type PayloadType,
  type Source, type SourceGroup,
} from '../jingle/model.js';
import { intAttr, optAttr, reqAttr, reqIntAttr } from './xml-util.js';

export const COLIBRI_NS = 'http://jitsi.org/protocol/colibri';
const MAX_SSRC = 0xffffffff;

export function payloadTypeToXml(pt: PayloadType): Element {
  return xml('payload-type', { xmlns: NS.rtp, id: pt.id, name: pt.name, clockrate: pt.clockrate, channels: pt.channels },
    Object.entries(pt.parameters).map(([name, value]) => xml('parameter', { name, value })),
    pt.rtcpFeedback.map((fb) => xml('rtcp-fb', { xmlns: NS.rtcpFb, type: fb.type, subtype: fb.subtype })));
}

export function parsePayloadType(el: Element): PayloadType {
  const where = '<payload-type>';
  const pt: PayloadType = {
    id: reqIntAttr(el, 'id', where, 127),
    name: reqAttr(el, 'name', where),
    clockrate: reqIntAttr(el, 'clockrate', where),
    parameters: {},
    rtcpFeedback: [],
  };
  const channels = intAttr(el, 'channels', where);
  if (channels !== undefined) pt.channels = channels;
  for (const p of el.getChildren('parameter')) {
    pt.parameters[reqAttr(p, 'name', `${where} <parameter>`)] = optAttr(p, 'value') ?? '';
  }
  for (const fb of el.getChildren('rtcp-fb', NS.rtcpFb)) {
    const subtype = optAttr(fb, 'subtype');
    pt.rtcpFeedback.push(subtype === undefined ? { type: reqAttr(fb, 'type', '<rtcp-fb>') } : { type: reqAttr(fb, 'type', '<rtcp-fb>'), subtype });
  }
  return pt;
}

export function headerExtensionToXml(h: HeaderExtension): Element {
  return xml('rtp-hdrext', { xmlns: NS.hdrext, id: h.id, uri: h.uri, senders: h.senders });
}

export function parseHeaderExtension(el: Element): HeaderExtension {
  const where = '<rtp-hdrext>';
  const h: HeaderExtension = { id: reqIntAttr(el, 'id', where, 255), uri: reqAttr(el, 'uri', where) };
  const senders = optAttr(el, 'senders');
  if (senders !== undefined) {
    if (senders !== 'both' && senders !== 'initiator' && senders !== 'responder') {
      throw new ProtocolError(`${where}: bad senders '${senders}'`);
    }
    h.senders = senders;
  }
  return h;
}

export function sourceToXml(s: Source): Element {
  return xml('source', { xmlns: NS.ssma, ssrc: s.ssrc, name: s.name, videoType: s.videoType },
    s.msid !== undefined && xml('parameter', { name: 'msid', value: s.msid }),
    xml('ssrc-info', { xmlns: NS.jitmeet, owner: s.owner }));
}

function parseSsrc(el: Element, where: string): number {
  const v = optAttr(el, 'ssrc');
  if (v === undefined) throw new ProtocolError(`${where}: missing attribute 'ssrc'`);
  if (!/^\d+$/.test(v) || Number(v) > MAX_SSRC) throw new ProtocolError(`${where}: bad ssrc '${v}' (must be 0..4294967295)`);
  return Number(v);
}

/** Parses `<source>`; `defaultOwner` is used when there is no `<ssrc-info owner>`. */
export function parseSource(el: Element, defaultOwner: string): Source {
  const where = '<source>';
  const ssrc = parseSsrc(el, where);
  const name = optAttr(el, 'name');
  if (!name) throw new ProtocolError(`${where} ssrc=${ssrc}: missing attribute 'name'`);
  const info = el.getChild('ssrc-info', NS.jitmeet);
  const s: Source = { ssrc, name, owner: (info && optAttr(info, 'owner')) || defaultOwner };
  const msid = el.getChildren('parameter').find((p) => p.attrs.name === 'msid');
  if (msid) s.msid = optAttr(msid, 'value') ?? '';
  const vt = optAttr(el, 'videoType');
  if (vt !== undefined) {
    if (vt !== 'camera' && vt !== 'desktop') throw new ProtocolError(`${where} ${name}: bad videoType '${vt}'`);
    s.videoType = vt;
  }
  return s;
}

export function sourceGroupToXml(g: SourceGroup): Element {
  return xml('ssrc-group', { xmlns: NS.ssma, semantics: g.semantics }, g.ssrcs.map((ssrc) => xml('source', { ssrc })));
}

export function parseSourceGroup(el: Element): SourceGroup {
  const where = '<ssrc-group>';
  const semantics = reqAttr(el, 'semantics', where);
  const ssrcs = el.getChildren('source').map((s) => parseSsrc(s, `${where} ${semantics} <source>`));
  if (ssrcs.length === 0) throw new ProtocolError(`${where} ${semantics}: no sources`);
  return { semantics, ssrcs };
}

function candidateToXml(c: IceCandidate): Element {
  return xml('candidate', {
    component: c.component, foundation: c.foundation, generation: c.generation, id: c.id, ip: c.ip,
    network: c.network, port: c.port, priority: c.priority, protocol: c.protocol, type: c.type,
    'rel-addr': c.relAddr, 'rel-port': c.relPort, tcptype: c.tcptype,
  });
}

const CANDIDATE_TYPES = ['host', 'srflx', 'prflx', 'relay'] as const;
const TCP_TYPES = ['active', 'passive', 'so'] as const;

function parseCandidate(el: Element): IceCandidate {
  const where = '<candidate>';
  const protocol = reqAttr(el, 'protocol', where).toLowerCase();
  if (protocol !== 'udp' && protocol !== 'tcp') throw new ProtocolError(`${where}: bad protocol '${protocol}'`);
  const type = reqAttr(el, 'type', where);
  if (!(CANDIDATE_TYPES as readonly string[]).includes(type)) throw new ProtocolError(`${where}: bad type '${type}'`);
  const c: IceCandidate = {
    foundation: reqAttr(el, 'foundation', where),
    component: reqIntAttr(el, 'component', where, 256),
    protocol,
    priority: reqIntAttr(el, 'priority', where, MAX_SSRC),
    ip: reqAttr(el, 'ip', where),
    port: reqIntAttr(el, 'port', where, 65535),
    type: type as IceCandidate['type'],
  };
  const generation = intAttr(el, 'generation', where);
  if (generation !== undefined) c.generation = generation;
  const network = intAttr(el, 'network', where);
  if (network !== undefined) c.network = network;
  const id = optAttr(el, 'id');
  if (id !== undefined) c.id = id;
  const relAddr = optAttr(el, 'rel-addr');
  if (relAddr !== undefined) c.relAddr = relAddr;
  const relPort = intAttr(el, 'rel-port', where, 65535);
  if (relPort !== undefined) c.relPort = relPort;
  const tcptype = optAttr(el, 'tcptype');
  if (tcptype !== undefined) {
    if (!(TCP_TYPES as readonly string[]).includes(tcptype)) throw new ProtocolError(`${where}: bad tcptype '${tcptype}'`);
    c.tcptype = tcptype as IceCandidate['tcptype'];
  }
  return c;
}

/** `<transport xmlns="urn:xmpp:jingle:transports:ice-udp:1">`, with an optional colibri web-socket URL. */
export function iceTransportToXml(t: IceTransport, webSocketUrl?: string): Element {
  return xml('transport', { xmlns: NS.iceUdp, ufrag: t.ufrag, pwd: t.pwd },
    t.fingerprints.map((f) => xml('fingerprint', { xmlns: NS.dtls, hash: f.hash, setup: f.setup }, f.value)),
    t.rtcpMux && xml('rtcp-mux'),
    t.sctpPort !== undefined && xml('sctpmap', { xmlns: NS.sctp, number: t.sctpPort, protocol: 'webrtc-datachannel', streams: 1024 }),
    webSocketUrl !== undefined && xml('web-socket', { xmlns: COLIBRI_NS, url: webSocketUrl }),
    t.candidates.map(candidateToXml));
}

export function parseIceTransport(el: Element): { transport: IceTransport; webSocketUrl?: string } {
  const where = '<transport ice-udp>';
  const transport: IceTransport = {
    ufrag: reqAttr(el, 'ufrag', where),
    pwd: reqAttr(el, 'pwd', where),
    candidates: el.getChildren('candidate').map(parseCandidate),
    fingerprints: el.getChildren('fingerprint', NS.dtls).map((f): Fingerprint => {
      const setup = optAttr(f, 'setup') ?? 'actpass';
      if (setup !== 'actpass' && setup !== 'active' && setup !== 'passive') {
        throw new ProtocolError(`<fingerprint>: bad setup '${setup}'`);
      }
      const value = f.getText().trim();
      if (!value) throw new ProtocolError('<fingerprint>: empty fingerprint');
      return { hash: reqAttr(f, 'hash', '<fingerprint>'), value, setup };
    }),
    rtcpMux: !!el.getChild('rtcp-mux'),
  };
  const sctpmap = el.getChild('sctpmap', NS.sctp);
  const sctpPortEl = el.getChild('sctp-port', NS.sctp);
  if (sctpmap) transport.sctpPort = reqIntAttr(sctpmap, 'number', '<sctpmap>', 65535);
  else if (sctpPortEl) transport.sctpPort = reqIntAttr(sctpPortEl, 'value', '<sctp-port>', 65535);
  const ws = el.getChild('web-socket', COLIBRI_NS);
  const out: { transport: IceTransport; webSocketUrl?: string } = { transport };
  if (ws) out.webSocketUrl = reqAttr(ws, 'url', '<web-socket>');
  return out;
}


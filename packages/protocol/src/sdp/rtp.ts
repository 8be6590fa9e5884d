// RTP description and ICE/DTLS transport pieces of a media section, both directions.
import { ProtocolError } from '../errors/protocol-error.js';
import type {
  Fingerprint,
  HeaderExtension,
  IceCandidate,
  IceTransport,
  PayloadType,
  SourceGroup,
} from '../jingle/model.js';
import { candidateFromSdp, candidateToSdp } from './candidate.js';
import {
  hasSdpAttribute,
  sdpAttribute,
  sdpAttributes,
  type SdpLine,
  type SdpMediaSection,
  type SessionDescription,
} from './parse.js';

const a = (value: string): SdpLine => ({ type: 'a', value });

/** Which side wrote the SDP: maps hdrext senders (Jingle roles) to extmap directions. */
export type SdpRole = 'initiator' | 'responder';

function extmapDirection(senders: HeaderExtension['senders'], role: SdpRole): string {
  if (senders === undefined) return '';
  if (senders === 'both') return '/sendrecv';
  return senders === role ? '/sendonly' : '/recvonly';
}

export function extmapLines(exts: readonly HeaderExtension[], role: SdpRole): SdpLine[] {
  return exts.map((h) => a(`extmap:${h.id}${extmapDirection(h.senders, role)} ${h.uri}`));
}

export function codecLines(pts: readonly PayloadType[]): SdpLine[] {
  const out: SdpLine[] = [];
  for (const pt of pts) {
    out.push(a(`rtpmap:${pt.id} ${pt.name}/${pt.clockrate}${pt.channels !== undefined ? `/${pt.channels}` : ''}`));
    for (const fb of pt.rtcpFeedback) out.push(a(`rtcp-fb:${pt.id} ${fb.type}${fb.subtype ? ` ${fb.subtype}` : ''}`));
    const params = Object.entries(pt.parameters);
    if (params.length > 0)
      out.push(a(`fmtp:${pt.id} ${params.map(([k, v]) => (v === '' ? k : `${k}=${v}`)).join(';')}`));
  }
  return out;
}

export function transportLines(t: IceTransport, withCandidates: boolean): SdpLine[] {
  const out: SdpLine[] = [a(`ice-ufrag:${t.ufrag}`), a(`ice-pwd:${t.pwd}`)];
  for (const f of t.fingerprints) out.push(a(`fingerprint:${f.hash} ${f.value}`));
  if (t.fingerprints[0]) out.push(a(`setup:${t.fingerprints[0].setup}`));
  if (withCandidates) for (const c of t.candidates) out.push(a(candidateToSdp(c)));
  return out;
}

const where = (m: SdpMediaSection): string => {
  const mid = sdpAttribute(m.lines, 'mid');
  return mid !== undefined ? ` in m-line '${mid}'` : ` in m=${m.kind} section`;
};

/** `what` may end in " in m-line '<mid>'"; the value goes before that, e.g. "ssrc 'x' is not a number in m-line 'audio'". */
function uint(value: string, what: string, max = 0xffffffff): number {
  if (!/^[0-9]+$/.test(value) || Number(value) > max) {
    const i = what.indexOf(' in ');
    const [label, w] = i < 0 ? [what, ''] : [what.slice(0, i), what.slice(i)];
    throw new ProtocolError(`${label} '${value}' is not a number${w}`);
  }
  return Number(value);
}

/** Payload types of a media section, in m= line order, with rtcp-fb (incl. "*") and fmtp. */
export function payloadTypesFromSection(m: SdpMediaSection): PayloadType[] {
  const w = where(m);
  const byId = new Map<number, PayloadType>();
  for (const v of sdpAttributes(m.lines, 'rtpmap')) {
    const match = /^([0-9]+)\s+([^/\s]+)\/([0-9]+)(?:\/([0-9]+))?$/.exec(v.trim());
    if (!match) throw new ProtocolError(`malformed rtpmap '${v}'${w}`);
    const pt: PayloadType = {
      id: Number(match[1]),
      name: match[2]!,
      clockrate: Number(match[3]),
      parameters: {},
      rtcpFeedback: [],
    };
    if (match[4] !== undefined) pt.channels = Number(match[4]);
    byId.set(pt.id, pt);
  }
  const wildcard: PayloadType['rtcpFeedback'] = [];
  for (const v of sdpAttributes(m.lines, 'rtcp-fb')) {
    const [id, type, subtype] = v.trim().split(/\s+/);
    if (!id || !type) throw new ProtocolError(`malformed rtcp-fb '${v}'${w}`);
    const fb = subtype ? { type, subtype } : { type };
    if (id === '*') wildcard.push(fb);
    else byId.get(uint(id, `rtcp-fb payload type${w}`, 127))?.rtcpFeedback.push(fb);
  }
  for (const v of sdpAttributes(m.lines, 'fmtp')) {
    const space = v.indexOf(' ');
    if (space < 0) continue;
    const pt = byId.get(uint(v.slice(0, space), `fmtp payload type${w}`, 127));
    if (!pt) continue;
    for (const part of v.slice(space + 1).split(';')) {
      const p = part.trim();
      if (!p) continue;
      const eq = p.indexOf('=');
      if (eq < 0) pt.parameters[p] = '';
      else pt.parameters[p.slice(0, eq).trim()] = p.slice(eq + 1).trim();
    }
  }
  const out: PayloadType[] = [];
  for (const f of m.formats) {
    const pt = byId.get(Number(f));
    if (!pt) continue; // static payload type without rtpmap: not offered by Parley, not carried
    pt.rtcpFeedback.push(...wildcard);
    out.push(pt);
  }
  return out;
}

export function headerExtensionsFromSection(m: SdpMediaSection, role: SdpRole): HeaderExtension[] {
  return sdpAttributes(m.lines, 'extmap').map((v) => {
    const match = /^([0-9]+)(?:\/(sendrecv|sendonly|recvonly|inactive))?\s+(\S+)/.exec(v.trim());
    if (!match) throw new ProtocolError(`malformed extmap '${v}'${where(m)}`);
    const h: HeaderExtension = { id: uint(match[1]!, `extmap id${where(m)}`, 255), uri: match[3]! };
    const dir = match[2];
    if (dir === 'sendrecv') h.senders = 'both';
    else if (dir === 'sendonly') h.senders = role;
    else if (dir === 'recvonly') h.senders = role === 'initiator' ? 'responder' : 'initiator';
    return h;
  });
}

export function fingerprintFromSdp(value: string, setup: string | undefined, w = ''): Fingerprint {
  const match = /^([A-Za-z0-9-]+)\s+([0-9A-Fa-f:]+)$/.exec(value.trim());
  if (!match) throw new ProtocolError(`fingerprint without hash${w}: '${value}'`);
  const role = setup ?? 'actpass';
  if (role !== 'actpass' && role !== 'active' && role !== 'passive')
    throw new ProtocolError(`setup '${role}' is not actpass, active or passive${w}`);
  return { hash: match[1]!.toLowerCase(), value: match[2]!, setup: role };
}

export interface TransportFromSdpOptions {
  /** Called for each candidate left out (mDNS .local hosts); without it they are dropped silently. */
  onDroppedCandidate?: (c: IceCandidate, reason: string) => void;
  keepMdns?: boolean;
}

/** The ICE/DTLS transport of a section (session-level ice/fingerprint lines as fallback). */
export function transportFromSection(
  m: SdpMediaSection,
  session: SessionDescription,
  candidatesFrom: readonly SdpMediaSection[],
  opts: TransportFromSdpOptions = {},
): IceTransport {
  const w = where(m);
  const get = (name: string): string | undefined => sdpAttribute(m.lines, name) ?? sdpAttribute(session.lines, name);
  const ufrag = get('ice-ufrag');
  const pwd = get('ice-pwd');
  if (ufrag === undefined) throw new ProtocolError(`no a=ice-ufrag${w}`);
  if (pwd === undefined) throw new ProtocolError(`no a=ice-pwd${w}`);
  const setup = get('setup');
  const fpLines = sdpAttributes(m.lines, 'fingerprint');
  const fps = (fpLines.length ? fpLines : sdpAttributes(session.lines, 'fingerprint')).map((v) =>
    fingerprintFromSdp(v, setup, w),
  );
  const t: IceTransport = {
    ufrag,
    pwd,
    candidates: [],
    fingerprints: fps,
    rtcpMux: sdpAttributes(m.lines, 'rtcp-mux').length > 0 || m.kind === 'application',
  };
  if (hasSdpAttribute(session.lines, 'ice-lite')) t.iceLite = true;
  const seen = new Set<string>();
  for (const section of candidatesFrom) {
    for (const v of sdpAttributes(section.lines, 'candidate')) {
      const c = candidateFromSdp(v);
      const key = `${c.foundation}|${c.component}|${c.protocol}|${c.ip}|${c.port}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (!opts.keepMdns && c.ip.toLowerCase().endsWith('.local')) {
        opts.onDroppedCandidate?.(c, 'mDNS .local candidate');
        continue;
      }
      t.candidates.push(c);
    }
  }
  return t;
}

export function sctpPortFromSection(m: SdpMediaSection): number | undefined {
  const port = sdpAttribute(m.lines, 'sctp-port');
  if (port !== undefined) return uint(port.trim(), `sctp-port${where(m)}`, 65535);
  const map = sdpAttribute(m.lines, 'sctpmap'); // legacy: a=sctpmap:5000 webrtc-datachannel 1024
  if (map !== undefined) return uint(map.trim().split(/\s+/)[0] ?? '', `sctpmap port${where(m)}`, 65535);
  if (m.protocol === 'DTLS/SCTP' && m.formats[0]) return uint(m.formats[0], `sctp port${where(m)}`, 65535);
  return undefined;
}

/** a=ssrc:<ssrc> <attr>:<value> lines of a section, grouped by ssrc (in first-seen order). */
export function ssrcAttributesFromSection(m: SdpMediaSection): Map<number, Map<string, string>> {
  const out = new Map<number, Map<string, string>>();
  for (const v of sdpAttributes(m.lines, 'ssrc')) {
    const match = /^(\S+)\s+([^:\s]+)(?::(.*))?$/.exec(v.trim());
    if (!match) throw new ProtocolError(`malformed ssrc line '${v}'${where(m)}`);
    const ssrc = uint(match[1]!, `ssrc${where(m)}`);
    let attrs = out.get(ssrc);
    if (!attrs) out.set(ssrc, (attrs = new Map()));
    attrs.set(match[2]!, match[3] ?? '');
  }
  return out;
}

export function ssrcGroupsFromSection(m: SdpMediaSection): SourceGroup[] {
  return sdpAttributes(m.lines, 'ssrc-group').map((v) => {
    const [semantics, ...ssrcs] = v.trim().split(/\s+/);
    if (!semantics || ssrcs.length === 0) throw new ProtocolError(`malformed ssrc-group '${v}'${where(m)}`);
    return { semantics, ssrcs: ssrcs.map((s) => uint(s, `ssrc-group ${semantics} ssrc${where(m)}`)) };
  });
}

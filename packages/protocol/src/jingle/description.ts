// <description xmlns="urn:xmpp:jingle:apps:rtp:1"> (XEP-0167) with payload types, rtcp-fb (XEP-0293),
// rtp-hdrext (XEP-0294), sources and source groups (XEP-0339) and Jitsi's <ssrc-info owner>.
import { xml, type Element } from '../xml/element.js';
import { ProtocolError } from '../errors/protocol-error.js';
import {
  NS, type HeaderExtension, type MediaType, type PayloadType, type RtcpFeedback, type RtpDescription,
  type Source, type SourceGroup, type VideoType,
} from './model.js';
import { attr, children, oneOf, optUint, parseUint, requireAttr } from './util.js';

const VIDEO_TYPES = ['camera', 'desktop'] as const;
const HDREXT_SENDERS = ['both', 'initiator', 'responder'] as const;

export function payloadTypeToXml(pt: PayloadType): Element {
  return xml('payload-type', { id: pt.id, name: pt.name, clockrate: pt.clockrate, channels: pt.channels },
    Object.entries(pt.parameters).map(([name, value]) => xml('parameter', { name, value })),
    pt.rtcpFeedback.map(rtcpFbToXml));
}

function rtcpFbToXml(fb: RtcpFeedback): Element {
  return xml('rtcp-fb', { xmlns: NS.rtcpFb, type: fb.type, subtype: fb.subtype });
}

export function rtpSourceToXml(s: Source): Element {
  return xml('source', { xmlns: NS.ssma, ssrc: s.ssrc, name: s.name, videoType: s.videoType },
    s.msid !== undefined && xml('parameter', { name: 'msid', value: s.msid }),
    s.owner !== '' && xml('ssrc-info', { xmlns: NS.jitmeet, owner: s.owner }));
}

export function ssrcGroupToXml(g: SourceGroup): Element {
  return xml('ssrc-group', { xmlns: NS.ssma, semantics: g.semantics },
    g.ssrcs.map((ssrc) => xml('source', { ssrc })));
}

export function rtpDescriptionToXml(d: RtpDescription): Element {
  return xml('description', { xmlns: NS.rtp, media: d.media },
    d.payloadTypes.map(payloadTypeToXml),
    d.headerExtensions.map((h) => xml('rtp-hdrext', { xmlns: NS.hdrext, id: h.id, uri: h.uri, senders: h.senders })),
    d.extmapAllowMixed === true && xml('extmap-allow-mixed', { xmlns: NS.hdrext }),
    d.sources.map(rtpSourceToXml),
    d.sourceGroups.map(ssrcGroupToXml),
    d.rtcpMux && xml('rtcp-mux'));
}

function parseRtcpFb(el: Element, where: string): RtcpFeedback {
  const type = requireAttr(el, 'type', where);
  const subtype = attr(el, 'subtype');
  return subtype === undefined || subtype === '' ? { type } : { type, subtype };
}

export function parsePayloadType(el: Element, where = ''): PayloadType {
  const idText = requireAttr(el, 'id', where);
  const id = parseUint(idText, `payload-type id${where}`, 127);
  const at = `${where} (payload-type ${id})`;
  const name = requireAttr(el, 'name', at);
  const clockrateText = attr(el, 'clockrate');
  if (clockrateText === undefined) throw new ProtocolError(`payload-type without clockrate${at}`);
  const pt: PayloadType = {
    id, name, clockrate: parseUint(clockrateText, `payload-type clockrate${at}`), parameters: {}, rtcpFeedback: [],
  };
  const channels = optUint(el, 'channels', `payload-type channels${at}`);
  if (channels !== undefined) pt.channels = channels;
  for (const p of children(el, 'parameter')) {
    const pname = attr(p, 'name');
    if (pname === undefined) throw new ProtocolError(`parameter without name${at}`);
    pt.parameters[pname] = attr(p, 'value') ?? '';
  }
  for (const fb of children(el, 'rtcp-fb', NS.rtcpFb)) pt.rtcpFeedback.push(parseRtcpFb(fb, at));
  return pt;
}

/** Jitsi renders the owner as a full MUC JID (room@conference.example.com/abcd1234); we keep the nick. */
export function ownerFromJid(owner: string): string {
  const slash = owner.indexOf('/');
  return slash >= 0 ? owner.slice(slash + 1) : owner;
}

export function parseRtpSource(el: Element, where = ''): Source {
  const ssrc = parseUint(requireAttr(el, 'ssrc', where), `source ssrc${where}`);
  const at = `${where} (source ${ssrc})`;
  const name = requireAttr(el, 'name', at);
  const info = children(el, 'ssrc-info', NS.jitmeet)[0];
  const ownerAttr = info ? attr(info, 'owner') : undefined;
  const s: Source = { ssrc, name, owner: ownerAttr ? ownerFromJid(ownerAttr) : '' };
  for (const p of children(el, 'parameter')) {
    if (attr(p, 'name') === 'msid') {
      const v = attr(p, 'value');
      if (v) s.msid = v;
    }
  }
  const vt = attr(el, 'videoType');
  if (vt !== undefined && vt !== '') s.videoType = oneOf<VideoType>(vt, VIDEO_TYPES, `source videoType${at}`);
  return s;
}

export function parseSsrcGroup(el: Element, where = ''): SourceGroup {
  const semantics = requireAttr(el, 'semantics', where);
  const ssrcs = children(el, 'source').map((s) =>
    parseUint(requireAttr(s, 'ssrc', `${where} (ssrc-group ${semantics})`), `ssrc-group ${semantics} ssrc${where}`));
  if (ssrcs.length === 0) throw new ProtocolError(`ssrc-group ${semantics} without sources${where}`);
  return { semantics, ssrcs };
}

/** Parses an RTP description; returns undefined for `media="application"` (the data content). */
export function parseRtpDescription(el: Element, contentName?: string): RtpDescription | undefined {
  const where = contentName !== undefined ? ` in content '${contentName}'` : '';
  const media = attr(el, 'media');
  if (media === 'application') return undefined;
  if (media === undefined) throw new ProtocolError(`description without media${where}`);
  const d: RtpDescription = {
    media: oneOf<MediaType>(media, ['audio', 'video'], `description media${where}`),
    payloadTypes: [], headerExtensions: [], sources: [], sourceGroups: [],
    rtcpMux: children(el, 'rtcp-mux').length > 0,
  };
  // rtcp-fb directly under <description> (XEP-0293 "all payload types") applies to each payload type.
  const common = children(el, 'rtcp-fb', NS.rtcpFb).map((fb) => parseRtcpFb(fb, where));
  for (const pt of children(el, 'payload-type')) {
    const parsed = parsePayloadType(pt, where);
    parsed.rtcpFeedback.push(...common);
    d.payloadTypes.push(parsed);
  }
  for (const h of children(el, 'rtp-hdrext', NS.hdrext)) {
    const ext: HeaderExtension = {
      id: parseUint(requireAttr(h, 'id', where), `rtp-hdrext id${where}`, 255),
      uri: requireAttr(h, 'uri', where),
    };
    const senders = attr(h, 'senders');
    if (senders !== undefined) ext.senders = oneOf(senders, HDREXT_SENDERS, `rtp-hdrext senders${where}`);
    d.headerExtensions.push(ext);
  }
  if (children(el, 'extmap-allow-mixed', NS.hdrext).length > 0) d.extmapAllowMixed = true;
  for (const s of children(el, 'source', NS.ssma)) d.sources.push(parseRtpSource(s, where));
  for (const g of children(el, 'ssrc-group', NS.ssma)) d.sourceGroups.push(parseSsrcGroup(g, where));
  return d;
}

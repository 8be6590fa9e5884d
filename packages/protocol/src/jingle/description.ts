// <description xmlns="urn:xmpp:jingle:apps:rtp:1"> (XEP-0167) with payload types, rtcp-fb (XEP-0293),
// rtp-hdrext (XEP-0294), sources and source groups (XEP-0339) and Jitsi's <ssrc-info owner>.
// The element codecs are also used by colibri2, which embeds the same elements outside <description>.
import { xml, type Element } from '../xml/element.js';
import { ProtocolError } from '../errors/protocol-error.js';
import {
  NS,
  type HeaderExtension,
  type MediaType,
  type PayloadType,
  type RtcpFeedback,
  type RtpDescription,
  type Source,
  type SourceGroup,
  type VideoType,
} from './model.js';
import { attr, children, oneOf, optUint, requireAttr, requireUint } from '../xml/attrs.js';

const VIDEO_TYPES = ['camera', 'desktop'] as const;
const HDREXT_SENDERS = ['both', 'initiator', 'responder'] as const;
const MAX_SSRC = 0xffffffff;

/** `standalone`: also declare the RTP namespace, for payload types outside a `<description>` (colibri2 `<media>`). */
export function payloadTypeToXml(pt: PayloadType, standalone = false): Element {
  return xml(
    'payload-type',
    {
      xmlns: standalone ? NS.rtp : undefined,
      id: pt.id,
      name: pt.name,
      clockrate: pt.clockrate,
      channels: pt.channels,
    },
    Object.entries(pt.parameters).map(([name, value]) => xml('parameter', { name, value })),
    pt.rtcpFeedback.map(rtcpFbToXml),
  );
}

function rtcpFbToXml(fb: RtcpFeedback): Element {
  return xml('rtcp-fb', { xmlns: NS.rtcpFb, type: fb.type, subtype: fb.subtype });
}

export function headerExtensionToXml(h: HeaderExtension): Element {
  return xml('rtp-hdrext', { xmlns: NS.hdrext, id: h.id, uri: h.uri, senders: h.senders });
}

export function rtpSourceToXml(s: Source): Element {
  return xml(
    'source',
    { xmlns: NS.ssma, ssrc: s.ssrc, name: s.name, videoType: s.videoType },
    s.msid !== undefined && xml('parameter', { name: 'msid', value: s.msid }),
    s.owner !== '' && xml('ssrc-info', { xmlns: NS.jitmeet, owner: s.owner }),
  );
}

export function ssrcGroupToXml(g: SourceGroup): Element {
  return xml(
    'ssrc-group',
    { xmlns: NS.ssma, semantics: g.semantics },
    g.ssrcs.map((ssrc) => xml('source', { ssrc })),
  );
}

export function rtpDescriptionToXml(d: RtpDescription): Element {
  return xml(
    'description',
    { xmlns: NS.rtp, media: d.media },
    d.payloadTypes.map((pt) => payloadTypeToXml(pt)),
    d.headerExtensions.map(headerExtensionToXml),
    d.extmapAllowMixed === true && xml('extmap-allow-mixed', { xmlns: NS.hdrext }),
    d.sources.map(rtpSourceToXml),
    d.sourceGroups.map(ssrcGroupToXml),
    d.rtcpMux && xml('rtcp-mux'),
  );
}

function parseRtcpFb(el: Element, where: string): RtcpFeedback {
  const type = requireAttr(el, 'type', where);
  const subtype = attr(el, 'subtype');
  return subtype === undefined || subtype === '' ? { type } : { type, subtype };
}

export function parsePayloadType(el: Element, where = ''): PayloadType {
  const id = requireUint(el, 'id', where, 127);
  const at = `${where} (payload-type ${id})`;
  const pt: PayloadType = {
    id,
    name: requireAttr(el, 'name', at),
    clockrate: requireUint(el, 'clockrate', at),
    parameters: {},
    rtcpFeedback: [],
  };
  const channels = optUint(el, 'channels', at);
  if (channels !== undefined) pt.channels = channels;
  for (const p of children(el, 'parameter')) pt.parameters[requireAttr(p, 'name', at)] = attr(p, 'value') ?? '';
  for (const fb of children(el, 'rtcp-fb', NS.rtcpFb)) pt.rtcpFeedback.push(parseRtcpFb(fb, at));
  return pt;
}

export function parseHeaderExtension(el: Element, where = ''): HeaderExtension {
  const ext: HeaderExtension = { id: requireUint(el, 'id', where, 255), uri: requireAttr(el, 'uri', where) };
  const senders = attr(el, 'senders');
  if (senders !== undefined) ext.senders = oneOf(senders, HDREXT_SENDERS, 'rtp-hdrext senders', where);
  return ext;
}

/** Jitsi renders the owner as a full MUC JID (room@conference.example.com/abcd1234); we keep the nick. */
export function ownerFromJid(owner: string): string {
  const slash = owner.indexOf('/');
  return slash >= 0 ? owner.slice(slash + 1) : owner;
}

/** A 32-bit SSRC; the error names it both as the element's attribute and as a bad ssrc with its range. */
function parseSsrc(el: Element, label: string, where: string): number {
  const v = requireAttr(el, 'ssrc', where);
  if (/^[0-9]+$/.test(v) && Number(v) <= MAX_SSRC) return Number(v);
  const problem = /^[0-9]+$/.test(v) ? 'is out of range' : 'is not a number';
  throw new ProtocolError(`${label} '${v}' ${problem}${where}: bad ssrc '${v}' (must be 0..${MAX_SSRC})`);
}

/** Parses `<source>`; `defaultOwner` is the owner of a source without `<ssrc-info owner>` (colibri2: the endpoint). */
export function parseRtpSource(el: Element, where = '', defaultOwner = ''): Source {
  const ssrc = parseSsrc(el, 'source ssrc', where);
  const at = `${where} (source ${ssrc})`;
  const name = requireAttr(el, 'name', at);
  const info = children(el, 'ssrc-info', NS.jitmeet)[0];
  const ownerAttr = info ? attr(info, 'owner') : undefined;
  const s: Source = { ssrc, name, owner: ownerAttr ? ownerFromJid(ownerAttr) : defaultOwner };
  for (const p of children(el, 'parameter')) {
    if (attr(p, 'name') === 'msid') {
      const v = attr(p, 'value');
      if (v) s.msid = v;
    }
  }
  const vt = attr(el, 'videoType');
  if (vt !== undefined && vt !== '') s.videoType = oneOf<VideoType>(vt, VIDEO_TYPES, 'source videoType', at);
  return s;
}

export function parseSsrcGroup(el: Element, where = ''): SourceGroup {
  const semantics = requireAttr(el, 'semantics', where);
  const ssrcs = children(el, 'source').map((s) => parseSsrc(s, `ssrc-group ${semantics} ssrc`, where));
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
    media: oneOf<MediaType>(media, ['audio', 'video'], 'description media', where),
    payloadTypes: [],
    headerExtensions: [],
    sources: [],
    sourceGroups: [],
    rtcpMux: children(el, 'rtcp-mux').length > 0,
  };
  // rtcp-fb directly under <description> (XEP-0293 "all payload types") applies to each payload type.
  const common = children(el, 'rtcp-fb', NS.rtcpFb).map((fb) => parseRtcpFb(fb, where));
  for (const pt of children(el, 'payload-type')) {
    const parsed = parsePayloadType(pt, where);
    parsed.rtcpFeedback.push(...common);
    d.payloadTypes.push(parsed);
  }
  d.headerExtensions = children(el, 'rtp-hdrext', NS.hdrext).map((h) => parseHeaderExtension(h, where));
  if (children(el, 'extmap-allow-mixed', NS.hdrext).length > 0) d.extmapAllowMixed = true;
  d.sources = children(el, 'source', NS.ssma).map((s) => parseRtpSource(s, where));
  d.sourceGroups = children(el, 'ssrc-group', NS.ssma).map((g) => parseSsrcGroup(g, where));
  return d;
}

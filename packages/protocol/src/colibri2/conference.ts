// colibri2 (namespace jitsi:colibri2): the focus <-> bridge allocation IQ payloads,
// <conference-modify> (request) and <conference-modified> (response).
import { xml, type Element } from '../xml/element.js';
import { ProtocolError } from '../errors/protocol-error.js';
import type { HeaderExtension, IceTransport, MediaType, PayloadType, Source, SourceGroup } from '../jingle/model.js';
import { attr, boolAttr, child, children, nsOf, optUint } from '../xml/attrs.js';
import { NS } from '../jingle/model.js';
import {
  headerExtensionToXml,
  parseHeaderExtension,
  parsePayloadType,
  parseRtpSource,
  parseSsrcGroup,
  payloadTypeToXml,
  rtpSourceToXml,
  ssrcGroupToXml,
} from '../jingle/description.js';
import { iceTransportToXml, parseIceTransport, parseIceWebSocketUrl } from '../jingle/transport.js';
import {
  parseRecordingRequest,
  parseRecordingStatus,
  recordingRequestToXml,
  recordingStatusToXml,
  type RecordingRequest,
  type RecordingStatus,
} from './recording.js';

export const COLIBRI2_NS = 'jitsi:colibri2';

/** Codecs and header extensions an endpoint uses for one media type. */
export interface Colibri2Media {
  type: MediaType;
  payloadTypes: PayloadType[];
  headerExtensions: HeaderExtension[];
  extmapAllowMixed?: boolean;
}

/** `<media-source type id>`: one named source (id = source name) with its SSRCs and groups. */
export interface Colibri2MediaSource {
  type: MediaType;
  /** The source name, e.g. "a1b2c3d4-v0". */
  id: string;
  sources: Source[];
  ssrcGroups: SourceGroup[];
}

export interface Colibri2Sctp {
  port?: number;
  role?: 'server' | 'client';
}

/** colibri2 `<transport>`: wraps the ICE-UDP transport and the SCTP data channel request/answer. */
export interface Colibri2Transport {
  iceControlling?: boolean;
  useUniquePort?: boolean;
  /** Request: new local ICE credentials for the endpoint (JVB's ice-restart); the answer carries them. */
  iceRestart?: boolean;
  /** Request: the client's transport forwarded by the focus. Response: the bridge's transport. */
  ice?: IceTransport;
  /** Colibri WebSocket URL for the bridge channel (rendered inside the ice-udp transport). */
  webSocketUrl?: string;
  sctp?: Colibri2Sctp;
}

export interface Colibri2Endpoint {
  /** Endpoint id (the MUC nick, 8 hex). */
  id: string;
  create?: boolean;
  expire?: boolean;
  statsId?: string;
  mucRole?: string;
  media?: Colibri2Media[];
  transport?: Colibri2Transport;
  /** Present (possibly empty) = the full set of this endpoint's sources replaces the old one. */
  sources?: Colibri2MediaSource[];
  capabilities?: string[];
  forceMute?: { audio: boolean; video: boolean };
}

export interface ConferenceModify {
  meetingId: string;
  name?: string;
  create?: boolean;
  /** Conference-level expire: tear the whole conference down. */
  expire?: boolean;
  endpoints: Colibri2Endpoint[];
  /** Parley extension: start/stop/report the conference's recording on the bridge. */
  recording?: RecordingRequest;
}

export interface ConferenceModified {
  endpoints: Colibri2Endpoint[];
  /** Parley extension: the recording's state, answering a `recording` request. */
  recording?: RecordingStatus;
  /** Feedback sources the bridge itself sends (e.g. RTCP sender SSRCs), owner "jvb". */
  sources?: Colibri2MediaSource[];
}

// ---------- builders ----------

const bool = (v: boolean | undefined): string | undefined => (v === undefined ? undefined : String(v));

function mediaToXml(m: Colibri2Media): Element {
  return xml(
    'media',
    { type: m.type },
    m.payloadTypes.map((pt) => payloadTypeToXml(pt, true)),
    m.headerExtensions.map(headerExtensionToXml),
    m.extmapAllowMixed === true && xml('extmap-allow-mixed', { xmlns: NS.hdrext }),
  );
}

function transportToXml(t: Colibri2Transport): Element {
  return xml(
    'transport',
    {
      'ice-controlling': bool(t.iceControlling),
      'use-unique-port': bool(t.useUniquePort),
      'ice-restart': bool(t.iceRestart),
    },
    t.ice && iceTransportToXml(t.ice, t.webSocketUrl),
    t.sctp && xml('sctp', { port: t.sctp.port, role: t.sctp.role }),
  );
}

function mediaSourcesToXml(sources: Colibri2MediaSource[]): Element {
  return xml(
    'sources',
    {},
    sources.map((ms) =>
      xml(
        'media-source',
        { type: ms.type, id: ms.id },
        ms.sources.map(rtpSourceToXml),
        ms.ssrcGroups.map(ssrcGroupToXml),
      ),
    ),
  );
}

function endpointToXml(e: Colibri2Endpoint): Element {
  return xml(
    'endpoint',
    { id: e.id, create: bool(e.create), expire: bool(e.expire), 'stats-id': e.statsId, 'muc-role': e.mucRole },
    (e.media ?? []).map(mediaToXml),
    e.transport && transportToXml(e.transport),
    e.sources && mediaSourcesToXml(e.sources),
    (e.capabilities ?? []).map((name) => xml('capability', { name })),
    e.forceMute && xml('force-mute', { audio: String(e.forceMute.audio), video: String(e.forceMute.video) }),
  );
}

export function conferenceModifyToXml(m: ConferenceModify): Element {
  if (!m.meetingId) throw new ProtocolError('conference-modify: missing meeting-id');
  m.endpoints.forEach(checkEndpoint);
  return xml(
    'conference-modify',
    { xmlns: COLIBRI2_NS, 'meeting-id': m.meetingId, name: m.name, create: bool(m.create), expire: bool(m.expire) },
    m.endpoints.map(endpointToXml),
    m.recording && recordingRequestToXml(m.recording),
  );
}

export function conferenceModifiedToXml(m: ConferenceModified): Element {
  m.endpoints.forEach(checkEndpoint);
  return xml(
    'conference-modified',
    { xmlns: COLIBRI2_NS },
    m.endpoints.map(endpointToXml),
    m.sources && mediaSourcesToXml(m.sources),
    m.recording && recordingStatusToXml(m.recording),
  );
}

function checkEndpoint(e: Colibri2Endpoint): void {
  if (!e.id) throw new ProtocolError("colibri2 <endpoint>: missing attribute 'id'");
  if (e.create && e.expire) throw new ProtocolError(`colibri2 <endpoint id="${e.id}">: create and expire together`);
}

// ---------- parsers ----------

function mediaType(v: string | undefined, where: string): MediaType {
  if (v === undefined) throw new ProtocolError(`${where}: missing attribute 'type'`);
  if (v !== 'audio' && v !== 'video') throw new ProtocolError(`${where}: unknown media type '${v}'`);
  return v;
}

function parseMedia(el: Element, epId: string): Colibri2Media {
  const where = `colibri2 <endpoint id="${epId}"> <media>`;
  const m: Colibri2Media = {
    type: mediaType(attr(el, 'type'), where),
    payloadTypes: children(el, 'payload-type', NS.rtp).map((pt) => parsePayloadType(pt, ` in ${where}`)),
    headerExtensions: children(el, 'rtp-hdrext', NS.hdrext).map((h) => parseHeaderExtension(h, ` in ${where}`)),
  };
  if (child(el, 'extmap-allow-mixed', NS.hdrext)) m.extmapAllowMixed = true;
  return m;
}

function parseTransport(el: Element, where: string): Colibri2Transport {
  const t: Colibri2Transport = {};
  const at = ` in ${where} <transport>`;
  const ic = boolAttr(el, 'ice-controlling', at);
  if (ic !== undefined) t.iceControlling = ic;
  const uup = boolAttr(el, 'use-unique-port', at);
  if (uup !== undefined) t.useUniquePort = uup;
  const restart = boolAttr(el, 'ice-restart', at);
  if (restart !== undefined) t.iceRestart = restart;
  const ice = child(el, 'transport', NS.iceUdp);
  if (ice) {
    t.ice = parseIceTransport(ice, undefined, { where: at, requireCredentials: true });
    const url = parseIceWebSocketUrl(ice, at);
    if (url !== undefined) t.webSocketUrl = url;
  }
  const sctp = child(el, 'sctp');
  if (sctp) {
    const s: Colibri2Sctp = {};
    const port = optUint(sctp, 'port', at, 65535);
    if (port !== undefined) s.port = port;
    const role = attr(sctp, 'role');
    if (role !== undefined) {
      if (role !== 'server' && role !== 'client') throw new ProtocolError(`${where} <sctp>: bad role '${role}'`);
      s.role = role;
    }
    t.sctp = s;
  }
  return t;
}

function parseMediaSources(el: Element, owner: string, where: string): Colibri2MediaSource[] {
  return children(el, 'media-source').map((ms) => {
    const w = `${where} <media-source>`;
    const id = attr(ms, 'id');
    if (!id) throw new ProtocolError(`${w}: missing attribute 'id'`);
    const at = ` in ${w} id="${id}"`;
    return {
      type: mediaType(attr(ms, 'type'), `${w} id="${id}"`),
      id,
      sources: children(ms, 'source', NS.ssma).map((s) => parseRtpSource(s, at, owner)),
      ssrcGroups: children(ms, 'ssrc-group', NS.ssma).map((g) => parseSsrcGroup(g, at)),
    };
  });
}

function parseForceMute(el: Element, where: string): { audio: boolean; video: boolean } {
  return {
    audio: boolAttr(el, 'audio', ` in ${where}`) ?? false,
    video: boolAttr(el, 'video', ` in ${where}`) ?? false,
  };
}

/** The `create`/`expire` booleans of `<conference-modify>` and `<endpoint>`; both true is an error. */
function parseCreateExpire(el: Element, where: string): { create?: boolean; expire?: boolean } {
  const out: { create?: boolean; expire?: boolean } = {};
  const create = boolAttr(el, 'create', ` in ${where}`);
  const expire = boolAttr(el, 'expire', ` in ${where}`);
  if (create && expire) throw new ProtocolError(`${where}: create and expire together`);
  if (create !== undefined) out.create = create;
  if (expire !== undefined) out.expire = expire;
  return out;
}

export function parseColibri2Endpoint(el: Element): Colibri2Endpoint {
  const id = attr(el, 'id');
  if (!id) throw new ProtocolError("colibri2 <endpoint>: missing attribute 'id'");
  const where = `colibri2 <endpoint id="${id}">`;
  const e: Colibri2Endpoint = { id, ...parseCreateExpire(el, where) };
  const statsId = attr(el, 'stats-id');
  if (statsId !== undefined) e.statsId = statsId;
  const mucRole = attr(el, 'muc-role');
  if (mucRole !== undefined) e.mucRole = mucRole;
  const media = children(el, 'media').map((m) => parseMedia(m, id));
  if (media.length) e.media = media;
  const transport = child(el, 'transport', COLIBRI2_NS);
  if (transport) e.transport = parseTransport(transport, where);
  const sources = child(el, 'sources');
  if (sources) e.sources = parseMediaSources(sources, id, where);
  const caps = children(el, 'capability').map((c) => {
    const name = attr(c, 'name');
    if (!name) throw new ProtocolError(`${where} <capability>: missing attribute 'name'`);
    return name;
  });
  if (caps.length) e.capabilities = caps;
  const fm = child(el, 'force-mute');
  if (fm) e.forceMute = parseForceMute(fm, where);
  return e;
}

/** Accepts the payload element itself or an `<iq>` that carries it. */
function payload(el: Element, name: string): Element {
  const found = el.name === name ? el : child(el, name);
  if (!found) throw new ProtocolError(`expected <${name} xmlns="${COLIBRI2_NS}">, got <${el.name}>`);
  if (nsOf(found) !== COLIBRI2_NS)
    throw new ProtocolError(`<${name}>: wrong namespace '${nsOf(found) ?? ''}', expected '${COLIBRI2_NS}'`);
  return found;
}

export function parseConferenceModify(el: Element): ConferenceModify {
  const cm = payload(el, 'conference-modify');
  const meetingId = attr(cm, 'meeting-id');
  if (!meetingId) throw new ProtocolError('conference-modify: missing meeting-id');
  const m: ConferenceModify = { meetingId, endpoints: children(cm, 'endpoint').map(parseColibri2Endpoint) };
  const name = attr(cm, 'name');
  if (name !== undefined) m.name = name;
  const recording = parseRecordingRequest(cm);
  if (recording) m.recording = recording;
  return Object.assign(m, parseCreateExpire(cm, 'conference-modify'));
}

export function parseConferenceModified(el: Element): ConferenceModified {
  const cm = payload(el, 'conference-modified');
  const m: ConferenceModified = { endpoints: children(cm, 'endpoint').map(parseColibri2Endpoint) };
  const sources = child(cm, 'sources');
  if (sources) m.sources = parseMediaSources(sources, 'jvb', 'conference-modified');
  const recording = parseRecordingStatus(cm);
  if (recording) m.recording = recording;
  return m;
}

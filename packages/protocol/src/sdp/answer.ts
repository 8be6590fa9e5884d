// SDP -> Jingle: the browser's Unified Plan answer becomes a session-accept (one content per media
// type, merging the sources of every sending m-line), and the offer written by RemoteDescription can be
// read back (offerSdpToJingle) to check that the translation loses nothing.
import { ProtocolError } from '../errors/protocol-error.js';
import type {
  IceCandidate,
  IceTransport,
  Jingle,
  JingleAction,
  JingleContent,
  MediaType,
  RtpDescription,
  Senders,
  Source,
  VideoType,
} from '../jingle/model.js';
import {
  hasSdpAttribute,
  parseSdp,
  sdpAttribute,
  sdpDirection,
  type SdpMediaSection,
  type SessionDescription,
} from './parse.js';
import {
  headerExtensionsFromSection,
  payloadTypesFromSection,
  sctpPortFromSection,
  ssrcAttributesFromSection,
  ssrcGroupsFromSection,
  transportFromSection,
  type SdpRole,
} from './rtp.js';
import { defaultMsid } from './remote-description.js';

type Kind = MediaType | 'application';

export interface SdpToJingleOptions {
  /** Content name per media type; default "audio", "video", "data". */
  contentNames?: Partial<Record<Kind, string>>;
  /** Called for every candidate left out (mDNS `.local` host candidates). */
  onDroppedCandidate?: (candidate: IceCandidate, reason: string) => void;
}

export interface AnswerToJingleOptions extends SdpToJingleOptions {
  action?: Extract<JingleAction, 'session-accept'>;
  sid: string;
  initiator?: string;
  responder?: string;
  /** Our endpoint id: sources are named `<endpointId>-a0`, `-v0`, `-v1` and owned by it. */
  endpointId: string;
  /** Video type per mid of a sending video m-line; default 'camera'. */
  videoTypes?: Record<string, VideoType>;
}

export interface OfferSdpToJingleOptions extends SdpToJingleOptions {
  sid: string;
  action?: JingleAction;
  initiator?: string;
  responder?: string;
}

/** Names and owns the sources found on one sending m-line. */
type SourceNamer = (
  m: SdpMediaSection,
  kind: MediaType,
  index: number,
  ssrc: number,
  attrs: Map<string, string>,
) => Source;

interface Collected {
  contents: JingleContent[];
  bundle?: string[];
}

const isSending = (d: string): boolean => d === 'sendonly' || d === 'sendrecv';

function collect(
  sdp: SessionDescription,
  role: SdpRole,
  opts: SdpToJingleOptions,
  name: SourceNamer,
  sendersOf: (first: SdpMediaSection) => Senders,
): Collected {
  const live = sdp.media.filter((m) => m.port !== 0 || hasSdpAttribute(m.lines, 'bundle-only'));
  if (live.length === 0) throw new ProtocolError('SDP has no accepted m-lines');
  const kinds: Kind[] = [];
  for (const m of live) {
    if (m.kind !== 'audio' && m.kind !== 'video' && m.kind !== 'application') continue;
    if (!kinds.includes(m.kind)) kinds.push(m.kind);
  }
  const contentName = (k: Kind): string => opts.contentNames?.[k] ?? (k === 'application' ? 'data' : k);
  const baseTransport = transportFromSection(live[0]!, sdp, live, {
    ...(opts.onDroppedCandidate ? { onDroppedCandidate: opts.onDroppedCandidate } : {}),
  });
  const allowMixed = hasSdpAttribute(sdp.lines, 'extmap-allow-mixed');
  const contents: JingleContent[] = [];
  for (const kind of kinds) {
    const sections = live.filter((m) => m.kind === kind);
    const first = sections[0]!;
    const transport: IceTransport = {
      ...baseTransport,
      candidates: [...baseTransport.candidates],
      fingerprints: [...baseTransport.fingerprints],
    };
    const content: JingleContent = {
      name: contentName(kind),
      creator: 'initiator',
      senders: sendersOf(first),
      transport,
    };
    if (kind === 'application') {
      const port = sctpPortFromSection(first);
      transport.sctpPort = port ?? 5000;
      content.senders = 'both';
      contents.push(content);
      continue;
    }
    const d: RtpDescription = {
      media: kind,
      payloadTypes: payloadTypesFromSection(first),
      headerExtensions: headerExtensionsFromSection(first, role),
      sources: [],
      sourceGroups: [],
      rtcpMux: hasSdpAttribute(first.lines, 'rtcp-mux'),
    };
    if (allowMixed || hasSdpAttribute(first.lines, 'extmap-allow-mixed')) d.extmapAllowMixed = true;
    let index = 0;
    for (const m of sections) {
      if (!isSending(sdpDirection(m, sdp))) continue;
      const ssrcs = ssrcAttributesFromSection(m);
      if (ssrcs.size === 0) continue;
      for (const [ssrc, attrs] of ssrcs) {
        if (!attrs.has('msid')) {
          const msid = sdpAttribute(m.lines, 'msid');
          if (msid !== undefined) attrs.set('msid', msid);
        }
        d.sources.push(name(m, kind, index, ssrc, attrs));
      }
      d.sourceGroups.push(...ssrcGroupsFromSection(m));
      index++;
    }
    content.description = d;
    contents.push(content);
  }
  const out: Collected = { contents };
  const group = sdpAttribute(sdp.lines, 'group');
  if (group !== undefined && group.startsWith('BUNDLE')) {
    const bundle: string[] = [];
    for (const mid of group.split(/\s+/).slice(1)) {
      const m = live.find((x) => sdpAttribute(x.lines, 'mid') === mid);
      if (!m || (m.kind !== 'audio' && m.kind !== 'video' && m.kind !== 'application')) continue;
      const n = contentName(m.kind);
      if (!bundle.includes(n)) bundle.push(n);
    }
    out.bundle = bundle;
  }
  return out;
}

function jingle(
  action: JingleAction,
  o: { sid: string; initiator?: string; responder?: string },
  c: Collected,
): Jingle {
  if (!o.sid) throw new ProtocolError('jingle without sid');
  const j: Jingle = { action, sid: o.sid, contents: c.contents };
  if (o.initiator !== undefined) j.initiator = o.initiator;
  if (o.responder !== undefined) j.responder = o.responder;
  if (c.bundle !== undefined) j.bundle = c.bundle;
  return j;
}

/** The browser's SDP answer -> session-accept. mDNS `.local` candidates are dropped (onDroppedCandidate). */
export function answerToJingle(sdp: string, opts: AnswerToJingleOptions): Jingle {
  if (!opts.endpointId) throw new ProtocolError('answerToJingle needs an endpointId');
  const parsed = parseSdp(sdp);
  const collected = collect(
    parsed,
    'responder',
    opts,
    (m, kind, index, ssrc, attrs) => {
      const s: Source = {
        ssrc,
        name: `${opts.endpointId}-${kind === 'audio' ? 'a' : 'v'}${index}`,
        owner: opts.endpointId,
      };
      const msid = attrs.get('msid');
      if (msid) s.msid = msid;
      if (kind === 'video') s.videoType = opts.videoTypes?.[sdpAttribute(m.lines, 'mid') ?? ''] ?? 'camera';
      return s;
    },
    () => 'both',
  );
  return jingle(opts.action ?? 'session-accept', opts, collected);
}

/** Reads back an offer written by RemoteDescription (remote sources keep name, owner, msid, videoType). */
export function offerSdpToJingle(sdp: string, opts: OfferSdpToJingleOptions): Jingle {
  const parsed = parseSdp(sdp);
  const collected = collect(
    parsed,
    'initiator',
    opts,
    (_m, kind, index, ssrc, attrs) => {
      const owner = attrs.get('cname') ?? '';
      const msid = attrs.get('msid');
      const name = attrs.get('name') ?? msid?.split(' ')[1] ?? `${owner}-${kind === 'audio' ? 'a' : 'v'}${index}`;
      const s: Source = { ssrc, name, owner };
      if (msid && msid !== defaultMsid(s)) s.msid = msid;
      const vt = attrs.get('videoType');
      if (vt === 'camera' || vt === 'desktop') s.videoType = vt;
      return s;
    },
    (first) => {
      const d = sdpDirection(first, parsed);
      return d === 'inactive' ? 'none' : d === 'sendonly' ? 'initiator' : 'both';
    },
  );
  return jingle(opts.action ?? 'session-initiate', opts, collected);
}

/** Contents (descriptions with sources, transport) of any Unified Plan SDP written by a browser. */
export function sdpToJingleContents(
  sdp: string,
  opts: { endpointId: string; videoTypes?: Record<string, VideoType> } & SdpToJingleOptions,
): JingleContent[] {
  return answerToJingle(sdp, { ...opts, sid: '-' }).contents;
}

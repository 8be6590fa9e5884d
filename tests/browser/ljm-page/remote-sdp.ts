// The remote description as lib-jitsi-meet keeps it for a session with the focus (Unified Plan),
// written from its behaviour (SDP.fromJingle, SDP.updateRemoteSources and
// JingleSessionPC._processSourceMapFromJingle; none of its code is used):
// - the offer: one m-line per Jingle content, then every remote SSRC of a content on an m-line of
//   its own (with its FID partner); the first SSRC of a content stays on the content's own m-line,
//   sendrecv, which is also the line our camera/microphone is sent on; the others are sendonly.
//   Mids are renumbered 0, 1, 2, ... and the BUNDLE group rewritten;
// - source-add: a new sendonly m-line per source, appended (mid = its index), never a reused one;
// - source-remove: the m-line holding the source's first SSRC loses its ssrc lines and groups and is
//   rejected (port 0, sendonly -> inactive), so the browser never reuses its transceiver.
// Test-only; the codecs and transport lines come from Parley's RemoteDescription (a pure codec).
import {
  RemoteDescription,
  parseSdp,
  sdpAttribute,
  writeSdp,
  type Jingle,
  type MediaType,
  type SdpLine,
  type SdpMediaSection,
  type SessionDescription,
  type SourceGroup,
} from '@parley/protocol';

/** One remote source as lib-jitsi-meet's source map holds it (keyed by source name). */
export interface RemoteSourceInfo {
  name: string;
  media: MediaType;
  /** <ssrc-info owner>, the endpoint id the focus names; '' when absent. */
  owner: string;
  msid?: string;
  ssrcs: number[];
  groups: SourceGroup[];
}

/**
 * The sources of a Jingle's contents by source name. A group is kept for a source only when it names
 * exactly that source's SSRCs (FID of a camera with RTX), as lib-jitsi-meet does.
 */
export function sourceMap(j: Jingle): Map<string, RemoteSourceInfo> {
  const out = new Map<string, RemoteSourceInfo>();
  for (const c of j.contents) {
    const d = c.description;
    if (!d || (d.media !== 'audio' && d.media !== 'video')) continue;
    for (const s of d.sources) {
      const known = out.get(s.name);
      if (known) known.ssrcs.push(s.ssrc);
      else out.set(s.name, { name: s.name, media: d.media, owner: s.owner, msid: s.msid, ssrcs: [s.ssrc], groups: [] });
    }
    for (const g of d.sourceGroups) {
      const key = [...g.ssrcs].sort().join();
      for (const info of out.values()) if ([...info.ssrcs].sort().join() === key) info.groups.push(g);
    }
  }
  return out;
}

const a = (value: string): SdpLine => ({ type: 'a', value });
const DIRECTIONS = new Set(['sendrecv', 'sendonly', 'recvonly', 'inactive']);

function setDirection(m: SdpMediaSection, direction: string): void {
  m.lines = m.lines.filter((l) => !(l.type === 'a' && DIRECTIONS.has(l.value)));
  m.lines.push(a(direction));
}

function setMid(m: SdpMediaSection, mid: string): void {
  const line = m.lines.find((l) => l.type === 'a' && l.value.startsWith('mid:'));
  if (line) line.value = `mid:${mid}`;
  else m.lines.push(a(`mid:${mid}`));
}

function withoutSources(m: SdpMediaSection): SdpMediaSection {
  const lines = m.lines.filter(
    (l) =>
      !(
        l.type === 'a' &&
        (l.value.startsWith('ssrc:') || l.value.startsWith('ssrc-group:') || l.value.startsWith('msid:'))
      ),
  );
  return { ...m, formats: [...m.formats], lines: lines.map((l) => ({ ...l })) };
}

/** lib-jitsi-meet writes an SSRC's <parameter>s as ssrc attributes: here the msid (cname when there is none). */
function ssrcLine(ssrc: number, info: RemoteSourceInfo | undefined): SdpLine {
  return a(info?.msid ? `ssrc:${ssrc} msid:${info.msid}` : `ssrc:${ssrc} cname:${info?.owner || info?.name || ssrc}`);
}

function rewriteBundle(sdp: SessionDescription): void {
  const mids = sdp.media.map((m) => sdpAttribute(m.lines, 'mid') ?? '');
  sdp.lines = sdp.lines.filter((l) => !(l.type === 'a' && l.value.startsWith('group:BUNDLE')));
  const at = sdp.lines.findIndex((l) => l.type === 't') + 1;
  sdp.lines.splice(at, 0, a(`group:BUNDLE ${mids.join(' ')}`));
}

/** The focus's session-initiate as lib-jitsi-meet turns it into the remote offer. */
export function offerFromJingle(offer: Jingle): string {
  const noSources: Jingle = {
    ...offer,
    contents: offer.contents.map((c) =>
      c.description ? { ...c, description: { ...c.description, sources: [], sourceGroups: [] } } : c,
    ),
  };
  const base = RemoteDescription.fromJingle(noSources).toSessionDescription();
  const sources = sourceMap(offer);
  const bySsrc = new Map<number, RemoteSourceInfo>();
  for (const info of sources.values()) for (const s of info.ssrcs) bySsrc.set(s, info);
  const media: SdpMediaSection[] = [];
  for (const [i, section] of base.media.entries()) {
    const content = offer.contents[i];
    const senders = content?.senders ?? 'both';
    const own = withoutSources(section);
    if (section.kind !== 'application')
      setDirection(own, senders === 'both' ? 'sendrecv' : senders === 'initiator' ? 'sendonly' : 'recvonly');
    const ssrcs = [...new Set(content?.description?.sources.map((s) => s.ssrc) ?? [])];
    if (section.kind === 'application' || ssrcs.length === 0) {
      setMid(own, String(media.length));
      media.push(own);
      continue;
    }
    const placed = new Set<number>();
    ssrcs.forEach((ssrc, idx) => {
      if (placed.has(ssrc)) return;
      const line = withoutSources(own);
      setMid(line, String(media.length));
      setDirection(line, idx === 0 ? 'sendrecv' : 'sendonly');
      line.lines.push(ssrcLine(ssrc, bySsrc.get(ssrc)));
      placed.add(ssrc);
      const group = content?.description?.sourceGroups.find((g) => g.ssrcs.includes(ssrc));
      if (group) {
        const other = group.ssrcs.find((x) => x !== ssrc);
        if (other !== undefined) {
          line.lines.push(ssrcLine(other, bySsrc.get(other)));
          placed.add(other);
        }
        line.lines.push(a(`ssrc-group:${group.semantics} ${group.ssrcs.join(' ')}`));
      }
      media.push(line);
    });
  }
  const sdp: SessionDescription = { lines: base.lines.map((l) => ({ ...l })), media };
  rewriteBundle(sdp);
  return writeSdp(sdp);
}

/**
 * source-add / source-remove applied to the remote description the browser holds now; returns the
 * new offer and the mids it changed.
 */
export function updateRemoteSources(
  current: string,
  sources: Map<string, RemoteSourceInfo>,
  isAdd: boolean,
): { sdp: string; mids: string[] } {
  const sdp = parseSdp(current);
  const mids: string[] = [];
  for (const info of sources.values()) {
    if (isAdd) {
      const template = sdp.media.find((m) => m.kind === info.media);
      if (!template) throw new Error(`source-add of ${info.name}: the session has no ${info.media} m-line`);
      const line = withoutSources(template);
      const mid = String(sdp.media.length);
      setMid(line, mid);
      setDirection(line, 'sendonly');
      for (const s of info.ssrcs) line.lines.push(ssrcLine(s, info));
      for (const g of info.groups) line.lines.push(a(`ssrc-group:${g.semantics} ${g.ssrcs.join(' ')}`));
      sdp.media.push(line);
      rewriteBundle(sdp);
      mids.push(mid);
      continue;
    }
    const first = info.ssrcs[0];
    const m = sdp.media.find((x) => x.lines.some((l) => l.type === 'a' && l.value.startsWith(`ssrc:${first} `)));
    if (!m) continue;
    const gone = new Set(info.ssrcs.map((s) => `ssrc:${s} `));
    const semantics = new Set(info.groups.map((g) => `ssrc-group:${g.semantics} `));
    m.lines = m.lines.filter(
      (l) =>
        !(
          l.type === 'a' &&
          ([...gone].some((p) => l.value.startsWith(p)) || [...semantics].some((p) => l.value.startsWith(p)))
        ),
    );
    if (m.lines.some((l) => l.type === 'a' && l.value === 'sendonly')) setDirection(m, 'inactive');
    m.port = 0;
    mids.push(sdpAttribute(m.lines, 'mid') ?? '');
  }
  return { sdp: writeSdp(sdp), mids };
}

// The browser-side view of the focus's offer (Unified Plan): one m-line per content on which the local
// participant sends (recvonly in the offer), one sendonly m-line per remote source (a source name with
// all its SSRCs and FID/SIM groups), and the SCTP data channel. Mids are stable across renegotiation:
// freed m-lines turn inactive and are reused for the next source of the same media type; never deleted.
// A simulcast source (ssrc-group SIM) is received as one stream: its first SIM SSRC and that SSRC's
// FID (RTX) partner only. The bridge forwards whichever layer it picks rewritten onto those SSRCs;
// listing the other layers would make the browser expect (and wait for) streams that never come.
import { ProtocolError } from '../errors/protocol-error.js';
import type {
  IceCandidate,
  IceTransport,
  Jingle,
  MediaType,
  RtpDescription,
  Source,
  SourceGroup,
} from '../jingle/model.js';
import type { SdpDirection, SdpLine, SdpMediaSection, SessionDescription } from './parse.js';
import { candidateToSdp } from './candidate.js';
import { codecLines, extmapLines, transportLines } from './rtp.js';
import { writeSdp } from './write.js';

export type MLineRole = 'local' | 'remote' | 'data';

export interface RemoteMLine {
  mid: string;
  media: MediaType | 'application';
  role: MLineRole;
  direction: SdpDirection;
  /** The remote source carried while the m-line is active (role 'remote'). */
  sourceName?: string;
  sources: Source[];
  groups: SourceGroup[];
  /** A local send line added after the offer by addLocalSendLine (e.g. a screen share). */
  added?: boolean;
  /** The source's SIM group as announced (only its first layer is in `sources`/`groups`). */
  simulcast?: SourceGroup;
}

export interface RemoteDescriptionOptions {
  /** The o= line session id (digits); derived from the Jingle sid by default. */
  sessionId?: string;
}

const a = (value: string): SdpLine => ({ type: 'a', value });

function digitsFromSid(sid: string): string {
  let h = 5381;
  for (let i = 0; i < sid.length; i++) h = ((h * 33) ^ sid.charCodeAt(i)) >>> 0;
  return String(1_000_000_000 + (h % 1_000_000_000));
}

/** Media type of a source named "<endpoint>-a0" / "<endpoint>-v1". */
export function mediaOfSourceName(name: string): MediaType | undefined {
  const m = /-([av])[0-9]+$/.exec(name);
  return m ? (m[1] === 'a' ? 'audio' : 'video') : undefined;
}

/** The msid a remote source gets when Jingle carries none: stream = owner, track = source name. */
export function defaultMsid(s: Source): string {
  return `${s.owner || s.name} ${s.name}`;
}

/**
 * The SSRCs a receiver is told of for a source with these groups: with a SIM group, its first SSRC
 * and that SSRC's FID partner; otherwise all of them. Undefined when there is no SIM group.
 */
export function receivedSimulcastSsrcs(groups: readonly SourceGroup[]): number[] | undefined {
  const sim = groups.find((g) => g.semantics === 'SIM' && g.ssrcs.length > 0);
  if (!sim) return undefined;
  const primary = sim.ssrcs[0]!;
  const rtx = groups.find((g) => g.semantics === 'FID' && g.ssrcs[0] === primary)?.ssrcs[1];
  return rtx === undefined ? [primary] : [primary, rtx];
}

/** Drops a simulcast source's other layers from a remote m-line (see the file comment). */
function keepPrimaryLayer(line: RemoteMLine): void {
  const sim = line.groups.find((g) => g.semantics === 'SIM') ?? line.simulcast;
  if (!sim) return;
  const keep = receivedSimulcastSsrcs([sim, ...line.groups]);
  if (!keep) return;
  line.simulcast = { semantics: 'SIM', ssrcs: [...sim.ssrcs] };
  line.sources = line.sources.filter((s) => keep.includes(s.ssrc));
  line.groups = keep.length === 2 ? [{ semantics: 'FID', ssrcs: [...keep] }] : [];
}

export class RemoteDescription {
  private readonly lines: RemoteMLine[] = [];
  private readonly descriptions = new Map<MediaType, RtpDescription>();
  private transport: IceTransport;
  private sctpPort: number | undefined;
  private readonly sessionId: string;
  private version = 1;
  private readonly counters: Record<MediaType, number> = { audio: 0, video: 0 };

  private constructor(transport: IceTransport, sessionId: string) {
    this.transport = transport;
    this.sessionId = sessionId;
  }

  /** Builds the offer from a session-initiate (contents with descriptions, one shared BUNDLE transport). */
  static fromJingle(j: Jingle, opts: RemoteDescriptionOptions = {}): RemoteDescription {
    const transport = j.contents.find((c) => c.transport)?.transport;
    if (!transport) throw new ProtocolError(`${j.action} has no transport in any content`);
    if (opts.sessionId !== undefined && !/^[0-9]+$/.test(opts.sessionId))
      throw new ProtocolError(`session id '${opts.sessionId}' is not a number`);
    const rd = new RemoteDescription(transport, opts.sessionId ?? digitsFromSid(j.sid));
    for (const c of j.contents) {
      if (rd.lines.some((l) => l.mid === c.name)) throw new ProtocolError(`duplicate content '${c.name}'`);
      if (c.description) {
        const d = c.description;
        if (d.payloadTypes.length === 0) throw new ProtocolError(`content '${c.name}' has no payload types`);
        if (!rd.descriptions.has(d.media)) rd.descriptions.set(d.media, { ...d, sources: [], sourceGroups: [] });
        const direction: SdpDirection = c.senders === 'both' || c.senders === 'responder' ? 'recvonly' : 'inactive';
        rd.lines.push({ mid: c.name, media: d.media, role: 'local', direction, sources: [], groups: [] });
      } else if (c.transport?.sctpPort !== undefined) {
        rd.sctpPort = c.transport.sctpPort;
        rd.lines.push({
          mid: c.name,
          media: 'application',
          role: 'data',
          direction: 'sendrecv',
          sources: [],
          groups: [],
        });
      } else {
        throw new ProtocolError(`content '${c.name}' has neither an RTP description nor an SCTP port`);
      }
    }
    for (const c of j.contents) {
      if (c.description && c.description.sources.length > 0) {
        rd.add(c.description.sources, c.description.sourceGroups, c.description.media);
      }
    }
    rd.version = 1;
    return rd;
  }

  /** Adds remote sources (source-add). Sources sharing a name go on one m-line with their groups.
   *  Returns the mids that changed. `media` defaults to the one the source name says (-a0 / -v0). */
  addSources(sources: readonly Source[], groups: readonly SourceGroup[] = [], media?: MediaType): string[] {
    const changed = this.add(sources, groups, media);
    if (changed.length > 0) this.version++;
    return changed;
  }

  /** Applies a source-add Jingle: every content's description sources and groups. */
  applySourceAdd(j: Jingle): string[] {
    const changed: string[] = [];
    for (const c of j.contents) {
      if (c.description)
        changed.push(...this.add(c.description.sources, c.description.sourceGroups, c.description.media));
    }
    if (changed.length > 0) this.version++;
    return changed;
  }

  /** Removes remote sources by name or SSRC (source-remove): their m-lines turn inactive, without SSRCs. */
  removeSources(namesOrSsrcs: readonly (string | number)[]): string[] {
    const names = new Set(namesOrSsrcs.filter((x): x is string => typeof x === 'string'));
    const ssrcs = new Set(namesOrSsrcs.filter((x): x is number => typeof x === 'number'));
    const changed: string[] = [];
    for (const l of this.lines) {
      if (l.role !== 'remote' || l.sourceName === undefined) continue;
      // A simulcast source's upper layers are not in `sources` but still name it.
      const layers = [...l.sources.map((s) => s.ssrc), ...(l.simulcast?.ssrcs ?? [])];
      if (names.has(l.sourceName) || layers.some((x) => ssrcs.has(x))) {
        l.sourceName = undefined;
        l.sources = [];
        l.groups = [];
        delete l.simulcast;
        l.direction = 'inactive';
        changed.push(l.mid);
      }
    }
    if (changed.length > 0) this.version++;
    return changed;
  }

  /** Applies a source-remove Jingle (sources matched by name and by SSRC). */
  applySourceRemove(j: Jingle): string[] {
    const keys: (string | number)[] = [];
    for (const c of j.contents) for (const s of c.description?.sources ?? []) keys.push(s.name, s.ssrc);
    return this.removeSources(keys);
  }

  /**
   * Adds an m-line on which the local side sends (recvonly in the offer), e.g. a screen share as a
   * second video source. It reuses the codecs and header extensions of the session's `media` content.
   * The mid is stable ("video-local-1"); a line freed by removeLocalSendLine is reused first.
   */
  addLocalSendLine(media: MediaType): string {
    if (!this.descriptions.has(media))
      throw new ProtocolError(`cannot add a local ${media} m-line: the session has no ${media} content`);
    let line = this.lines.find(
      (l) => l.role === 'local' && l.media === media && l.added === true && l.direction === 'inactive',
    );
    if (!line) {
      let n = 0;
      let mid: string;
      do mid = `${media}-local-${++n}`;
      while (this.lines.some((l) => l.mid === mid));
      line = { mid, media, role: 'local', direction: 'recvonly', sources: [], groups: [], added: true };
      this.lines.push(line);
    }
    line.direction = 'recvonly';
    this.version++;
    return line.mid;
  }

  /** Stops a line added by addLocalSendLine: it turns inactive (never deleted; reused by the next add). */
  removeLocalSendLine(mid: string): void {
    const line = this.lines.find((l) => l.mid === mid);
    if (!line || line.role !== 'local' || line.added !== true)
      throw new ProtocolError(`'${mid}' is not a local send m-line added by addLocalSendLine`);
    if (line.direction === 'inactive') return;
    line.direction = 'inactive';
    this.version++;
  }

  /** Replaces the shared transport (transport-replace / ICE restart). */
  setTransport(t: IceTransport): void {
    this.transport = t;
    this.version++;
  }

  /** Adds trickled candidates (transport-info) to the shared transport; returns how many were new. */
  addCandidates(candidates: readonly IceCandidate[]): number {
    const key = (c: IceCandidate): string => `${c.foundation}|${c.component}|${c.protocol}|${c.ip}|${c.port}`;
    const known = new Set(this.transport.candidates.map(key));
    const fresh = candidates.filter((c) => !known.has(key(c)));
    if (fresh.length === 0) return 0;
    this.transport = { ...this.transport, candidates: [...this.transport.candidates, ...fresh] };
    this.version++;
    return fresh.length;
  }

  remoteSourceNames(): string[] {
    return this.lines.flatMap((l) => (l.role === 'remote' && l.sourceName !== undefined ? [l.sourceName] : []));
  }

  midOfSource(name: string): string | undefined {
    return this.lines.find((l) => l.role === 'remote' && l.sourceName === name)?.mid;
  }

  sourceOfMid(mid: string): string | undefined {
    return this.lines.find((l) => l.mid === mid)?.sourceName;
  }

  get mids(): string[] {
    return this.lines.map((l) => l.mid);
  }

  /** A copy of the m-line layout, in m-line order. */
  mLines(): RemoteMLine[] {
    return this.lines.map((l) => ({
      ...l,
      sources: l.sources.map((s) => ({ ...s })),
      groups: l.groups.map((g) => ({ ...g, ssrcs: [...g.ssrcs] })),
      ...(l.simulcast ? { simulcast: { ...l.simulcast, ssrcs: [...l.simulcast.ssrcs] } } : {}),
    }));
  }

  toSdp(): string {
    return writeSdp(this.toSessionDescription());
  }

  toSessionDescription(): SessionDescription {
    const session: SdpLine[] = [
      { type: 'v', value: '0' },
      { type: 'o', value: `- ${this.sessionId} ${this.version} IN IP4 0.0.0.0` },
      { type: 's', value: '-' },
      { type: 't', value: '0 0' },
      a(`group:BUNDLE ${this.mids.join(' ')}`),
      a('msid-semantic: WMS *'),
    ];
    if ([...this.descriptions.values()].some((d) => d.extmapAllowMixed)) session.push(a('extmap-allow-mixed'));
    if (this.transport.iceLite) session.push(a('ice-lite'));
    return { lines: session, media: this.lines.map((l) => this.section(l)) };
  }

  private section(l: RemoteMLine): SdpMediaSection {
    const common = [
      { type: 'c', value: 'IN IP4 0.0.0.0' },
      ...transportLines(this.transport, false),
      a(`mid:${l.mid}`),
    ];
    const candidates = this.transport.candidates.map((c) => a(candidateToSdp(c)));
    if (l.role === 'data') {
      return {
        kind: 'application',
        port: 9,
        protocol: 'UDP/DTLS/SCTP',
        formats: ['webrtc-datachannel'],
        lines: [...common, a(`sctp-port:${this.sctpPort ?? 5000}`), ...candidates],
      };
    }
    const d = this.descriptions.get(l.media as MediaType)!;
    const lines: SdpLine[] = [...common, ...extmapLines(d.headerExtensions, 'initiator'), a(l.direction)];
    const first = l.sources[0];
    if (first) lines.push(a(`msid:${first.msid ?? defaultMsid(first)}`));
    if (d.rtcpMux || this.transport.rtcpMux) lines.push(a('rtcp-mux'));
    lines.push(...codecLines(d.payloadTypes));
    for (const g of l.groups) lines.push(a(`ssrc-group:${g.semantics} ${g.ssrcs.join(' ')}`));
    for (const s of l.sources) {
      lines.push(a(`ssrc:${s.ssrc} cname:${s.owner || s.name}`), a(`ssrc:${s.ssrc} msid:${s.msid ?? defaultMsid(s)}`));
      // Not standard; Chromium ignores unknown ssrc attributes. Keeps the name and video type in the SDP.
      lines.push(a(`ssrc:${s.ssrc} name:${s.name}`));
      if (s.videoType) lines.push(a(`ssrc:${s.ssrc} videoType:${s.videoType}`));
    }
    lines.push(...candidates);
    return {
      kind: l.media,
      port: 9,
      protocol: 'UDP/TLS/RTP/SAVPF',
      formats: d.payloadTypes.map((p) => String(p.id)),
      lines,
    };
  }

  private add(sources: readonly Source[], groups: readonly SourceGroup[], media?: MediaType): string[] {
    const byName = new Map<string, Source[]>();
    for (const s of sources) {
      const list = byName.get(s.name);
      if (list) list.push(s);
      else byName.set(s.name, [s]);
    }
    const changed: string[] = [];
    const usedGroups = new Set<SourceGroup>();
    for (const [name, unit] of byName) {
      const type = media ?? mediaOfSourceName(name);
      if (!type) throw new ProtocolError(`cannot tell the media type of source '${name}'`);
      if (!this.descriptions.has(type))
        throw new ProtocolError(`source '${name}' is ${type}, but the session has no ${type} content`);
      for (const s of unit) {
        const holder = this.lines.find(
          (l) => l.sourceName !== undefined && l.sourceName !== name && l.sources.some((x) => x.ssrc === s.ssrc),
        );
        if (holder)
          throw new ProtocolError(
            `ssrc ${s.ssrc} of source '${name}' is already used by source '${holder.sourceName}'`,
            'conflict',
          );
      }
      const ssrcs = new Set(unit.map((s) => s.ssrc));
      const unitGroups = groups.filter((g) => g.ssrcs.some((x) => ssrcs.has(x)));
      unitGroups.forEach((g) => usedGroups.add(g));
      let line = this.lines.find((l) => l.role === 'remote' && l.sourceName === name);
      if (line && line.media !== type)
        throw new ProtocolError(`source '${name}' is already on ${line.media} m-line '${line.mid}'`, 'conflict');
      if (!line) line = this.lines.find((l) => l.role === 'remote' && l.media === type && l.sourceName === undefined);
      if (!line) {
        line = { mid: this.nextMid(type), media: type, role: 'remote', direction: 'sendonly', sources: [], groups: [] };
        this.lines.push(line);
      }
      line.sourceName = name;
      line.direction = 'sendonly';
      for (const s of unit) if (!line.sources.some((x) => x.ssrc === s.ssrc)) line.sources.push({ ...s });
      for (const g of unitGroups) {
        const key = `${g.semantics} ${g.ssrcs.join(' ')}`;
        if (!line.groups.some((x) => `${x.semantics} ${x.ssrcs.join(' ')}` === key))
          line.groups.push({ semantics: g.semantics, ssrcs: [...g.ssrcs] });
      }
      keepPrimaryLayer(line);
      changed.push(line.mid);
    }
    // Groups for sources added earlier (e.g. a FID group arriving in a later source-add).
    for (const g of groups) {
      if (usedGroups.has(g)) continue;
      const line = this.lines.find(
        (l) => l.sourceName !== undefined && l.sources.some((s) => g.ssrcs.includes(s.ssrc)),
      );
      if (!line) continue;
      line.groups.push({ semantics: g.semantics, ssrcs: [...g.ssrcs] });
      if (!changed.includes(line.mid)) changed.push(line.mid);
    }
    for (const l of this.lines) if (changed.includes(l.mid)) keepPrimaryLayer(l);
    return changed;
  }

  private nextMid(type: MediaType): string {
    let mid: string;
    do mid = `${type}-${++this.counters[type]}`;
    while (this.lines.some((l) => l.mid === mid));
    return mid;
  }
}

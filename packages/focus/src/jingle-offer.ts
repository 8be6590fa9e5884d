// Builds the Jingle the focus sends: the session-initiate that offers a participant the bridge's
// transport, the source-add of everyone else's sources once it is accepted, and the source-add /
// source-remove that follow.
//
// Why the offer carries no sources: lib-jitsi-meet (Unified Plan) puts the first remote source of each
// content on that content's own m-line, the one it also sends on and, for audio, the first of the
// BUNDLE group. When that participant leaves, it rejects the m-lines holding its sources (port 0), and
// Chrome refuses the whole offer: a rejected BUNDLE-tag m-line must take every other m-line of the
// group with it ("The m= section with mid='2' should be rejected", mid 2 being the data channel). jicofo avoids it by putting the bridge's own sources first; sources
// that only ever arrive in source-add land on m-lines of their own, which can be freed safely.
import {
  defaultAudioDescription,
  defaultVideoDescription,
  type IceTransport,
  type Jingle,
  type JingleContent,
  type MediaType,
} from '@parley/protocol';
import { MEDIA_TYPES, type EndpointSources } from './sources.js';

/**
 * What opens a participant's session: the offer (the bridge's transport and codecs, no sources) and,
 * when others already send, the source-add of their sources to send once the offer is accepted.
 */
export function sessionOpening(opts: {
  sid: string;
  initiator: string;
  responder: string;
  transport: IceTransport;
  others: EndpointSources;
}): { offer: Jingle; afterAccept?: Jingle } {
  return { offer: sessionInitiate(opts), afterAccept: sourceChange('source-add', opts.sid, opts.others) };
}

/** The session-initiate: the bridge's transport, Parley's codecs, no sources (see the top of this file). */
export function sessionInitiate(opts: {
  sid: string;
  initiator: string;
  responder: string;
  transport: IceTransport;
}): Jingle {
  const { sctpPort, ...mediaTransport } = opts.transport;
  const media = (m: MediaType): JingleContent => {
    const description = m === 'audio' ? defaultAudioDescription() : defaultVideoDescription();
    return { name: m, creator: 'initiator', senders: 'both', description, transport: { ...mediaTransport } };
  };
  const contents = [media('audio'), media('video')];
  if (sctpPort !== undefined)
    contents.push({ name: 'data', creator: 'initiator', senders: 'both', transport: { ...mediaTransport, sctpPort } });
  return {
    action: 'session-initiate',
    sid: opts.sid,
    initiator: opts.initiator,
    responder: opts.responder,
    contents,
    bundle: contents.map((c) => c.name),
  };
}

/** source-add or source-remove carrying only descriptions with sources; undefined when there are none. */
export function sourceChange(
  action: 'source-add' | 'source-remove',
  sid: string,
  sources: EndpointSources,
): Jingle | undefined {
  const contents: JingleContent[] = [];
  for (const m of MEDIA_TYPES) {
    if (sources[m].sources.length === 0) continue;
    contents.push({
      name: m,
      creator: 'initiator',
      senders: 'both',
      description: {
        media: m,
        payloadTypes: [],
        headerExtensions: [],
        sources: [...sources[m].sources],
        sourceGroups: [...sources[m].groups],
        rtcpMux: false,
      },
    });
  }
  return contents.length ? { action, sid, contents } : undefined;
}

/** What a participant's session-accept or source-add says it sends, by media type. */
/**
 * The sources a participant announces in its own Jingle. lib-jitsi-meet sends them without
 * `<ssrc-info owner>` (jicofo adds owners when it forwards them), so an unowned source belongs to the
 * sender; one that names another owner keeps that name and is refused by `sourceProblem`.
 */
export function sourcesOf(j: Jingle, sender: string): EndpointSources {
  const pick = (m: MediaType) => {
    const ds = j.contents.map((c) => c.description).filter((d) => d?.media === m);
    const sources = ds.flatMap((d) => d!.sources).map((s) => (s.owner === '' ? { ...s, owner: sender } : s));
    return { sources, groups: ds.flatMap((d) => d!.sourceGroups) };
  };
  return { audio: pick('audio'), video: pick('video') };
}

/** The client's transport from a session-accept: BUNDLE means the first content's transport serves all. */
export function transportOf(j: Jingle): IceTransport | undefined {
  const withTransport = j.contents.filter((c) => c.transport);
  const first = withTransport[0]?.transport;
  if (!first) return undefined;
  const sctp = withTransport.find((c) => c.transport?.sctpPort !== undefined)?.transport?.sctpPort;
  return { ...first, sctpPort: sctp ?? first.sctpPort };
}

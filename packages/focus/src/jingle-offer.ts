// Builds the Jingle the focus sends: the session-initiate that offers a participant the bridge's
// transport and everyone else's sources, and the source-add / source-remove that follow.
import {
  defaultAudioDescription,
  defaultVideoDescription,
  type IceTransport,
  type Jingle,
  type JingleContent,
  type MediaType,
} from '@parley/protocol';
import { MEDIA_TYPES, type EndpointSources } from './sources.js';

export function sessionInitiate(opts: {
  sid: string;
  initiator: string;
  responder: string;
  transport: IceTransport;
  others: EndpointSources;
}): Jingle {
  const { sctpPort, ...mediaTransport } = opts.transport;
  const media = (m: MediaType): JingleContent => {
    const description = m === 'audio' ? defaultAudioDescription() : defaultVideoDescription();
    description.sources = [...opts.others[m].sources];
    description.sourceGroups = [...opts.others[m].groups];
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

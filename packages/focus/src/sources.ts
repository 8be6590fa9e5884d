// A participant's media sources, by media type, as the focus keeps them: immutable values that
// are replaced, never edited in place, so a snapshot sent in a Jingle stays what was sent.
import type { MediaType, Source, SourceGroup } from '@parley/protocol';

export interface MediaSources {
  readonly sources: readonly Source[];
  readonly groups: readonly SourceGroup[];
}
export type EndpointSources = Readonly<Record<MediaType, MediaSources>>;

export const MEDIA_TYPES: readonly MediaType[] = ['audio', 'video'];
export const noSources: EndpointSources = Object.freeze({
  audio: Object.freeze({ sources: [], groups: [] }),
  video: Object.freeze({ sources: [], groups: [] }),
});

export function isEmpty(s: EndpointSources): boolean {
  return MEDIA_TYPES.every((m) => s[m].sources.length === 0);
}

export function union(a: EndpointSources, b: EndpointSources): EndpointSources {
  const merge = (m: MediaType): MediaSources => {
    const have = new Set(a[m].sources.map((s) => s.ssrc));
    const groupKey = (g: SourceGroup) => `${g.semantics}:${g.ssrcs.join(',')}`;
    const haveGroups = new Set(a[m].groups.map(groupKey));
    return {
      sources: [...a[m].sources, ...b[m].sources.filter((s) => !have.has(s.ssrc))],
      groups: [...a[m].groups, ...b[m].groups.filter((g) => !haveGroups.has(groupKey(g)))],
    };
  };
  return { audio: merge('audio'), video: merge('video') };
}

/** Removes the given sources and every group that mentions one of their SSRCs. */
export function minus(a: EndpointSources, b: EndpointSources): EndpointSources {
  const drop = (m: MediaType): MediaSources => {
    const gone = new Set(b[m].sources.map((s) => s.ssrc));
    return {
      sources: a[m].sources.filter((s) => !gone.has(s.ssrc)),
      groups: a[m].groups.filter((g) => !g.ssrcs.some((ssrc) => gone.has(ssrc))),
    };
  };
  return { audio: drop('audio'), video: drop('video') };
}

/** Merges many participants' sources, e.g. "everyone but the receiver" for a session-initiate. */
export function unionAll(list: EndpointSources[]): EndpointSources {
  return list.reduce(union, noSources);
}

export function ssrcsOf(s: EndpointSources): number[] {
  return MEDIA_TYPES.flatMap((m) => s[m].sources.map((x) => x.ssrc));
}

/**
 * Checks that sources a participant announces are its own: every source is owned by its endpoint
 * and named `<endpointId>-a<n>` / `-v<n>`, SSRCs are unique and not in use by anyone else, and
 * groups only mention announced SSRCs. Returns a sentence naming the first problem, or undefined.
 */
export function sourceProblem(endpointId: string, s: EndpointSources, inUse: ReadonlySet<number>): string | undefined {
  const seen = new Set<number>();
  for (const m of MEDIA_TYPES) {
    const letter = m === 'audio' ? 'a' : 'v';
    for (const src of s[m].sources) {
      if (src.owner !== endpointId)
        return `source ${src.name || src.ssrc} is owned by "${src.owner}", not by the sender ${endpointId}`;
      if (src.name && !new RegExp(`^${endpointId}-${letter}\\d+$`).test(src.name)) {
        return `${m} source name "${src.name}" must look like ${endpointId}-${letter}0`;
      }
      if (seen.has(src.ssrc)) return `ssrc ${src.ssrc} is announced twice`;
      if (inUse.has(src.ssrc)) return `ssrc ${src.ssrc} is already used by another participant`;
      seen.add(src.ssrc);
    }
    for (const g of s[m].groups) {
      const missing = g.ssrcs.find((x) => !seen.has(x));
      if (missing !== undefined) return `ssrc-group ${g.semantics} mentions ssrc ${missing}, which is not announced`;
    }
    const problem = groupProblem(s[m]);
    if (problem) return problem;
  }
  return undefined;
}

/** Most simulcast layers a sender may announce (Jitsi's clients send 3). */
export const MAX_SIMULCAST_LAYERS = 3;

/**
 * SIM and FID groups the bridge and the receivers can use: a SIM group lists 1..3 distinct SSRCs of
 * one source, each in no other SIM group; a FID group is exactly a primary and its RTX SSRC of one
 * source, and a primary has one RTX at most. A receiver is told only of a SIM group's first SSRC and
 * its FID partner, so a group that mixes sources would hide another source's stream.
 */
function groupProblem(ms: MediaSources): string | undefined {
  const nameOf = new Map(ms.sources.map((x) => [x.ssrc, x.name]));
  const inSim = new Set<number>();
  const rtxOf = new Map<number, number>();
  for (const g of ms.groups) {
    const list = g.ssrcs.join(' ');
    if (new Set(g.ssrcs).size !== g.ssrcs.length) return `ssrc-group ${g.semantics} ${list} repeats an ssrc`;
    if (new Set(g.ssrcs.map((x) => nameOf.get(x))).size > 1)
      return `ssrc-group ${g.semantics} ${list} mixes the ssrcs of different sources`;
    if (g.semantics === 'SIM') {
      if (g.ssrcs.length < 1 || g.ssrcs.length > MAX_SIMULCAST_LAYERS)
        return `ssrc-group SIM ${list} must list 1 to ${MAX_SIMULCAST_LAYERS} ssrcs`;
      const again = g.ssrcs.find((x) => inSim.has(x));
      if (again !== undefined) return `ssrc ${again} is in two SIM groups`;
      g.ssrcs.forEach((x) => inSim.add(x));
    } else if (g.semantics === 'FID') {
      if (g.ssrcs.length !== 2) return `ssrc-group FID ${list} must list a primary ssrc and its RTX ssrc`;
      const [primary, rtx] = g.ssrcs as [number, number];
      const had = rtxOf.get(primary);
      if (had !== undefined && had !== rtx) return `ssrc ${primary} has two RTX ssrcs (${had} and ${rtx})`;
      rtxOf.set(primary, rtx);
    }
  }
  for (const [primary, rtx] of rtxOf)
    if (inSim.has(rtx)) return `ssrc ${rtx} is the RTX of ${primary} and a simulcast layer at once`;
  return undefined;
}

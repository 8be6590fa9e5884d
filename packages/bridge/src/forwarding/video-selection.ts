// Which video sources a receiver gets: a pure function of the senders, the receiver's
// ReceiverVideoConstraints and the speaker order (Jitsi's last-N). Audio is always forwarded.
import type { ReceiverVideoConstraints } from '@parley/protocol';

export interface VideoSourceInfo {
  name: string;
  owner: string;
  /** A screen share ranks above cameras, like Jitsi's desktop sources. */
  videoType?: 'camera' | 'desktop';
}

export interface SelectionInput {
  receiver: string;
  sources: readonly VideoSourceInfo[];
  constraints?: ReceiverVideoConstraints;
  /** Endpoint ids, the current dominant speaker first. */
  speakerOrder: readonly string[];
  /** The bridge's own cap on forwarded video sources per receiver; -1 for none. */
  bridgeLastN?: number;
}

/** The height a receiver wants of a source: its own constraint, else the default one, else 2160. */
export function maxHeightFor(c: ReceiverVideoConstraints | undefined, name: string): number {
  const own = c?.constraints?.[name]?.maxHeight;
  if (typeof own === 'number') return own;
  const def = c?.defaultConstraints?.maxHeight;
  return typeof def === 'number' ? def : 2160;
}

/** Names of the video sources to forward to the receiver, in rank order. */
export function selectVideoSources(input: SelectionInput): string[] {
  const c = input.constraints;
  const maxHeight = (name: string): number => maxHeightFor(c, name);
  const onStage = new Set(c?.onStageSources ?? []);
  const selected = new Set(c?.selectedSources ?? []);
  const speakerRank = new Map(input.speakerOrder.map((id, i) => [id, i]));
  const rank = (s: VideoSourceInfo): number[] => [
    onStage.has(s.name) ? 0 : 1,
    selected.has(s.name) ? 0 : 1,
    s.videoType === 'desktop' ? 0 : 1,
    speakerRank.get(s.owner) ?? Number.MAX_SAFE_INTEGER,
  ];
  const candidates = input.sources
    .filter((s) => s.owner !== input.receiver && maxHeight(s.name) > 0)
    .map((s) => ({ s, r: rank(s) }))
    .sort((a, b) => compareRanks(a.r, b.r) || (a.s.name < b.s.name ? -1 : a.s.name > b.s.name ? 1 : 0));
  const limits = [c?.lastN, input.bridgeLastN].filter((n): n is number => typeof n === 'number' && n >= 0);
  const lastN = limits.length ? Math.min(...limits) : Infinity;
  return candidates.slice(0, lastN).map((x) => x.s.name);
}

function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

// Pure: which video tiles to show, which remote audio to play, and the receiver video constraints
// for the bridge. Generic over the stream type S (MediaStream in the browser) so it runs in Node.
import type { ReceiverVideoConstraints, SourceInfoEntry } from '@parley/protocol';
import type { RoomModel } from './room.js';

export interface TileOf<S> {
  key: string;
  participantId: string;
  videoType: 'camera' | 'desktop';
  stream: S | null;
  isLocal: boolean;
}

/** "a1b2c3d4-v1" -> { owner: "a1b2c3d4", media: "video", index: 1 }. */
export function parseSourceName(name: string): { owner: string; media: 'audio' | 'video'; index: number } | undefined {
  const m = /^(.+)-([av])([0-9]+)$/.exec(name);
  if (!m) return undefined;
  return { owner: m[1]!, media: m[2] === 'a' ? 'audio' : 'video', index: Number(m[3]) };
}

/** v1 (and beyond), and any source SourceInfo calls desktop, is a screen share. */
export function videoTypeOf(
  name: string,
  sourceInfo: Record<string, SourceInfoEntry> | undefined,
): 'camera' | 'desktop' {
  const t = sourceInfo?.[name]?.videoType;
  if (t) return t;
  const p = parseSourceName(name);
  return p && p.index >= 1 ? 'desktop' : 'camera';
}

export interface RemoteSource<S> {
  name: string;
  media: 'audio' | 'video';
  stream: S | null;
}

export interface TilesInput<S> {
  local?: { id: string; camera: S | null; screen: S | null };
  room: RoomModel;
  /** Remote sources currently in the session (after source-add/remove), with their streams. */
  remote: RemoteSource<S>[];
}

/**
 * Local camera first, then every remote participant's camera (a placeholder with a null stream
 * when it has none or is video-muted: the UI shows the avatar), then screens (local, then remote
 * in join order). The focus and other XMPP apps' users get no tile; sources of someone who is not
 * (or no longer) in the room are not shown.
 */
export function buildTiles<S>(input: TilesInput<S>): TileOf<S>[] {
  const tiles: TileOf<S>[] = [];
  const screens: TileOf<S>[] = [];
  const { local, room } = input;
  if (local) {
    tiles.push({
      key: `${local.id}-v0`,
      participantId: local.id,
      videoType: 'camera',
      stream: local.camera,
      isLocal: true,
    });
    if (local.screen)
      screens.push({
        key: `${local.id}-v1`,
        participantId: local.id,
        videoType: 'desktop',
        stream: local.screen,
        isLocal: true,
      });
  }
  const byOwner = new Map<string, RemoteSource<S>[]>();
  for (const s of input.remote) {
    if (s.media !== 'video') continue;
    const p = parseSourceName(s.name);
    if (!p) continue;
    const list = byOwner.get(p.owner);
    if (list) list.push(s);
    else byOwner.set(p.owner, [s]);
  }
  const members = Object.values(room.members)
    .filter((m) => m.endpoint && m.nick !== local?.id)
    .sort((a, b) => a.seq - b.seq);
  for (const m of members) {
    const sources = (byOwner.get(m.nick) ?? []).slice().sort((a, b) => a.name.localeCompare(b.name));
    const cams = sources.filter((s) => videoTypeOf(s.name, m.sourceInfo) === 'camera');
    if (cams.length === 0)
      tiles.push({ key: `${m.nick}-v0`, participantId: m.nick, videoType: 'camera', stream: null, isLocal: false });
    for (const c of cams)
      tiles.push({
        key: c.name,
        participantId: m.nick,
        videoType: 'camera',
        stream: m.videoMuted ? null : c.stream,
        isLocal: false,
      });
    for (const s of sources) {
      if (videoTypeOf(s.name, m.sourceInfo) !== 'desktop') continue;
      if (m.sourceInfo[s.name]?.muted) continue;
      screens.push({ key: s.name, participantId: m.nick, videoType: 'desktop', stream: s.stream, isLocal: false });
    }
  }
  return [...tiles, ...screens];
}

/** Remote audio to play, by source name: only of participants in the room. */
export function audioOf<S>(input: TilesInput<S>): Record<string, S> {
  const out: Record<string, S> = {};
  for (const s of input.remote) {
    if (s.media !== 'audio' || s.stream === null) continue;
    const p = parseSourceName(s.name);
    if (!p || !input.room.members[p.owner] || p.owner === input.local?.id) continue;
    out[s.name] = s.stream;
  }
  return out;
}

/**
 * What we ask the bridge to send us: only `receivable` sources (remote video whose m-line our answer
 * has set up), everything else at height 0, which the bridge does not forward. A source the bridge
 * forwarded before our answer named its SSRC could be bound by the browser to another receiver
 * (Firefox: by payload type) and never reach its own. Stage view: the pinned tile or the dominant
 * speaker's camera in high resolution, the others small (180p). Tile view: up to 720p for everyone.
 */
export function receiverConstraints(
  view: 'tile' | 'stage',
  pinned: string | undefined,
  dominant: string | undefined,
  tiles: readonly TileOf<unknown>[],
  receivable: readonly string[],
): ReceiverVideoConstraints {
  const heights = (h: number) => Object.fromEntries(receivable.map((name) => [name, { maxHeight: h }]));
  const m: ReceiverVideoConstraints = {
    colibriClass: 'ReceiverVideoConstraints',
    defaultConstraints: { maxHeight: 0 },
  };
  if (view === 'tile') return { ...m, constraints: heights(720) };
  const remote = tiles.filter((t) => !t.isLocal);
  const stage =
    (pinned && remote.find((t) => t.key === pinned)?.key) ??
    (dominant && remote.find((t) => t.participantId === dominant && t.videoType === 'camera')?.key) ??
    remote.find((t) => t.videoType === 'desktop')?.key ??
    remote[0]?.key;
  m.constraints = heights(180);
  if (stage) {
    m.onStageSources = [stage];
    if (receivable.includes(stage)) m.constraints[stage] = { maxHeight: 720 };
  }
  return m;
}

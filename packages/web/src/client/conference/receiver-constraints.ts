// Pure: the ReceiverVideoConstraints we send the bridge, from what the layout really shows. Each
// rendered remote tile asks for the layer its pixel height needs (a thumbnail of ~100 px: 180p, the
// stage: 720p), capped by the video quality setting; tiles not rendered (another page, beyond the
// filmstrip) get nothing: the default is maxHeight 0 and last-N is the number of tiles shown.
import type { ReceiverVideoConstraints } from '@parley/protocol';
import { receiverConstraints, type TileOf } from './tiles.js';
import { LAYER_HEIGHTS, receiveCap, type VideoQuality } from './video-quality.js';

/** What the UI renders now: the tiles with a <video> on screen and their height in device pixels. */
export interface VisibleLayout {
  tiles: { key: string; height: number }[];
  /** The large tile of stage view. */
  stage?: string;
}

/** The smallest layer at least as tall as the tile (the top layer for anything larger). */
export function layerHeightFor(pixels: number): number {
  return LAYER_HEIGHTS.find((h) => pixels <= h) ?? LAYER_HEIGHTS[LAYER_HEIGHTS.length - 1]!;
}

export function constraintsFromLayout(
  layout: VisibleLayout,
  tiles: readonly TileOf<unknown>[],
  quality: VideoQuality,
): ReceiverVideoConstraints {
  const cap = receiveCap(quality);
  const remote = new Set(tiles.filter((t) => !t.isLocal).map((t) => t.key));
  const shown = cap === 0 ? [] : layout.tiles.filter((t) => remote.has(t.key));
  const constraints: Record<string, { maxHeight: number }> = {};
  for (const t of shown) constraints[t.key] = { maxHeight: Math.min(cap, layerHeightFor(t.height)) };
  const m: ReceiverVideoConstraints = {
    colibriClass: 'ReceiverVideoConstraints',
    lastN: shown.length,
    defaultConstraints: { maxHeight: 0 },
    constraints,
  };
  if (layout.stage && constraints[layout.stage]) m.onStageSources = [layout.stage];
  return m;
}

/** What the conference sends now: the layout's constraints once the UI reported one, else the view's. */
export function currentConstraints(
  state: {
    view: 'tile' | 'stage';
    pinned?: string;
    dominantSpeaker?: string;
    tiles: readonly TileOf<unknown>[];
    videoQuality: VideoQuality;
  },
  layout: VisibleLayout | undefined,
  /** Remote video sources our answer has set up (the bridge would forward others before we can bind them). */
  receivable: readonly string[],
): ReceiverVideoConstraints {
  if (layout) {
    const answered = state.tiles.filter((t) => t.isLocal || receivable.includes(t.key));
    return constraintsFromLayout(layout, answered, state.videoQuality);
  }
  const m = receiverConstraints(state.view, state.pinned, state.dominantSpeaker, state.tiles, receivable);
  if (receiveCap(state.videoQuality) === 0) {
    m.lastN = 0;
    m.defaultConstraints = { maxHeight: 0 };
    delete m.constraints;
  }
  return m;
}

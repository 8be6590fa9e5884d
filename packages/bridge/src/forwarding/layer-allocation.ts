// Which simulcast layer of each forwarded video source one receiver gets: a pure function of what its
// tiles need (maxHeight per source), the layers each sender offers, and, when known, the bandwidth
// estimate toward the receiver. Like JVB's allocator: first every source its lowest layer in rank
// order, then upgrades in rank order toward the needed layer while the estimate lasts.

export interface LayerInfo {
  /** Frame height: from the layer's last VP8 keyframe, else assumed from its index (180/360/720). */
  height: number;
  /** Measured bitrate of the layer as the sender sends it; 0 means the sender stopped it; undefined: not known. */
  bitrateBps?: number;
}

export interface SourceDemand {
  name: string;
  /** The receiver's maxHeight for this source (its constraints); 0 or less: the source is not wanted. */
  maxHeight: number;
  /** Low to high. */
  layers: readonly LayerInfo[];
}

/** Heights assumed for layers whose keyframe was not seen yet, by index (Jitsi's defaults). */
export const ASSUMED_LAYER_HEIGHTS = [180, 360, 720];
/** Bitrates assumed for layers not measured yet, by index (roughly what Chrome sends for 180/360/720p). */
export const ASSUMED_LAYER_BITRATES = [150_000, 500_000, 1_500_000];

export const assumedHeight = (index: number): number =>
  ASSUMED_LAYER_HEIGHTS[Math.min(index, ASSUMED_LAYER_HEIGHTS.length - 1)] * 2 ** Math.max(0, index - 2);

const bitrateOf = (layers: readonly LayerInfo[], i: number): number =>
  layers[i].bitrateBps ?? ASSUMED_LAYER_BITRATES[Math.min(i, ASSUMED_LAYER_BITRATES.length - 1)];

/** A layer the sender stopped (measured at 0 bps) cannot be switched to. */
const active = (l: LayerInfo): boolean => l.bitrateBps !== 0;

/**
 * The highest active layer whose height fits maxHeight; the lowest active layer when none fits (a tile
 * smaller than the smallest layer still shows video); -1 when maxHeight is 0 or nothing is active.
 */
export function neededLayer(s: SourceDemand): number {
  if (s.maxHeight <= 0) return -1;
  let lowest = -1;
  let best = -1;
  for (let i = 0; i < s.layers.length; i++) {
    if (!active(s.layers[i])) continue;
    if (lowest < 0) lowest = i;
    if (s.layers[i].height <= s.maxHeight) best = i;
  }
  return best >= 0 ? best : lowest;
}

/**
 * Layer index per source name (-1: paused), for sources given in rank order. Without an estimate there
 * is no bandwidth limit: each source gets its needed layer.
 */
export function allocateLayers(sources: readonly SourceDemand[], estimateBps?: number): Map<string, number> {
  const out = new Map<string, number>();
  const needed = sources.map(neededLayer);
  if (estimateBps === undefined) {
    sources.forEach((s, i) => out.set(s.name, needed[i]));
    return out;
  }
  let left = estimateBps;
  const chosen = needed.map(() => -1);
  // Pass 1: the lowest active layer of every wanted source, in rank order, while it fits.
  sources.forEach((s, i) => {
    if (needed[i] < 0) return;
    const low = s.layers.findIndex(active);
    if (low < 0 || low > needed[i] || bitrateOf(s.layers, low) > left) return;
    chosen[i] = low;
    left -= bitrateOf(s.layers, low);
  });
  // Pass 2: in rank order, the highest layer up to the needed one that the rest of the estimate pays for.
  sources.forEach((s, i) => {
    if (chosen[i] < 0) return;
    const have = bitrateOf(s.layers, chosen[i]);
    for (let l = needed[i]; l > chosen[i]; l--) {
      if (!active(s.layers[l])) continue;
      const extra = bitrateOf(s.layers, l) - have;
      if (extra <= left) {
        chosen[i] = l;
        left -= extra;
        break;
      }
    }
  });
  sources.forEach((s, i) => out.set(s.name, chosen[i]));
  return out;
}

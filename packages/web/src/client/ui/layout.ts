// Tile-view geometry: how many columns fit N tiles of 16:9 into a box, as large as possible.
export interface GridLayout {
  columns: number;
  rows: number;
  tileWidth: number;
  tileHeight: number;
}

export const ASPECT = 16 / 9;

export function computeGrid(
  count: number,
  width: number,
  height: number,
  gap: number,
  maxColumns = Infinity,
): GridLayout {
  const n = Math.max(1, count);
  let best: GridLayout = { columns: 1, rows: n, tileWidth: 0, tileHeight: 0 };
  const limit = Math.max(1, Math.min(n, maxColumns));
  for (let columns = 1; columns <= limit; columns++) {
    const rows = Math.ceil(n / columns);
    const byWidth = (width - gap * (columns - 1)) / columns;
    const byHeight = ((height - gap * (rows - 1)) / rows) * ASPECT;
    const tileWidth = Math.floor(Math.max(0, Math.min(byWidth, byHeight)));
    if (tileWidth > best.tileWidth) best = { columns, rows, tileWidth, tileHeight: Math.floor(tileWidth / ASPECT) };
  }
  return best;
}

/** Tiles per page in tile view (Jitsi shows at most 25 video thumbnails at once). */
export const PAGE_SIZE = 25;

/** The tiles of page `page` (0-based) of pages of `size`, and how many pages there are. */
export function pageOf<T>(items: readonly T[], page: number, size: number): { items: T[]; pages: number } {
  const pages = Math.ceil(items.length / size);
  return { items: items.slice(page * size, (page + 1) * size), pages };
}

/**
 * How many 16:9 thumbnails a filmstrip of this size shows without scrolling (1..PAGE_SIZE): a
 * column of full-width tiles, or on a phone a row of `phoneThumbWidth` wide ones.
 */
export function filmstripCapacity(
  strip: { width: number; height: number },
  gap: number,
  phoneThumbWidth?: number,
): { count: number; thumbHeight: number } {
  const thumbWidth = phoneThumbWidth ?? Math.max(1, strip.width - gap);
  const thumbHeight = thumbWidth / ASPECT;
  const room = phoneThumbWidth !== undefined ? strip.width : strip.height - gap;
  const step = (phoneThumbWidth !== undefined ? thumbWidth : thumbHeight) + gap;
  return { count: Math.max(1, Math.min(PAGE_SIZE, Math.floor((room + gap) / step))), thumbHeight };
}

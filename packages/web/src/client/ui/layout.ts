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

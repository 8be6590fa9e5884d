import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filmstripCapacity, pageOf, PAGE_SIZE } from './layout.js';

test('99 tiles make 4 pages of at most 25; the last page has the rest', () => {
  const tiles = Array.from({ length: 99 }, (_, i) => i);
  assert.equal(PAGE_SIZE, 25);
  const first = pageOf(tiles, 0, PAGE_SIZE);
  assert.equal(first.pages, 4);
  assert.deepEqual(first.items, tiles.slice(0, 25));
  assert.deepEqual(pageOf(tiles, 3, PAGE_SIZE).items, tiles.slice(75));
  assert.deepEqual(pageOf([], 0, PAGE_SIZE), { items: [], pages: 0 });
});

test('the filmstrip shows the thumbnails that fit, 1 to 25', () => {
  // The desktop filmstrip: 200 px wide column (192 px of tile, 108 px tall), 612 px high.
  assert.deepEqual(filmstripCapacity({ width: 200, height: 612 }, 8), { count: 5, thumbHeight: 108 });
  assert.equal(filmstripCapacity({ width: 200, height: 50 }, 8).count, 1);
  assert.equal(filmstripCapacity({ width: 200, height: 100_000 }, 8).count, 25);
  // A phone: a row of 120 px wide tiles across 390 px.
  assert.equal(filmstripCapacity({ width: 390, height: 80 }, 8, 120).count, 3);
});

// Tile view (pages of at most 25 tiles, each page a grid sized to fit its tiles at 16:9) and stage
// view (one large tile + a filmstrip of as many thumbnails as fit, paged too). Only the tiles on
// screen are rendered, so a large room never starts a video decoder per participant; what is
// rendered, with each tile's height in device pixels, is reported to the store (reportLayout),
// which turns it into the receiver constraints the bridge selects layers from.
import { useEffect, useState } from 'preact/hooks';
import type { ConferenceState, ConferenceActions, Tile as TileData, VisibleLayout } from '../conference/types';
import { t } from '../i18n';
import { computeGrid, filmstripCapacity, pageOf, ASPECT, PAGE_SIZE } from './layout';
import { useElementSize, useIsPhone } from './hooks';
import { Tile } from './Tile';

const GAP = 8;
const MIN_TILE_WIDTH = 150;
/** Filmstrip thumbnails on a phone: a row of 120 px wide tiles (app.css). */
const PHONE_THUMB_WIDTH = 120;

/** Pinned tile, else the first screen share, else the dominant speaker's camera, else the first remote tile. */
export function stageTile(state: ConferenceState): TileData | undefined {
  const { tiles } = state;
  return (
    tiles.find((x) => x.key === state.pinned) ??
    tiles.find((x) => x.videoType === 'desktop') ??
    tiles.find((x) => x.participantId === state.dominantSpeaker && x.videoType === 'camera' && !x.isLocal) ??
    tiles.find((x) => !x.isLocal) ??
    tiles[0]
  );
}

interface Props {
  state: ConferenceState;
  actions: ConferenceActions;
}

/** The bridge stopped forwarding this remote video (ForwardedSources), though we receive it otherwise. */
function notForwarded(state: ConferenceState, tile: TileData): boolean {
  return !tile.isLocal && state.forwardedSources !== undefined && !state.forwardedSources.includes(tile.key);
}

function useTileRenderer({ state, actions }: Props) {
  const onClick = (key: string) => {
    if (state.pinned === key) {
      actions.pin(undefined);
    } else {
      actions.pin(key);
      if (state.view !== 'stage') actions.setView('stage');
    }
  };
  return (tile: TileData, style?: Record<string, string>, cls?: string) => (
    <Tile
      key={tile.key}
      tile={tile}
      participant={state.participants[tile.participantId]}
      speaking={state.dominantSpeaker !== undefined && state.dominantSpeaker === tile.participantId}
      pinned={state.pinned === tile.key}
      localAudioMuted={state.audioMuted}
      localVideoMuted={state.videoMuted}
      paused={notForwarded(state, tile)}
      onClick={onClick}
      style={style}
      class={cls}
    />
  );
}

/** Tells the store what is on screen, once per change (the store debounces what it sends). */
function useReportLayout(actions: ConferenceActions, layout: VisibleLayout | undefined): void {
  const text = layout ? JSON.stringify(layout) : '';
  useEffect(() => {
    if (layout) actions.reportLayout(layout);
  }, [text, actions]);
}

const devicePixels = (cssPixels: number): number =>
  Math.round(cssPixels * (typeof window !== 'undefined' ? window.devicePixelRatio || 1 : 1));

/** Page number kept within 0..pages-1 as tiles come and go. */
function usePage(pages: number): [number, (p: number) => void] {
  const [page, setPage] = useState(0);
  const clamped = Math.min(page, Math.max(0, pages - 1));
  useEffect(() => {
    if (clamped !== page) setPage(clamped);
  }, [clamped, page]);
  return [clamped, setPage];
}

/** Previous / next buttons and "Page 2 of 4": plain buttons, so Tab and Enter/Space work. */
function Pager({
  page,
  pages,
  onPage,
  testid,
}: {
  page: number;
  pages: number;
  onPage: (p: number) => void;
  testid: string;
}) {
  if (pages <= 1) return null;
  return (
    <nav class="tile-pager" aria-label={t('tiles.pages')} data-testid={testid}>
      <button
        type="button"
        class="icon-button"
        aria-label={t('tiles.previous')}
        title={t('tiles.previous')}
        disabled={page === 0}
        data-testid={`${testid}-previous`}
        onClick={() => onPage(page - 1)}
      >
        ‹
      </button>
      <span aria-live="polite" data-testid={`${testid}-label`}>
        {t('tiles.page', { page: page + 1, pages })}
      </span>
      <button
        type="button"
        class="icon-button"
        aria-label={t('tiles.next')}
        title={t('tiles.next')}
        disabled={page >= pages - 1}
        data-testid={`${testid}-next`}
        onClick={() => onPage(page + 1)}
      >
        ›
      </button>
    </nav>
  );
}

export function TileGrid(props: Props) {
  const [ref, size] = useElementSize<HTMLDivElement>();
  const phone = useIsPhone();
  const render = useTileRenderer(props);
  const pages = Math.ceil(props.state.tiles.length / PAGE_SIZE);
  const [page, setPage] = usePage(pages);
  const tiles = pageOf(props.state.tiles, page, PAGE_SIZE).items;
  const width = size.width - 2 * GAP;
  const height = size.height - 2 * GAP;
  let grid = computeGrid(tiles.length, width, height, GAP, phone ? 2 : Infinity);
  let scroll = false;
  const minWidth = phone ? Math.min(MIN_TILE_WIDTH, (width - GAP) / 2) : MIN_TILE_WIDTH;
  if (size.width > 0 && grid.tileWidth < minWidth) {
    // Too many tiles to fit: keep them readable and let the grid scroll.
    const columns = Math.max(1, Math.min(phone ? 2 : 99, Math.floor((width + GAP) / (minWidth + GAP))));
    const tileWidth = Math.floor((width - GAP * (columns - 1)) / columns);
    grid = { columns, rows: Math.ceil(tiles.length / columns), tileWidth, tileHeight: Math.floor(tileWidth / ASPECT) };
    scroll = true;
  }
  useReportLayout(
    props.actions,
    size.width > 0 ? { tiles: tiles.map((x) => ({ key: x.key, height: devicePixels(grid.tileHeight) })) } : undefined,
  );
  const style = {
    gridTemplateColumns: `repeat(${grid.columns}, ${grid.tileWidth}px)`,
    gridAutoRows: `${grid.tileHeight}px`,
    gap: `${GAP}px`,
    padding: `${GAP}px`,
    // Room at the bottom for the page buttons, so they never cover a tile's name.
    ...(pages > 1 ? { paddingBottom: '48px' } : {}),
    alignContent: scroll ? 'start' : 'center',
    overflowY: scroll ? 'auto' : 'hidden',
  };
  return (
    <>
      <div class="tile-grid" ref={ref} style={style} data-view="tile" data-page={page}>
        {size.width > 0 && tiles.map((tile) => render(tile))}
      </div>
      <Pager page={page} pages={pages} onPage={setPage} testid="tile-pager" />
    </>
  );
}

export function StageView(props: Props) {
  const render = useTileRenderer(props);
  const phone = useIsPhone();
  const [mainRef, mainSize] = useElementSize<HTMLDivElement>();
  const [stripRef, stripSize] = useElementSize<HTMLDivElement>();
  const main = stageTile(props.state);
  const rest = props.state.tiles.filter((x) => x !== main);
  // As many thumbnails as the filmstrip shows without scrolling (at most a page of 25), paged.
  const { count: perPage, thumbHeight } = filmstripCapacity(stripSize, GAP, phone ? PHONE_THUMB_WIDTH : undefined);
  const pages = Math.ceil(rest.length / perPage);
  const [page, setPage] = usePage(pages);
  const measured = stripSize.width > 0 || rest.length === 0;
  const thumbs = measured ? pageOf(rest, page, perPage).items : [];
  useReportLayout(
    props.actions,
    mainSize.height > 0 && measured
      ? {
          ...(main ? { stage: main.key } : {}),
          tiles: [
            ...(main
              ? [{ key: main.key, height: devicePixels(Math.min(mainSize.height, mainSize.width / ASPECT)) }]
              : []),
            ...thumbs.map((x) => ({ key: x.key, height: devicePixels(thumbHeight) })),
          ],
        }
      : undefined,
  );
  return (
    <div class="stage-view" data-view="stage">
      <div class="stage-main" ref={mainRef}>
        {main && render(main, undefined, 'stage-tile')}
      </div>
      {/* Always mounted (hidden when empty) so that its size is observed from the start. */}
      <div class="filmstrip" ref={stripRef} style={rest.length === 0 ? { display: 'none' } : undefined}>
        {thumbs.map((tile) => render(tile, undefined, 'film-tile'))}
      </div>
      <Pager page={page} pages={pages} onPage={setPage} testid="filmstrip-pager" />
    </div>
  );
}

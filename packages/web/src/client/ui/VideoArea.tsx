// Tile view (a grid sized to fit every tile at 16:9) and stage view (one large tile + filmstrip).
import type { ConferenceState, ConferenceActions, Tile as TileData } from '../conference/types';
import { computeGrid, ASPECT } from './layout';
import { useElementSize, useIsPhone } from './hooks';
import { Tile } from './Tile';

const GAP = 8;
const MIN_TILE_WIDTH = 150;

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
      onClick={onClick}
      style={style}
      class={cls}
    />
  );
}

export function TileGrid(props: Props) {
  const [ref, size] = useElementSize<HTMLDivElement>();
  const phone = useIsPhone();
  const render = useTileRenderer(props);
  const tiles = props.state.tiles;
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
  const style = {
    gridTemplateColumns: `repeat(${grid.columns}, ${grid.tileWidth}px)`,
    gridAutoRows: `${grid.tileHeight}px`,
    gap: `${GAP}px`,
    padding: `${GAP}px`,
    alignContent: scroll ? 'start' : 'center',
    overflowY: scroll ? 'auto' : 'hidden',
  };
  return (
    <div class="tile-grid" ref={ref} style={style} data-view="tile">
      {size.width > 0 && tiles.map((tile) => render(tile))}
    </div>
  );
}

export function StageView(props: Props) {
  const render = useTileRenderer(props);
  const main = stageTile(props.state);
  const rest = props.state.tiles.filter((x) => x !== main);
  return (
    <div class="stage-view" data-view="stage">
      <div class="stage-main">{main && render(main, undefined, 'stage-tile')}</div>
      {rest.length > 0 && <div class="filmstrip">{rest.map((tile) => render(tile, undefined, 'film-tile'))}</div>}
    </div>
  );
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constraintsFromLayout, layerHeightFor } from './receiver-constraints.js';
import type { TileOf } from './tiles.js';
import { applySendQuality, parseVideoQuality, sendLayers, simulcastLayersFor } from './video-quality.js';

const tile = (key: string, isLocal = false): TileOf<null> => ({
  key,
  participantId: key.split('-')[0]!,
  videoType: 'camera',
  stream: null,
  isLocal,
});
const tiles = [tile('me-v0', true), tile('a-v0'), tile('b-v0'), tile('c-v0'), tile('d-v0')];

test('a layer is the smallest that covers the tile: thumbnails 180p, mid tiles 360p, the stage 720p', () => {
  assert.deepEqual([0, 103, 180, 181, 360, 361, 1080].map(layerHeightFor), [180, 180, 180, 360, 360, 720, 720]);
});

test('stage view: the stage tile high, the thumbnails low, tiles not rendered nothing', () => {
  const m = constraintsFromLayout(
    {
      stage: 'a-v0',
      tiles: [
        { key: 'a-v0', height: 540 },
        { key: 'me-v0', height: 103 },
        { key: 'b-v0', height: 103 },
        { key: 'c-v0', height: 103 },
      ],
    },
    tiles,
    'high',
  );
  assert.deepEqual(m, {
    colibriClass: 'ReceiverVideoConstraints',
    lastN: 3,
    defaultConstraints: { maxHeight: 0 },
    constraints: { 'a-v0': { maxHeight: 720 }, 'b-v0': { maxHeight: 180 }, 'c-v0': { maxHeight: 180 } },
    onStageSources: ['a-v0'],
  });
});

test('the quality setting caps every tile; audio only asks for no video at all', () => {
  const layout = {
    tiles: [
      { key: 'a-v0', height: 700 },
      { key: 'b-v0', height: 250 },
    ],
    stage: 'a-v0',
  };
  assert.deepEqual(constraintsFromLayout(layout, tiles, 'standard').constraints, {
    'a-v0': { maxHeight: 360 },
    'b-v0': { maxHeight: 360 },
  });
  assert.deepEqual(constraintsFromLayout(layout, tiles, 'low').constraints, {
    'a-v0': { maxHeight: 180 },
    'b-v0': { maxHeight: 180 },
  });
  const none = constraintsFromLayout(layout, tiles, 'audio-only');
  assert.equal(none.lastN, 0);
  assert.deepEqual(none.defaultConstraints, { maxHeight: 0 });
  assert.deepEqual(none.constraints, {});
  assert.equal(none.onStageSources, undefined);
});

test('a page of tile view: only the tiles on it, unknown keys (no longer in the room) ignored', () => {
  const m = constraintsFromLayout(
    {
      tiles: [
        { key: 'c-v0', height: 300 },
        { key: 'd-v0', height: 300 },
        { key: 'gone-v0', height: 300 },
      ],
    },
    tiles,
    'high',
  );
  assert.equal(m.lastN, 2);
  assert.deepEqual(Object.keys(m.constraints ?? {}), ['c-v0', 'd-v0']);
});

test('the setting turns layers off from the top; Chromium sends 3 layers, Firefox 1', async () => {
  assert.deepEqual(
    (['high', 'standard', 'low', 'audio-only'] as const).map((q) => sendLayers(q, 3)),
    [3, 2, 1, 0],
  );
  assert.equal(parseVideoQuality('nonsense'), 'high');
  assert.equal(parseVideoQuality('low'), 'low');
  const chromium =
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';
  assert.equal(simulcastLayersFor(chromium), 3);
  assert.equal(simulcastLayersFor('Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'), 1);

  let params = { encodings: [{ active: true }, { active: true }, { active: true }] };
  let sets = 0;
  const sender = {
    getParameters: () => structuredClone(params),
    setParameters: async (p: typeof params) => {
      params = p;
      sets++;
    },
  };
  await applySendQuality(sender, 'standard');
  assert.deepEqual(
    params.encodings.map((e) => e.active),
    [true, true, false],
  );
  await applySendQuality(sender, 'standard');
  assert.equal(sets, 1, 'nothing to change: no setParameters');
  await applySendQuality(sender, 'audio-only');
  assert.deepEqual(
    params.encodings.map((e) => e.active),
    [false, false, false],
  );
  await applySendQuality(sender, 'high');
  assert.deepEqual(
    params.encodings.map((e) => e.active),
    [true, true, true],
  );
});

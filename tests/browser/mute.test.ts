// Muting: the others see the mute icons and an avatar instead of the colour; unmuting brings the
// colour back; joining with "start video muted" shows muted from the first moment.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BLUE,
  GREEN,
  RED,
  T,
  colorName,
  isColor,
  localTile,
  poll,
  tileColor,
  tileOf,
  waitForTileColor,
  useWebStack,
  type BrowserParticipant,
} from './harness.js';

describe('mute and unmute in the browser', () => {
  const suite = useWebStack();

  /** The tile shows no camera: an avatar is visible and the video (if any) is hidden or not the colour. */
  const showsNoCamera = async (p: BrowserParticipant, id: string, color: typeof RED) => {
    const tile = tileOf(p.page, id);
    if (!(await tile.getByTestId('tile-avatar').isVisible())) return false;
    const video = tile.getByTestId('tile-video');
    if ((await video.count()) === 0 || !(await video.isVisible())) return true;
    const c = await tileColor(p.page, tile, 2000).catch(() => undefined);
    return !c || !isColor(c, color);
  };

  test('muting video and audio shows the icons and an avatar to the others; unmuting restores the colour; a raised hand shows', {
    timeout: 120_000,
  }, async () => {
    const link = suite.link('mute');
    await suite.checking(async () => {
      const red = await suite.launch({ color: RED, name: 'Red', url: link });
      const green = await suite.launch({ color: GREEN, name: 'Green', url: link });
      const redId = await red.endpointId();
      const tile = tileOf(green.page, redId);
      await waitForTileColor(green.page, tile, RED);
      assert.equal(await tile.getByTestId('tile-audio-muted').count(), 0, 'no audio-muted icon before muting');
      assert.equal(await tile.getByTestId('tile-video-muted').count(), 0, 'no video-muted icon before muting');

      await red.page.getByTestId('toggle-video').click();
      await red.page.getByTestId('toggle-audio').click();
      await tile.getByTestId('tile-video-muted').waitFor({ timeout: T.ui });
      await tile.getByTestId('tile-audio-muted').waitFor({ timeout: T.ui });
      await poll("Green shows Red's avatar, not red video", () => showsNoCamera(green, redId, RED), T.ui);
      // Red's own tile says it is muted too.
      await localTile(red.page).getByTestId('tile-video-muted').waitFor({ timeout: T.ui });

      await red.page.getByTestId('toggle-video').click();
      await red.page.getByTestId('toggle-audio').click();
      await tile.getByTestId('tile-video-muted').waitFor({ state: 'detached', timeout: T.ui });
      await tile.getByTestId('tile-audio-muted').waitFor({ state: 'detached', timeout: T.ui });
      const back = await waitForTileColor(green.page, tile, RED);
      assert.ok(isColor(back, RED), `after unmuting Red's tile is ${colorName(back)}`);

      // Red raises its hand: Green sees the hand on Red's tile; lowering it removes it.
      await red.page.getByTestId('toggle-hand').click();
      await tile.getByTestId('tile-raised-hand').waitFor({ timeout: T.ui });
      await red.page.getByTestId('toggle-hand').click();
      await tile.getByTestId('tile-raised-hand').waitFor({ state: 'detached', timeout: T.ui });
    });
    await Promise.all(suite.ps.splice(0).map((p) => p.close()));
  });

  test('joining with "start video muted" and "start audio muted" shows muted from the start', {
    timeout: 90_000,
  }, async () => {
    const link = suite.link('startmuted');
    await suite.checking(async () => {
      const green = await suite.launch({ color: GREEN, name: 'Green2', url: link });
      const blue = await suite.launch({ color: BLUE, name: 'Blue', url: link, muted: { audio: true, video: true } });
      const blueId = await blue.endpointId();
      const tile = tileOf(green.page, blueId);
      await tile.waitFor({ timeout: T.media });
      // From the first moment the tile is there, it says muted.
      assert.equal(await tile.getByTestId('tile-video-muted').count(), 1, 'video-muted icon when the tile appears');
      assert.equal(await tile.getByTestId('tile-audio-muted').count(), 1, 'audio-muted icon when the tile appears');
      await poll("Green shows Blue's avatar, not blue video", () => showsNoCamera(green, blueId, BLUE), T.ui);
      await localTile(blue.page).getByTestId('tile-video-muted').waitFor({ timeout: T.ui });
      // Blue turns its camera on: the others see blue.
      await blue.page.getByTestId('toggle-video').click();
      await tile.getByTestId('tile-video-muted').waitFor({ state: 'detached', timeout: T.ui });
      await waitForTileColor(green.page, tile, BLUE);
    });
  });
});

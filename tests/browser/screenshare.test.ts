// Screen sharing: the others get a second tile, of type "desktop", for the sharer.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BLUE,
  GREEN,
  T,
  colorName,
  isColor,
  poll,
  tileColor,
  tileOf,
  waitForTileColor,
  useWebStack,
} from './harness.js';

describe('screen sharing in the browser', () => {
  const suite = useWebStack();

  test('a shared screen appears at the others as a desktop tile next to the camera', { timeout: 120_000 }, async () => {
    const link = suite.link('share');
    await suite.checking(async () => {
      const blue = await suite.launch({ color: BLUE, name: 'Blue', url: link });
      const green = await suite.launch({ color: GREEN, name: 'Green', url: link });
      const blueId = await blue.endpointId();
      await waitForTileColor(green.page, tileOf(green.page, blueId), BLUE);

      await blue.page.getByTestId('toggle-screen').click();
      const desktop = tileOf(green.page, blueId, 'desktop');
      await desktop.waitFor({ timeout: T.media });
      assert.equal(await desktop.count(), 1, 'one desktop tile for Blue');
      const source = await desktop.getAttribute('data-source');
      assert.equal(source, `${blueId}-v1`, 'the desktop tile is the -v1 source');
      // It shows the screen (Chromium's fake screen), not Blue's camera; the camera tile stays.
      const screen = await poll('the desktop tile shows frames', () => tileColor(green.page, desktop, 5000), T.media);
      assert.ok(!isColor(screen, BLUE), `the desktop tile shows the camera's colour (${colorName(screen)})`);
      await waitForTileColor(green.page, tileOf(green.page, blueId, 'camera'), BLUE);
      assert.equal(
        await green.page.locator('[data-testid="tile"][data-local="false"]').count(),
        2,
        'Green shows Blue twice: camera and screen',
      );

      // Stop sharing: the desktop tile goes away.
      await blue.page.getByTestId('toggle-screen').click();
      await desktop.waitFor({ state: 'detached', timeout: T.media });
    });
  });
});

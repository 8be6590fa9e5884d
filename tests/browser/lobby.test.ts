// Lobby: the moderator turns it on; a second participant knocks and waits on the lobby screen;
// the moderator hears and sees the knock and admits it, and both see each other's colour; a third
// knocks and gives up (it leaves the moderator's list), knocks again, is denied, and is told why.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GREEN, RED, T, YELLOW, poll, screenshot, tileOf, waitForTileColor, useWebStack } from './harness.js';

/**
 * From the join button to the lobby screen: connect, ask the focus, be refused by the room, knock.
 * Seen to take over 20 s for a third Chromium while two others stream on a loaded 2-core machine.
 */
const KNOCK_MS = 2 * T.join;

describe('lobby in the browser', () => {
  const suite = useWebStack();

  test('lobby on: a knock is admitted and gets media; another is denied and told why', {
    timeout: 240_000,
  }, async () => {
    const link = suite.link('lobby');
    await suite.checking(async () => {
      const red = await suite.launch({ color: RED, name: 'Red', url: link });
      await red.page.getByTestId('toggle-participants').click();
      await red.page.getByTestId('room-access').waitFor({ timeout: T.ui });
      await red.page.getByTestId('lobby-toggle').click(); // the box follows the focus's answer, not the click
      await poll(
        'the focus confirms the lobby is on',
        async () => red.page.getByTestId('lobby-toggle').isChecked(),
        T.ui,
      );

      const green = await suite.launch({ color: GREEN, name: 'Green', url: link, join: false });
      await green.page.getByTestId('name-input').fill('Green');
      await green.page.getByTestId('join-button').click();
      await green.page.getByTestId('lobby-screen').waitFor({ timeout: KNOCK_MS });
      assert.match(await green.page.getByTestId('lobby-screen').innerText(), /Asking to join/);
      assert.match(await green.page.getByTestId('lobby-name').innerText(), /Green/);

      // The moderator is told: a chime and a notice, and Green in the panel's lobby list.
      const notice = red.page.getByTestId('knock-notice');
      await notice.waitFor({ timeout: T.join });
      assert.match(await notice.innerText(), /Green asks to join/);
      assert.ok(Number(await notice.getAttribute('data-chimes')) >= 1, 'a chime played');
      const row = red.page.getByTestId('knocker-row').filter({ hasText: 'Green' });
      await row.waitFor({ timeout: T.ui });
      await screenshot(red.page, 'lobby.png');
      await row.getByTestId('knocker-admit').click();

      await green.page.getByTestId('meeting').waitFor({ timeout: T.join });
      const [redId, greenId] = [await red.endpointId(), await green.endpointId()];
      await waitForTileColor(red.page, tileOf(red.page, greenId), GREEN);
      await waitForTileColor(green.page, tileOf(green.page, redId), RED);
      await notice.waitFor({ state: 'detached', timeout: T.ui });

      // Yellow knocks, then gives up: it disappears from the moderator's list.
      const yellow = await suite.launch({ color: YELLOW, name: 'Yellow', url: link, join: false });
      const knock = async () => {
        await yellow.page.getByTestId('name-input').fill('Yellow');
        await yellow.page.getByTestId('join-button').click();
        await yellow.page.getByTestId('lobby-screen').waitFor({ timeout: KNOCK_MS });
        await red.page.getByTestId('knocker-row').filter({ hasText: 'Yellow' }).waitFor({ timeout: T.join });
      };
      await knock();
      await yellow.page.getByTestId('lobby-cancel').click();
      await yellow.page.getByTestId('left').waitFor({ timeout: T.ui });
      await red.page.getByTestId('knocker-row').first().waitFor({ state: 'detached', timeout: T.join });
      await notice.waitFor({ state: 'detached', timeout: T.ui });

      // Yellow asks again and is denied.
      await yellow.page.getByTestId('rejoin').click();
      await yellow.page.getByTestId('prejoin').waitFor({ timeout: T.nav });
      await knock();
      assert.match(await notice.innerText(), /Yellow asks to join/);
      await red.page.getByTestId('knock-notice-deny').click();

      const denied = yellow.page.getByTestId('error-lobby-denied');
      await denied.waitFor({ timeout: T.join });
      assert.match(await denied.innerText(), /moderator declined your request/);
      await red.page.getByTestId('knocker-row').first().waitFor({ state: 'detached', timeout: T.ui });
      assert.equal(await tileOf(red.page, await yellow.endpointId()).count(), 0, 'Yellow never got in');
    });
  });
});

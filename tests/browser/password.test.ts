// Room password: the moderator sets it from the participants panel; a second browser is asked for
// it at prejoin, a wrong one is refused with a message, the right one gets in, and both see each
// other's colour.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BLUE, RED, T, tileOf, waitForTileColor, useWebStack } from './harness.js';

describe('room password in the browser', () => {
  const suite = useWebStack();

  test('the moderator sets a password: a newcomer is asked for it, a wrong one is refused, the right one joins', {
    timeout: 150_000,
  }, async () => {
    const link = suite.link('pw');
    await suite.checking(async () => {
      const red = await suite.launch({ color: RED, name: 'Red', url: link });
      await red.page.getByTestId('toggle-participants').click();
      await red.page.getByTestId('room-access').waitFor({ timeout: T.ui });
      await red.page.getByTestId('room-password-input').fill('tulip 7');
      await red.page.getByTestId('room-password-set').click();
      // The focus confirms (its snapshot), not the button: the status line appears.
      await red.page.getByTestId('room-password-status').waitFor({ timeout: T.ui });

      const blue = await suite.launch({ color: BLUE, name: 'Blue', url: link, join: false });
      await blue.page.getByTestId('prejoin').waitFor({ timeout: T.nav });
      assert.equal(await blue.page.getByTestId('password-input').count(), 0, 'no password field before asking');
      await blue.page.getByTestId('name-input').fill('Blue');
      await blue.page.getByTestId('join-button').click();
      await blue.page.getByTestId('password-required').waitFor({ timeout: T.join });
      assert.match(await blue.page.getByTestId('password-required').innerText(), /protected by a password/);

      await blue.page.getByTestId('password-input').fill('tulip 8');
      await blue.page.getByTestId('join-button').click();
      await blue.page.getByTestId('password-wrong').waitFor({ timeout: T.join });
      assert.match(await blue.page.getByTestId('password-wrong').innerText(), /password is not right/);
      assert.equal(await blue.page.getByTestId('meeting').count(), 0, 'the wrong password does not let Blue in');

      await blue.page.getByTestId('password-input').fill('tulip 7');
      await blue.page.getByTestId('join-button').click();
      await blue.page.getByTestId('meeting').waitFor({ timeout: T.join });

      const [redId, blueId] = [await red.endpointId(), await blue.endpointId()];
      await waitForTileColor(red.page, tileOf(red.page, blueId), BLUE);
      await waitForTileColor(blue.page, tileOf(blue.page, redId), RED);
      // Blue is not a moderator: no security controls in its panel.
      await blue.page.getByTestId('toggle-participants').click();
      await blue.page.getByTestId('participants-panel').waitFor();
      assert.equal(await blue.page.getByTestId('room-access').count(), 0);
    });
  });
});

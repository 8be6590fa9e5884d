// The first participant is moderator and can mute and remove another from the participants panel.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GREEN, RED, T, poll, tileOf, waitForTileColor, useWebStack } from './harness.js';

describe('moderation in the browser', () => {
  const suite = useWebStack();

  test('the first participant mutes, then removes the second: the second is told, its tile disappears', {
    timeout: 120_000,
  }, async () => {
    const link = suite.link('mod');
    await suite.checking(async () => {
      const red = await suite.launch({ color: RED, name: 'Red', url: link });
      const green = await suite.launch({ color: GREEN, name: 'Green', url: link });
      const greenId = await green.endpointId();
      await waitForTileColor(red.page, tileOf(red.page, greenId), GREEN);

      // Green is not a moderator: its panel offers no remove buttons.
      await green.page.getByTestId('toggle-participants').click();
      await green.page.getByTestId('participants-panel').waitFor();
      await green.page.getByTestId('participant-row').nth(1).waitFor({ timeout: T.ui });
      assert.equal(
        await green.page.getByTestId('participant-remove').count(),
        0,
        'a non-moderator sees no remove button',
      );

      await red.page.getByTestId('toggle-participants').click();
      await red.page.getByTestId('participants-panel').waitFor();
      const row = red.page.locator(`[data-testid="participant-row"][data-participant="${greenId}"]`);
      await row.waitFor({ timeout: T.ui });

      // The moderator mutes Green: Green's own microphone button turns muted, and Red sees the icon.
      await row.getByTestId('participant-mute').click();
      await poll(
        'Green is muted by the moderator',
        async () => (await green.page.getByTestId('toggle-audio').getAttribute('aria-pressed')) === 'true',
        T.media,
      );
      await tileOf(red.page, greenId).getByTestId('tile-audio-muted').waitFor({ timeout: T.media });

      await row.getByTestId('participant-remove').click();
      await red.page.getByTestId('confirm-remove').click();

      await green.page.getByTestId('error-removed').waitFor({ timeout: T.media });
      await poll(
        "Red no longer shows Green's tile",
        async () => (await tileOf(red.page, greenId).count()) === 0,
        T.media,
      );
      await row.waitFor({ state: 'detached', timeout: T.ui });
    });
  });
});

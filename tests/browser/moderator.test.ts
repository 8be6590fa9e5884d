// The first participant is moderator and can mute and remove another from the participants panel.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GREEN, RED, T, checking, launchParticipant, poll, roomName, startWebStack, tileOf, waitForTileColor, type BrowserParticipant, type WebStack } from './harness.js';

describe('moderation in the browser', () => {
  let web: WebStack;
  const ps: BrowserParticipant[] = [];
  before(async () => {
    web = await startWebStack();
  });
  after(async () => {
    await web?.close();
  });

  test('the first participant mutes, then removes the second: the second is told, its tile disappears', { timeout: 120_000 }, async () => {
    const link = `${web.url}/${roomName('mod')}`;
    await checking(() => ps, async () => {
      const red = await launchParticipant({ color: RED, name: 'Red', url: link });
      const green = await launchParticipant({ color: GREEN, name: 'Green', url: link });
      ps.push(red, green);
      const greenId = await green.endpointId();
      await waitForTileColor(red.page, tileOf(red.page, greenId), GREEN);

      // Green is not a moderator: its panel offers no remove buttons.
      await green.page.getByTestId('toggle-participants').click();
      await green.page.getByTestId('participants-panel').waitFor();
      await green.page.getByTestId('participant-row').nth(1).waitFor({ timeout: T.ui });
      assert.equal(await green.page.getByTestId('participant-remove').count(), 0, 'a non-moderator sees no remove button');

      await red.page.getByTestId('toggle-participants').click();
      await red.page.getByTestId('participants-panel').waitFor();
      const row = red.page.locator(`[data-testid="participant-row"][data-participant="${greenId}"]`);
      await row.waitFor({ timeout: T.ui });

      // The moderator mutes Green: Green's own microphone button turns muted, and Red sees the icon.
      await row.getByTestId('participant-mute').click();
      await poll('Green is muted by the moderator', async () => (await green.page.getByTestId('toggle-audio').getAttribute('aria-pressed')) === 'true', T.media);
      await tileOf(red.page, greenId).getByTestId('tile-audio-muted').waitFor({ timeout: T.media });

      await row.getByTestId('participant-remove').click();
      await red.page.getByTestId('confirm-remove').click();

      await green.page.getByTestId('error-removed').waitFor({ timeout: T.media });
      await poll("Red no longer shows Green's tile", async () => (await tileOf(red.page, greenId).count()) === 0, T.media);
      await row.waitFor({ state: 'detached', timeout: T.ui });
    }, () => web.stack.logs);
  });
});

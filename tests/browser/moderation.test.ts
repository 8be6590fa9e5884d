// Moderation completeness (issue 11) in three browsers: the moderator makes a second participant a
// moderator (its moderator controls appear), mutes everyone and stops everyone's video (the others'
// own buttons turn muted), reloads its page and is still moderator (its moderator key), and ends
// the meeting for everyone (the others see "ended by the moderator").
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { BLUE, GREEN, RED, T, openParticipants, poll, tileOf, useWebStack, waitForTileColor } from './harness.js';

const row = (page: Page, id: string) => page.locator(`[data-testid="participant-row"][data-participant="${id}"]`);
const pressed = async (page: Page, testid: string) =>
  (await page.getByTestId(testid).getAttribute('aria-pressed')) === 'true';

describe('moderation: grant, mute everyone, reload, end for everyone', () => {
  const suite = useWebStack();

  test('a moderator grants moderator, mutes everyone, keeps the role across a reload and ends the meeting', {
    timeout: 300_000,
  }, async () => {
    const link = suite.link('moderation');
    await suite.checking(async () => {
      const red = await suite.launch({ color: RED, name: 'Red', url: link });
      const green = await suite.launch({ color: GREEN, name: 'Green', url: link });
      const blue = await suite.launch({ color: BLUE, name: 'Blue', url: link });
      const [greenId, blueId] = [await green.endpointId(), await blue.endpointId()];
      await waitForTileColor(red.page, tileOf(red.page, blueId), BLUE, T.media * 2);

      // Green is not a moderator yet: no moderator controls.
      await openParticipants(green.page);
      await row(green.page, blueId).waitFor({ timeout: T.ui });
      assert.equal(await green.page.getByTestId('moderator-bar').count(), 0, 'a non-moderator has no controls');

      // Red (the first, moderator) makes Green a moderator: everyone's list shows it, Green's controls appear.
      await openParticipants(red.page);
      await row(red.page, greenId).getByTestId('participant-grant-moderator').click();
      await green.page.getByTestId('moderator-bar').waitFor({ timeout: T.media });
      await row(green.page, greenId).getByTestId('moderator-badge').waitFor({ timeout: T.ui });
      await openParticipants(blue.page);
      await row(blue.page, greenId).getByTestId('moderator-badge').waitFor({ timeout: T.ui });
      assert.equal(await blue.page.getByTestId('moderator-bar').count(), 0);
      assert.equal(
        await row(red.page, greenId).getByTestId('participant-remove').count(),
        0,
        'no remove button for a moderator (the room would refuse)',
      );

      // Mute everyone: Green and Blue mute themselves; Red stays unmuted and sees them muted.
      await red.page.getByTestId('mute-everyone').click();
      for (const p of [green, blue])
        await poll(`${p.name}'s microphone is muted by the moderator`, () => pressed(p.page, 'toggle-audio'), T.media);
      assert.equal(await pressed(red.page, 'toggle-audio'), false, 'the moderator does not mute itself');
      for (const id of [greenId, blueId])
        await tileOf(red.page, id).getByTestId('tile-audio-muted').waitFor({ timeout: T.media });
      await red.page.getByTestId('stop-everyone-video').click();
      for (const p of [green, blue])
        await poll(`${p.name}'s camera is stopped by the moderator`, () => pressed(p.page, 'toggle-video'), T.media);

      // Red reloads: a new connection and endpoint id, and still a moderator (its key, kept in sessionStorage).
      const oldRedId = await red.endpointId();
      await red.page.reload({ timeout: T.nav, waitUntil: 'domcontentloaded' });
      await red.join();
      const redId = await red.endpointId();
      assert.notEqual(redId, oldRedId);
      await openParticipants(red.page);
      await red.page.getByTestId('moderator-bar').waitFor({ timeout: T.media });
      await row(blue.page, redId).getByTestId('moderator-badge').waitFor({ timeout: T.media });

      // Red ends the meeting for everyone.
      await red.page.getByTestId('end-meeting').click();
      await red.page.getByTestId('confirm-end-meeting').click();
      for (const p of [green, blue]) {
        await p.page.getByTestId('error-meeting-ended').waitFor({ timeout: T.media });
        await p.page.getByTestId('ended-by-moderator').waitFor({ timeout: T.ui });
      }
      await red.page.getByTestId('error-meeting-ended').waitFor({ timeout: T.media });
      const room = new URL(link).pathname.slice(1).toLowerCase();
      await poll(
        'the focus forgot the conference',
        async () => ![...suite.web.stack.focus.manager.conferences.keys()].some((r) => r.startsWith(`${room}@`)),
        T.media,
      );
    });
  });
});

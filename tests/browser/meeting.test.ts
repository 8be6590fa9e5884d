// Three people meet by a link: each sees the other two in their colours, hears them, and not
// itself; a fourth comes and goes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BLUE, GREEN, RED, YELLOW, T, checking, expectSeesExactly, launchParticipant, poll, roomName, screenshot, startWebStack, tileOf, videoColor, isColor, waitForRemoteAudio, waitForTileColor, type BrowserParticipant, type WebStack } from './harness.js';

describe('a meeting in the browser', () => {
  let web: WebStack;
  const ps: BrowserParticipant[] = [];
  before(async () => {
    web = await startWebStack();
  });
  after(async () => {
    await web?.close();
  });

  test('three participants see and hear each other; a fourth joins and leaves', { timeout: 180_000 }, async () => {
    const room = 'team-meeting'; // fixed: it shows in the screenshots (each file has its own stack)
    const link = `${web.url}/${room}`;
    await checking(() => ps, async () => {
      // Red opens the link: the prejoin screen shows its own camera and a microphone level.
      const red = await launchParticipant({ color: RED, name: 'Red', url: link, join: false });
      ps.push(red);
      await red.page.getByTestId('prejoin').waitFor();
      await red.page.getByTestId('mic-level').waitFor();
      // The fake microphone beeps: the level meter moves.
      await poll('the prejoin microphone meter moves', async () => Number(await red.page.getByTestId('mic-level').getAttribute('data-level')) > 0, T.ui, 100);
      await red.page.getByTestId('name-input').fill('Red');
      await poll('the prejoin preview shows the red camera', async () => isColor(await videoColor(red.page.getByTestId('preview-video'), 5000), RED), T.media);
      await screenshot(red.page, 'prejoin.png');
      await red.join();
      for (const [color, name] of [[GREEN, 'Green'], [BLUE, 'Blue']] as const) ps.push(await launchParticipant({ color, name, url: link }));

      const ids = await Promise.all(ps.map((p) => p.endpointId()));
      assert.equal(new Set(ids).size, 3, `three distinct endpoint ids: ${ids.join(', ')}`);
      const who = ps.map((p, i) => ({ id: ids[i], color: p.color, name: p.name }));
      for (const [i, p] of ps.entries()) await expectSeesExactly(p, who.filter((_, j) => j !== i), ids[i]);
      for (const p of ps) {
        await waitForRemoteAudio(p.page, 2).catch((err: Error) => {
          throw new Error(`${p.name} hears nothing: ${err.message}`);
        });
      }
      // Names under the tiles.
      for (const [i, p] of ps.entries()) {
        for (const [j, o] of ps.entries()) {
          if (i === j) continue;
          await poll(`${p.name} shows ${o.name}'s name on its tile`, async () => (await tileOf(p.page, ids[j]).getByTestId('tile-name').textContent())?.includes(o.name), T.ui);
        }
      }
      await screenshot(red.page, 'meeting.png');

      // A fourth, yellow, joins: everyone gains a yellow tile; it sees the three others.
      const yellow = await launchParticipant({ color: YELLOW, name: 'Yellow', url: link });
      ps.push(yellow);
      const yellowId = await yellow.endpointId();
      for (const p of ps.slice(0, 3)) {
        await waitForTileColor(p.page, tileOf(p.page, yellowId), YELLOW).catch((err: Error) => {
          throw new Error(`${p.name} should show Yellow's tile in yellow: ${err.message}`);
        });
      }
      await expectSeesExactly(yellow, who, yellowId);

      // Yellow leaves: its page says so, and its tile disappears everywhere else.
      await yellow.page.getByTestId('leave').click();
      await yellow.page.getByTestId('left').waitFor({ timeout: T.ui });
      for (const p of ps.slice(0, 3)) {
        await poll(`${p.name} no longer shows Yellow's tile`, async () => (await tileOf(p.page, yellowId).count()) === 0, T.media);
        const n = await p.page.locator('[data-testid="tile"][data-local="false"][data-video-type="camera"]').count();
        assert.equal(n, 2, `${p.name} shows ${n} remote camera tiles after Yellow left, expected 2`);
      }
      await yellow.close();
    }, () => web.stack.logs);
  });
});

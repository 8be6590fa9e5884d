// Three people meet by a link: each sees the other two in their colours, hears them, and not
// itself; a fourth comes and goes.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BLUE,
  GREEN,
  RED,
  YELLOW,
  T,
  expectSeesExactly,
  poll,
  screenshot,
  tileOf,
  videoColor,
  isColor,
  waitForRemoteAudio,
  waitForTileColor,
  useWebStack,
} from './harness.js';

describe('a meeting in the browser', () => {
  const suite = useWebStack();

  test('three participants see and hear each other; a fourth joins and leaves', { timeout: 180_000 }, async () => {
    const room = 'team-meeting'; // fixed: it shows in the screenshots (each file has its own stack)
    const link = `${suite.web.url}/${room}`;
    await suite.checking(async () => {
      // Red opens the link: the prejoin screen shows its own camera and a microphone level.
      const red = await suite.launch({ color: RED, name: 'Red', url: link, join: false });
      await red.page.getByTestId('prejoin').waitFor();
      await red.page.getByTestId('mic-level').waitFor();
      // The fake microphone beeps: the level meter moves.
      await poll(
        'the prejoin microphone meter moves',
        async () => Number(await red.page.getByTestId('mic-level').getAttribute('data-level')) > 0,
        T.ui,
        100,
      );
      await red.page.getByTestId('name-input').fill('Red');
      await poll(
        'the prejoin preview shows the red camera',
        async () => isColor(await videoColor(red.page.getByTestId('preview-video'), 5000), RED),
        T.media,
      );
      await screenshot(red.page, 'prejoin.png');
      await red.join();
      for (const [color, name] of [
        [GREEN, 'Green'],
        [BLUE, 'Blue'],
      ] as const)
        await suite.launch({ color, name, url: link });

      const ids = await Promise.all(suite.ps.map((p) => p.endpointId()));
      assert.equal(new Set(ids).size, 3, `three distinct endpoint ids: ${ids.join(', ')}`);
      const who = suite.ps.map((p, i) => ({ id: ids[i], color: p.color, name: p.name }));
      for (const [i, p] of suite.ps.entries())
        await expectSeesExactly(
          p,
          who.filter((_, j) => j !== i),
          ids[i],
        );
      for (const p of suite.ps) {
        await waitForRemoteAudio(p.page, 2).catch((err: Error) => {
          throw new Error(`${p.name} hears nothing: ${err.message}`);
        });
      }
      // Names under the tiles.
      for (const [i, p] of suite.ps.entries()) {
        for (const [j, o] of suite.ps.entries()) {
          if (i === j) continue;
          await poll(
            `${p.name} shows ${o.name}'s name on its tile`,
            async () => (await tileOf(p.page, ids[j]).getByTestId('tile-name').textContent())?.includes(o.name),
            T.ui,
          );
        }
      }
      await screenshot(red.page, 'meeting.png');

      // A fourth, yellow, joins: everyone gains a yellow tile; it sees the three others.
      const yellow = await suite.launch({ color: YELLOW, name: 'Yellow', url: link });
      const yellowId = await yellow.endpointId();
      for (const p of suite.ps.slice(0, 3)) {
        await waitForTileColor(p.page, tileOf(p.page, yellowId), YELLOW).catch((err: Error) => {
          throw new Error(`${p.name} should show Yellow's tile in yellow: ${err.message}`);
        });
      }
      await expectSeesExactly(yellow, who, yellowId);

      // Yellow leaves: its page says so, and its tile disappears everywhere else.
      await yellow.page.getByTestId('leave').click();
      await yellow.page.getByTestId('left').waitFor({ timeout: T.ui });
      for (const p of suite.ps.slice(0, 3)) {
        await poll(
          `${p.name} no longer shows Yellow's tile`,
          async () => (await tileOf(p.page, yellowId).count()) === 0,
          T.media,
        );
        const n = await p.page.locator('[data-testid="tile"][data-local="false"][data-video-type="camera"]').count();
        assert.equal(n, 2, `${p.name} shows ${n} remote camera tiles after Yellow left, expected 2`);
      }
      await yellow.close();
    });
  });
});

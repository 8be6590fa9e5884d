// Secure domain (--auth login): a guest who opens the link first waits for the host; the host logs
// in on the same page (a wrong password is refused) and starts the meeting; the guest gets in, and
// each sees the other's colour.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserParticipant } from './harness.js';
import { BLUE, RED, T, screenshot, startWebStack, tileOf, useWebStack, waitForTileColor } from './harness.js';

const HOST = { user: 'host', password: 'a host password' };

async function pressJoin(p: BrowserParticipant): Promise<void> {
  await p.page.getByTestId('prejoin').waitFor({ timeout: T.nav });
  await p.page.getByTestId('name-input').fill(p.name);
  await p.page.getByTestId('join-button').click();
}

describe('secure domain: only a logged-in host starts a meeting', () => {
  const suite = useWebStack({
    start: () =>
      startWebStack({
        access: { mode: 'login', accounts: [HOST] },
        config: { auth: 'login', anonymousDomain: 'guest.parley.test' },
      }),
  });

  test('a guest waits for the host, the host logs in and starts, both see each other', {
    timeout: 180_000,
  }, async () => {
    const link = suite.link('secure');
    await suite.checking(async () => {
      const blue = await suite.launch({ color: BLUE, name: 'Blue', url: link, join: false });
      await pressJoin(blue);
      await blue.page.getByTestId('waiting-for-host').waitFor({ timeout: T.join });
      assert.match(await blue.page.getByTestId('waiting-for-host').innerText(), /Waiting for the host/);
      await screenshot(blue.page, 'waiting-for-host.png');

      const red = await suite.launch({ color: RED, name: 'Red', url: link, join: false });
      await pressJoin(red);
      await red.page.getByTestId('waiting-for-host').waitFor({ timeout: T.join });
      await red.page.getByTestId('login-user').fill(HOST.user);
      await red.page.getByTestId('login-password').fill('not the password');
      await red.page.getByTestId('login-button').click();
      await red.page.getByTestId('login-error').waitFor({ timeout: T.join });
      assert.match(await red.page.getByTestId('login-error').innerText(), /Wrong user name or password/);
      assert.ok(await blue.page.getByTestId('waiting-for-host').isVisible(), 'a wrong password starts nothing');

      await red.page.getByTestId('login-password').fill(HOST.password);
      await red.page.getByTestId('login-button').click();
      await red.page.getByTestId('meeting').waitFor({ timeout: T.join });
      await blue.page.getByTestId('meeting').waitFor({ timeout: T.join });

      const [redId, blueId] = [await red.endpointId(), await blue.endpointId()];
      await waitForTileColor(red.page, tileOf(red.page, blueId), BLUE);
      await waitForTileColor(blue.page, tileOf(blue.page, redId), RED);
    });
  });
});

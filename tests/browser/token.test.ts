// Invite tokens (--auth token): two holders of valid tokens meet and see each other's colours; a
// holder of an expired or a wrong-room token sees why the server refused it (English and Chinese).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mintToken } from '@parley/focus';
import { BLUE, RED, T, roomName, screenshot, startWebStack, tileOf, useWebStack, waitForTileColor } from './harness.js';

const SECRET = 'browser-test-token-secret-0123456789abcdef';

const token = (room: string, o: { moderator?: boolean; name?: string; now?: number; ttlSeconds?: number } = {}) =>
  mintToken({
    room,
    displayName: o.name,
    moderator: o.moderator,
    ttlSeconds: o.ttlSeconds ?? 3600,
    now: o.now,
    audience: 'parley',
    issuer: 'parley',
    key: { alg: 'HS256', secret: SECRET },
  });

describe('invite tokens: only holders of a valid token get in', () => {
  const suite = useWebStack({
    start: () => startWebStack({ access: { mode: 'token', tokenSecret: SECRET }, config: { auth: 'token' } }),
  });

  test('two holders of valid tokens see each other', { timeout: 180_000 }, async () => {
    const room = roomName('token');
    await suite.checking(async () => {
      const red = await suite.launch({
        color: RED,
        name: 'Red',
        url: `${suite.web.url}/${room}?jwt=${await token(room, { moderator: true, name: 'Red' })}`,
      });
      const blue = await suite.launch({
        color: BLUE,
        name: 'Blue',
        url: `${suite.web.url}/${room}?jwt=${await token(room, { name: 'Blue' })}`,
      });
      const [redId, blueId] = [await red.endpointId(), await blue.endpointId()];
      await waitForTileColor(red.page, tileOf(red.page, blueId), BLUE);
      await waitForTileColor(blue.page, tileOf(blue.page, redId), RED);
    });
  });

  test('an expired token and a wrong-room token are refused with the reason', { timeout: 120_000 }, async () => {
    const room = roomName('token');
    const expired = await token(room, { now: Math.floor(Date.now() / 1000) - 7200, ttlSeconds: 600, name: 'Late' });
    const other = await token('another-room', { name: 'Lost' });
    const cases = [
      { jwt: expired, lang: 'en', reason: 'token-expired', text: /This invitation has expired/ },
      { jwt: other, lang: 'en', reason: 'token-wrong-room', text: /for another meeting/ },
      { jwt: expired, lang: 'zh-CN', reason: 'token-expired', text: /此邀请已过期/ },
    ];
    await suite.checking(async () => {
      for (const c of cases) {
        const p = await suite.launch({
          color: RED,
          name: `Refused ${c.reason} ${c.lang}`,
          url: `${suite.web.url}/${room}?lang=${c.lang}&jwt=${c.jwt}`,
          join: false,
        });
        await p.page.getByTestId('prejoin').waitFor({ timeout: T.nav });
        assert.ok((await p.page.getByTestId('name-input').inputValue()).length > 0, 'the name comes from the token');
        await p.page.getByTestId('join-button').click();
        await p.page.getByTestId('error-access-denied').waitFor({ timeout: T.join });
        const reason = p.page.getByTestId('access-reason');
        assert.equal(await reason.getAttribute('data-reason'), c.reason);
        assert.match(await reason.innerText(), c.text);
        if (c.reason === 'token-expired' && c.lang === 'en') await screenshot(p.page, 'token-expired.png');
        await p.close();
      }
    });
  });
});

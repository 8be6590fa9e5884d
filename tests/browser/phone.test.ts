// The meeting on a phone: a 390x844 portrait screen with touch. Tiles and toolbar fit the screen,
// every control is a touch target of at least 44x44 px, the secondary actions sit behind "more",
// chat and participants open as full-screen sheets. The home page's QR codes carry the right
// addresses (drawn again here from the same text), and the web app manifest is served and linked.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { qrPath } from '../../packages/web/src/client/ui/qr-path.js';
import { GREEN, RED, T, tileOf, useWebStack, waitForTileColor } from './harness.js';

const PHONE = { width: 390, height: 844 };

interface Box {
  id: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Every visible button and link on the page, with its box in CSS pixels. */
function targets(page: Page): Promise<Box[]> {
  return page.evaluate(() =>
    [...(globalThis as any).document.querySelectorAll('button, a[href], summary, input, select')]
      .filter(
        (el: any) => el.getClientRects().length > 0 && (globalThis as any).getComputedStyle(el).visibility !== 'hidden',
      )
      .map((el: any) => {
        const r = el.getBoundingClientRect();
        return { id: el.dataset.testid || el.textContent.trim().slice(0, 20), x: r.x, y: r.y, w: r.width, h: r.height };
      }),
  );
}

const small = (boxes: Box[]) => boxes.filter((b) => b.w < 44 || b.h < 44).map((b) => `${b.id} ${b.w}x${b.h}`);
const outside = (boxes: Box[]) =>
  boxes
    .filter((b) => b.x < -0.5 || b.y < -0.5 || b.x + b.w > PHONE.width + 0.5 || b.y + b.h > PHONE.height + 0.5)
    .map((b) => b.id);

describe('on a phone', () => {
  const suite = useWebStack();

  test('a meeting on 390x844 with touch: everything fits, 44 px targets, a "more" menu, sheets', {
    timeout: 180_000,
  }, async () => {
    const link = suite.link('phone');
    await suite.checking(async () => {
      const phone = await suite.launch({ color: RED, name: 'Phone', url: link, phone: PHONE });
      const green = await suite.launch({ color: GREEN, name: 'Green', url: link });
      const page = phone.page;
      await waitForTileColor(page, tileOf(page, await green.endpointId()), GREEN);
      assert.equal(await page.evaluate(() => (globalThis as any).innerWidth), PHONE.width, 'a phone-sized viewport');
      assert.equal(
        await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth),
        PHONE.width,
        'no sideways scrolling',
      );

      const toolbar = (await targets(page)).filter((b) => b.y > PHONE.height - 100);
      const ids = toolbar.map((b) => b.id);
      for (const id of ['toggle-audio', 'toggle-video', 'toggle-chat', 'toggle-participants', 'toggle-more', 'leave'])
        assert.ok(ids.includes(id), `${id} is on the phone's toolbar (${ids.join(', ')})`);
      assert.ok(!ids.includes('toggle-screen') && !ids.includes('toggle-hand'), 'secondary actions wait behind "more"');
      assert.deepEqual(small(toolbar), [], 'toolbar buttons are at least 44x44');
      assert.deepEqual(outside(toolbar), [], 'the toolbar fits the screen');
      for (const id of [await phone.endpointId(), await green.endpointId()]) {
        const box = await tileOf(page, id).boundingBox();
        assert.ok(box && box.x >= 0 && box.x + box.width <= PHONE.width + 0.5 && box.width > 100, `tile ${id} fits`);
      }

      // "More": a menu of the secondary actions with their names; tapping one closes it.
      await page.getByTestId('toggle-more').tap();
      const menu = page.getByTestId('more-menu');
      await menu.getByTestId('toggle-hand').waitFor({ state: 'visible', timeout: T.ui });
      assert.equal(await page.getByTestId('toggle-more').getAttribute('aria-expanded'), 'true');
      const items = (await targets(page)).filter((b) =>
        ['toggle-screen', 'toggle-hand', 'toggle-view', 'toggle-settings', 'copy-invite'].includes(b.id),
      );
      assert.equal(items.length, 5, `five actions in the menu: ${items.map((b) => b.id).join(', ')}`);
      assert.deepEqual(small(items), [], 'menu items are at least 44x44');
      assert.deepEqual(outside(items), [], 'the menu fits the screen');
      assert.match(
        (await menu.getByTestId('toggle-hand').innerText()).trim(),
        /raise your hand/i,
        'items show their names',
      );
      await menu.getByTestId('toggle-hand').tap();
      await menu.getByTestId('toggle-hand').waitFor({ state: 'hidden', timeout: T.ui });
      assert.equal(
        await page.getByTestId('toggle-hand').getAttribute('aria-pressed'),
        'true',
        'the tap raised the hand',
      );

      // Chat and participants: full-screen sheets; their controls are touch-sized too.
      for (const [toggle, panel] of [
        ['toggle-chat', 'chat-panel'],
        ['toggle-participants', 'participants-panel'],
      ] as const) {
        await page.getByTestId(toggle).tap();
        const box = await page.getByTestId(panel).boundingBox();
        assert.ok(box, `${panel} opens`);
        assert.ok(
          box.width >= PHONE.width - 1 && box.height >= PHONE.height * 0.8,
          `${panel} is a sheet: ${JSON.stringify(box)}`,
        );
        const inside = (await targets(page)).filter((b) => b.y < box.y + box.height && b.y >= box.y);
        assert.deepEqual(small(inside), [], `${panel}: touch targets of 44x44`);
        await page.getByTestId(toggle).tap();
        await page.getByTestId(panel).waitFor({ state: 'detached', timeout: T.ui });
      }
    });
  });

  test('home on a phone: QR codes for this address and the CA, and an installable web app', {
    timeout: 90_000,
  }, async () => {
    await suite.checking(async () => {
      const phone = await suite.launch({ color: RED, name: 'Phone', phone: PHONE });
      const page = phone.page;
      await page.goto(`${suite.web.url}/`, { timeout: T.nav });
      await page.getByTestId('home').waitFor({ timeout: T.ui });
      await page.getByTestId('phone-help').locator('summary').tap();
      const origin = new URL(suite.web.url).origin;
      for (const [id, text] of [
        ['qr-home', `${origin}/`],
        ['qr-ca', `${origin}/ca.pem`],
      ]) {
        const qr = page.getByTestId(id);
        await qr.waitFor({ state: 'visible', timeout: T.ui });
        assert.equal(await qr.getAttribute('data-text'), text, `${id} encodes ${text}`);
        assert.equal(await qr.locator('path').getAttribute('d'), qrPath(text).d, `${id}: the modules of ${text}`);
        const box = (await qr.boundingBox())!;
        assert.ok(box.width >= 120 && box.x + box.width <= PHONE.width, `${id} is big enough to scan and fits`);
      }
      const ca = await page.request.get(`${origin}/ca.pem`);
      assert.match(await ca.text(), /BEGIN CERTIFICATE/, 'the CA QR points at the certificate');
      assert.deepEqual(small(await targets(page)), [], 'home: touch targets of 44x44');

      const href = await page.locator('link[rel="manifest"]').getAttribute('href');
      const manifest = await page.request.get(`${origin}${href}`);
      assert.equal(manifest.status(), 200);
      assert.match(manifest.headers()['content-type'] ?? '', /manifest\+json|json/);
      const m = await manifest.json();
      assert.equal(m.start_url, '/');
      assert.equal(m.display, 'standalone');
      assert.ok(m.icons?.length >= 1, 'an icon');
    });
  });
});

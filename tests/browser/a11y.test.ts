// Accessibility: an axe-core audit (shipped with the tests, injected into the page; no network) of
// every screen a user meets — home, prejoin, meeting, chat, participants, an error page, /doctor —
// finds no serious or critical violation. Keyboard: the toolbar is reached with Tab, shows where the
// focus is, and works with Enter/Space. A live region reads out joins and chat messages.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { GREEN, RED, T, plainHttpClient, poll, roomName, useWebStack } from './harness.js';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; html: string; failureSummary?: string }[];
}

/** Runs axe on the page as it is now; fails naming each serious or critical rule and where it fails. */
async function audit(page: Page, screen: string): Promise<void> {
  // Evaluated through the DevTools protocol: the page's CSP (script-src 'self') rightly refuses inline scripts.
  if (!(await page.evaluate(() => typeof (globalThis as any).axe === 'object'))) await page.evaluate(axeSource);
  const violations = (await page.evaluate(async () => {
    const r = await (globalThis as any).axe.run((globalThis as any).document, { resultTypes: ['violations'] });
    return r.violations;
  })) as AxeViolation[];
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    bad.map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} at ` +
        v.nodes.map((n) => `${n.target.join(' ')} ${n.html.slice(0, 300)} (${n.failureSummary ?? ''})`).join(', '),
    ),
    [],
    `axe on the ${screen} screen`,
  );
}

describe('accessibility', () => {
  const suite = useWebStack();

  test('axe finds no serious or critical violation on any screen', { timeout: 240_000 }, async () => {
    const link = suite.link('a11y');
    await suite.checking(async () => {
      const red = await suite.launch({ color: RED, name: 'Red', url: link, join: false });
      await red.page.getByTestId('prejoin').waitFor({ timeout: T.ui });
      await audit(red.page, 'prejoin');
      await red.page.getByTestId('name-input').fill('Red');
      await red.join();
      await suite.launch({ color: GREEN, name: 'Green', url: link });
      await audit(red.page, 'meeting');
      await red.page.getByTestId('toggle-chat').click();
      await red.page.getByTestId('chat-panel').waitFor({ timeout: T.ui });
      await audit(red.page, 'chat');
      await red.page.getByTestId('toggle-participants').click();
      await red.page.getByTestId('participants-panel').waitFor({ timeout: T.ui });
      await audit(red.page, 'participants');

      const other = await red.page.context().newPage();
      await other.goto(`${suite.web.url}/`, { timeout: T.nav });
      await other.getByTestId('home').waitFor({ timeout: T.ui });
      await audit(other, 'home');
      await other.goto(`${suite.web.url}/doctor`, { timeout: T.nav });
      await other.locator('[data-testid="doctor-summary"][data-done="true"]').waitFor({ timeout: 120_000 });
      await audit(other, '/doctor');
      await other.close();
    });
  });

  test('an error screen passes axe too', { timeout: 60_000 }, async () => {
    const http = await plainHttpClient();
    try {
      await suite.checking(async () => {
        const p = await suite.launch({
          color: RED,
          name: 'Red',
          args: ['--host-resolver-rules=MAP parley.test 127.0.0.1'],
        });
        await p.page.goto(`http://parley.test:${http.port}/${roomName('a11y-error')}`, { timeout: T.nav });
        await p.page.getByTestId('error-insecure-context').waitFor({ timeout: T.ui });
        await audit(p.page, 'error (insecure context)');
      });
    } finally {
      await http.close();
    }
  });

  test('keyboard: Tab reaches every toolbar button with a visible focus; Enter and Space work', {
    timeout: 120_000,
  }, async () => {
    const link = suite.link('keys');
    await suite.checking(async () => {
      const red = await suite.launch({ color: RED, name: 'Red', url: link });
      const page = red.page;
      const toolbar = await page
        .locator('.toolbar button[data-testid]')
        .evaluateAll((bs) =>
          bs.filter((b) => b.getClientRects().length > 0).map((b) => String((b as any).dataset.testid)),
        );
      assert.ok(toolbar.includes('toggle-audio') && toolbar.includes('leave'), `toolbar: ${toolbar.join(', ')}`);
      const reached = new Set<string>();
      let outlined = 0;
      for (let i = 0; i < 60 && reached.size < toolbar.length; i++) {
        await page.keyboard.press('Tab');
        const f = await page.evaluate(() => {
          const el = (globalThis as any).document.activeElement;
          if (!el) return null;
          const style = (globalThis as any).getComputedStyle(el);
          const ring =
            (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
          return { id: String(el.dataset?.testid ?? ''), ring, label: el.getAttribute('aria-label') ?? el.textContent };
        });
        if (f && toolbar.includes(f.id)) {
          reached.add(f.id);
          if (f.ring) outlined++;
          assert.ok(f.label?.trim(), `${f.id} has a label`);
        }
      }
      assert.deepEqual([...reached].sort(), [...toolbar].sort(), 'every toolbar button is reached with Tab');
      assert.equal(outlined, reached.size, 'each shows a focus ring');

      const mic = page.getByTestId('toggle-audio');
      const pressed = async () => (await mic.getAttribute('aria-pressed')) === 'true';
      const before = await pressed();
      await mic.focus();
      await page.keyboard.press('Enter');
      await poll('Enter toggles the microphone', async () => (await pressed()) !== before, T.ui, 100);
      await page.keyboard.press('Space');
      await poll('Space toggles it back', async () => (await pressed()) === before, T.ui, 100);

      // A tile pins on click, so it must pin from the keyboard too.
      const tile = page.getByTestId('tile').first();
      await tile.focus();
      await page.keyboard.press('Enter');
      await poll('Enter pins the focused tile', async () => (await tile.getAttribute('aria-pressed')) === 'true', T.ui);
      await tile.focus(); // pinning moves the tile into the stage layout, a new element
      await page.keyboard.press('Space');
      await poll('Space unpins it', async () => (await tile.getAttribute('aria-pressed')) === 'false', T.ui);
    });
  });

  test('a live region reads out who joins and what they write', { timeout: 120_000 }, async () => {
    const link = suite.link('live');
    await suite.checking(async () => {
      const red = await suite.launch({ color: RED, name: 'Red', url: link });
      const live = red.page.getByTestId('live-region');
      assert.equal(await live.getAttribute('aria-live'), 'polite');
      const green = await suite.launch({ color: GREEN, name: 'Green', url: link });
      await poll('"Green joined" is announced', async () => (await live.textContent())?.includes('Green joined'), T.ui);
      await green.page.getByTestId('toggle-chat').click();
      await green.page.getByTestId('chat-input').fill('hello screen readers');
      await green.page.getByTestId('chat-send').click();
      await poll(
        'the message is announced',
        async () => (await live.textContent())?.includes('Message from Green: hello screen readers'),
        T.ui,
      );
    });
  });
});

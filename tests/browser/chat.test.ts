// Chat: messages appear at the others in order with the sender's name; an unread badge counts
// while the panel is closed.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BLUE, GREEN, RED, T, poll, screenshot, useWebStack } from './harness.js';
import type { Page } from 'playwright-core';

describe('chat in the browser', () => {
  const suite = useWebStack();

  const messages = (page: Page) =>
    page.getByTestId('chat-message').evaluateAll((els) =>
      els.map((e: any) => ({
        sender: String(e.querySelector('[data-testid="chat-sender"]')?.textContent ?? '').trim(),
        text: String(e.querySelector('[data-testid="chat-text"]')?.textContent ?? '').trim(),
      })),
    );
  const send = async (page: Page, text: string) => {
    await page.getByTestId('chat-input').fill(text);
    await page.getByTestId('chat-send').click();
  };

  test("messages reach everyone in order with the sender's name; the badge counts unread ones", {
    timeout: 120_000,
  }, async () => {
    const link = suite.link('chat');
    await suite.checking(async () => {
      const red = await suite.launch({ color: RED, name: 'Red', url: link });
      const green = await suite.launch({ color: GREEN, name: 'Green', url: link });
      const blue = await suite.launch({ color: BLUE, name: 'Blue', url: link });
      // Blue reads along with the panel open; Green keeps it closed.
      await blue.page.getByTestId('toggle-chat').click();
      await blue.page.getByTestId('chat-panel').waitFor();
      await red.page.getByTestId('toggle-chat').click();
      await red.page.getByTestId('chat-panel').waitFor();
      assert.equal(await green.page.getByTestId('unread-badge').count(), 0, 'no unread badge before any message');

      const texts = ['Hello from Red', 'Second message', 'third: 你好 <b>not bold</b>'];
      for (const t of texts) await send(red.page, t);
      const expected = texts.map((text) => ({ sender: 'Red', text }));

      await poll(
        "Green's unread badge says 3",
        async () =>
          (
            await green.page
              .getByTestId('unread-badge')
              .textContent()
              .catch(() => '')
          )?.trim() === '3',
        T.ui,
      );
      await poll(
        'Blue shows the three messages in order',
        async () => JSON.stringify(await messages(blue.page)) === JSON.stringify(expected),
        T.ui,
      ).catch(async (err: Error) => {
        throw new Error(`${err.message}; Blue shows ${JSON.stringify(await messages(blue.page))}`);
      });
      assert.equal(await blue.page.getByTestId('unread-badge').count(), 0, 'no badge while the panel is open');
      // The sender sees its own messages too.
      await poll(
        'Red shows its own three messages',
        async () => (await messages(red.page)).map((m) => m.text).join('|') === texts.join('|'),
        T.ui,
      );

      // Green opens the panel: the messages are there and the badge is gone.
      await green.page.getByTestId('toggle-chat').click();
      await green.page.getByTestId('chat-panel').waitFor();
      assert.deepEqual(await messages(green.page), expected);
      await green.page.getByTestId('unread-badge').waitFor({ state: 'detached', timeout: T.ui });

      // Green answers: Red and Blue see it after Red's, from Green.
      await send(green.page, 'Hi Red, Green here');
      for (const p of [red, blue]) {
        await poll(
          `${p.name} shows Green's answer last`,
          async () => {
            const m = await messages(p.page);
            return m.length === 4 && m[3].sender === 'Green' && m[3].text === 'Hi Red, Green here';
          },
          T.ui,
        );
      }
      await screenshot(red.page, 'chat.png');
    });
  });

  test('a private message reaches only its recipient, marked private on both sides', { timeout: 120_000 }, async () => {
    const link = suite.link('private');
    await suite.checking(async () => {
      const red = await suite.launch({ color: RED, name: 'Red', url: link });
      const green = await suite.launch({ color: GREEN, name: 'Green', url: link });
      const blue = await suite.launch({ color: BLUE, name: 'Blue', url: link });
      const greenId = await green.endpointId();
      for (const p of [red, green, blue]) {
        await p.page.getByTestId('toggle-chat').click();
        await p.page.getByTestId('chat-panel').waitFor();
      }
      await poll(
        'Red can pick Green as recipient',
        async () => (await red.page.locator(`[data-testid="chat-recipient"] option[value="${greenId}"]`).count()) === 1,
        T.ui,
      );
      await red.page.getByTestId('chat-recipient').selectOption(greenId);
      await send(red.page, 'just for Green');
      await poll(
        'Green gets the private message from Red',
        async () => {
          const m = await messages(green.page);
          return m.length === 1 && m[0].sender === 'Red' && m[0].text === 'just for Green';
        },
        T.ui,
      );
      await green.page.getByTestId('chat-message').getByTestId('chat-private').waitFor({ timeout: T.ui });
      await red.page.getByTestId('chat-message').getByTestId('chat-private').waitFor({ timeout: T.ui });
      // A group message after it reaches Blue, and Blue never saw the private one.
      await red.page.getByTestId('chat-recipient').selectOption('');
      await send(red.page, 'for everyone');
      await poll(
        'Blue gets the group message',
        async () => (await messages(blue.page)).some((m) => m.text === 'for everyone'),
        T.ui,
      );
      assert.deepEqual(
        (await messages(blue.page)).map((m) => m.text),
        ['for everyone'],
        'Blue never sees the private message',
      );
    });
  });
});

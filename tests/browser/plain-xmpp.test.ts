// Another XMPP app's user in a meeting, seen from the browser: a scripted plain MUC client (no
// Jingle, no conference request) joins the room on the c2s port; the meeting lists it as "Chat only"
// with its nick, and its message shows in the chat under that nick.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { client } from '@xmpp/client';
import { xml, type Element } from '@parley/protocol';
import { RED, T, poll, useWebStack, withTimeout } from './harness.js';

describe('a plain XMPP client in a meeting', () => {
  const suite = useWebStack();

  test('it is listed as "Chat only" and its messages appear under its nick', { timeout: 120_000 }, async () => {
    const link = suite.link('plainxmpp');
    const room = `${new URL(link).pathname.slice(1)}@${suite.web.stack.mucDomain}`;
    const plain = client({ service: `xmpp://127.0.0.1:${suite.web.stack.c2sPort}`, domain: suite.web.stack.domain });
    plain.on('error', () => {});
    const seen: Element[] = [];
    plain.on('stanza', (s: Element) => void seen.push(s));
    try {
      await suite.checking(async () => {
        const red = await suite.launch({ color: RED, name: 'Red', url: link });
        await withTimeout(plain.start(), 10_000, 'plain client start');
        plain.send(
          xml('presence', { to: `${room}/Gajim Greta` }, xml('x', { xmlns: 'http://jabber.org/protocol/muc' })),
        );
        await poll(
          'the plain client is in the room',
          async () => seen.some((s) => s.attrs.from === `${room}/Gajim Greta`),
          T.ui,
        );
        plain.send(xml('message', { to: room, type: 'groupchat' }, xml('body', {}, 'hello from Gajim')));

        await red.page.getByTestId('toggle-participants').click();
        const row = red.page.locator('[data-testid="participant-row"][data-participant="Gajim Greta"]');
        await row.getByTestId('chat-only').waitFor({ timeout: T.ui });
        assert.match((await row.textContent()) ?? '', /Gajim Greta/);
        assert.equal(await row.getByTestId('participant-mute').count(), 0, 'no mute button for a chat-only member');
        await red.page.getByTestId('toggle-chat').click();
        const msg = red.page.getByTestId('chat-message').filter({ hasText: 'hello from Gajim' });
        await msg.waitFor({ timeout: T.ui });
        assert.equal((await msg.getByTestId('chat-sender').textContent())?.trim(), 'Gajim Greta');
      });
    } finally {
      await withTimeout(plain.stop(), 5000, 'plain client stop').catch(() => {});
    }
  });
});

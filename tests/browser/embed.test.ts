// The embed API (/external_api.js, Jitsi's JitsiMeetExternalAPI names): a page of another origin
// embeds a meeting and drives it through the API only — joins without the prejoin screen, hears who
// comes, mutes, chats, hangs up — while a Parley participant in the same room sees and hears the
// effects. The web server lets only the configured origin frame the app.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { request } from 'node:https';
import type { Page } from 'playwright-core';
import { freePorts } from '@parley/xmpp-config';
import { GREEN, RED, T, poll, tileOf, useWebStack, waitForTileColor } from './harness.js';

// The embedding site: another origin (http://127.0.0.1:<port>, a secure context as loopback).
const [sitePort] = await freePorts(1);
const siteOrigin = `http://127.0.0.1:${sitePort}`;
let site: Server | undefined;

function embeddingPage(parley: string, room: string): string {
  return `<!doctype html><html><head><title>Intranet</title></head><body>
<h1>Our intranet</h1><div id="meet"></div>
<script src="${parley}/external_api.js"></script>
<script>
  window.events = [];
  window.api = new JitsiMeetExternalAPI(${JSON.stringify(new URL(parley).host)}, {
    roomName: ${JSON.stringify(room)}, parentNode: document.getElementById('meet'), width: 900, height: 600,
    userInfo: { displayName: 'Embedded' }, configOverwrite: { prejoinPageEnabled: false },
  });
  for (const name of ['videoConferenceJoined', 'videoConferenceLeft', 'participantJoined', 'participantLeft',
    'audioMuteStatusChanged', 'videoMuteStatusChanged', 'incomingMessage', 'readyToClose'])
    window.api.addListener(name, (data) => window.events.push({ name, data }));
</script></body></html>`;
}

interface Heard {
  name: string;
  data: Record<string, any>;
}
const heard = (page: Page) => page.evaluate(() => (globalThis as any).events as Heard[]);
async function waitHeard(page: Page, what: string, match: (e: Heard) => boolean): Promise<Heard> {
  return poll(`the embedding page hears ${what}`, async () => (await heard(page)).find(match), T.join);
}

describe('the embed API', () => {
  const suite = useWebStack({ config: { embedOrigins: [siteOrigin] } });
  after(() => site?.close());

  test('another site embeds a meeting and drives it through the API only', { timeout: 180_000 }, async () => {
    const room = 'embedded-standup';
    site = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end(embeddingPage(suite.web.url, room)),
    );
    await new Promise<void>((r) => site!.listen(sitePort, '127.0.0.1', r));
    await suite.checking(async () => {
      const host = await suite.launch({ color: RED, name: 'Embedded' });
      const page = host.page;
      await page.goto(`${siteOrigin}/`, { timeout: T.nav });
      const joined = await waitHeard(page, 'videoConferenceJoined', (e) => e.name === 'videoConferenceJoined');
      assert.equal(joined.data.roomName, room);
      const embeddedId = String(joined.data.id);

      const green = await suite.launch({ color: GREEN, name: 'Green', url: `${suite.web.url}/${room}` });
      const greenId = await green.endpointId();
      await waitHeard(
        page,
        'Green join',
        (e) => e.name === 'participantJoined' && e.data.id === greenId && e.data.displayName === 'Green',
      );
      await waitForTileColor(green.page, tileOf(green.page, embeddedId), RED); // the embedded camera reaches Green
      const info = await page.evaluate(() => (globalThis as any).api.getParticipantsInfo());
      assert.deepEqual(info.map((p: { displayName: string }) => p.displayName).sort(), ['Embedded', 'Green']);

      // toggleAudio: the page hears the change, and Green sees the embedded participant muted.
      await page.evaluate(() => (globalThis as any).api.executeCommand('toggleAudio'));
      await waitHeard(page, 'the mute', (e) => e.name === 'audioMuteStatusChanged' && e.data.muted === true);
      assert.equal(await page.evaluate(() => (globalThis as any).api.isAudioMuted()), true);
      const greenSees = (id: string) =>
        green.page.evaluate((i) => (globalThis as any).parleyDebug.store.getState().participants[i]?.audioMuted, id);
      await poll('Green sees the embedded participant muted', async () => (await greenSees(embeddedId)) === true, T.ui);

      // Chat both ways.
      await page.evaluate(() => (globalThis as any).api.executeCommand('sendChatMessage', 'hello from the intranet'));
      await poll(
        'Green gets the message the page sent',
        () =>
          green.page.evaluate(() =>
            (globalThis as any).parleyDebug.store
              .getState()
              .chat.some((m: { text: string }) => m.text === 'hello from the intranet'),
          ),
        T.ui,
      );
      await green.page.getByTestId('toggle-chat').click();
      await green.page.getByTestId('chat-input').fill('hi embedded');
      await green.page.getByTestId('chat-send').click();
      const msg = await waitHeard(page, 'incomingMessage', (e) => e.name === 'incomingMessage');
      assert.deepEqual(
        { nick: msg.data.nick, message: msg.data.message, privateMessage: msg.data.privateMessage },
        { nick: 'Green', message: 'hi embedded', privateMessage: false },
      );

      // Hang up: the page hears it end; Green sees the tile go.
      await page.evaluate(() => (globalThis as any).api.executeCommand('hangup'));
      await waitHeard(page, 'videoConferenceLeft', (e) => e.name === 'videoConferenceLeft');
      await waitHeard(page, 'readyToClose', (e) => e.name === 'readyToClose');
      await poll(
        'the embedded tile leaves Green',
        async () => (await tileOf(green.page, embeddedId).count()) === 0,
        T.media,
      );
    });
  });

  test('only the configured origin may frame the app; /external_api.js loads cross-origin', async () => {
    const headers = await new Promise<Record<string, string | string[] | undefined>>((resolve, reject) =>
      request(`${suite.web.url}/some-room`, { rejectUnauthorized: false }, (res) => {
        res.resume();
        resolve(res.headers);
      })
        .on('error', reject)
        .end(),
    );
    assert.match(String(headers['content-security-policy']), new RegExp(`frame-ancestors 'self' ${siteOrigin}(;|$)`));
    assert.equal(headers['x-frame-options'], undefined, 'X-Frame-Options would forbid the embedding site');
    const api = await new Promise<Record<string, string | string[] | undefined>>((resolve, reject) =>
      request(`${suite.web.url}/external_api.js`, { rejectUnauthorized: false }, (res) => {
        res.resume();
        resolve(res.headers);
      })
        .on('error', reject)
        .end(),
    );
    assert.equal(api['cross-origin-resource-policy'], 'cross-origin');
  });
});

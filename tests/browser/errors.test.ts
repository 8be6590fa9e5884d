// What a user sees when the page cannot work: plain HTTP on a real name (no secure context), and
// a signaling URL where nothing answers.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCertificates, startWebServer } from '../../packages/web/src/server/index.js';
import {
  RED,
  T,
  checking,
  closeAll,
  deadPort,
  launchParticipant,
  plainHttpClient,
  roomName,
  type BrowserParticipant,
} from './harness.js';

describe('errors the user sees', () => {
  const ps: BrowserParticipant[] = [];
  after(async () => {
    await closeAll();
  });

  test('plain HTTP on a non-localhost name: the page explains that a secure context is needed', {
    timeout: 60_000,
  }, async () => {
    const http = await plainHttpClient();
    try {
      await checking(
        () => ps,
        async () => {
          const p = await launchParticipant({
            color: RED,
            name: 'Red',
            args: ['--host-resolver-rules=MAP parley.test 127.0.0.1'],
          });
          ps.push(p);
          await p.page.goto(`http://parley.test:${http.port}/${roomName('insecure')}`, { timeout: T.nav });
          assert.equal(
            await p.page.evaluate(() => (globalThis as any).isSecureContext),
            false,
            'precondition: not a secure context',
          );
          await p.page.getByTestId('error-insecure-context').waitFor({ timeout: T.ui });
          await p.close();
        },
      );
    } finally {
      await http.close();
    }
  });

  test('signaling unreachable: the page says so and names the URL that failed', { timeout: 60_000 }, async () => {
    const certDir = mkdtempSync(join(tmpdir(), 'parley-certs-'));
    const dead = await deadPort();
    const websocketUrl = `wss://127.0.0.1:${dead}/xmpp-websocket`;
    const boshUrl = `https://127.0.0.1:${dead}/http-bind`;
    const certs = await ensureCertificates(certDir, { hostnames: ['localhost'], addresses: ['127.0.0.1'] });
    const web = await startWebServer({
      host: '127.0.0.1',
      httpsPort: 0,
      httpPort: 0,
      xmppHttp: { host: '127.0.0.1', port: dead },
      domain: 'parley.test',
      tls: { cert: certs.certPem, key: certs.keyPem },
      // BOSH is the fallback: point it nowhere too, or the client would (rightly) get through.
      config: { websocketUrl, boshUrl },
    });
    try {
      await checking(
        () => ps,
        async () => {
          const p = await launchParticipant({
            color: RED,
            name: 'Red',
            url: `${web.url.replace(/\/$/, '')}/${roomName('nosignal')}`,
            join: false,
          });
          ps.push(p);
          await p.page.getByTestId('prejoin').waitFor();
          await p.page.getByTestId('name-input').fill('Red');
          await p.page.getByTestId('join-button').click();
          const error = p.page.getByTestId('error-signaling-failed');
          await error.waitFor({ timeout: T.join });
          const details = p.page.getByTestId('error-details');
          const text = `${await error.textContent()} ${(await details.count()) ? await details.textContent() : ''}`;
          assert.ok(
            text.includes(websocketUrl) || text.includes(boshUrl),
            `the error names the failing URL (${websocketUrl} or ${boshUrl}); it says: ${text}`,
          );
          await p.close();
        },
      );
    } finally {
      await web.close();
      rmSync(certDir, { recursive: true, force: true });
    }
  });
});

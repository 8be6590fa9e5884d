// The /doctor page (the user's side of the diagnosis): on a healthy stack every check passes except
// TURN (off); with UDP to the bridge blocked, the UDP media check fails with the firewall fix and
// the TCP one passes; opened over plain HTTP on a real name, the secure-context check fails with the fix.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import {
  GREEN,
  T,
  checking,
  closeAll,
  launchParticipant,
  plainHttpClient,
  screenshot,
  startWebStack,
  type BrowserParticipant,
  type WebStack,
} from './harness.js';

/** The whole run: secure context, devices, WebSocket, BOSH, UDP, TCP (10 s each at worst), TURN. */
const DOCTOR_MS = 90_000;

async function statuses(page: Page): Promise<Record<string, string>> {
  return page
    .getByTestId('doctor-check')
    .evaluateAll((els) =>
      Object.fromEntries(els.map((e: any) => [e.getAttribute('data-check'), e.getAttribute('data-status')])),
    );
}

async function openDoctor(url: string, args: string[] = []): Promise<BrowserParticipant> {
  const p = await launchParticipant({ color: GREEN, name: 'Doctor', args });
  await p.page.goto(url, { timeout: T.nav, waitUntil: 'domcontentloaded' });
  await p.page.getByTestId('doctor').waitFor({ timeout: T.ui });
  return p;
}

async function waitDone(page: Page): Promise<void> {
  await page.locator('[data-testid="doctor-summary"][data-done="true"]').waitFor({ timeout: DOCTOR_MS });
}

function check(page: Page, id: string) {
  return page.locator(`[data-testid="doctor-check"][data-check="${id}"]`);
}

describe('the /doctor page', () => {
  let web: WebStack;
  const ps: BrowserParticipant[] = [];
  before(async () => {
    web = await startWebStack();
  });
  after(async () => {
    await closeAll();
    await web?.close();
  });

  test('healthy stack: every check passes, TURN is skipped; the report can be copied', {
    timeout: 150_000,
  }, async () => {
    await checking(
      () => ps,
      async () => {
        const p = await openDoctor(`${web.url}/doctor`);
        ps.push(p);
        // The list is live: all seven checks are shown from the start.
        assert.equal(await p.page.getByTestId('doctor-check').count(), 7);
        await waitDone(p.page);
        assert.deepEqual(await statuses(p.page), {
          'secure-context': 'ok',
          devices: 'ok',
          websocket: 'ok',
          bosh: 'ok',
          'media-udp': 'ok',
          'media-tcp': 'ok',
          turn: 'skipped',
        });
        assert.match(await check(p.page, 'turn').innerText(), /--turn/);
        assert.match(await check(p.page, 'media-udp').innerText(), /udp .* -> 127\.0\.0\.1:\d+/);
        assert.match(await check(p.page, 'media-tcp').innerText(), /tcp .* -> 127\.0\.0\.1:\d+/);
        const summary = p.page.getByTestId('doctor-summary');
        assert.equal(await summary.getAttribute('data-problems'), '0');
        assert.match(await summary.innerText(), /Everything works/);
        // The bridge saw the doctor's endpoints come and go (session-terminate, MUC unavailable).
        const sfu = web.stack.sfu!;
        const rooms = [...sfu.bridge.conferences.values()].flatMap((c) => [...c.endpoints.values()]);
        assert.ok(rooms.length <= 2, `the doctor's test endpoints are leaving (${rooms.length} left)`);

        await p.page.setViewportSize({ width: 1000, height: 1150 });
        await screenshot(p.page, 'doctor.png');

        await p.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: web.url });
        await p.page.getByTestId('doctor-copy').click();
        let report = '';
        await p.page.waitForFunction(
          () => {
            const doc = (globalThis as any).document;
            return (
              doc.querySelector('[data-testid="doctor-report"]') ||
              /copied/i.test(doc.querySelector('[data-testid="doctor-copy"]')?.textContent ?? '')
            );
          },
          undefined,
          { timeout: T.ui },
        );
        report = (await p.page.getByTestId('doctor-report').count())
          ? await p.page.getByTestId('doctor-report').inputValue()
          : await p.page.evaluate(() => (globalThis as any).navigator.clipboard.readText());
        for (const line of [
          '[OK] Secure page (HTTPS)',
          '[OK] Audio and video over UDP',
          '[SKIPPED] Audio and video through TURN',
          'Everything works',
        ]) {
          assert.ok(report.includes(line), `the report has "${line}":\n${report}`);
        }
        assert.match(report, /detail: anonymous login as /);
        await p.close();
      },
      () => web.stack.logs,
    );
  });

  test('UDP to the bridge blocked: the UDP check fails with the firewall fix, the TCP check passes', {
    timeout: 150_000,
  }, async () => {
    web.stack.sfu!.port.faultsForTest.blockUdp = true;
    try {
      await checking(
        () => ps,
        async () => {
          const p = await openDoctor(`${web.url}/doctor`);
          ps.push(p);
          await waitDone(p.page);
          const s = await statuses(p.page);
          assert.equal(s['media-udp'], 'fail', JSON.stringify(s));
          assert.equal(s['media-tcp'], 'ok', JSON.stringify(s));
          assert.equal(s.websocket, 'ok');
          const udp = await check(p.page, 'media-udp').innerText();
          assert.match(udp, /firewall/i);
          assert.match(udp, new RegExp(`UDP to the meeting server on port ${web.stack.sfu!.port.udpPort}\\b`));
          assert.match(await check(p.page, 'media-tcp').innerText(), /tcp .* -> 127\.0\.0\.1:\d+/);
          assert.match(await p.page.getByTestId('doctor-summary').innerText(), /^1 problem/);
          await p.close();
        },
        () => web.stack.logs,
      );
    } finally {
      web.stack.sfu!.port.faultsForTest.blockUdp = false;
    }
  });
});

describe('the /doctor page over plain HTTP', () => {
  const ps: BrowserParticipant[] = [];
  after(async () => {
    await closeAll();
  });

  test('on http://parley.test the secure-context check fails and says to open https:// and trust the CA', {
    timeout: 120_000,
  }, async () => {
    const http = await plainHttpClient();
    try {
      await checking(
        () => ps,
        async () => {
          const p = await openDoctor(`http://parley.test:${http.port}/doctor`, [
            '--host-resolver-rules=MAP parley.test 127.0.0.1',
          ]);
          ps.push(p);
          assert.equal(
            await p.page.evaluate(() => (globalThis as any).isSecureContext),
            false,
            'precondition: not a secure context',
          );
          const secure = check(p.page, 'secure-context');
          await p.page
            .locator('[data-testid="doctor-check"][data-check="secure-context"][data-status="fail"]')
            .waitFor({ timeout: T.ui });
          const text = await secure.innerText();
          assert.match(text, new RegExp(`https://parley\\.test:${http.port}/doctor`));
          assert.match(text, /ca\.pem/);
          assert.equal(
            await secure.getByTestId('https-link').getAttribute('href'),
            `https://parley.test:${http.port}/doctor`,
          );
          assert.equal(await secure.getByTestId('ca-link').getAttribute('href'), '/ca.pem');
          await p.close();
        },
      );
    } finally {
      await http.close();
    }
  });
});

// Issue 19: a lib-jitsi-meet-like client (tests/browser/ljm-page, a test-only page bundled here with
// esbuild) and Parley's web client in one room, in Chromium, with video both ways, in both join
// orders. Then the Parley participant leaves: the ljm page applies the focus's source-remove the way
// lib-jitsi-meet does (the freed m-line rejected, port 0) without an error, and a third participant
// joining afterwards is still seen (on a new m-line).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import {
  BLUE,
  GREEN,
  RED,
  T,
  colorName,
  isColor,
  poll,
  tileOf,
  useWebStack,
  videoColor,
  waitForTileColor,
  type BrowserParticipant,
  type Rgb,
} from './harness.js';

const PAGE_ENTRY = fileURLToPath(new URL('./ljm-page/page.ts', import.meta.url));

interface LjmState {
  phase: string;
  error: string;
  nick: string;
  focusJid: string;
  focusMucJid: string;
  refusals: { from: string; reason: string; text: string }[];
  sourceErrors: string[];
  appliedSourceChanges: { action: string; sources: string[]; mids: string[] }[];
  accepted: boolean;
  bridgeChannel: string;
  bridgeMessagesSent: string[];
  log: string[];
  frames: string[];
  sdp: { offer: string; answer: string };
}

let bundle: Promise<string> | undefined;
/** The page's script, built once per run (esbuild, in memory). */
function pageScript(): Promise<string> {
  bundle ??= esbuild
    .build({
      entryPoints: [PAGE_ENTRY],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      target: 'chrome100',
      conditions: ['browser'],
      mainFields: ['browser', 'module', 'main'],
      logLevel: 'silent',
    })
    .then((r) => r.outputFiles[0].text);
  return bundle;
}

describe('a lib-jitsi-meet-like client and a Parley participant (Chromium)', () => {
  const suite = useWebStack();

  /**
   * Opens the ljm page (its camera BLUE): a page of the web stack's own origin whose /app.js is this
   * test's bundle. The document must come from the server itself: Chromium blocks a routed
   * (fulfilled) document from reaching 127.0.0.1 (ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS).
   */
  async function launchLjm(room: string, color: Rgb = BLUE): Promise<BrowserParticipant> {
    const p = await suite.launch({ color, name: 'Ljm' });
    const { url, stack } = suite.web;
    const script = await pageScript();
    await p.page.route(`${url}/app.js`, (route) =>
      route.fulfill({ status: 200, contentType: 'text/javascript', body: script }),
    );
    const q = new URLSearchParams({
      ws: `${url.replace(/^https:/, 'wss:')}/xmpp-websocket`,
      domain: stack.domain,
      muc: stack.mucDomain,
      focus: stack.focusJid,
      room,
    });
    await p.page.goto(`${url}/ljm-test-page?${q}`, { timeout: T.nav });
    await poll(
      'the ljm page is in the conference (session-accept taken)',
      async () => {
        const s = await ljmState(p);
        if (s.phase === 'failed') throw new Error(`ljm page failed: ${s.error}`);
        return s.accepted;
      },
      2 * T.join,
    );
    return p;
  }

  const ljmState = (p: BrowserParticipant): Promise<LjmState> =>
    p.page.evaluate(() => {
      const s = (globalThis as any).ljm;
      return JSON.parse(JSON.stringify(s ?? { phase: 'no window.ljm' }));
    });

  /** The ljm page shows `owner`'s camera in `expected` colour, and getStats has decoded frames of it. */
  async function ljmSees(ljm: BrowserParticipant, owner: string, expected: Rgb): Promise<void> {
    const video = ljm.page.locator(`video[data-owner="${owner}"]`);
    let seen: Rgb | undefined;
    await poll(
      `the ljm page shows ${owner}'s video in ${colorName(expected)}`,
      async () => {
        seen = await videoColor(video, 5000);
        return isColor(seen, expected);
      },
      T.media,
      300,
    ).catch((err: Error) => {
      throw new Error(`${err.message.split(' (last')[0]}: last seen ${seen ? colorName(seen) : 'no frame'}`);
    });
    await poll('the ljm page has decoded frames with a height (getStats inbound-rtp frameHeight > 0)', async () => {
      const inbound: { frameHeight: number; framesDecoded: number }[] = await ljm.page.evaluate(() =>
        (globalThis as any).ljm.inboundVideo(),
      );
      return inbound.some((v) => v.frameHeight > 0 && v.framesDecoded > 0);
    });
  }

  async function leaveAndCheckRemoval(ljm: BrowserParticipant, leaver: BrowserParticipant, leaverId: string) {
    await leaver.page.getByTestId('leave').click();
    const s = await poll(
      `the ljm page applied the source-remove of ${leaver.name} (${leaverId})`,
      async () => {
        const s = await ljmState(ljm);
        if (s.sourceErrors.length) return s;
        return s.appliedSourceChanges.some(
          (c) => c.action === 'source-remove' && c.sources.some((n) => n.startsWith(`${leaverId}-`)),
        )
          ? s
          : undefined;
      },
      T.join,
    );
    assert.deepEqual(s.sourceErrors, [], 'lib-jitsi-meet applies the source-remove without an error');
    const removal = s.appliedSourceChanges.find((c) => c.action === 'source-remove')!;
    const lines: { mid: string; port: number; direction: string; ssrcs: number[] }[] = await ljm.page.evaluate(() =>
      (globalThis as any).ljm.remoteMLines(),
    );
    for (const mid of removal.mids) {
      const m = lines.find((l) => l.mid === mid);
      assert.ok(m, `m-line ${mid} is still in the remote description`);
      assert.equal(m.port, 0, `the freed m-line ${mid} is rejected (port 0)`);
      assert.deepEqual(m.ssrcs, [], `the freed m-line ${mid} has no ssrcs`);
    }
    assert.equal(await ljm.page.locator(`video[data-owner="${leaverId}"]`).count(), 0, "the leaver's video is gone");
  }

  async function meet(order: 'parley-first' | 'ljm-first') {
    const link = suite.link('ljm');
    const room = new URL(link).pathname.slice(1);
    let red: BrowserParticipant;
    let ljm: BrowserParticipant;
    if (order === 'parley-first') {
      red = await suite.launch({ color: RED, name: 'Red', url: link });
      ljm = await launchLjm(room);
    } else {
      ljm = await launchLjm(room);
      red = await suite.launch({ color: RED, name: 'Red', url: link });
    }
    const redId = await red.endpointId();
    const s = await ljmState(ljm);
    // The focus is recognised the way lib-jitsi-meet does it, and its offer was taken, not declined.
    assert.equal(s.focusMucJid, `${room}@${suite.web.stack.mucDomain}/focus`);
    assert.deepEqual(s.refusals, []);
    await waitForTileColor(red.page, tileOf(red.page, s.nick), BLUE);
    await ljmSees(ljm, redId, RED);
    const sent = (await ljmState(ljm)).bridgeMessagesSent;
    for (const c of ['SourceVideoTypeMessage', 'ReceiverVideoConstraints'])
      assert.ok(sent.includes(c), `the ljm page sent ${c} on the bridge channel (sent: ${[...new Set(sent)]})`);

    // The bridge took every bridge channel message the ljm page sent.
    const refused = suite.web.stack.logs.filter((l) => l.includes('bridge_channel.bad_message') && l.includes(s.nick));
    assert.deepEqual(refused, [], 'the bridge refused none of the ljm bridge channel messages');

    await leaveAndCheckRemoval(ljm, red, redId);

    // A third participant after the freed m-line: a new m-line, seen both ways.
    const green = await suite.launch({ color: GREEN, name: 'Green', url: link });
    const greenId = await green.endpointId();
    await waitForTileColor(green.page, tileOf(green.page, s.nick), BLUE);
    await ljmSees(ljm, greenId, GREEN);
    assert.deepEqual((await ljmState(ljm)).sourceErrors, []);
  }

  for (const order of ['parley-first', 'ljm-first'] as const) {
    test(`${order}: video both ways; the Parley participant leaves; a third is still seen`, { timeout: 240_000 }, () =>
      suite.checking(async () => {
        try {
          await meet(order);
        } catch (err) {
          const ljm = suite.ps.find((p) => p.name === 'Ljm');
          if (ljm && !ljm.page.isClosed()) {
            const s = await ljmState(ljm).catch(() => undefined);
            if (s)
              (err as Error).message +=
                `\n--- ljm page log ---\n${s.log.join('\n')}\n--- its last XMPP frames ---\n${s.frames.slice(-30).join('\n')}\nsourceErrors: ${JSON.stringify(s.sourceErrors)}\n--- first offer ---\n${s.sdp.offer}\n--- answer ---\n${s.sdp.answer}`;
          }
          throw err;
        }
      }),
    );
  }
});

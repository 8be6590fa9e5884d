// A short network drop: Green's WebSocket is closed abruptly (window.parleyDebug.dropConnectionForTest()).
// Green never leaves the meeting screen; within 30 s the others see Green's colour again and
// Green sees theirs, over a new Jingle session (new peer connection, no stale remote tracks).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import {
  BLUE,
  GREEN,
  RED,
  expectSeesExactly,
  poll,
  tileOf,
  waitForRemoteAudio,
  waitForTileColor,
  useWebStack,
  type BrowserParticipant,
} from './harness.js';

const RECOVER_MS = 30_000;

/**
 * Remote tiles by key: whether their video track is one marked earlier by markRemoteTracks (the
 * track ids come from the focus's msid, so a new receiver's track can have the old id: the track
 * objects are marked instead) and whether it is live.
 */
const remoteTracks = (page: Page) =>
  page.evaluate(() => {
    const s = (globalThis as any).parleyDebug.store.getState();
    const out: Record<string, { old: boolean; live: boolean } | null> = {};
    for (const t of s.tiles) {
      if (t.isLocal) continue;
      const v = t.stream?.getVideoTracks()[0];
      out[t.key] = v ? { old: !!v.__parleyOld, live: v.readyState === 'live' } : null;
    }
    return out;
  });

const markRemoteTracks = (page: Page) =>
  page.evaluate(() => {
    const s = (globalThis as any).parleyDebug.store.getState();
    for (const t of s.tiles) if (!t.isLocal) for (const v of t.stream?.getVideoTracks() ?? []) v.__parleyOld = true;
  });

/** The tile's <video> decodes new frames (not a frozen last frame): `n` more within 3 s. */
async function framesFlow(page: Page, participantId: string, n = 10): Promise<boolean> {
  return tileOf(page, participantId)
    .getByTestId('tile-video')
    .evaluate(async (el: any, n: number) => {
      const f0 = el.getVideoPlaybackQuality().totalVideoFrames;
      const deadline = Date.now() + 3000;
      while (Date.now() < deadline) {
        if (el.getVideoPlaybackQuality().totalVideoFrames >= f0 + n) return true;
        await new Promise((r) => setTimeout(r, 100));
      }
      return false;
    }, n);
}

describe('reconnecting after a network drop', () => {
  const suite = useWebStack();

  test('Green drops its connection: it stays in the meeting and everyone sees everyone again within 30 s', {
    timeout: 150_000,
  }, async () => {
    const link = suite.link('reconnect');
    await suite.checking(async () => {
      for (const [color, name] of [
        [RED, 'Red'],
        [GREEN, 'Green'],
        [BLUE, 'Blue'],
      ] as const)
        await suite.launch({ color, name, url: link });
      const [red, green, blue] = suite.ps as [BrowserParticipant, BrowserParticipant, BrowserParticipant];
      const ids = await Promise.all(suite.ps.map((p) => p.endpointId()));
      const who = suite.ps.map((p, i) => ({ id: ids[i]!, color: p.color, name: p.name }));
      for (const [i, p] of suite.ps.entries())
        await expectSeesExactly(
          p,
          who.filter((_, j) => j !== i),
          ids[i]!,
        );
      const greenId = ids[1]!;
      await markRemoteTracks(green.page);
      const before = await remoteTracks(green.page);
      assert.equal(Object.keys(before).length, 2);

      // Green's page watches itself: the meeting screen must never go away, no error screen.
      await green.page.evaluate(() => {
        const w = globalThis as any;
        w.__parleyWatch = { leftMeeting: [] as string[], reconnecting: false };
        w.__parleyWatchTimer = setInterval(() => {
          const d = w.document;
          const err = d.querySelector('[data-testid^="error-"]');
          if (!d.querySelector('[data-testid="meeting"]') || err)
            w.__parleyWatch.leftMeeting.push(
              err ? String(err.getAttribute('data-testid')) : `phase ${w.parleyDebug.store.getState().phase}`,
            );
          if (d.querySelector('[data-testid="reconnecting"]')) w.__parleyWatch.reconnecting = true;
        }, 50);
      });
      // Red and Blue note what they see of Green meanwhile (for the log: leave/rejoin, new track).
      for (const p of [red, blue]) {
        await p.page.evaluate((gid: string) => {
          const w = globalThis as any;
          const s0 = w.parleyDebug.store.getState();
          const track0 = s0.tiles.find((t: any) => t.participantId === gid)?.stream?.getVideoTracks()[0];
          w.__parleySeen = { gone: false, newTrack: false };
          w.parleyDebug.store.subscribe((s: any) => {
            if (!s.participants[gid]) w.__parleySeen.gone = true;
            const t = s.tiles.find((x: any) => x.participantId === gid)?.stream?.getVideoTracks()[0];
            if (t && t !== track0) w.__parleySeen.newTrack = true;
          });
        }, greenId);
      }
      const dropped = Date.now();
      await green.page.evaluate(() => (globalThis as any).parleyDebug.dropConnectionForTest());

      // Green: a new session, its remote tiles carry new tracks, in the right colours.
      await poll(
        "Green's remote tiles carry new tracks (a new session)",
        async () => {
          const now = await remoteTracks(green.page);
          const keys = Object.keys(now);
          return keys.length === 2 && keys.every((k) => now[k] && !now[k]!.old && now[k]!.live)
            ? now
            : JSON.stringify(now) && false;
        },
        RECOVER_MS,
      );
      for (const [i, o] of [
        [0, red],
        [2, blue],
      ] as const) {
        await waitForTileColor(green.page, tileOf(green.page, ids[i]!), o.color, RECOVER_MS - (Date.now() - dropped));
      }
      // Red and Blue: Green's tile in green again (fresh frames).
      for (const p of [red, blue]) {
        await waitForTileColor(
          p.page,
          tileOf(p.page, greenId),
          GREEN,
          Math.max(5000, RECOVER_MS - (Date.now() - dropped)),
        ).catch((err: Error) => {
          throw new Error(`${p.name} should show Green's tile in green again: ${err.message}`);
        });
      }
      for (const p of [red, blue]) {
        await poll(`${p.name} decodes fresh frames from Green`, () => framesFlow(p.page, greenId), 10_000, 100);
      }
      await poll(
        'Green decodes fresh frames from Red and Blue',
        async () => (await framesFlow(green.page, ids[0]!)) && framesFlow(green.page, ids[2]!),
        10_000,
        100,
      );
      const took = Date.now() - dropped;
      const seen = await Promise.all(
        [red, blue].map((p) => p.page.evaluate(() => JSON.stringify((globalThis as any).__parleySeen))),
      );
      assert.ok(took <= RECOVER_MS + 5000, `recovered in ${took} ms`);
      // Everything as before: exactly the right tiles, colours and audio, on every page.
      for (const [i, p] of suite.ps.entries())
        await expectSeesExactly(
          p,
          who.filter((_, j) => j !== i),
          ids[i]!,
        );
      await waitForRemoteAudio(green.page, 2);
      const watch = await green.page.evaluate(() => {
        const w = globalThis as any;
        clearInterval(w.__parleyWatchTimer);
        return w.__parleyWatch as { leftMeeting: string[]; reconnecting: boolean };
      });
      assert.deepEqual(watch.leftMeeting.slice(0, 5), [], 'Green never left the meeting screen');
      assert.equal(await green.page.getByTestId('reconnecting').count(), 0, 'the reconnecting banner is gone');
      const state = await green.page.evaluate(() => (globalThis as any).parleyDebug.store.getState().phase);
      assert.equal(state, 'in-meeting');
      console.log(
        `recovered in ${took} ms; reconnecting banner seen: ${watch.reconnecting}; Red/Blue saw of Green: ${seen.join(' ')}`,
      );
    });
  });
});

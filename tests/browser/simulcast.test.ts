// Simulcast from the browser: Chromium sends its camera as three layers (SSRC simulcast, SIM + FID
// groups munged into the answer), the video quality setting turns layers off (and on again), and
// the other participant still sees the camera. Read from the sender's own getStats(). Then the
// layer each receiver gets: a stage tile at the high layer, thumbnails at the low one (the bridge
// picks from the ReceiverVideoConstraints the client derives from its layout).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { BLUE, GREEN, RED, T, YELLOW, poll, tileOf, useWebStack, waitForTileColor } from './harness.js';

interface Layer {
  ssrc: number;
  height: number;
  frames: number;
  active: boolean;
}

/** The camera's outbound video streams (the sender's getStats()), lowest first. */
async function outboundLayers(page: Page): Promise<Layer[]> {
  return page.evaluate(async () => {
    const report: Map<string, any> = await (globalThis as any).parleyDebug.getStats();
    const out: { ssrc: number; height: number; frames: number; active: boolean }[] = [];
    for (const r of report.values())
      if (r.type === 'outbound-rtp' && r.kind === 'video')
        out.push({
          ssrc: r.ssrc,
          height: r.frameHeight ?? 0,
          frames: r.framesEncoded ?? 0,
          active: r.active !== false,
        });
    return out.sort((a, b) => a.height - b.height);
  });
}

/**
 * Polls until exactly `count` layers are being encoded: active, and their frames encoded grew since
 * the previous read (a layer turned off keeps its last frameHeight and count).
 */
async function waitForEncodingLayers(page: Page, count: number, what: string): Promise<Layer[]> {
  let prev = new Map<number, number>();
  let running: Layer[] = [];
  await poll(
    what,
    async () => {
      const now = await outboundLayers(page);
      const first = prev.size === 0;
      running = now.filter((l) => l.active && l.frames > (prev.get(l.ssrc) ?? Number.POSITIVE_INFINITY));
      prev = new Map(now.map((l) => [l.ssrc, l.frames]));
      return !first && running.length === count;
    },
    T.media * 2,
    1000,
  ).catch((err: Error) => {
    throw new Error(`${err.message}; encoding: ${JSON.stringify(running)}`);
  });
  return running;
}

/** The frameHeight getStats() reports for the track each remote camera tile plays, by endpoint id. */
async function receivedHeights(page: Page): Promise<Record<string, number>> {
  return page.evaluate(async () => {
    const report: Map<string, any> = await (globalThis as any).parleyDebug.getStats();
    const byTrack = new Map<string, number>();
    for (const r of report.values())
      if (r.type === 'inbound-rtp' && r.kind === 'video' && r.trackIdentifier)
        byTrack.set(r.trackIdentifier, r.frameHeight ?? 0);
    const out: Record<string, number> = {};
    const doc = (globalThis as any).document;
    for (const tile of doc.querySelectorAll('[data-testid="tile"][data-local="false"][data-video-type="camera"]')) {
      const track = tile.querySelector('video')?.srcObject?.getVideoTracks()[0];
      out[tile.dataset.participant] = track ? (byTrack.get(track.id) ?? 0) : 0;
    }
    return out;
  });
}

async function chooseQuality(page: Page, quality: string): Promise<void> {
  await page.getByTestId('toggle-settings').click();
  await page.getByTestId('video-quality').selectOption(quality);
  await page.keyboard.press('Escape');
}

describe('simulcast in the browser', () => {
  const suite = useWebStack();

  test('a 720p camera is sent as 3 layers of distinct heights; the quality setting turns layers off', {
    timeout: 240_000,
  }, async () => {
    const link = suite.link('simulcast');
    await suite.checking(async () => {
      const green = await suite.launch({
        color: GREEN,
        name: 'Green',
        url: link,
        camera: { width: 1280, height: 720 },
      });
      const red = await suite.launch({ color: RED, name: 'Red', url: link });
      const greenId = await green.endpointId();
      await waitForTileColor(red.page, tileOf(red.page, greenId), GREEN, T.media * 2);

      // Chromium turns the upper layers on as its bandwidth estimate grows: a bounded wait.
      let layers: Layer[] = [];
      await poll(
        'Green sends 3 video layers of distinct heights',
        async () => {
          layers = (await outboundLayers(green.page)).filter((l) => l.active && l.height > 0 && l.frames > 0);
          return new Set(layers.map((l) => l.height)).size === 3;
        },
        T.media * 3,
        500,
      ).catch((err: Error) => {
        throw new Error(`${err.message}; last read: ${JSON.stringify(layers)}`);
      });
      const heights = layers.map((l) => l.height);
      assert.ok(heights[0]! < heights[1]! && heights[1]! < heights[2]!, `heights ${heights.join(' < ')}`);
      assert.ok(heights[2]! > 360, `the top layer is larger than 360p: ${heights.join(', ')}`);

      // "Low definition": only the lowest layer is encoded; "Audio only": none; "High": all three.
      for (const [quality, count] of [
        ['low', 1],
        ['audio-only', 0],
        ['high', 3],
      ] as const) {
        await chooseQuality(green.page, quality);
        const now = await waitForEncodingLayers(green.page, count, `with "${quality}" Green encodes ${count} layer(s)`);
        if (count === 1) assert.equal(now[0]!.height, heights[0], 'the layer left on is the lowest');
      }
      // Red sees Green again once all layers are back.
      await waitForTileColor(red.page, tileOf(red.page, greenId), GREEN, T.media * 2);
      // Red goes audio only: the bridge stops forwarding Green's video, and Red's tile of Green shows
      // the avatar and "Video paused" instead of the last frame; back to high, Green's colour returns.
      await chooseQuality(red.page, 'audio-only');
      await tileOf(red.page, greenId).getByTestId('tile-video-paused').waitFor({ timeout: T.media });
      await tileOf(red.page, greenId).getByTestId('tile-avatar').waitFor({ timeout: T.ui });
      await chooseQuality(red.page, 'high');
      await waitForTileColor(red.page, tileOf(red.page, greenId), GREEN, T.media * 2);
    });
  });

  // Three senders encoding 720p besides the receiver is more than the 2-core test machine carries
  // (ICE timed out, Chromium's estimate stayed at the lowest layer): the senders' cameras are 640x360,
  // which Chromium sends as two layers, 180p and 360p; the receiver sends no video.
  // Not yet passing on 2 cores (docs/architecture.md, "Not yet"): run it with PARLEY_SIMULCAST_STAGE=1.
  test('a receiver with one stage tile and three thumbnails gets the stage at the top layer, the others at the lowest', {
    timeout: 300_000,
    skip:
      process.env.PARLEY_SIMULCAST_STAGE === '1'
        ? false
        : 'four Chromiums on 2 cores: the senders never reach their 360p layer (set PARLEY_SIMULCAST_STAGE=1 to run)',
  }, async () => {
    const link = suite.link('layers');
    const camera = { width: 640, height: 360 };
    await suite.checking(async () => {
      const red = await suite.launch({ color: RED, name: 'Red', url: link, muted: { video: true } });
      const senders = [];
      for (const [color, name] of [
        [GREEN, 'Green'],
        [BLUE, 'Blue'],
        [YELLOW, 'Yellow'],
      ] as const)
        senders.push(await suite.launch({ color, name, url: link, camera, viewport: { width: 640, height: 400 } }));
      const [greenId, blueId, yellowId] = await Promise.all(senders.map((p) => p.endpointId()));
      for (const [id, color] of [
        [greenId!, GREEN],
        [blueId!, BLUE],
        [yellowId!, YELLOW],
      ] as const)
        await waitForTileColor(red.page, tileOf(red.page, id), color, T.media * 2);
      // Red pins Green: stage view, Green large, Blue, Yellow and Red's own tile in the filmstrip.
      await tileOf(red.page, greenId!).click();
      await red.page.locator(`.stage-tile[data-participant="${greenId}"]`).waitFor({ timeout: T.media });
      let heights: Record<string, number> = {};
      await poll(
        'Red receives Green (stage) at 360p and Blue and Yellow (thumbnails) at 180p',
        async () => {
          heights = await receivedHeights(red.page);
          return heights[greenId!] === 360 && heights[blueId!] === 180 && heights[yellowId!] === 180;
        },
        T.media * 4,
        1000,
      ).catch((err: Error) => {
        throw new Error(`${err.message}; Red's frameHeight by sender: ${JSON.stringify(heights)}`);
      });
    });
  });
});

// In-call device settings: the gear opens a panel listing the fake devices; switching the
// microphone and camera mid-call keeps the mute state, the self view follows the new camera
// track, and the others still see the colour and hear the beeps.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { GREEN, RED, T, localTile, poll, remoteAudioLevel, tileOf, waitForTileColor, useWebStack } from './harness.js';

/** The store's devices and local tracks, and which tracks the peer connection sends (media-source stats). */
async function localMedia(page: Page) {
  return page.evaluate(async () => {
    const dbg = (globalThis as any).parleyDebug;
    const s = dbg.store.getState();
    const sent: Record<string, string> = {};
    (await dbg.getStats())?.forEach((r: any) => {
      if (r.type === 'media-source' && r.trackIdentifier) sent[r.kind] = r.trackIdentifier;
    });
    const a = s.localStream?.getAudioTracks()[0];
    const v = s.localStream?.getVideoTracks()[0];
    const video = (globalThis as any).document.querySelector(
      '[data-testid="tile"][data-local="true"] [data-testid="tile-video"]',
    );
    return {
      audioInputs: s.devices.audioInputs.map((d: any) => d.deviceId) as string[],
      videoInputs: s.devices.videoInputs.map((d: any) => d.deviceId) as string[],
      audioOutputs: s.devices.audioOutputs.map((d: any) => d.deviceId) as string[],
      audioInputId: s.devices.audioInputId as string | undefined,
      videoInputId: s.devices.videoInputId as string | undefined,
      audioMuted: s.audioMuted as boolean,
      audio: a ? { id: a.id as string, enabled: a.enabled as boolean, live: a.readyState === 'live' } : null,
      video: v ? { id: v.id as string, enabled: v.enabled as boolean, live: v.readyState === 'live' } : null,
      selfViewTrack: (video?.srcObject?.getVideoTracks?.()[0]?.id ?? null) as string | null,
      sent,
    };
  });
}

const optionValues = (page: Page, testid: string) =>
  page
    .getByTestId(testid)
    .locator('option')
    .evaluateAll((os) => os.map((o: any) => String(o.value)));

/** Waits until this page's received audio energy grows by more than `delta` (fresh beeps, not old totals). */
async function hearsMore(page: Page, what: string, delta = 0.01): Promise<void> {
  const start = (await remoteAudioLevel(page)).energy;
  await poll(what, async () => (await remoteAudioLevel(page)).energy > start + delta, T.media, 400);
}

describe('in-call device settings', () => {
  const suite = useWebStack();

  test('the settings panel lists the devices; switching mic and camera mid-call keeps mute and the others still see and hear', {
    timeout: 120_000,
  }, async () => {
    const link = suite.link('settings');
    await suite.checking(async () => {
      const red = await suite.launch({ color: RED, name: 'Red', url: link });
      const green = await suite.launch({ color: GREEN, name: 'Green', url: link });
      const greenId = await green.endpointId();
      const greenTile = tileOf(red.page, greenId);
      await waitForTileColor(red.page, greenTile, GREEN);
      await hearsMore(red.page, 'Red hears Green before the switch');

      // The gear opens the panel; its selects list the store's (Chromium's fake) devices.
      const gear = green.page.getByTestId('toggle-settings');
      assert.equal(await gear.getAttribute('aria-pressed'), 'false');
      await gear.click();
      const panel = green.page.getByTestId('settings-panel');
      await panel.waitFor({ timeout: T.ui });
      assert.equal(await gear.getAttribute('aria-pressed'), 'true');
      const before = await localMedia(green.page);
      assert.ok(
        before.audioInputs.length >= 1 && before.videoInputs.length >= 1,
        `fake devices listed: ${JSON.stringify(before)}`,
      );
      assert.deepEqual(await optionValues(green.page, 'device-audioinput'), before.audioInputs);
      assert.deepEqual(await optionValues(green.page, 'device-videoinput'), before.videoInputs);
      assert.equal(await green.page.getByTestId('device-audioinput').inputValue(), before.audioInputId);
      assert.equal(await green.page.getByTestId('device-videoinput').inputValue(), before.videoInputId);
      assert.equal(before.sent.audio, before.audio?.id, 'the microphone track is the one sent');
      assert.equal(before.sent.video, before.video?.id, 'the camera track is the one sent');

      // Escape closes the panel, a click outside closes it too.
      await green.page.keyboard.press('Escape');
      await panel.waitFor({ state: 'detached', timeout: T.ui });
      await gear.click();
      await panel.waitFor({ timeout: T.ui });
      await green.page.locator('.video-area').click({ position: { x: 5, y: 5 } });
      await panel.waitFor({ state: 'detached', timeout: T.ui });
      // A click on another toolbar button is outside too: the panel is reopened after each.
      const openSettings = async () => {
        if (!(await panel.isVisible())) await gear.click();
        await panel.waitFor({ timeout: T.ui });
      };

      // Microphone, while muted: the other fake input if there are two, else the same one again.
      await green.page.getByTestId('toggle-audio').click();
      await greenTile.getByTestId('tile-audio-muted').waitFor({ timeout: T.ui });
      const mic =
        before.audioInputs.find((id) => id !== before.audioInputId && id !== 'default' && id !== 'communications') ??
        before.audioInputId!;
      await openSettings();
      await green.page.getByTestId('device-audioinput').selectOption(mic);
      const afterMic = await poll(
        'the new microphone track is in use',
        async () => {
          const m = await localMedia(green.page);
          return m.audio && m.audio.id !== before.audio!.id && m.sent.audio === m.audio.id ? m : undefined;
        },
        T.ui,
      );
      assert.equal(afterMic.audioMuted, true, 'still muted after the switch');
      assert.equal(afterMic.audio!.enabled, false, 'the new microphone track is muted (disabled)');
      assert.ok(afterMic.audio!.live, 'the new microphone track is live');
      assert.equal(afterMic.audioInputId, mic);
      assert.equal(await green.page.getByTestId('device-audioinput').inputValue(), mic);
      assert.equal(await greenTile.getByTestId('tile-audio-muted').count(), 1, 'Red still shows Green muted');
      await green.page.getByTestId('toggle-audio').click();
      await greenTile.getByTestId('tile-audio-muted').waitFor({ state: 'detached', timeout: T.ui });
      await hearsMore(red.page, 'Red hears Green after the microphone switch');

      // Camera: the one fake camera (the colour file), selected again: a new track.
      const cam = before.videoInputs.find((id) => id !== before.videoInputId) ?? before.videoInputId!;
      await openSettings();
      await green.page.getByTestId('device-videoinput').selectOption(cam);
      const afterCam = await poll(
        'the new camera track is in use and in the self view',
        async () => {
          const m = await localMedia(green.page);
          return m.video &&
            m.video.id !== before.video!.id &&
            m.sent.video === m.video.id &&
            m.selfViewTrack === m.video.id
            ? m
            : undefined;
        },
        T.ui,
      );
      assert.ok(afterCam.video!.enabled && afterCam.video!.live);
      assert.equal(afterCam.audio!.id, afterMic.audio!.id, 'the microphone is kept when the camera changes');
      await waitForTileColor(green.page, localTile(green.page), GREEN);
      await waitForTileColor(red.page, greenTile, GREEN);
      await hearsMore(red.page, 'Red still hears Green after the camera switch');

      // Camera switch while the camera is off: stays off (avatar at Red), then on again in colour.
      await green.page.getByTestId('toggle-video').click();
      await greenTile.getByTestId('tile-video-muted').waitFor({ timeout: T.ui });
      await openSettings();
      await green.page.getByTestId('device-videoinput').selectOption(cam);
      const offCam = await poll(
        'the camera track is replaced while off',
        async () => {
          const m = await localMedia(green.page);
          return m.video && m.video.id !== afterCam.video!.id && m.sent.video === m.video.id ? m : undefined;
        },
        T.ui,
      );
      assert.equal(offCam.video!.enabled, false, 'the new camera track stays off');
      assert.equal(await greenTile.getByTestId('tile-video-muted').count(), 1, 'Red still shows Green camera off');
      await green.page.getByTestId('toggle-video').click();
      await greenTile.getByTestId('tile-video-muted').waitFor({ state: 'detached', timeout: T.ui });
      await waitForTileColor(red.page, greenTile, GREEN);

      await openSettings();
      // Speaker: the hidden <audio> elements follow the choice where setSinkId exists.
      const outputs = await optionValues(green.page, 'device-audiooutput');
      assert.equal(outputs[0], '', 'the first speaker option is the system default');
      const supported = await green.page.evaluate(() => 'setSinkId' in (globalThis as any).HTMLMediaElement.prototype);
      assert.equal(await green.page.getByTestId('device-audiooutput').isDisabled(), !supported);
      const speaker = outputs[1];
      if (supported && speaker) {
        await green.page.getByTestId('device-audiooutput').selectOption(speaker);
        await poll(
          'every remote <audio> plays on the chosen speaker',
          async () => {
            const sinks = await green.page
              .locator('audio.remote-audio')
              .evaluateAll((els) => els.map((e: any) => String(e.sinkId)));
            return sinks.length > 0 && sinks.every((s) => s === speaker);
          },
          T.ui,
        );
        await hearsMore(green.page, 'Green still receives Red after the speaker change');
      }
      await green.page.keyboard.press('Escape');
      await panel.waitFor({ state: 'detached', timeout: T.ui });
      assert.equal(await gear.getAttribute('aria-pressed'), 'false');
      console.log(
        `devices: ${JSON.stringify({ audioInputs: before.audioInputs.length, videoInputs: before.videoInputs.length, audioOutputs: outputs.length - 1, mic, speakerChosen: supported && !!speaker })}`,
      );
    });
  });
});

// Recording at the bridge (issue 17) in three browsers: a non-moderator's start is refused by the
// focus; the moderator starts it from the participants panel, everyone sees the indicator and a chat
// notice; ~10 s later the moderator stops it. On disk: one WebM per participant (VP8 + Opus as sent,
// the length the bridge says it recorded, each in its sender's colour), manifest.json, and the
// composed MP4 (H.264 + AAC) with all three colours in its grid and audible audio.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { frameColour, meanVolume, probe, requireFfmpeg, type RecordingManifest } from '@parley/bridge';
import {
  type BrowserParticipant,
  colorName,
  isColor,
  poll,
  type Rgb,
  T,
  threeMeet,
  useWebStack,
  startWebStack,
  openParticipants,
  chatNotices,
} from './harness.js';

const RECORD_MS = 10_000;

async function indicatorOnEverywhere(ps: BrowserParticipant[], on: boolean): Promise<void> {
  for (const p of ps)
    await poll(
      `${p.name} ${on ? 'shows' : 'no longer shows'} the recording indicator`,
      async () => (await p.page.getByTestId('recording-indicator').count()) > 0 === on,
      T.ui * 2,
    );
}

describe('recording at the bridge', () => {
  const suite = useWebStack({ start: () => startWebStack({ bridge: { recordingMinFreeMb: 1 } }) });

  test('a moderator records three participants: per-participant WebMs, manifest, composed MP4', {
    timeout: 600_000,
  }, async () => {
    requireFfmpeg();
    const link = suite.link('recording');
    const ps = await threeMeet(link, () => suite.web.stack.logs);
    suite.ps.push(...ps);
    const [red, green, blue] = ps;
    const ids = await Promise.all(ps.map((p) => p.endpointId()));
    const colourOf = new Map<string, Rgb>(ids.map((id, i) => [id, ps[i].color]));
    await suite.checking(async () => {
      // Green is no moderator: its request goes to the focus anyway (no button needed) and is refused there.
      await green.page.evaluate(() => (globalThis as any).parleyDebug.store.actions.setRecording(true));
      await poll(
        'Green is told the recording could not start',
        async () => (await chatNotices(green.page)).some((n) => /could not start.*forbidden|only a moderator/i.test(n)),
        T.ui * 2,
      );
      assert.equal(await red.page.getByTestId('recording-indicator').count(), 0, 'nothing started');

      await openParticipants(green.page);
      assert.equal(await green.page.getByTestId('recording-toggle').count(), 0, 'no recording button for Green');
      await openParticipants(red.page);
      await red.page.getByTestId('recording-toggle').click();
      await indicatorOnEverywhere(ps, true);
      const started = Date.now();
      for (const p of ps)
        await poll(
          `${p.name} has the "recording started" notice`,
          async () => (await chatNotices(p.page)).some((n) => /Recording started by/.test(n)),
          T.ui,
        );

      // Record for ~10 s: a wait on the clock is what this test is about, bounded by the indicator staying on.
      await poll('10 s of recording', async () => Date.now() - started >= RECORD_MS, RECORD_MS + T.ui);
      assert.equal(await blue.page.getByTestId('recording-indicator').count(), 1, 'still recording');
      await red.page.getByTestId('recording-toggle').click();
      await indicatorOnEverywhere(ps, false);
      for (const p of ps)
        await poll(
          `${p.name} has the "recording stopped" notice`,
          async () => (await chatNotices(p.page)).some((n) => /Recording stopped by/.test(n)),
          T.ui,
        );
    });

    // The folder: <recordings>/<room>/<timestamp>/ with the manifest; composing runs after the stop.
    const root = suite.web.stack.recordingsDir!;
    let dir = '';
    let manifest: RecordingManifest | undefined;
    await poll(
      'the composed file is made (manifest.composed)',
      async () => {
        const { readdirSync } = await import('node:fs');
        const rooms = readdirSync(root);
        if (rooms.length !== 1) return false;
        const stamps = readdirSync(join(root, rooms[0]));
        dir = join(root, rooms[0], stamps[0] ?? '');
        if (!existsSync(join(dir, 'manifest.json'))) return false;
        manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as RecordingManifest;
        return manifest.composed === 'composed.mp4';
      },
      180_000,
    );
    const m = manifest!;
    assert.equal(m.stopReason, 'requested');
    assert.deepEqual(m.participants.map((p) => p.endpointId).sort(), [...ids].sort(), 'one file per participant');
    assert.deepEqual(m.participants.map((p) => p.displayName).sort(), ['Blue', 'Green', 'Red'], 'names from the focus');

    for (const p of m.participants) {
      const file = join(dir, p.file);
      const streams = await probe(file);
      const v = streams.find((s) => s.kind === 'video');
      const a = streams.find((s) => s.kind === 'audio');
      const recorded = ((p.endMs ?? 0) - p.startMs) / 1000;
      const what = `${p.displayName} (${p.file}): video ${v?.duration} s, audio ${a?.duration} s, recorded ${recorded} s`;
      assert.equal(v?.codec, 'vp8', what);
      assert.equal(a?.codec, 'opus', what);
      assert.ok(recorded > RECORD_MS / 1000 - 1 && recorded < RECORD_MS / 1000 + 8, what);
      assert.ok(Math.abs(v.duration - recorded) <= 0.5, what);
      assert.ok(Math.abs(a.duration - recorded) <= 0.5, what);
      const seen = await frameColour(file, recorded / 2);
      const want = colourOf.get(p.endpointId)!;
      assert.ok(isColor(seen, want, 50), `${what}: a frame is ${colorName(seen)}, expected ${colorName(want)}`);
    }

    const composed = join(dir, 'composed.mp4');
    const streams = await probe(composed);
    assert.equal(streams.find((s) => s.kind === 'video')?.codec, 'h264');
    assert.equal(streams.find((s) => s.kind === 'audio')?.codec, 'aac');
    // The grid: two columns, participants in manifest order, a tile each (its name drawn at the bottom).
    for (const [n, p] of m.participants.entries()) {
      const at = { x: (n % 2) * 0.5, y: Math.floor(n / 2) * 0.5, w: 0.5, h: 0.3 };
      const seen = await frameColour(composed, 5, at);
      const want = colourOf.get(p.endpointId)!;
      assert.ok(
        isColor(seen, want, 60),
        `composed tile ${n} (${p.displayName}) is ${colorName(seen)}, expected ${colorName(want)}`,
      );
    }
    const volume = await meanVolume(composed);
    assert.ok(volume > -70, `the mixed audio is audible (mean ${volume} dB; silence is -91)`);
  });
});

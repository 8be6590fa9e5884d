// A screen share in the recording: its own video-only WebM (`<id>-screen.webm`, marked in the
// manifest), and in the composed MP4 the stage layout, Jitsi style: the screen large on the left,
// the cameras in a column on the right. A share that stops sending is closed after a few seconds.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { silentLogger } from '@parley/service';
import { composeRecording } from './compose.js';
import { ConferenceRecorder, type RecordingManifest } from './conference-recorder.js';
import { frameColour, near, probe, requireFfmpeg } from './media-check.js';
import { vp8Frames, vp8Packets } from './test-media.js';

let media: string;
let root: string;
before(() => {
  requireFfmpeg();
  media = mkdtempSync(join(tmpdir(), 'parley-screen-media-'));
  root = mkdtempSync(join(tmpdir(), 'parley-screen-'));
});
after(() => {
  rmSync(media, { recursive: true, force: true });
  rmSync(root, { recursive: true, force: true });
});

it('records a screen share in its own file and composes it large beside the cameras', async () => {
  let now = 0;
  const dir = join(root, 'stage');
  const recorder = new ConferenceRecorder({
    dir,
    meetingId: 'm',
    minFreeBytes: 0,
    diskCheckMs: 100,
    log: silentLogger,
    names: { eeee0001: 'Ann', eeee0002: 'Bob' },
    now: () => now,
  });
  type Arrival = { at: number; id: string; screen: boolean; p: Buffer };
  const camera = (id: string, colour: string, ssrc: number): Arrival[] =>
    vp8Packets(vp8Frames(media, colour, 4), { ssrc, pt: 100, seq: 0, clockRate: 90_000 }).map((p) => ({
      at: p.readUInt32BE(4) / 90,
      id,
      screen: false,
      p,
    }));
  // Ann shares a yellow screen from 1 s to 3 s.
  const screen = vp8Packets(vp8Frames(media, 'yellow', 2, 30, 30, { size: '1280x720' }), {
    ssrc: 9,
    pt: 100,
    seq: 0,
    clockRate: 90_000,
  }).map((p) => ({ at: 1000 + p.readUInt32BE(4) / 90, id: 'eeee0001', screen: true, p }));
  const arrivals = [...camera('eeee0001', 'red', 1), ...camera('eeee0002', 'blue', 2), ...screen].sort(
    (a, b) => a.at - b.at,
  );
  for (const a of arrivals) {
    now = a.at;
    if (a.screen) recorder.onScreenPacket(a.id, a.p);
    else recorder.onPacket(a.id, 'video', a.p, { audio: false, video: true });
  }
  now = 4000;
  await recorder.stop('requested');

  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as RecordingManifest;
  const shared = m.participants.find((p) => p.screen);
  assert.equal(shared?.file, 'eeee0001-screen.webm');
  assert.ok(Math.abs(shared.startMs - 1000) <= 50, `the share starts at 1 s: ${shared.startMs}`);
  const [v] = await probe(join(dir, shared.file));
  assert.equal(v?.codec, 'vp8');
  assert.ok(near(await frameColour(join(dir, shared.file), 1), [255, 255, 0]), 'the screen file is yellow');

  const composed = await composeRecording(dir);
  // During the share: the stage (left three quarters) is yellow; the cameras sit in the right column.
  const stage = await frameColour(composed, 2, { x: 0.1, y: 0.1, w: 0.5, h: 0.6 });
  assert.ok(near(stage, [255, 255, 0], 60), `the screen is large on the left: ${stage}`);
  const first = await frameColour(composed, 2, { x: 0.77, y: 0.02, w: 0.2, h: 0.12 });
  const second = await frameColour(composed, 2, { x: 0.77, y: 0.27, w: 0.2, h: 0.12 });
  assert.ok(
    [first, second].some((c) => near(c, [255, 0, 0], 60)) && [first, second].some((c) => near(c, [0, 0, 255], 60)),
    `red and blue cameras in the column: ${first} / ${second}`,
  );
  // Before the share the stage is empty (black).
  const before = await frameColour(composed, 0.5, { x: 0.1, y: 0.1, w: 0.5, h: 0.6 });
  assert.ok(near(before, [0, 0, 0], 30), `no screen yet: ${before}`);
});

// A disk that really fills during a recording: a 1 MiB tmpfs the test mounts (it needs root, as the
// test layers do here). The free-space watch is set to 0 so the writes themselves hit ENOSPC: the
// recording must stop by itself with "disk-full", leave files that play up to the cut, and a
// manifest that says why.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { silentLogger } from '@parley/service';
import { ConferenceRecorder, type RecordingManifest } from './conference-recorder.js';
import { probe, requireFfmpeg } from './media-check.js';
import { vp8Frames, vp8Packets } from './test-media.js';

let mount: string;
let media: string;

before(() => {
  requireFfmpeg();
  media = mkdtempSync(join(tmpdir(), 'parley-full-media-'));
  mount = mkdtempSync(join(tmpdir(), 'parley-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mount], { stdio: 'pipe' });
  } catch (err) {
    throw new Error(`this test mounts a 1 MiB tmpfs and needs root: ${(err as Error).message}`);
  }
});

after(() => {
  execFileSync('umount', [mount]);
  rmSync(mount, { recursive: true, force: true });
  rmSync(media, { recursive: true, force: true });
});

it('a recording whose disk fills stops by itself with disk-full and leaves playable files', async () => {
  let now = 0;
  let finished = false;
  const recorder = new ConferenceRecorder({
    dir: join(mount, 'room', 'ts'),
    meetingId: 'm',
    minFreeBytes: 0,
    diskCheckMs: 3_600_000,
    log: silentLogger,
    now: () => now,
    onFinished: () => {
      finished = true;
    },
  });
  // Noise-like video (testsrc2 at a high bitrate): ~2 MiB, twice what the disk holds.
  const frames = vp8Frames(media, 'noise', 8, 30, 30, { source: 'testsrc2=s=640x360:r=30', bitrate: '2M' });
  const packets = vp8Packets(frames, { ssrc: 1, pt: 100, seq: 0, clockRate: 90_000 }, 1100);
  for (const p of packets) {
    if (!recorder.running) break;
    now = p.readUInt32BE(4) / 90;
    recorder.onPacket('dddd0001', 'video', p, { audio: false, video: true });
    // Let the file stream write (and fail) as it would between packets on a live bridge.
    await new Promise((r) => setImmediate(r));
  }
  for (const deadline = Date.now() + 10_000; !finished; await new Promise((r) => setTimeout(r, 10)))
    assert.ok(Date.now() < deadline, 'the recording stopped and closed its files within 10 s');
  assert.equal(recorder.running, false, 'it stopped by itself before all the media was written');
  const manifest = JSON.parse(readFileSync(join(mount, 'room', 'ts', 'manifest.json'), 'utf8')) as RecordingManifest;
  assert.equal(manifest.stopReason, 'disk-full');
  const [video] = await probe(join(mount, 'room', 'ts', 'dddd0001.webm'));
  assert.equal(video?.codec, 'vp8');
  assert.ok(video.duration > 0.5 && video.duration < 8, `plays up to the cut: ${video.duration} s`);
});

/**
 * Benchmark (not a test): what recording costs at the bridge. N participants (default 3) each send
 * `seconds` (default 30) of 640x360 VP8 at ~1 Mbit/s (a moving test pattern, so the encoder works
 * as for a camera) plus Opus; the ConferenceRecorder turns every packet into WebM (remux only), then
 * ffmpeg composes the MP4. Reports CPU time per second of meeting, the process's RSS growth, and
 * the composer's wall time, CPU and peak RSS (GNU time). Needs ffmpeg.
 * Run: node --import tsx packages/bridge/src/recording/recording.bench.ts [participants] [seconds]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@parley/service';
import { composeArgs } from './compose.js';
import { ConferenceRecorder } from './conference-recorder.js';
import { requireFfmpeg } from './media-check.js';
import { opusFrames, opusPackets, vp8Frames, vp8Packets } from './test-media.js';

requireFfmpeg();
const participants = Number(process.argv[2] ?? 3);
const seconds = Number(process.argv[3] ?? 30);
const work = mkdtempSync(join(tmpdir(), 'parley-rec-bench-'));
try {
  const video = vp8Frames(work, 'pattern', seconds, 30, 90, {
    source: `testsrc2=s=640x360:r=30`,
    bitrate: '1M',
  });
  const audio = opusFrames(work, seconds);
  const arrivals = Array.from({ length: participants }, (_, i) => {
    const v = vp8Packets(video, { ssrc: 100 + i, pt: 100, seq: 1000 * i, clockRate: 90_000 }, 1100);
    const a = opusPackets(audio, { ssrc: 200 + i, pt: 111, seq: 7, clockRate: 48_000 });
    const id = `bench00${String(i).padStart(2, '0')}`;
    return [
      ...v.map((p) => ({ at: p.readUInt32BE(4) / 90, id, kind: 'video' as const, p })),
      ...a.map((p) => ({ at: p.readUInt32BE(4) / 48, id, kind: 'audio' as const, p })),
    ];
  })
    .flat()
    .sort((x, y) => x.at - y.at);
  const dir = join(work, 'rec');
  let now = 0;
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const cpuBefore = process.cpuUsage();
  const recorder = new ConferenceRecorder({
    dir,
    meetingId: 'bench',
    minFreeBytes: 0,
    log: silentLogger,
    now: () => now,
  });
  for (const a of arrivals) {
    now = a.at;
    recorder.onPacket(a.id, a.kind, a.p, { audio: true, video: true });
  }
  now = seconds * 1000;
  await recorder.stop('requested');
  const cpu = process.cpuUsage(cpuBefore);
  const rssAfter = process.memoryUsage().rss;
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const bytes = recorder.manifest.participants.reduce((n, p) => n + statSync(join(dir, p.file)).size, 0);
  console.log(`recording (remux only): ${participants} participants x ${seconds} s, ${arrivals.length} packets`);
  console.log(
    `  CPU ${cpuMs.toFixed(0)} ms = ${((cpuMs / (seconds * 1000)) * 100).toFixed(2)} % of one core while recording`,
  );
  console.log(`  RSS +${((rssAfter - rssBefore) / 2 ** 20).toFixed(1)} MiB; files ${(bytes / 2 ** 20).toFixed(1)} MiB`);
  const { args } = composeArgs(dir, recorder.manifest);
  const timed = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S %M', 'ffmpeg', ...args], { encoding: 'utf8' });
  const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(timed.stderr);
  if (timed.status !== 0 || !m) throw new Error(`compose failed: ${timed.stderr}`);
  const [wall, user, sys, maxKb] = m.slice(1).map(Number);
  console.log(`composing (ffmpeg, H.264 veryfast + AAC, ${participants} tiles): ${seconds} s of meeting`);
  console.log(
    `  wall ${wall.toFixed(1)} s (${(wall / seconds).toFixed(2)}x real time), CPU ${(user + sys).toFixed(1)} s, peak RSS ${(maxKb / 1024).toFixed(0)} MiB`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}

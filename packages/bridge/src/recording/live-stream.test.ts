// The live stream end to end on loopback: two participants' RTP (real VP8/Opus from libvpx/libopus)
// fed in real time to a LiveStream, whose ffmpeg pushes to an RTMP listener that is ffmpeg itself.
// The first tries find nobody listening (the moderator is told why, without the stream key) and
// are retried; once the listener is up the stream arrives and its frames show both colours.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '@parley/service';
import { waitFor } from '../transport/test-helpers.js';
import { LiveStream } from './live-stream.js';
import { frameColour, near, probe, requireFfmpeg, type Rgb } from './media-check.js';
import { opusFrames, opusPackets, vp8Frames, vp8Packets } from './test-media.js';

const SECONDS = 20;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

interface Arrival {
  at: number;
  id: string;
  kind: 'audio' | 'video';
  p: Buffer;
}

/** Hands packets to `sink` as their time comes (real time: ffmpeg reads live), until stopped. */
function feed(arrivals: Arrival[], sink: (a: Arrival) => void): () => void {
  const start = performance.now();
  let next = 0;
  const timer = setInterval(() => {
    const elapsed = performance.now() - start;
    while (next < arrivals.length && arrivals[next].at <= elapsed) sink(arrivals[next++]);
  }, 10);
  return () => clearInterval(timer);
}

function exited(child: ChildProcess, ms: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    const t = setTimeout(() => reject(new Error(`the RTMP listener did not end within ${ms} ms`)), ms);
    child.once('exit', (code) => {
      clearTimeout(t);
      resolve(code);
    });
  });
}

describe('live stream', () => {
  let dir: string;
  const children: ChildProcess[] = [];
  before(() => {
    requireFfmpeg();
    dir = mkdtempSync(join(tmpdir(), 'parley-live-'));
  });
  after(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports an unreachable address with the reason, retries, then delivers both colours', async () => {
    const port = await freePort();
    const url = `rtmp://127.0.0.1:${port}/live/secret-key-123`;
    const colours: Record<string, Rgb> = { red: [255, 0, 0], blue: [0, 0, 255] };
    const arrivals = Object.keys(colours)
      .flatMap((colour, i) => {
        const id = `bbbb000${i + 1}`;
        const video = vp8Packets(vp8Frames(dir, colour, SECONDS, 15, 15), {
          ssrc: 10 + i,
          pt: 100,
          seq: 1000 * i,
          clockRate: 90_000,
        });
        const audio = opusPackets(opusFrames(dir, SECONDS, 300 + 200 * i), {
          ssrc: 20 + i,
          pt: 111,
          seq: 7,
          clockRate: 48_000,
        });
        return [
          ...video.map((p) => ({ at: p.readUInt32BE(4) / 90, id, kind: 'video' as const, p })),
          ...audio.map((p) => ({ at: p.readUInt32BE(4) / 48, id, kind: 'audio' as const, p })),
        ];
      })
      .sort((x, y) => x.at - y.at);

    const stream = new LiveStream({
      url,
      log: silentLogger,
      names: { bbbb0001: 'Red', bbbb0002: 'Blue' },
      retryBaseMs: 200,
      retryMaxMs: 400,
      maxAttempts: 50,
      settleMs: 300,
    });
    const stopFeed = feed(arrivals, (a) => stream.onPacket(a.id, a.kind, a.p, { audio: true, video: true }));
    try {
      // Nobody listens yet: the moderator's status says why, and never shows the key.
      await waitFor(() => stream.status().state === 'pending' && !!stream.status().error, 20_000, 'a failed try');
      const failed = stream.status();
      assert.match(failed.error!, /refused|error|failed/i, `the reason: ${failed.error}`);
      assert.doesNotMatch(JSON.stringify(failed), /secret-key-123/);
      assert.ok(failed.attempt! >= 1);

      const out = join(dir, 'received.flv');
      const listener = spawn('ffmpeg', ['-v', 'error', '-listen', '1', '-i', url, '-c', 'copy', '-f', 'flv', out], {
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      children.push(listener);
      // The retry reaches the listener; let a few seconds of composed grid arrive.
      await waitFor(() => existsSync(out) && statSync(out).size > 80_000, 60_000, 'the stream at the listener');
      await stream.stop();
      // The listener ends when the push does (ffmpeg calls the closed connection an I/O error).
      await exited(listener, 20_000);
    } finally {
      stopFeed();
      await stream.stop();
    }

    const out = join(dir, 'received.flv');
    const streams = await probe(out);
    assert.ok(
      streams.some((s) => s.kind === 'video' && s.codec === 'h264'),
      JSON.stringify(streams),
    );
    assert.ok(
      streams.some((s) => s.kind === 'audio' && s.codec === 'aac'),
      JSON.stringify(streams),
    );
    // Grid of two: red on the left, blue on the right (above the name labels).
    const left = await frameColour(out, 1, { x: 0.1, y: 0.1, w: 0.3, h: 0.4 });
    const right = await frameColour(out, 1, { x: 0.6, y: 0.1, w: 0.3, h: 0.4 });
    assert.ok(near(left, colours.red), `left tile ${left}`);
    assert.ok(near(right, colours.blue), `right tile ${right}`);
  });

  it('gives up after the bounded number of tries and says why', async () => {
    const port = await freePort();
    const stream = new LiveStream({
      url: `rtmp://127.0.0.1:${port}/live/k`,
      log: silentLogger,
      retryBaseMs: 50,
      retryMaxMs: 100,
      maxAttempts: 2,
      settleMs: 10,
    });
    const frames = vp8Packets(vp8Frames(dir, 'lime', SECONDS, 15, 15), { ssrc: 5, pt: 100, seq: 1, clockRate: 90_000 });
    const stopFeed = feed(
      frames.map((p) => ({ at: p.readUInt32BE(4) / 90, id: 'cccc0001', kind: 'video' as const, p })),
      (a) => stream.onPacket(a.id, a.kind, a.p, { audio: false, video: true }),
    );
    try {
      await waitFor(() => stream.status().state === 'off', 20_000, 'the stream to give up');
    } finally {
      stopFeed();
    }
    const s = stream.status();
    assert.equal(s.reason, 'stream-failed');
    assert.equal(s.attempt, 2);
    assert.ok(s.error, 'a reason for the moderator');
    assert.equal(stream.running, false);
  });
});

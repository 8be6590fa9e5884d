// The WebM writer and the RTP depacketizers against an independent encoder (ffmpeg's libvpx and
// libopus) and an independent reader (ffprobe, ffmpeg's decoder): tracks, durations, colours.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseSeeds, prng } from '@parley/protocol/fuzz';
import { frameColour, meanVolume, near, probe, requireFfmpeg } from './media-check.js';
import { OpusDepacketizer } from './opus-depacketizer.js';
import { opusFrames, opusPackets, vp8Frames, vp8Packets } from './test-media.js';
import { parseVp8Descriptor, Vp8Depacketizer, vp8KeyframeSize } from './vp8-depacketizer.js';
import { opusHead, WebmWriter } from './webm-writer.js';

const RED: [number, number, number] = [255, 0, 0];

describe('WebM writer and depacketizers', () => {
  let dir: string;
  before(() => {
    requireFfmpeg();
    dir = mkdtempSync(join(tmpdir(), 'parley-webm-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Depacketizes packets (in the order given) into a VP8+Opus WebM file. */
  function record(video: Buffer[], audio: Buffer[], file: string, opts: { cutAt?: number } = {}) {
    const writer = new WebmWriter([
      { number: 1, kind: 'video', codec: 'vp8', width: 320, height: 240 },
      { number: 2, kind: 'audio', codec: 'opus', channels: 1 },
    ]);
    const parts = [writer.header()];
    const vp8 = new Vp8Depacketizer({ now: () => 0 });
    const opus = new OpusDepacketizer();
    // Interleaved by media time, as packets arrive at a live recorder.
    const arrivals = [
      ...video.map((p) => ({ at: p.readUInt32BE(4) / 90, p, video: true })),
      ...audio.map((p) => ({ at: p.readUInt32BE(4) / 48, p, video: false })),
    ].sort((x, y) => x.at - y.at);
    for (const { p, video: isVideo } of arrivals) {
      if (isVideo) for (const f of vp8.push(p)) parts.push(writer.block(1, f.timestamp / 90, f.keyframe, f.data));
      const frame = isVideo ? undefined : opus.push(p);
      if (frame) parts.push(writer.block(2, frame.timestamp / 48, true, frame.data));
    }
    let bytes = Buffer.concat(parts);
    if (opts.cutAt !== undefined) bytes = bytes.subarray(0, Math.floor(bytes.length * opts.cutAt));
    writeFileSync(file, bytes);
    return { vp8 };
  }

  it('writes VP8 and Opus that ffprobe reads with the right tracks, duration and colour', async () => {
    const video = vp8Packets(vp8Frames(dir, 'red', 4), { ssrc: 1, pt: 100, seq: 65000, clockRate: 90_000 });
    const audio = opusPackets(opusFrames(dir, 4), { ssrc: 2, pt: 111, seq: 65500, clockRate: 48_000 });
    const file = join(dir, 'whole.webm');
    record(video, audio, file);
    const streams = await probe(file);
    const v = streams.find((s) => s.kind === 'video');
    const a = streams.find((s) => s.kind === 'audio');
    assert.equal(v?.codec, 'vp8');
    assert.equal(v?.width, 320);
    assert.equal(v?.packets, 120, 'every frame, across the sequence number wrap');
    assert.ok(Math.abs(v.duration - 4) <= 0.1, `video lasts ${v.duration} s, expected 4`);
    assert.equal(a?.codec, 'opus');
    assert.ok(Math.abs(a.duration - 4) <= 0.1, `audio lasts ${a.duration} s, expected 4`);
    assert.ok(near(await frameColour(file, 3), RED), 'a frame 3 s in is red');
    assert.ok((await meanVolume(file)) > -40, 'the tone is audible');
  });

  it('a file cut anywhere plays up to the cut', async () => {
    const video = vp8Packets(vp8Frames(dir, 'red', 4), { ssrc: 1, pt: 100, seq: 1, clockRate: 90_000 });
    const audio = opusPackets(opusFrames(dir, 4), { ssrc: 2, pt: 111, seq: 1, clockRate: 48_000 });
    for (const cut of [0.37, 0.61, 0.9]) {
      const file = join(dir, `cut-${cut}.webm`);
      record(video, audio, file, { cutAt: cut });
      const v = (await probe(file)).find((s) => s.kind === 'video');
      assert.ok(v && v.duration > 4 * cut - 0.8, `cut at ${cut}: video plays ${v?.duration} s`);
      assert.ok(
        near(await frameColour(file, Math.max(0, v.duration - 0.5)), RED),
        `cut at ${cut}: last second decodes`,
      );
    }
  });

  it('reassembles reordered packets; a frame that never completes is given up until the next keyframe', async () => {
    const frames = vp8Frames(dir, 'blue', 2, 30, 15);
    const base = Date.now() % 100_000;
    const seeds = parseSeeds(process.env.PARLEY_FUZZ_SEEDS) ?? Array.from({ length: 30 }, (_, i) => base + i);
    for (const seed of seeds) {
      const rnd = prng(seed);
      const packets = vp8Packets(frames, { ssrc: 1, pt: 100, seq: 100 + seed, clockRate: 90_000 }, 300);
      // Local reordering: swap neighbours; then lose one packet of frame 3 (a delta frame).
      for (let i = 0; i + 1 < packets.length; i += 2)
        if (rnd() < 0.5) [packets[i], packets[i + 1]] = [packets[i + 1], packets[i]];
      const lost = packets.findIndex((p) => p.readUInt32BE(4) === 3 * 3000);
      let now = 0;
      const d = new Vp8Depacketizer({ now: () => now, maxWaitMs: 100 });
      const out = packets
        .filter((_, i) => i !== lost)
        .flatMap((p) => {
          now += 10;
          return d.push(p);
        });
      const msg = `seed ${seed} (PARLEY_FUZZ_SEEDS=${seed} replays)`;
      assert.equal(out[0].keyframe, true, msg);
      assert.deepEqual(vp8KeyframeSize(out[0].data), { width: 320, height: 240 }, msg);
      assert.deepEqual(
        out.map((f) => f.timestamp / 3000),
        [0, 1, 2, ...Array.from({ length: frames.length - 15 }, (_, i) => 15 + i)],
        `frames 3..14 wait for the keyframe at 15; ${msg}`,
      );
      for (const f of out) assert.ok(f.data.equals(frames[f.timestamp / 3000].data), `frame bytes intact; ${msg}`);
      assert.equal(d.framesLost, 1, msg);
      assert.equal(d.wantsKeyframe, false, msg);
    }
  });

  it('reads RFC 7741 descriptors of every shape and refuses truncated ones', () => {
    assert.deepEqual(parseVp8Descriptor(Buffer.from([0x10, 0xaa])), { frameStart: true, length: 1 });
    assert.deepEqual(parseVp8Descriptor(Buffer.from([0x90, 0x80, 0x05, 0xaa])), { frameStart: true, length: 3 });
    assert.deepEqual(parseVp8Descriptor(Buffer.from([0x90, 0xf0, 0x81, 0x02, 0x07, 0x20, 0xaa])), {
      frameStart: true,
      length: 6,
    });
    assert.deepEqual(parseVp8Descriptor(Buffer.from([0x11, 0xaa])), { frameStart: false, length: 1 }, 'PID 1');
    assert.deepEqual(parseVp8Descriptor(Buffer.from([0x80, 0x80, 0x05, 0xaa])), { frameStart: false, length: 3 });
    assert.equal(parseVp8Descriptor(Buffer.from([0x90, 0x80, 0x85])), undefined);
    assert.equal(parseVp8Descriptor(Buffer.alloc(0)), undefined);
  });

  it('writes the OpusHead that RFC 7845 describes', () => {
    const h = opusHead(2, 312);
    assert.equal(h.toString('ascii', 0, 8), 'OpusHead');
    assert.deepEqual([h[8], h[9], h.readUInt16LE(10), h.readUInt32LE(12), h[18]], [1, 2, 312, 48_000, 0]);
  });
});

// The bridge's recorder end to end without a network: three participants' RTP in, per-participant
// WebMs, manifest and the composed MP4 out; refusal and stop on low disk; a killed recorder's files.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '@parley/service';
import { composeRecording } from './compose.js';
import { ConferenceRecorder, RecordingRefused, type RecordingManifest } from './conference-recorder.js';
import { frameColour, meanVolume, near, probe, requireFfmpeg, type Rgb } from './media-check.js';
import { opusFrames, opusPackets, vp8Frames, vp8Packets } from './test-media.js';

const COLOURS: Record<string, Rgb> = { red: [255, 0, 0], lime: [0, 255, 0], blue: [0, 0, 255] };

describe('conference recorder', () => {
  let media: string;
  let root: string;
  before(() => {
    requireFfmpeg();
    media = mkdtempSync(join(tmpdir(), 'parley-rec-media-'));
    root = mkdtempSync(join(tmpdir(), 'parley-rec-'));
  });
  after(() => {
    rmSync(media, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  });

  it('writes one WebM per participant, a manifest that lines them up, and a composed grid with names', async () => {
    let now = 0;
    const dir = join(root, 'three');
    const recorder = new ConferenceRecorder({
      dir,
      meetingId: 'm1',
      room: 'r@conference.x',
      minFreeBytes: 0,
      log: silentLogger,
      names: { aaaa0001: 'Ann', aaaa0002: 'Bob' },
      now: () => now,
    });
    // Three senders of 4 s each; the third joins 1 s after the others. Packets in arrival order.
    const senders = Object.keys(COLOURS).map((colour, i) => ({
      id: `aaaa000${i + 1}`,
      joinMs: i === 2 ? 1000 : 0,
      video: vp8Packets(vp8Frames(media, colour, 4), { ssrc: 10 + i, pt: 100, seq: 500 * i, clockRate: 90_000 }),
      audio: opusPackets(opusFrames(media, 4, 300 + 100 * i), { ssrc: 20 + i, pt: 111, seq: 9, clockRate: 48_000 }),
    }));
    const arrivals = senders
      .flatMap((s) => [
        ...s.video.map((p) => ({ at: s.joinMs + p.readUInt32BE(4) / 90, id: s.id, kind: 'video' as const, p })),
        ...s.audio.map((p) => ({ at: s.joinMs + p.readUInt32BE(4) / 48, id: s.id, kind: 'audio' as const, p })),
      ])
      .sort((x, y) => x.at - y.at);
    for (const a of arrivals) {
      now = a.at;
      recorder.onPacket(a.id, a.kind, a.p, { audio: true, video: true });
    }
    recorder.setNames({ aaaa0003: 'Cy' });
    now = 5000;
    await recorder.stop('requested');

    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as RecordingManifest;
    assert.equal(m.stopReason, 'requested');
    assert.deepEqual(
      m.participants.map((p) => [p.endpointId, p.displayName, p.file, p.startMs]),
      [
        ['aaaa0001', 'Ann', 'aaaa0001.webm', 0],
        ['aaaa0002', 'Bob', 'aaaa0002.webm', 0],
        ['aaaa0003', 'Cy', 'aaaa0003.webm', 1000],
      ],
    );
    for (const [i, colour] of Object.keys(COLOURS).entries()) {
      const file = join(dir, m.participants[i].file);
      const streams = await probe(file);
      const v = streams.find((s) => s.kind === 'video');
      const a = streams.find((s) => s.kind === 'audio');
      assert.equal(v?.codec, 'vp8', `${file} has VP8`);
      assert.equal(a?.codec, 'opus', `${file} has Opus`);
      assert.ok(Math.abs(v.duration - 4) <= 0.2, `${file}: video ${v.duration} s`);
      assert.ok(Math.abs(a.duration - 4) <= 0.2, `${file}: audio ${a.duration} s`);
      assert.ok(near(await frameColour(file, 2), COLOURS[colour]), `${file} is ${colour}`);
    }

    const composed = await composeRecording(dir);
    const streams = await probe(composed);
    assert.equal(streams.find((s) => s.kind === 'video')?.codec, 'h264');
    assert.equal(streams.find((s) => s.kind === 'audio')?.codec, 'aac');
    // 2x2 grid: red top left, lime top right, blue bottom left (only after it joined at 1 s).
    const tiles: [string, { x: number; y: number }][] = [
      ['red', { x: 0, y: 0 }],
      ['lime', { x: 0.5, y: 0 }],
      ['blue', { x: 0, y: 0.5 }],
    ];
    for (const [colour, at] of tiles) {
      const got = await frameColour(composed, 3, { ...at, w: 0.5, h: 0.25 });
      assert.ok(near(got, COLOURS[colour], 60), `composed tile at ${JSON.stringify(at)} is ${colour}: got ${got}`);
    }
    const early = await frameColour(composed, 0.4, { x: 0, y: 0.5, w: 0.5, h: 0.25 });
    assert.ok(near(early, [0, 0, 0], 30), `the third tile is black before its participant joined: ${early}`);
    assert.ok((await meanVolume(composed)) > -40, 'mixed audio is audible');
    assert.equal(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).composed, 'composed.mp4');
  });

  it('refuses to start below the free-space threshold and stops cleanly when space runs low', async () => {
    const dir = join(root, 'disk');
    assert.throws(
      () => new ConferenceRecorder({ dir, meetingId: 'm', minFreeBytes: 100, log: silentLogger, freeBytes: () => 99 }),
      (e: Error) => e instanceof RecordingRefused && /recording needs at least/.test(e.message),
    );
    let free = 1000;
    let finished = '';
    const r = new ConferenceRecorder({
      dir,
      meetingId: 'm',
      minFreeBytes: 100,
      log: silentLogger,
      freeBytes: () => free,
      diskCheckMs: 20,
      onFinished: (d) => {
        finished = d;
      },
    });
    assert.equal(r.running, true);
    free = 50;
    for (const deadline = Date.now() + 10_000; finished === '' && Date.now() < deadline; )
      await new Promise((res) => setTimeout(res, 20));
    assert.equal(r.running, false);
    assert.equal(finished, dir);
    assert.equal(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).stopReason, 'disk-full');
  });

  it('a recorder killed mid-recording leaves files that play up to the kill', async () => {
    const dir = join(root, 'killed');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'recorder-child.ts'), dir, media],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const file = join(dir, 'aaaa0001.webm');
    try {
      // Bounded wait for ~3 s of media on disk (about 40 KB at this bit rate), then SIGKILL: no chance to close.
      for (const deadline = Date.now() + 90_000; !(existsSync(file) && statSync(file).size > 40_000); ) {
        assert.ok(Date.now() < deadline, 'the child recorder wrote 40 KB within 90 s');
        await new Promise((res) => setTimeout(res, 100));
      }
    } finally {
      child.kill('SIGKILL');
    }
    await new Promise((res) => child.once('exit', res));
    const v = (await probe(file)).find((s) => s.kind === 'video');
    assert.ok(v && v.duration > 1.5, `the killed file plays ${v?.duration} s of video`);
    assert.ok(near(await frameColour(file, v.duration - 0.3), COLOURS.red), 'its last frames decode');
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as RecordingManifest;
    assert.equal(m.participants[0].file, 'aaaa0001.webm', 'the manifest named the file when it opened');
  });
});

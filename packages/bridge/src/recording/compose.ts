// The composed file: after a recording stops, Debian's ffmpeg turns the per-participant WebMs into
// one MP4 (H.264 + AAC) anyone can play: a grid of the cameras with each name (DejaVu Sans, a local
// font), all audio mixed, each file placed at its manifest offset on one timeline.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RecordingManifest, RecordingParticipant } from './conference-recorder.js';

const run = promisify(execFile);

export const DEJAVU = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
export const COMPOSED_FILE = 'composed.mp4';
const TILE = { width: 640, height: 360 };
const FPS = 15;

/** A path as an ffmpeg filter option value: quoted; quotes and backslashes would need two escape levels. */
export function filterValue(s: string): string {
  if (/['\\]/.test(s))
    throw new Error(`the recordings path ${s} has a quote or backslash; ffmpeg filters cannot take it`);
  return `'${s}'`;
}

interface Tile {
  p: RecordingParticipant;
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Where each video goes. Cameras only: a grid. With a screen share (Jitsi's stage view): the screen
 * large on the left, the first four cameras in a column on the right; screens shared one after
 * another take the same place (each appears at its start and leaves at its end).
 */
export function layout(entries: RecordingParticipant[]): { canvas: { width: number; height: number }; tiles: Tile[] } {
  const cameras = entries.filter((p) => p.tracks.video && !p.screen);
  const screens = entries.filter((p) => p.tracks.video && p.screen);
  if (screens.length === 0) {
    const cols = Math.max(1, Math.ceil(Math.sqrt(cameras.length)));
    const rows = Math.max(1, Math.ceil(cameras.length / cols));
    return {
      canvas: { width: cols * TILE.width, height: rows * TILE.height },
      tiles: cameras.map((p, n) => ({
        p,
        x: (n % cols) * TILE.width,
        y: Math.floor(n / cols) * TILE.height,
        ...TILE,
      })),
    };
  }
  const side = { width: 480, height: 270 };
  const stage = { width: 1440, height: 1080 };
  return {
    canvas: { width: stage.width + side.width, height: stage.height },
    tiles: [
      ...screens.map((p) => ({ p, x: 0, y: 0, ...stage })),
      ...cameras.slice(0, 4).map((p, n) => ({ p, x: stage.width, y: n * side.height, ...side })),
    ],
  };
}

export interface ComposePlan {
  args: string[];
  tiles: number;
}

/** The ffmpeg arguments for a recording folder (pure, given the manifest). */
export function composeArgs(dir: string, m: RecordingManifest, font = DEJAVU): ComposePlan {
  const entries = m.participants.filter((p) => p.tracks.video || p.tracks.audio);
  if (entries.length === 0) throw new Error(`nothing was recorded in ${dir}`);
  const { canvas, tiles } = layout(entries);
  const endMs = Math.max(...entries.map((p) => p.endMs ?? p.startMs));
  const seconds = Math.max(0.5, endMs / 1000);
  const args = ['-v', 'error', '-y'];
  for (const p of entries) args.push('-i', join(dir, p.file));
  const graph: string[] = [`color=c=black:s=${canvas.width}x${canvas.height}:r=${FPS}:d=${seconds.toFixed(3)}[base0]`];
  let base = 'base0';
  tiles.forEach(({ p, x, y, width, height }, n) => {
    const i = entries.indexOf(p);
    const nameFile = join(dir, `name-${n}.txt`);
    writeFileSync(nameFile, p.displayName || p.endpointId);
    const label =
      existsSync(font) && !p.screen
        ? `,drawtext=fontfile=${filterValue(font)}:textfile=${filterValue(nameFile)}:expansion=none` +
          ':fontsize=28:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=8:x=16:y=h-th-24'
        : '';
    graph.push(
      `[${i}:v]setpts=PTS+${(p.startMs / 1000).toFixed(3)}/TB,fps=${FPS},` +
        `scale=${width}:${height}:force_original_aspect_ratio=decrease,` +
        `pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2${label}[v${n}]`,
      `[${base}][v${n}]overlay=x=${x}:y=${y}:eof_action=pass[base${n + 1}]`,
    );
    base = `base${n + 1}`;
  });
  const audio = entries.filter((p) => p.tracks.audio);
  audio.forEach((p, n) => {
    const i = entries.indexOf(p);
    // first_pts=0 fills the time before this file's first sample with silence: everyone on one clock.
    graph.push(`[${i}:a]asetpts=PTS+${(p.startMs / 1000).toFixed(3)}/TB,aresample=48000:async=1:first_pts=0[a${n}]`);
  });
  if (audio.length)
    graph.push(`${audio.map((_, n) => `[a${n}]`).join('')}amix=inputs=${audio.length}:normalize=0[aout]`);
  args.push('-filter_complex', graph.join(';'), '-map', `[${base}]`);
  if (audio.length) args.push('-map', '[aout]', '-c:a', 'aac', '-b:a', '96k');
  args.push('-c:v', 'libx264', '-preset', 'veryfast', '-crf', '28', '-pix_fmt', 'yuv420p', '-threads', '2');
  args.push('-t', seconds.toFixed(3), '-movflags', '+faststart', join(dir, COMPOSED_FILE));
  return { args, tiles: tiles.length };
}

/** Makes composed.mp4 in the recording folder and notes it in the manifest; returns its path. */
export async function composeRecording(dir: string, opts: { timeoutMs?: number } = {}): Promise<string> {
  const manifestPath = join(dir, 'manifest.json');
  const m = JSON.parse(readFileSync(manifestPath, 'utf8')) as RecordingManifest;
  const { args } = composeArgs(dir, m);
  await run('ffmpeg', args, { timeout: opts.timeoutMs ?? 30 * 60_000, maxBuffer: 16 * 1024 * 1024 });
  m.composed = COMPOSED_FILE;
  writeFileSync(manifestPath, `${JSON.stringify(m, null, 2)}\n`);
  return join(dir, COMPOSED_FILE);
}

// The ffmpeg command of a live stream: each participant arrives as a live WebM on a pipe (fd 3, 4,
// ...), the cameras go into a grid with names, the audio is mixed, and the result is pushed as FLV
// (H.264 + AAC, what RTMP servers take) to the moderator's address. Made live, so the encoder is
// tuned for latency and a steady keyframe interval (RTMP services want one every 2 s or so).
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEJAVU, filterValue } from './compose.js';

const TILE = { width: 640, height: 360 };
const FPS = 15;

export interface LiveInput {
  endpointId: string;
  name?: string;
  hasVideo: boolean;
  hasAudio: boolean;
}

/** ffmpeg's arguments; input n reads pipe:(3 + n). Name files go to `scratch` (drawtext reads them). */
export function liveComposeArgs(inputs: LiveInput[], url: string, scratch: string, font = DEJAVU): string[] {
  if (inputs.length === 0) throw new Error('a live stream needs at least one participant');
  const video = inputs.filter((p) => p.hasVideo);
  const cols = Math.max(1, Math.ceil(Math.sqrt(video.length)));
  const rows = Math.max(1, Math.ceil(video.length / cols));
  // Live pipes: no probing delay worth waiting for, and a queue deep enough for a keyframe burst.
  const args = ['-v', 'warning', '-nostdin', '-y'];
  inputs.forEach((_, n) => {
    args.push('-thread_queue_size', '1024', '-probesize', '32k', '-analyzeduration', '0', '-f', 'webm');
    args.push('-i', `pipe:${3 + n}`);
  });
  const graph = [`color=c=black:s=${cols * TILE.width}x${rows * TILE.height}:r=${FPS}[base0]`];
  let base = 'base0';
  video.forEach((p, n) => {
    const i = inputs.indexOf(p);
    const nameFile = join(scratch, `name-${n}.txt`);
    writeFileSync(nameFile, p.name || p.endpointId);
    const label = existsSync(font)
      ? `,drawtext=fontfile=${filterValue(font)}:textfile=${filterValue(nameFile)}:expansion=none` +
        ':fontsize=28:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=8:x=16:y=h-th-24'
      : '';
    graph.push(
      `[${i}:v]fps=${FPS},scale=${TILE.width}:${TILE.height}:force_original_aspect_ratio=decrease,` +
        `pad=${TILE.width}:${TILE.height}:(ow-iw)/2:(oh-ih)/2${label}[v${n}]`,
      `[${base}][v${n}]overlay=x=${(n % cols) * TILE.width}:y=${Math.floor(n / cols) * TILE.height}` +
        `:eof_action=pass[base${n + 1}]`,
    );
    base = `base${n + 1}`;
  });
  const audio = inputs.filter((p) => p.hasAudio);
  audio.forEach((p, n) => graph.push(`[${inputs.indexOf(p)}:a]aresample=44100:async=1[a${n}]`));
  if (audio.length)
    graph.push(
      `${audio.map((_, n) => `[a${n}]`).join('')}amix=inputs=${audio.length}:normalize=0:dropout_transition=0[aout]`,
    );
  // The black canvas is endless: paced to the clock, it never runs ahead when every camera has gone.
  graph.push(`[${base}]realtime[vout]`);
  args.push('-filter_complex', graph.join(';'), '-map', '[vout]');
  if (audio.length) args.push('-map', '[aout]', '-c:a', 'aac', '-b:a', '96k', '-ar', '44100');
  args.push('-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p');
  args.push('-b:v', '1500k', '-maxrate', '1500k', '-bufsize', '3000k', '-g', String(FPS * 2), '-threads', '2');
  args.push('-f', 'flv', url);
  return args;
}

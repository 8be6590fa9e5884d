// ffprobe/ffmpeg wrappers that look at recorded files the way a person would: which streams, how
// long, what colour a frame is. Used by the tests and by the composer's checks; they need Debian's
// ffmpeg and say how to install it when it is missing.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const FFMPEG_MISSING =
  'ffmpeg/ffprobe not found: recording needs them (Debian: apt-get install -y ffmpeg, or bash setup.sh)';

/** Throws a clear error naming the install command when ffmpeg or ffprobe is not on PATH. */
export function requireFfmpeg(): void {
  for (const tool of ['ffmpeg', 'ffprobe']) {
    try {
      execFileSync(tool, ['-version'], { stdio: 'ignore' });
    } catch {
      throw new Error(FFMPEG_MISSING);
    }
  }
}

export interface ProbedStream {
  index: number;
  codec: string;
  kind: 'video' | 'audio' | string;
  width?: number;
  height?: number;
  channels?: number;
  /** Time of the last packet's end, seconds (from the packets themselves, not a header). */
  duration: number;
  packets: number;
}

/** Streams of a media file with durations measured from its packets (works on cut files too). */
export async function probe(file: string): Promise<ProbedStream[]> {
  const { stdout } = await run(
    'ffprobe',
    [
      '-v',
      'error',
      '-show_streams',
      '-show_packets',
      '-show_entries',
      'stream=index,codec_name,codec_type,width,height,channels:packet=stream_index,pts_time,duration_time',
      '-of',
      'json',
      file,
    ],
    { maxBuffer: 256 * 1024 * 1024 },
  );
  const json = JSON.parse(stdout) as {
    streams: {
      index: number;
      codec_name: string;
      codec_type: string;
      width?: number;
      height?: number;
      channels?: number;
    }[];
    packets?: { stream_index: number; pts_time?: string; duration_time?: string }[];
  };
  return json.streams.map((s) => {
    const packets = (json.packets ?? []).filter((p) => p.stream_index === s.index);
    let end = 0;
    let start = Number.POSITIVE_INFINITY;
    for (const p of packets) {
      const t = Number(p.pts_time ?? 'NaN');
      if (!Number.isFinite(t)) continue;
      start = Math.min(start, t);
      end = Math.max(end, t + (Number(p.duration_time ?? 0) || 0));
    }
    return {
      index: s.index,
      codec: s.codec_name,
      kind: s.codec_type,
      width: s.width,
      height: s.height,
      channels: s.channels,
      duration: packets.length ? end - (Number.isFinite(start) ? Math.min(start, 0) : 0) : 0,
      packets: packets.length,
    };
  });
}

export type Rgb = [number, number, number];

/**
 * Decodes one video frame at `atSeconds` (the first one at or after it), crops the given fraction
 * of the picture and returns its average colour.
 */
export async function frameColour(
  file: string,
  atSeconds: number,
  crop: { x: number; y: number; w: number; h: number } = { x: 0, y: 0, w: 1, h: 1 },
): Promise<Rgb> {
  const filter = `crop=iw*${crop.w}:ih*${crop.h}:iw*${crop.x}:ih*${crop.y},scale=1:1:flags=area`;
  const { stdout } = await run(
    'ffmpeg',
    [
      '-v',
      'error',
      '-ss',
      String(atSeconds),
      '-i',
      file,
      '-frames:v',
      '1',
      '-vf',
      filter,
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      '-',
    ],
    { encoding: 'buffer', maxBuffer: 1024 * 1024 },
  );
  if (stdout.length < 3) throw new Error(`no video frame decoded from ${file} at ${atSeconds} s`);
  return [stdout[0], stdout[1], stdout[2]];
}

/** Mean volume of the audio in dB (ffmpeg's volumedetect); -91 means digital silence. */
export async function meanVolume(file: string): Promise<number> {
  const { stderr } = await run('ffmpeg', ['-v', 'info', '-i', file, '-vn', '-af', 'volumedetect', '-f', 'null', '-'], {
    maxBuffer: 16 * 1024 * 1024,
  });
  const m = /mean_volume:\s*(-?[\d.]+) dB/.exec(stderr);
  if (!m) throw new Error(`no audio measured in ${file}`);
  return Number(m[1]);
}

/** True when the two colours are within `tolerance` on every channel. */
export function near(a: Rgb, b: Rgb, tolerance = 40): boolean {
  return a.every((v, i) => Math.abs(v - b[i]) <= tolerance);
}

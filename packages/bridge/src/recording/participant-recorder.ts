// One participant's WebM: its audio (Opus) and camera (VP8) as received, no transcoding.
// Times: each track is anchored at the arrival of its first frame (ms since the file started) and
// advances by its RTP timestamps from there, so audio and video line up to within network jitter.
// The header needs the picture size, which only a VP8 keyframe carries: until one arrives (or
// headerWaitMs passes) frames are held in memory, bounded; then everything goes out in order.
import { OpusDepacketizer, opusChannels } from './opus-depacketizer.js';
import { Vp8Depacketizer } from './vp8-depacketizer.js';
import { WebmWriter, type WebmTrack } from './webm-writer.js';

const VIDEO_TRACK = 1;
const AUDIO_TRACK = 2;
/** When no keyframe came (camera off), the header goes out with this size; decoders read the real one. */
const DEFAULT_SIZE = { width: 640, height: 360 };
/** Frames held before the header, at most (about 10 s of audio plus video). */
const MAX_HELD = 1500;

export interface TrackTiming {
  /** Milliseconds into the file of the track's first frame. */
  firstMs: number;
  frames: number;
}

interface Held {
  track: number;
  ms: number;
  keyframe: boolean;
  data: Buffer;
}

/** Unwraps 32-bit RTP timestamps into a monotonic count from the first one. */
class RtpClock {
  private last: number | undefined;
  private total = 0;
  constructor(private readonly rate: number) {}
  /** Milliseconds since the first timestamp (negative for a late, older frame). */
  ms(ts: number): number {
    if (this.last !== undefined) this.total += ((ts - this.last) | 0) / this.rate;
    this.last = ts;
    return this.total * 1000;
  }
}

export interface ParticipantRecorderOptions {
  /** Where the bytes go (the caller appends them to the file). */
  write: (bytes: Buffer) => void;
  hasVideo: boolean;
  hasAudio: boolean;
  now?: () => number;
  headerWaitMs?: number;
}

export class ParticipantRecorder {
  private readonly vp8 = new Vp8Depacketizer();
  private readonly opus = new OpusDepacketizer();
  private readonly startedAt: number;
  private readonly now: () => number;
  private writer?: WebmWriter;
  private held: Held[] = [];
  private size?: { width: number; height: number };
  private channels: 1 | 2 = 2;
  private readonly clocks = new Map<number, { clock: RtpClock; anchorMs: number }>();
  readonly timing = new Map<'audio' | 'video', TrackTiming>();
  bytes = 0;

  constructor(private readonly opts: ParticipantRecorderOptions) {
    this.now = opts.now ?? (() => performance.now());
    this.startedAt = this.now();
  }

  /** True while the video has no usable keyframe (start, or a frame lost): ask the sender for one. */
  get wantsKeyframe(): boolean {
    return this.opts.hasVideo && this.vp8.wantsKeyframe;
  }

  video(packet: Buffer): void {
    for (const f of this.vp8.push(packet)) {
      if (f.width && f.height && !this.size) this.size = { width: f.width, height: f.height };
      this.frame(VIDEO_TRACK, this.timeOf(VIDEO_TRACK, f.timestamp, 90_000), f.keyframe, f.data);
    }
  }

  audio(packet: Buffer): void {
    const f = this.opus.push(packet);
    if (!f) return;
    if (!this.clocks.has(AUDIO_TRACK)) this.channels = opusChannels(f.data);
    this.frame(AUDIO_TRACK, this.timeOf(AUDIO_TRACK, f.timestamp, 48_000), true, f.data);
  }

  /** Writes what is held even without a keyframe (called on a timer and at stop). */
  flush(force = false): void {
    if (this.writer) return;
    const waited = this.now() - this.startedAt >= (this.opts.headerWaitMs ?? 2000);
    if (force || waited || this.held.length >= MAX_HELD) this.writeHeader();
  }

  private timeOf(track: number, ts: number, rate: number): number {
    let c = this.clocks.get(track);
    if (!c) {
      c = { clock: new RtpClock(rate), anchorMs: this.now() - this.startedAt };
      this.clocks.set(track, c);
    }
    return c.anchorMs + c.clock.ms(ts);
  }

  private frame(track: number, ms: number, keyframe: boolean, data: Buffer): void {
    const kind = track === VIDEO_TRACK ? 'video' : 'audio';
    const t = this.timing.get(kind);
    if (t) t.frames++;
    else this.timing.set(kind, { firstMs: Math.max(0, Math.round(ms)), frames: 1 });
    if (!this.writer) {
      this.held.push({ track, ms, keyframe, data });
      if (this.size || !this.opts.hasVideo) this.writeHeader();
      else this.flush();
      return;
    }
    this.out(this.writer.block(track, ms, keyframe, data));
  }

  private writeHeader(): void {
    const tracks: WebmTrack[] = [];
    if (this.opts.hasVideo)
      tracks.push({ number: VIDEO_TRACK, kind: 'video', codec: 'vp8', ...(this.size ?? DEFAULT_SIZE) });
    if (this.opts.hasAudio) tracks.push({ number: AUDIO_TRACK, kind: 'audio', codec: 'opus', channels: this.channels });
    if (tracks.length === 0) return;
    this.writer = new WebmWriter(tracks);
    this.out(this.writer.header());
    // Held frames go out in time order; with video, from its first keyframe on (nothing before decodes).
    const held = this.held.sort((a, b) => a.ms - b.ms);
    this.held = [];
    for (const h of held)
      if (tracks.some((t) => t.number === h.track)) this.out(this.writer.block(h.track, h.ms, h.keyframe, h.data));
  }

  private out(bytes: Buffer): void {
    this.bytes += bytes.length;
    this.opts.write(bytes);
  }
}

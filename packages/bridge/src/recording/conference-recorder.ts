// A conference's recording on this bridge: one WebM per participant in `<dir>`, plus manifest.json
// saying who each file is and when it started (ms since the recording started), so the files can
// be lined up. Free disk space is checked before the start and every second while it runs: below
// the threshold the recording stops cleanly (files closed, manifest says why) and never fills the disk.
import { createWriteStream, mkdirSync, renameSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '@parley/service';
import { freeBytes, mib } from './disk.js';
import { ParticipantRecorder, type TrackTiming } from './participant-recorder.js';

export interface RecordingParticipant {
  endpointId: string;
  displayName?: string;
  file: string;
  /** ms since the recording started when this file started. */
  startMs: number;
  endMs?: number;
  /** A screen share (`<id>-v1`), video only: the composed file shows it large. */
  screen?: boolean;
  tracks: Partial<Record<'audio' | 'video', TrackTiming>>;
}

export interface RecordingManifest {
  version: 1;
  room?: string;
  meetingId: string;
  /** Wall-clock start, ISO 8601. */
  startedAt: string;
  stoppedAt?: string;
  /** Why it stopped: "requested", "disk-full", "write-failed", "conference-ended", "bridge-shutdown". */
  stopReason?: string;
  participants: RecordingParticipant[];
  /** The composed MP4, once made (file name in this folder). */
  composed?: string;
}

export interface ConferenceRecorderOptions {
  dir: string;
  meetingId: string;
  room?: string;
  minFreeBytes: number;
  log: Logger;
  names?: Record<string, string>;
  now?: () => number;
  /** Called once every file is closed, whatever stopped the recording (the composer starts here). */
  onFinished?: (dir: string) => void;
  diskCheckMs?: number;
  /** Free bytes at a folder; tests give a shrinking disk without filling one. */
  freeBytes?: (dir: string) => number;
}

interface Active {
  recorder: ParticipantRecorder;
  stream: WriteStream;
  entry: RecordingParticipant;
  /** When its last packet came (a screen share that stops sending is closed after SCREEN_IDLE_MS). */
  lastPacketAt: number;
}

/** A screen share silent this long has ended (or was stopped): its file is closed, its tile goes. */
const SCREEN_IDLE_MS = 5000;
const screenKey = (endpointId: string) => `${endpointId}/screen`;

export class RecordingRefused extends Error {
  override name = 'RecordingRefused';
}

export class ConferenceRecorder {
  readonly manifest: RecordingManifest;
  private readonly active = new Map<string, Active>();
  private readonly names = new Map<string, string>();
  private readonly now: () => number;
  private readonly startedAt: number;
  private readonly timer: NodeJS.Timeout;
  private stopped?: Promise<void>;
  private readonly free: (dir: string) => number;
  /** Files with a write error (a disk full before the check saw it): their recorder is dropped. */
  writeErrors = 0;

  /** Creates the folder and checks the free space; throws RecordingRefused when it is short. */
  constructor(private readonly opts: ConferenceRecorderOptions) {
    this.now = opts.now ?? (() => performance.now());
    mkdirSync(opts.dir, { recursive: true });
    this.free = opts.freeBytes ?? freeBytes;
    const free = this.free(opts.dir);
    if (free < opts.minFreeBytes)
      throw new RecordingRefused(
        `only ${mib(free)} MiB free at ${opts.dir}; recording needs at least ${mib(opts.minFreeBytes)} MiB`,
      );
    for (const [id, name] of Object.entries(opts.names ?? {})) this.names.set(id, name);
    this.startedAt = this.now();
    this.manifest = {
      version: 1,
      room: opts.room,
      meetingId: opts.meetingId,
      startedAt: new Date().toISOString(),
      participants: [],
    };
    this.saveManifest();
    this.timer = setInterval(() => this.tick(), opts.diskCheckMs ?? 1000);
    this.timer.unref();
    opts.log.info('recording.started', { dir: opts.dir, freeMiB: mib(free) });
  }

  get running(): boolean {
    return this.stopped === undefined;
  }

  get dir(): string {
    return this.opts.dir;
  }

  setNames(names: Record<string, string>): void {
    let changed = false;
    for (const [id, name] of Object.entries(names)) {
      if (this.names.get(id) === name) continue;
      this.names.set(id, name);
      const entry = this.manifest.participants.find((p) => p.endpointId === id);
      if (entry) entry.displayName = name;
      changed = true;
    }
    if (changed) this.saveManifest();
  }

  /** A decrypted media packet of an endpoint's first audio or first video source. */
  onPacket(
    endpointId: string,
    media: 'audio' | 'video',
    packet: Buffer,
    has: { audio: boolean; video: boolean },
  ): void {
    if (!this.running) return;
    const a = this.active.get(endpointId) ?? this.open(endpointId, has);
    if (!a) return;
    a.lastPacketAt = this.now();
    if (media === 'video') a.recorder.video(packet);
    else a.recorder.audio(packet);
  }

  /** A decrypted packet of an endpoint's screen share (`<id>-v1`): a video-only file of its own. */
  onScreenPacket(endpointId: string, packet: Buffer): void {
    if (!this.running) return;
    const a = this.active.get(screenKey(endpointId)) ?? this.open(endpointId, { audio: false, video: true }, true);
    if (!a) return;
    a.lastPacketAt = this.now();
    a.recorder.video(packet);
  }

  wantsScreenKeyframe(endpointId: string): boolean {
    return this.active.get(screenKey(endpointId))?.recorder.wantsKeyframe ?? false;
  }

  /** Whether this endpoint's recorder waits for a keyframe (the conference then asks the sender). */
  wantsKeyframe(endpointId: string): boolean {
    return this.active.get(endpointId)?.recorder.wantsKeyframe ?? false;
  }

  /** The participant left: its file ends here. */
  endpointLeft(endpointId: string): void {
    for (const key of [endpointId, screenKey(endpointId)]) {
      const a = this.active.get(key);
      if (!a) continue;
      this.active.delete(key);
      this.close(a);
    }
    this.saveManifest();
  }

  private open(endpointId: string, has: { audio: boolean; video: boolean }, screen = false): Active | undefined {
    const index = this.manifest.participants.filter((p) => p.endpointId === endpointId && !!p.screen === screen).length;
    const file = `${endpointId}${screen ? '-screen' : ''}${index ? `-${index}` : ''}.webm`;
    const key = screen ? screenKey(endpointId) : endpointId;
    const stream = createWriteStream(join(this.opts.dir, file), { flags: 'w' });
    const entry: RecordingParticipant = {
      endpointId,
      displayName: this.names.get(endpointId),
      file,
      startMs: Math.round(this.now() - this.startedAt),
      ...(screen ? { screen: true } : {}),
      tracks: {},
    };
    const recorder = new ParticipantRecorder({
      write: (b) => stream.write(b),
      hasAudio: has.audio,
      hasVideo: has.video,
      now: this.now,
    });
    const a: Active = { recorder, stream, entry, lastPacketAt: this.now() };
    stream.on('error', (err: NodeJS.ErrnoException) => {
      this.writeErrors++;
      this.opts.log.warn('recording.write_failed', { file, error: err });
      this.active.delete(key);
      // A full disk (or quota) seen by a write before the free-space watch saw it: stop cleanly, as
      // the watch would; the other files are closed and the moderator is told.
      const full = err.code === 'ENOSPC' || err.code === 'EDQUOT';
      void this.stop(full ? 'disk-full' : 'write-failed');
    });
    this.active.set(key, a);
    this.manifest.participants.push(entry);
    this.saveManifest();
    return a;
  }

  private close(a: Active): void {
    a.recorder.flush(true);
    a.entry.endMs = Math.round(this.now() - this.startedAt);
    a.entry.tracks = Object.fromEntries(a.recorder.timing);
    a.stream.end();
  }

  private tick(): void {
    for (const a of this.active.values()) a.recorder.flush();
    for (const [key, a] of this.active)
      if (a.entry.screen && this.now() - a.lastPacketAt > SCREEN_IDLE_MS) {
        this.active.delete(key);
        this.close(a);
        this.saveManifest();
      }
    let free: number;
    try {
      free = this.free(this.opts.dir);
    } catch (err) {
      this.opts.log.warn('recording.statfs_failed', { error: err as Error });
      return;
    }
    if (free >= this.opts.minFreeBytes) return;
    this.opts.log.warn('recording.disk_low', { freeMiB: mib(free), minFreeMiB: mib(this.opts.minFreeBytes) });
    void this.stop('disk-full');
  }

  /** Closes every file and writes the final manifest; resolves once the files are on disk. */
  stop(reason: string): Promise<void> {
    if (this.stopped) return this.stopped;
    clearInterval(this.timer);
    const closing = [...this.active.values()].map(
      (a) =>
        new Promise<void>((resolve) => {
          if (a.stream.closed || a.stream.destroyed) return resolve();
          a.stream.once('close', resolve);
          a.stream.once('error', () => resolve());
          this.close(a);
        }),
    );
    this.active.clear();
    this.manifest.stoppedAt = new Date().toISOString();
    this.manifest.stopReason = reason;
    this.stopped = Promise.all(closing).then(() => {
      this.saveManifest();
      this.opts.onFinished?.(this.opts.dir);
    });
    this.opts.log.info('recording.stopped', { dir: this.opts.dir, reason });
    return this.stopped;
  }

  /** manifest.json, replaced atomically (a reader never sees half of it). */
  saveManifest(): void {
    for (const a of this.active.values()) a.entry.tracks = Object.fromEntries(a.recorder.timing);
    const path = join(this.opts.dir, 'manifest.json');
    const text = `${JSON.stringify(this.manifest, null, 2)}\n`;
    try {
      writeFileSync(`${path}.tmp`, text);
      renameSync(`${path}.tmp`, path);
    } catch (err) {
      // A full disk has no room for a second copy; rewriting in place reuses the old one's blocks
      // (the manifest grows by a few bytes), so "disk-full" still reaches the file.
      try {
        rmSync(`${path}.tmp`, { force: true });
        writeFileSync(path, text);
      } catch {
        this.opts.log.warn('recording.manifest_failed', { error: err as Error });
      }
    }
  }
}

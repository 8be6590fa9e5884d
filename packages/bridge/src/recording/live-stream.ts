// A conference's live stream (Jibri's stream mode, without a browser): the bridge remuxes each
// participant's decrypted media into a live WebM (the recorder's own ParticipantRecorder) on a pipe
// to one ffmpeg, which composes the grid and pushes it over RTMP (live-compose.ts). ffmpeg's input
// set is fixed when it starts, so someone who starts sending later restarts it (debounced); someone
// who leaves just ends their pipe. When ffmpeg dies (address unreachable, server gone) the stream
// goes "pending" with ffmpeg's reason (the stream key hidden) and is retried after a bounded,
// doubling delay; after `maxAttempts` failures in a row it gives up and says why. The meeting never
// notices: the conference only hands packets over, and a pipe that backs up is cut, not waited on.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { redactStreamUrl, type RecordingStatus } from '@parley/protocol';
import type { Logger } from '@parley/service';
import { type LiveInput, liveComposeArgs } from './live-compose.js';
import { ParticipantRecorder } from './participant-recorder.js';

export interface LiveStreamOptions {
  url: string;
  log: Logger;
  names?: Record<string, string>;
  ffmpeg?: string;
  /** First retry delay; doubles per failure up to retryMaxMs. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Failures in a row before giving up. */
  maxAttempts?: number;
  /** An ffmpeg that ran this long was healthy: the failure count starts again. */
  healthyMs?: number;
  /** How long after a new sender the input set is rebuilt (more may come at once). */
  settleMs?: number;
  /** An ffmpeg whose output has not advanced for this long is stuck (no media, a server that stopped reading). */
  stallMs?: number;
  now?: () => number;
}

/** A pipe holding more than this is an ffmpeg that stopped reading: the try is ended. */
const MAX_PIPE_BACKLOG = 16 * 1024 * 1024;
const STDERR_LINES = 8;

interface Sender {
  has: { audio: boolean; video: boolean };
  /** Set while this sender is an input of the running ffmpeg. */
  recorder?: ParticipantRecorder;
  pipe?: Writable;
}

export class LiveStream {
  private readonly senders = new Map<string, Sender>();
  private readonly names = new Map<string, string>();
  private child?: ChildProcess;
  private childStartedAt = 0;
  /** When ffmpeg last said its output advanced (-progress). */
  private progressAt = 0;
  private watchdog?: NodeJS.Timeout;
  private stderr: string[] = [];
  private timer?: NodeJS.Timeout;
  private state: 'on' | 'pending' | 'off' = 'pending';
  private failures = 0;
  private lastError?: string;
  /** Why the running ffmpeg was ended by us (it stopped reading, it could not start). */
  private tryError?: string;
  private stopReason?: string;
  private scratch = mkdtempSync(join(tmpdir(), 'parley-live-'));
  private readonly now: () => number;
  /** Resolves when a stop has ended ffmpeg. */
  private stopping?: Promise<void>;

  constructor(private readonly opts: LiveStreamOptions) {
    this.now = opts.now ?? (() => performance.now());
    for (const [id, name] of Object.entries(opts.names ?? {})) this.names.set(id, name);
    opts.log.info('stream.started', { to: redactStreamUrl(opts.url) });
  }

  get running(): boolean {
    return this.stopping === undefined;
  }

  status(): RecordingStatus {
    return {
      state: this.state,
      mode: 'stream',
      reason: this.state === 'off' ? this.stopReason : undefined,
      error: this.state === 'on' ? undefined : this.lastError,
      attempt: this.failures || undefined,
    };
  }

  setNames(names: Record<string, string>): void {
    for (const [id, name] of Object.entries(names)) this.names.set(id, name);
  }

  onPacket(
    endpointId: string,
    media: 'audio' | 'video',
    packet: Buffer,
    has: { audio: boolean; video: boolean },
  ): void {
    if (!this.running) return;
    let s = this.senders.get(endpointId);
    if (!s) {
      s = { has };
      this.senders.set(endpointId, s);
      this.schedule(this.opts.settleMs ?? 1000);
    }
    if (!s.recorder) return;
    if (media === 'video') s.recorder.video(packet);
    else s.recorder.audio(packet);
  }

  wantsKeyframe(endpointId: string): boolean {
    return this.senders.get(endpointId)?.recorder?.wantsKeyframe ?? false;
  }

  /** Their pipe ends: ffmpeg drops their tile and their voice (no restart needed). */
  endpointLeft(endpointId: string): void {
    const s = this.senders.get(endpointId);
    this.senders.delete(endpointId);
    s?.pipe?.end();
  }

  /** (Re)starts ffmpeg after `ms`, unless a start is already due sooner. */
  private schedule(ms: number): void {
    if (!this.running || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.restart();
    }, ms);
    this.timer.unref();
  }

  private async restart(): Promise<void> {
    if (this.child) await this.endChild();
    if (this.running) this.launch();
  }

  private launch(): void {
    const ids = [...this.senders.keys()];
    if (ids.length === 0) return;
    const inputs: LiveInput[] = ids.map((id) => ({
      endpointId: id,
      name: this.names.get(id),
      hasVideo: this.senders.get(id)!.has.video,
      hasAudio: this.senders.get(id)!.has.audio,
    }));
    const args = ['-progress', 'pipe:1', ...liveComposeArgs(inputs, this.opts.url, this.scratch)];
    const child = spawn(this.opts.ffmpeg ?? 'ffmpeg', args, {
      stdio: ['ignore', 'pipe', 'pipe', ...ids.map(() => 'pipe' as const)],
    });
    this.child = child;
    this.childStartedAt = this.progressAt = this.now();
    let lastOutTime = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      const m = /out_time_us=(\d+)\s*$/m.exec(chunk) ?? /out_time_us=(\d+)/.exec(chunk);
      if (m && m[1] !== lastOutTime) {
        lastOutTime = m[1];
        this.progressAt = this.now();
      }
    });
    const stallMs = this.opts.stallMs ?? 15_000;
    this.watchdog = setInterval(
      () => {
        if (this.now() - this.progressAt > stallMs)
          this.failTry(
            child,
            `no stream went out for ${Math.round(stallMs / 1000)} s (no media, or the server stopped reading)`,
          );
      },
      Math.min(1000, stallMs / 2),
    );
    this.watchdog.unref();
    this.stderr = [];
    this.tryError = undefined;
    this.state = 'on';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) if (line.trim()) this.stderr.push(line.trim());
      this.stderr.splice(0, Math.max(0, this.stderr.length - STDERR_LINES));
    });
    ids.forEach((id, n) => {
      const pipe = child.stdio[3 + n] as Writable;
      pipe.on('error', () => {}); // EPIPE when ffmpeg dies: the exit handler reports it.
      const s = this.senders.get(id)!;
      s.pipe = pipe;
      s.recorder = new ParticipantRecorder({
        write: (b) => {
          if (pipe.writableLength > MAX_PIPE_BACKLOG) return this.failTry(child, 'ffmpeg stopped reading its input');
          pipe.write(b);
        },
        hasAudio: s.has.audio,
        hasVideo: s.has.video,
        now: this.now,
        headerWaitMs: 1500,
      });
    });
    child.on('error', (err) => {
      this.failTry(child, `cannot run ffmpeg: ${err.message}`);
      if (child.pid === undefined) this.onExit(child, null, null); // never started: no exit event comes
    });
    child.on('exit', (code, signal) => this.onExit(child, code, signal));
    this.opts.log.info('stream.ffmpeg_started', { inputs: ids.length, to: redactStreamUrl(this.opts.url) });
  }

  private failTry(child: ChildProcess, reason: string): void {
    if (this.child !== child) return;
    this.tryError ??= reason;
    child.kill('SIGKILL');
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    this.child = undefined;
    clearInterval(this.watchdog);
    for (const s of this.senders.values()) {
      s.recorder = undefined;
      s.pipe = undefined;
    }
    if (!this.running) return;
    const ranMs = this.now() - this.childStartedAt;
    if (ranMs >= (this.opts.healthyMs ?? 20_000)) this.failures = 0;
    this.failures++;
    this.lastError = this.tryError ?? this.reason(code, signal);
    const max = this.opts.maxAttempts ?? 5;
    this.opts.log.warn('stream.failed', { attempt: this.failures, of: max, error: this.lastError });
    if (this.failures >= max) {
      this.state = 'off';
      this.stopReason = 'stream-failed';
      this.stopping = Promise.resolve();
      this.cleanup();
      return;
    }
    this.state = 'pending';
    const delay = Math.min((this.opts.retryBaseMs ?? 1000) * 2 ** (this.failures - 1), this.opts.retryMaxMs ?? 30_000);
    this.schedule(delay);
  }

  /** ffmpeg's last words, with any RTMP address in them reduced to its host (the key is a secret). */
  private reason(code: number | null, signal: NodeJS.Signals | null): string {
    const said = this.stderr
      .filter((l) => !/^\s*(Input|Output|Stream|Duration|Metadata|encoder|frame=)/i.test(l))
      .slice(-2)
      .join('; ');
    const hidden = said.split(this.opts.url).join(redactStreamUrl(this.opts.url));
    const clean = hidden.replace(/rtmps?:\/\/\S+/gi, (u) => redactStreamUrl(u));
    return clean || `ffmpeg exited (${signal ?? `code ${code}`})`;
  }

  /**
   * Ends the inputs and asks ffmpeg to finish (SIGTERM: it writes the stream's end; the black canvas
   * would never end by itself); kills it if it has not within `graceMs`.
   */
  private endChild(graceMs = 5000): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      this.child = undefined;
      clearInterval(this.watchdog);
      for (const s of this.senders.values()) {
        s.recorder?.flush(true);
        s.pipe?.end();
        s.recorder = undefined;
        s.pipe = undefined;
      }
      child.kill('SIGTERM');
    });
  }

  stop(reason = 'requested'): Promise<void> {
    if (this.stopping) return this.stopping;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.state = 'off';
    this.stopReason = reason;
    this.stopping = this.endChild().then(() => this.cleanup());
    this.opts.log.info('stream.stopped', { reason });
    return this.stopping;
  }

  private cleanup(): void {
    rmSync(this.scratch, { recursive: true, force: true });
  }
}

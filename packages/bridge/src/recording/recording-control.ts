// What the bridge does with a colibri2 `<recording action=...>`: start a ConferenceRecorder in
// `<recordings dir>/<room>/<timestamp>/`, stop it (then compose, when enabled), or report it.
// With mode="stream" the same for the conference's live stream (live-stream.ts): the focus has
// checked the address against the operator's allow-list; the bridge only pushes.
import { join } from 'node:path';
import { ProtocolError, type RecordingRequest, type RecordingStatus } from '@parley/protocol';
import type { Logger } from '@parley/service';
import type { Conference } from '../model/conference.js';
import { ConferenceRecorder, RecordingRefused } from './conference-recorder.js';
import { LiveStream, type LiveStreamOptions } from './live-stream.js';

export interface RecordingSettings {
  /** The recordings folder; each recording gets `<room>/<timestamp>/` under it. */
  dir: string;
  /** Refuse to start, and stop, below this much free space. */
  minFreeBytes: number;
  /** Called after a recording's files are closed (the composer hooks in here). */
  onFinished?: (dir: string, log: Logger) => void;
  /** Live stream tuning (retries, ffmpeg path); tests shorten the delays. */
  stream?: Omit<LiveStreamOptions, 'url' | 'log' | 'names'>;
}

/** A folder name from the room's JID local part: letters, digits, '-', '_', '.' only. */
export function roomFolder(room: string | undefined, meetingId: string): string {
  const local = (room ?? '')
    .split('@')[0]
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .replace(/^\.+/, '');
  return local || meetingId.replace(/[^A-Za-z0-9_-]/g, '_');
}

/** 2026-12-05T09-01-02Z: sortable, and legal in every filesystem's names. */
export function timestampFolder(d = new Date()): string {
  return d
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
}

export function applyRecordingRequest(
  conference: Conference,
  req: RecordingRequest,
  settings: RecordingSettings | undefined,
  log: Logger,
): RecordingStatus {
  if (req.mode === 'stream') return applyStreamRequest(conference, req, settings, log);
  const current = conference.recorder;
  if (req.names && current) current.setNames(req.names);
  switch (req.action) {
    case 'status':
      return status(conference);
    case 'stop':
      if (current?.running) void current.stop('requested');
      return { state: 'off', dir: current?.dir, reason: 'requested' };
    case 'start': {
      if (current?.running) return status(conference);
      if (!settings) throw new ProtocolError('recording is not enabled on this bridge', 'feature-not-implemented');
      const dir = join(settings.dir, roomFolder(conference.name, conference.meetingId), timestampFolder());
      try {
        conference.recorder = new ConferenceRecorder({
          dir,
          meetingId: conference.meetingId,
          room: conference.name,
          minFreeBytes: settings.minFreeBytes,
          names: req.names,
          log: log.child({ conference: conference.name ?? conference.meetingId }),
          onFinished: (folder) => settings.onFinished?.(folder, log),
        });
      } catch (err) {
        if (err instanceof RecordingRefused) throw new ProtocolError(err.message, 'resource-constraint');
        throw new ProtocolError(`cannot record to ${dir}: ${(err as Error).message}`, 'internal-server-error');
      }
      return status(conference);
    }
  }
}

function status(conference: Conference): RecordingStatus {
  const r = conference.recorder;
  if (!r) return { state: 'off' };
  return r.running ? { state: 'on', dir: r.dir } : { state: 'off', dir: r.dir, reason: r.manifest.stopReason };
}

function applyStreamRequest(
  conference: Conference,
  req: RecordingRequest,
  settings: RecordingSettings | undefined,
  log: Logger,
): RecordingStatus {
  const current = conference.liveStream;
  if (req.names && current) current.setNames(req.names);
  switch (req.action) {
    case 'status':
      return current ? current.status() : { state: 'off', mode: 'stream' };
    case 'stop':
      if (current?.running) void current.stop('requested');
      return { state: 'off', mode: 'stream', reason: 'requested' };
    case 'start': {
      if (current?.running) return current.status();
      if (!settings) throw new ProtocolError('streaming is not enabled on this bridge', 'feature-not-implemented');
      if (!req.url) throw new ProtocolError('a live stream needs its address');
      conference.liveStream = new LiveStream({
        ...settings.stream,
        url: req.url,
        names: req.names,
        log: log.child({ conference: conference.name ?? conference.meetingId }),
      });
      return conference.liveStream.status();
    }
  }
}

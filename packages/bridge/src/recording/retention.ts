// Retention of recordings: a recording folder (`<root>/<room>/<timestamp>/`) older than the max age
// is deleted, and while the folders together exceed the max total size the oldest go first. A
// recording in progress is never deleted, whatever its age or size. Runs at the bridge's start,
// after each recording ends, and hourly.
import { lstatSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface RetentionSettings {
  /** Days a recording is kept; 0: no age limit. */
  maxAgeDays: number;
  /** Bytes all recordings together may take; 0: no size limit. */
  maxTotalBytes: number;
}

export interface RecordingFolder {
  dir: string;
  room: string;
  /** Start time, ms since the epoch (the manifest's startedAt, else the folder's mtime). */
  startedAt: number;
  bytes: number;
}

const DAY_MS = 24 * 3600 * 1000;

function sizeOf(path: string): number {
  const st = lstatSync(path);
  if (!st.isDirectory()) return st.size;
  let total = 0;
  for (const name of readdirSync(path)) total += sizeOf(join(path, name));
  return total;
}

/** Every recording folder under `root` (two levels: room, timestamp), oldest first. */
export function listRecordingFolders(root: string): RecordingFolder[] {
  const out: RecordingFolder[] = [];
  let rooms: string[];
  try {
    rooms = readdirSync(root);
  } catch {
    return out;
  }
  for (const room of rooms) {
    const roomDir = join(root, room);
    if (!lstatSync(roomDir).isDirectory()) continue;
    for (const ts of readdirSync(roomDir)) {
      const dir = join(roomDir, ts);
      const st = lstatSync(dir);
      if (!st.isDirectory()) continue;
      let startedAt = st.mtimeMs;
      try {
        const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { startedAt?: string };
        const t = m.startedAt ? Date.parse(m.startedAt) : Number.NaN;
        if (Number.isFinite(t)) startedAt = t;
      } catch {
        // No readable manifest: the folder's time stands in.
      }
      out.push({ dir, room, startedAt, bytes: sizeOf(dir) });
    }
  }
  return out.sort((a, b) => a.startedAt - b.startedAt);
}

/**
 * Deletes what the settings say must go; returns the folders deleted. `inProgress` holds the
 * folders of running recordings: they are counted in the total but never deleted.
 */
export function applyRetention(
  root: string,
  settings: RetentionSettings,
  inProgress: Iterable<string>,
  now = Date.now(),
): RecordingFolder[] {
  if (!settings.maxAgeDays && !settings.maxTotalBytes) return [];
  const keep = new Set([...inProgress].map((d) => resolve(d)));
  const folders = listRecordingFolders(root);
  let total = folders.reduce((n, f) => n + f.bytes, 0);
  const removed: RecordingFolder[] = [];
  for (const f of folders) {
    if (keep.has(resolve(f.dir))) continue;
    const tooOld = settings.maxAgeDays > 0 && now - f.startedAt > settings.maxAgeDays * DAY_MS;
    const tooBig = settings.maxTotalBytes > 0 && total > settings.maxTotalBytes;
    if (!tooOld && !tooBig) continue;
    rmSync(f.dir, { recursive: true, force: true });
    total -= f.bytes;
    removed.push(f);
  }
  return removed;
}

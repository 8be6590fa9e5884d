// The recordings page (issue 17): `/recordings/<room>` lists a room's recordings (time, duration,
// size, participants) with download and delete. Every request under /recordings-api/ is checked
// here, at the web server: it must carry the operator's admin token (`Authorization: Bearer`),
// compared in constant time; anyone else (a guest, a wrong token) is refused. Names are checked
// against strict patterns and every path is resolved and must stay inside the recordings folder:
// no "..", no encoded slash, no symlink leads out. A recording still in progress (its manifest has
// no stop time) cannot be deleted.
import { timingSafeEqual } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Logger } from '@parley/service';
import { RECORDINGS_SCRIPT, recordingsPage } from './recordings-page.js';
import { ROOM_PATTERN } from './web-routes.js';

/** A recording folder: the bridge's UTC timestamp, 2026-12-05T09-01-02Z. */
const RECORDING_ID = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z$/;
/** Files a recording holds: per-participant WebMs, the composed MP4, the manifest. */
const FILE_NAME = /^[A-Za-z0-9_-]{1,64}\.(webm|mp4|json)$/;

export interface RecordingsDeps {
  /** The bridge's recordings folder (same machine or a shared volume); unset: the page is off. */
  dir?: string;
  /** The operator's admin token; unset: nobody may use the page. */
  adminToken?: string;
  log?: Logger;
}

interface Manifest {
  startedAt?: string;
  stoppedAt?: string;
  stopReason?: string;
  composed?: string;
  participants?: { endpointId: string; displayName?: string; endMs?: number }[];
}

export interface RecordingSummary {
  id: string;
  startedAt?: string;
  stoppedAt?: string;
  inProgress: boolean;
  durationSeconds?: number;
  bytes: number;
  participants: string[];
  stopReason?: string;
  files: { name: string; bytes: number }[];
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A path inside `root`, or a 400/404 naming what was wrong; symlinks that lead out are refused. */
function inside(root: string, ...parts: string[]): string {
  const base = realpathSync(root);
  const path = resolve(base, ...parts);
  if (!path.startsWith(base + sep)) throw new HttpError(400, 'that path leaves the recordings folder');
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    throw new HttpError(404, 'no such recording or file');
  }
  if (!real.startsWith(base + sep)) throw new HttpError(400, 'that path leaves the recordings folder');
  return real;
}

function readManifest(dir: string): Manifest {
  try {
    return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  } catch {
    return {};
  }
}

function summary(dir: string, id: string): RecordingSummary {
  const m = readManifest(dir);
  const files = readdirSync(dir)
    .filter((n) => FILE_NAME.test(n) && lstatSync(join(dir, n)).isFile())
    .map((name) => ({ name, bytes: lstatSync(join(dir, name)).size }));
  const start = m.startedAt ? Date.parse(m.startedAt) : Number.NaN;
  const stop = m.stoppedAt ? Date.parse(m.stoppedAt) : Number.NaN;
  return {
    id,
    startedAt: m.startedAt,
    stoppedAt: m.stoppedAt,
    inProgress: !m.stoppedAt,
    durationSeconds: Number.isFinite(start) && Number.isFinite(stop) ? Math.round((stop - start) / 1000) : undefined,
    bytes: files.reduce((n, f) => n + f.bytes, 0),
    participants: [...new Set((m.participants ?? []).map((p) => p.displayName || p.endpointId))],
    stopReason: m.stopReason,
    files,
  };
}

export function recordingsRouter(deps: RecordingsDeps): Router {
  const router = express.Router();
  const authorise = (req: Request, _res: Response, next: NextFunction) => {
    if (!deps.dir || !deps.adminToken) return next(new HttpError(404, 'the recordings page is off on this server'));
    const m = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    if (!m) return next(new HttpError(401, 'the recordings page needs the admin token (Authorization: Bearer)'));
    if (!sameToken(m[1], deps.adminToken)) return next(new HttpError(403, 'that is not the admin token'));
    next();
  };
  const room = (req: Request): string => {
    const name = String(req.params.room);
    if (!ROOM_PATTERN.test(name)) throw new HttpError(400, `"${name}" is not a room name`);
    return name;
  };
  const id = (req: Request): string => {
    const value = String(req.params.id);
    if (!RECORDING_ID.test(value)) throw new HttpError(400, `"${value}" is not a recording id`);
    return value;
  };

  router.use('/recordings-api', authorise);
  router.get('/recordings-api/:room', (req, res) => {
    const name = room(req);
    let ids: string[] = [];
    let roomDir = '';
    try {
      roomDir = inside(deps.dir!, name);
      // Only real folders: a symlink planted here is neither listed nor followed.
      ids = readdirSync(roomDir).filter((n) => RECORDING_ID.test(n) && lstatSync(join(roomDir, n)).isDirectory());
    } catch (err) {
      if (!(err instanceof HttpError && err.status === 404)) throw err;
    }
    const list = ids
      .sort()
      .reverse()
      .map((i) => summary(join(roomDir, i), i));
    res.set('Cache-Control', 'no-store').json({ room: name, recordings: list });
  });
  router.get('/recordings-api/:room/:id/:file', (req, res) => {
    const file = String(req.params.file);
    if (!FILE_NAME.test(file)) throw new HttpError(400, `"${file}" is not a recording file`);
    const path = inside(deps.dir!, room(req), id(req), file);
    deps.log?.info('recordings.download', { room: req.params.room, id: req.params.id, file });
    res.set('Cache-Control', 'no-store');
    res.download(path, `${req.params.room}-${req.params.id}-${file}`);
  });
  router.delete('/recordings-api/:room/:id', (req, res) => {
    const dir = inside(deps.dir!, room(req), id(req));
    if (!readManifest(dir).stoppedAt) throw new HttpError(409, 'that recording is still in progress');
    rmSync(dir, { recursive: true, force: true });
    deps.log?.info('recordings.deleted', { room: req.params.room, id: req.params.id });
    res.json({ deleted: req.params.id });
  });
  router.get('/recordings.js', (_req, res) => {
    res.set({ 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache' }).send(RECORDINGS_SCRIPT);
  });
  // The page itself holds nothing secret: the list comes only with the token.
  router.get('/recordings/:room', (req, res) => {
    res
      .type('html')
      .set('Cache-Control', 'no-cache')
      .send(recordingsPage(room(req)));
  });
  router.all('/recordings-api/*rest', (_req, _res, next) => next(new HttpError(404, 'no such recordings route')));
  router.use(['/recordings-api', '/recordings'], (err: Error, _req: Request, res: Response, next: NextFunction) => {
    if (!(err instanceof HttpError)) return next(err);
    res.status(err.status).set('Cache-Control', 'no-store').json({ error: err.message });
  });
  return router;
}

// The operators' HTTP API on the focus's service port: list rooms and who is in them, end a
// meeting, remove a participant, mint an invite link. Every request carries the admin token
// generated at setup (Authorization: Bearer); without a configured token the API is off.
// Errors have one shape: { "error": { "code": "<slug>", "message": "<what and why>" } }.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ProtocolError } from '@parley/protocol';
import type { Logger } from '@parley/service';
import type { Conference } from './conference.js';
import type { ConferenceManager } from './conference-manager.js';

export const ADMIN_API_PREFIX = '/api/';
const MAX_BODY_BYTES = 16 * 1024;

export interface InviteRequest {
  room: string;
  /** Token mode: the link makes its holder a moderator. */
  moderator: boolean;
  /** How long the link works (token mode). */
  ttlSeconds: number;
}

export interface AdminApiOptions {
  manager: ConferenceManager;
  /** conference.<domain>: room names in paths are local parts of JIDs in it. */
  mucDomain: string;
  /** The bearer token (secrets.json adminToken); empty: the API answers that it is off. */
  token: string;
  /** Mints an invite link (parley start knows the public URL and the token settings); absent: 404. */
  invite?: (r: InviteRequest) => Promise<{ url: string; expiresAt?: string }>;
  log: Logger;
}

/** An API error: HTTP status, a code a script can test, a message a person can act on. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const ROOM_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const ENDPOINT_ID = /^[0-9a-f]{8}$/;

export function adminApi(opts: AdminApiOptions): {
  prefix: string;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
} {
  const wanted = opts.token ? createHash('sha256').update(opts.token).digest() : undefined;
  const authorized = (req: IncomingMessage): boolean => {
    const m = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    if (!m || !wanted) return false;
    return timingSafeEqual(createHash('sha256').update(m[1]).digest(), wanted);
  };

  async function route(req: IncomingMessage): Promise<{ status: number; body: unknown }> {
    if (!wanted)
      throw new ApiError(404, 'api-off', 'the HTTP API is off: no admin token is configured (PARLEY_ADMIN_TOKEN)');
    if (!authorized(req))
      throw new ApiError(
        401,
        'unauthorized',
        'send the admin token from secrets.json as "Authorization: Bearer <token>"',
      );
    const url = new URL(req.url ?? '/', 'http://focus');
    const parts = url.pathname.slice(ADMIN_API_PREFIX.length).split('/').filter(Boolean).map(decodeURIComponent);
    const method = req.method ?? 'GET';
    const [collection, name, sub, id, ...rest] = parts;
    if (collection === 'rooms' && rest.length === 0) {
      if (!name && method === 'GET') return { status: 200, body: { rooms: [...rooms()].map(describe) } };
      const conference = name ? roomNamed(name) : undefined;
      if (conference && !sub && method === 'GET') return { status: 200, body: describe(conference) };
      if (conference && sub === 'end' && !id && method === 'POST') {
        await conference.moderation.endByOperator().catch(fromProtocol);
        opts.log.info('api.room_ended', { room: conference.roomJid });
        return { status: 200, body: { ended: name } };
      }
      if (
        conference &&
        (sub === 'recording' || sub === 'streaming') &&
        (id === 'start' || id === 'stop') &&
        method === 'POST'
      )
        return sessionRoute(conference, name!, sub, id, req);
      if (conference && sub === 'participants' && id && method === 'DELETE') {
        if (!ENDPOINT_ID.test(id)) throw new ApiError(400, 'bad-participant', `"${id}" is not an endpoint id`);
        await conference.moderation.removeByOperator(id).catch(fromProtocol);
        opts.log.info('api.participant_removed', { room: conference.roomJid, endpoint: id });
        return { status: 200, body: { removed: id } };
      }
    }
    if (collection === 'invites' && !name && method === 'POST') {
      if (!opts.invite)
        throw new ApiError(404, 'no-invites', 'this focus does not mint invite links (run parley start)');
      const r = inviteRequest(await jsonBody(req));
      return { status: 201, body: await opts.invite(r) };
    }
    throw new ApiError(
      404,
      'no-route',
      `no route ${method} ${url.pathname}; see docs/api.md (GET /api/rooms, GET /api/rooms/<name>, ` +
        'POST /api/rooms/<name>/end, POST /api/rooms/<name>/recording/start|stop, ' +
        'POST /api/rooms/<name>/streaming/start {"url":"rtmp://..."}|stop, ' +
        'DELETE /api/rooms/<name>/participants/<id>, POST /api/invites)',
    );
  }

  /** Start or stop the recording or the live stream (a stream start takes {"url": ...}) as the operator. */
  async function sessionRoute(
    conference: Conference,
    name: string,
    sub: 'recording' | 'streaming',
    action: 'start' | 'stop',
    req: IncomingMessage,
  ): Promise<{ status: number; body: unknown }> {
    const session = sub === 'streaming' ? conference.streaming : conference.recording;
    const url = sub === 'streaming' && action === 'start' ? streamUrlOf(await jsonBody(req)) : undefined;
    const status = await session.byOperator(action, url).catch(fromProtocol);
    opts.log.info(`api.${sub}`, { room: conference.roomJid, action });
    return { status: 200, body: { room: name, [sub]: status.status, error: status.error } };
  }

  function* rooms(): Iterable<Conference> {
    for (const c of opts.manager.conferences.values()) if (c.state === 'running') yield c;
  }

  function roomNamed(name: string): Conference {
    if (!ROOM_NAME.test(name)) throw new ApiError(400, 'bad-room', `"${name}" is not a room name (a-z, 0-9, ._-)`);
    const c = opts.manager.conferences.get(`${name}@${opts.mucDomain}`);
    if (!c || c.state !== 'running') throw new ApiError(404, 'no-room', `no meeting is running in room "${name}"`);
    return c;
  }

  return {
    prefix: ADMIN_API_PREFIX,
    async handle(req, res) {
      let answer: { status: number; body: unknown };
      try {
        answer = await route(req);
      } catch (err) {
        const e = err instanceof ApiError ? err : new ApiError(500, 'internal', (err as Error).message);
        if (e.status === 500) opts.log.warn('api.failed', { url: req.url, error: err as Error });
        answer = { status: e.status, body: { error: { code: e.code, message: e.message } } };
        if (e.status === 401) res.setHeader('www-authenticate', 'Bearer realm="parley"');
      }
      res.writeHead(answer.status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(answer.body, null, 2) + '\n');
    },
  };
}

function describe(c: Conference) {
  const name = c.roomJid.split('@')[0];
  return {
    room: name,
    jid: c.roomJid,
    meetingId: c.meetingId,
    startedAt: c.runningSince ? new Date(c.runningSince).toISOString() : null,
    recording: c.recording.status.status,
    streaming: c.streaming.status.status,
    participants: [...c.participants.values()].map((p) => ({
      id: p.endpointId,
      name: p.name ?? null,
      moderator: p.isModerator,
      audioMuted: p.audioMuted,
      videoMuted: p.videoMuted,
      joinedAt: new Date(p.joinedAt).toISOString(),
    })),
  };
}

/** The focus's own refusals (a room that ended meanwhile, a participant gone) as API errors. */
function streamUrlOf(body: unknown): string {
  const url = (body as { url?: unknown } | null)?.url;
  if (typeof url !== 'string' || !url)
    throw new ApiError(400, 'bad-request', 'send {"url": "rtmp://host/app/key"}: the live stream address');
  return url;
}

function fromProtocol(err: unknown): never {
  if (err instanceof ProtocolError) {
    const status =
      err.condition === 'item-not-found'
        ? 404
        : err.condition === 'forbidden' || err.condition === 'not-allowed'
          ? 403
          : err.condition === 'bad-request'
            ? 400
            : 409;
    throw new ApiError(status, err.condition, err.message);
  }
  throw err;
}

async function jsonBody(req: IncomingMessage): Promise<unknown> {
  if (!/^application\/json\b/.test(req.headers['content-type'] ?? ''))
    throw new ApiError(415, 'not-json', 'send the body as Content-Type: application/json');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, 'too-large', `the body is over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (err) {
    throw new ApiError(400, 'bad-json', `the body is not JSON: ${(err as Error).message}`);
  }
}

function inviteRequest(v: unknown): InviteRequest {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new ApiError(400, 'bad-invite', 'the body must be an object like {"room": "standup"}');
  const o = v as Record<string, unknown>;
  if (typeof o.room !== 'string' || !ROOM_NAME.test(o.room))
    throw new ApiError(400, 'bad-invite', '"room" must be a room name (a-z, 0-9, ._-; at most 64)');
  if (o.moderator !== undefined && typeof o.moderator !== 'boolean')
    throw new ApiError(400, 'bad-invite', '"moderator" must be true or false');
  const ttl = o.ttlSeconds ?? 24 * 3600;
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 60 || ttl > 90 * 24 * 3600)
    throw new ApiError(400, 'bad-invite', '"ttlSeconds" must be a whole number from 60 to 7776000 (90 days)');
  return { room: o.room, moderator: o.moderator === true, ttlSeconds: ttl };
}

// Same-origin signaling: /xmpp-websocket (RFC 7395) and /http-bind (BOSH) are passed to
// Prosody's plain HTTP port. The WebSocket upgrade is a raw TCP pipe of the upgrade request.
import { bracketHost } from '@parley/service';
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from '@parley/service';

export interface Upstream {
  host: string;
  port: number;
}

export function upstreamName(u: Upstream): string {
  const host = bracketHost(u.host);
  return `Prosody at http://${host}:${u.port}`;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'proxy-authorization',
  'proxy-authenticate',
]);
const FORWARDED = new Set(['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-real-ip', 'forwarded']);

function forwardedFor(req: IncomingMessage): string {
  const prior = req.headers['x-forwarded-for'];
  const remote = req.socket.remoteAddress ?? '';
  // Only loopback peers (another proxy in front of us) may add to the chain.
  const trusted = remote === '127.0.0.1' || remote === '::1' || remote === '::ffff:127.0.0.1';
  return trusted && typeof prior === 'string' && prior ? `${prior}, ${remote}` : remote;
}

/** The request's headers for the upstream: our X-Forwarded-* replace whatever the client sent. */
function upstreamHeaders(req: IncomingMessage, keepUpgrade: boolean): [string, string][] {
  const out: [string, string][] = [];
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const k = raw[i].toLowerCase();
    if (FORWARDED.has(k)) continue;
    if (HOP_BY_HOP.has(k) && !(keepUpgrade && (k === 'connection' || k === 'upgrade'))) continue;
    out.push([raw[i], raw[i + 1]]);
  }
  out.push(['X-Forwarded-For', forwardedFor(req)], ['X-Forwarded-Proto', 'https']);
  if (req.headers.host) out.push(['X-Forwarded-Host', req.headers.host]);
  return out;
}

function badGatewayText(u: Upstream, err: Error): string {
  return `502 Bad Gateway: the XMPP server (${upstreamName(u)}) did not answer: ${err.message}\n`;
}

/** Answers an upgrade request with a plain HTTP error (e.g. 429 Too Many Requests) and closes. */
export function refuseUpgrade(client: Duplex, status: string, text: string): void {
  const body = `${status}: ${text}\n`;
  client.end(
    `HTTP/1.1 ${status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nRetry-After: 10\r\nConnection: close\r\n\r\n${body}`,
  );
}

export interface WsProxyStats {
  onOpen(): void;
  onClose(): void;
  onFail(): void;
}

/**
 * Handles an HTTP upgrade on /xmpp-websocket: connects to Prosody, replays the request line and
 * headers, then pipes both sockets. If Prosody is down, answers 502 naming the upstream.
 */
export function proxyWebSocket(
  req: IncomingMessage,
  client: Duplex,
  head: Buffer,
  u: Upstream,
  o: { log?: Logger; stats?: WsProxyStats; sockets: Set<Duplex>; connectTimeoutMs?: number },
): void {
  const upstream: Socket = connect({ host: u.host, port: u.port });
  o.sockets.add(client);
  o.sockets.add(upstream);
  let connected = false;
  const timer = setTimeout(
    () => upstream.destroy(new Error(`connect timed out after ${o.connectTimeoutMs ?? 5000} ms`)),
    o.connectTimeoutMs ?? 5000,
  );
  const cleanup = () => {
    clearTimeout(timer);
    o.sockets.delete(client);
    o.sockets.delete(upstream);
  };
  client.on('error', () => upstream.destroy());
  upstream.on('error', (err) => {
    if (connected) {
      client.destroy();
      return;
    }
    o.stats?.onFail();
    o.log?.warn('web.ws_proxy_failed', { upstream: upstreamName(u), error: err.message });
    const body = badGatewayText(u, err);
    if (client.writable) {
      client.end(
        `HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    cleanup();
  });
  upstream.once('connect', () => {
    connected = true;
    clearTimeout(timer);
    o.stats?.onOpen();
    upstream.setNoDelay(true);
    const lines = [`${req.method ?? 'GET'} ${req.url ?? '/xmpp-websocket'} HTTP/1.1`];
    for (const [k, v] of upstreamHeaders(req, true)) lines.push(`${k}: ${v.replace(/[\r\n]/g, '')}`);
    upstream.write(lines.join('\r\n') + '\r\n\r\n');
    if (head.length) upstream.write(head);
    upstream.pipe(client);
    client.pipe(upstream);
  });
  let closed = false;
  const onClose = () => {
    if (closed) return;
    closed = true;
    if (connected) o.stats?.onClose();
    client.destroy();
    upstream.destroy();
    cleanup();
  };
  client.on('close', onClose);
  upstream.on('close', () => {
    if (connected) onClose();
    else cleanup();
  });
}

/** Proxies one BOSH request (POST, GET, OPTIONS) to Prosody's same path. */
export function proxyHttp(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  u: Upstream,
  o: { log?: Logger; onResult?: (ok: boolean) => void },
): void {
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of upstreamHeaders(req, false)) {
    const prev = headers[k];
    headers[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  const up = httpRequest({ host: u.host, port: u.port, method: req.method, path, headers });
  up.on('response', (ur) => {
    o.onResult?.(true);
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(ur.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
    res.writeHead(ur.statusCode ?? 502, out);
    ur.pipe(res);
    ur.on('error', () => res.destroy());
  });
  up.on('error', (err) => {
    o.onResult?.(false);
    o.log?.warn('web.bosh_proxy_failed', { upstream: upstreamName(u), error: err.message });
    if (!res.headersSent)
      res.writeHead(502, { 'Content-Type': 'text/plain; charset=utf-8' }).end(badGatewayText(u, err));
    else res.destroy();
  });
  res.on('close', () => {
    if (!res.writableFinished) up.destroy();
  });
  req.pipe(up);
}

/** True when Prosody's HTTP port answers an HTTP request within `timeoutMs`. */
export function probeUpstream(
  u: Upstream,
  timeoutMs = 2000,
): Promise<{ ok: boolean; status?: number; error?: string }> {
  return new Promise((resolve) => {
    const r = httpRequest(
      { host: u.host, port: u.port, method: 'GET', path: '/http-bind', timeout: timeoutMs },
      (res) => {
        res.resume();
        resolve({ ok: true, status: res.statusCode });
      },
    );
    r.on('timeout', () => r.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    r.on('error', (err) => resolve({ ok: false, error: err.message }));
    r.end();
  });
}

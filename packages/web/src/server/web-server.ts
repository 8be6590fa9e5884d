// The HTTPS origin of a Parley deployment: the client bundle, /config.js, the SPA's room routes,
// same-origin signaling proxies to Prosody, /health. An optional plain HTTP port only redirects to
// HTTPS and says why. Internals stay off the public port: /metrics is on a loopback service port
// (like the focus's and the bridge's), and no source map (*.map) is ever served.
import { existsSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server as HttpServer,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response } from 'express';
import {
  Counter,
  Gauge,
  createRegistry,
  plainAddress,
  startServiceHttp,
  type Logger,
  type ServiceHttp,
} from '@parley/service';
import { buildParleyConfig, renderConfigJs, type ParleyConfigJson } from './config.js';
import {
  absoluteOrigins,
  cleanHost,
  clientMissingPage,
  hostWithoutPort,
  httpsRedirectPage,
  notFoundPage,
  securityHeaders,
} from './pages.js';
import { AddressCaps, clientAddress, DEFAULT_MAX_CONNECTIONS_PER_ADDRESS } from './address-caps.js';
import { probeUpstream, proxyHttp, proxyWebSocket, refuseUpgrade, upstreamName } from './proxy.js';

export interface WebServerOptions {
  /** Bind address, e.g. '127.0.0.1' or '0.0.0.0'. */
  host: string;
  /** 0 = pick a free one. */
  httpsPort: number;
  /** Plain HTTP that only redirects to HTTPS and explains; null/undefined = none. */
  httpPort?: number | null;
  /** Prosody's HTTP port: /xmpp-websocket and /http-bind are proxied there. */
  xmppHttp: { host: string; port: number };
  /** XMPP domain; mucDomain = conference.<domain>, focusJid = focus.<domain>. */
  domain: string;
  /** PEM. */
  tls: { cert: string; key: string };
  /** The local CA certificate (PEM); when given, served at /ca.pem so devices can download and trust it. */
  caCertPem?: string;
  /** Overrides for /config.js. */
  config?: Partial<ParleyConfigJson>;
  /**
   * TURN is on: /config.js says `turn: true`, and the client asks Prosody for short-lived TURN
   * credentials over its XMPP session (XEP-0215). This server never hands out credentials:
   * GET /turn-credentials is 404 whatever this says.
   */
  turn?: boolean;
  /**
   * The operators' port: GET /health and /metrics (Prometheus). Give it a loopback address: it is
   * never the public port. Absent: metrics are not served.
   */
  metricsHttp?: { host: string; port: number };
  /** Default: packages/web/dist/public. */
  staticDir?: string;
  /**
   * WebSocket connections plus BOSH requests in flight that one client address may hold through
   * the signaling proxies; more are refused with 429. 0: no cap. Default 40.
   */
  maxConnectionsPerAddress?: number;
  log?: Logger;
}

export interface RunningWebServer {
  /** https://host:port */
  url: string;
  httpsPort: number;
  httpPort?: number;
  /** The port of /health and /metrics for operators (with `metricsHttp`). */
  metricsPort?: number;
  close(): Promise<void>;
}

/** Room names: lowercase letters, digits, '-' and '_', 1..64 characters. */
export const ROOM_PATTERN = /^[a-z0-9_-]{1,64}$/;

/** Paths of the SPA that are pages, never meetings ("/doctor": the connection check). */
export const RESERVED_PAGES: readonly string[] = ['doctor'];

export function defaultStaticDir(): string {
  // dist/server/web-server.js or src/server/web-server.ts -> packages/web/dist/public
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'public');
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

function listen(server: HttpServer | HttpsServer, port: number, host: string): Promise<number> {
  return new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolveListen((server.address() as AddressInfo).port);
    });
  });
}

function routeClass(path: string): string {
  if (
    path === '/config.js' ||
    path === '/ca.pem' ||
    path === '/turn-credentials' ||
    path === '/health' ||
    path === '/metrics' ||
    path === '/http-bind'
  )
    return path.slice(1);
  if (path === '/') return 'index';
  if (RESERVED_PAGES.includes(path.slice(1))) return path.slice(1);
  if (/^\/[^/]+\.[a-z0-9]+$/i.test(path)) return 'static';
  return 'room';
}

export async function startWebServer(o: WebServerOptions): Promise<RunningWebServer> {
  const log = o.log;
  const staticDir = resolve(o.staticDir ?? defaultStaticDir());
  const indexPath = join(staticDir, 'index.html');
  const parleyConfig = buildParleyConfig(o.domain, { ...o.config, turn: o.turn === true });
  const configJs = renderConfigJs(parleyConfig);
  const extraConnect = absoluteOrigins([parleyConfig.websocketUrl, parleyConfig.boshUrl]);
  const embedOrigins = parleyConfig.embedOrigins ?? [];
  const upstream = { host: o.xmppHttp.host, port: o.xmppHttp.port };
  const caps = new AddressCaps(o.maxConnectionsPerAddress ?? DEFAULT_MAX_CONNECTIONS_PER_ADDRESS);
  if (!existsSync(indexPath)) log?.warn('web.client_missing', { staticDir, hint: 'run npm run build' });

  const registry = createRegistry('web');
  const requests = new Counter({
    name: 'parley_web_http_requests_total',
    help: 'HTTPS requests by route class and status',
    labelNames: ['route', 'status'],
    registers: [registry],
  });
  const wsOpen = new Gauge({
    name: 'parley_web_websocket_proxied_open',
    help: 'WebSocket connections piped to Prosody now',
    registers: [registry],
  });
  const wsTotal = new Counter({
    name: 'parley_web_websocket_upgrades_total',
    help: 'WebSocket upgrades by result',
    labelNames: ['result'],
    registers: [registry],
  });
  const boshTotal = new Counter({
    name: 'parley_web_bosh_requests_total',
    help: 'BOSH requests proxied, by result',
    labelNames: ['result'],
    registers: [registry],
  });

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', 'strong');
  app.use((req: Request, res: Response, next: NextFunction) => {
    res.set(securityHeaders(req.headers.host, extraConnect, embedOrigins));
    res.on('finish', () => requests.inc({ route: routeClass(req.path), status: String(res.statusCode) }));
    next();
  });

  app.get('/config.js', (_req, res) => {
    res
      .set({ 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache, no-store, must-revalidate' })
      .send(configJs);
  });
  // The embed API is loaded by other sites' pages (<script src>): the one resource they may fetch.
  app.get('/external_api.js', (_req, res, next) => {
    res.set('Cross-Origin-Resource-Policy', 'cross-origin');
    next();
  });
  app.get('/ca.pem', (_req, res, next) => {
    if (!o.caCertPem) return next();
    res
      .set({
        'Content-Type': 'application/x-pem-file',
        'Content-Disposition': 'attachment; filename="parley-ca.pem"',
        'Cache-Control': 'no-cache',
      })
      .send(o.caCertPem);
  });
  // Not next() for these: both are valid room names, and neither may ever show what it once did.
  app.get('/turn-credentials', (_req, res) => {
    res
      .status(404)
      .set('Cache-Control', 'no-store')
      .json({ error: 'no TURN credentials here: they are given to XMPP sessions only (XEP-0215)' });
  });
  app.get('/metrics', (req, res) => {
    res.status(404).type('html').set('Cache-Control', 'no-cache').send(notFoundPage(req.path));
  });
  // Source maps would hand out the readable client source: never served, even if one was built.
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (!/\.map$/i.test(req.path)) return next();
    res.status(404).type('html').set('Cache-Control', 'no-cache').send(notFoundPage(req.path));
  });
  const healthReport = async () => {
    const probe = await probeUpstream(upstream);
    return {
      healthy: probe.ok,
      service: 'web',
      prosody: { upstream: upstreamName(upstream), ...probe },
      client: existsSync(indexPath),
    };
  };
  app.get('/health', async (_req, res) => {
    const report = await healthReport();
    res
      .status(report.healthy ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json(report);
  });
  app.all('/http-bind', (req, res) => {
    const address = clientAddress(req.socket);
    const release = caps.acquire(address);
    if (!release) {
      boshTotal.inc({ result: 'too_many' });
      return void res
        .status(429)
        .set('Retry-After', '10')
        .type('text/plain')
        .send(`${caps.refusalText(address)}\n`);
    }
    res.once('close', release);
    proxyHttp(req, res, req.originalUrl, upstream, {
      log,
      onResult: (ok) => boshTotal.inc({ result: ok ? 'ok' : 'upstream_error' }),
    });
  });
  // lib-jitsi-meet's keep-alive fetches the WebSocket URL over plain HTTPS every minute or so: a
  // short 200 (never cached) for GET/HEAD, as behind Jitsi's nginx; other methods get 426.
  app.get('/xmpp-websocket', (_req, res) => {
    res
      .set({ 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' })
      .send('XMPP WebSocket endpoint (RFC 7395): connect with a WebSocket, protocol "xmpp".\n');
  });
  app.all('/xmpp-websocket', (_req, res) => {
    res
      .status(426)
      .set({ Upgrade: 'websocket', 'Content-Type': 'text/plain; charset=utf-8' })
      .send('This is the XMPP WebSocket endpoint (RFC 7395): connect with a WebSocket, protocol "xmpp".\n');
  });

  app.use(
    express.static(staticDir, {
      index: false,
      redirect: false,
      setHeaders: (res, path) => {
        // Bundle names carry no hash, so revalidate (ETag) instead of caching blindly.
        res.setHeader(
          'Cache-Control',
          /\.(svg|png|ico|webp|woff2?)$/.test(path) ? 'public, max-age=86400' : 'no-cache',
        );
      },
    }),
  );

  const sendIndex = (res: Response) => {
    if (!existsSync(indexPath)) {
      res.status(503).type('html').set('Cache-Control', 'no-store').send(clientMissingPage());
      return;
    }
    res.set('Cache-Control', 'no-cache');
    res.sendFile(indexPath, { headers: { 'Content-Type': 'text/html; charset=utf-8' } });
  };
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const path = req.path;
    if (path === '/') return sendIndex(res);
    const m = /^\/([^/]+)(\/?)$/.exec(path);
    if (!m) return next();
    const room = m[1];
    const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
    if (ROOM_PATTERN.test(room) && !m[2]) return sendIndex(res);
    if (ROOM_PATTERN.test(room.toLowerCase())) return res.redirect(301, `/${room.toLowerCase()}${query}`);
    next();
  });
  app.use((req: Request, res: Response) => {
    res.status(404).type('html').set('Cache-Control', 'no-cache').send(notFoundPage(req.path));
  });
  app.use((err: Error, req: Request, res: Response, _next: NextFunction) => {
    log?.error('web.request_failed', { path: req.path, error: err.message });
    if (res.headersSent) return void res.destroy();
    res.status(500).type('text/plain').send(`internal error: ${err.message}\n`);
  });

  const upgraded = new Set<Duplex>();
  const https = createHttpsServer({ cert: o.tls.cert, key: o.tls.key }, app);
  https.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/xmpp-websocket') {
      wsTotal.inc({ result: 'not_found' });
      socket.end(
        'HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nConnection: close\r\nContent-Length: 32\r\n\r\nno WebSocket here: /xmpp-websocket',
      );
      return;
    }
    const address = clientAddress(req.socket);
    const release = caps.acquire(address);
    if (!release) {
      wsTotal.inc({ result: 'too_many' });
      log?.warn('web.too_many_connections', { address, cap: caps.perAddress });
      refuseUpgrade(socket, '429 Too Many Requests', caps.refusalText(address));
      return;
    }
    socket.once('close', release);
    proxyWebSocket(req, socket, head, upstream, {
      log,
      sockets: upgraded,
      stats: {
        onOpen: () => {
          wsTotal.inc({ result: 'proxied' });
          wsOpen.inc();
        },
        onClose: () => wsOpen.dec(),
        onFail: () => wsTotal.inc({ result: 'upstream_error' }),
      },
    });
  });
  https.on('tlsClientError', (err) => log?.debug('web.tls_client_error', { error: err.message }));
  const httpsPort = await listen(https, o.httpsPort, o.host);

  let http: HttpServer | undefined;
  let httpPort: number | undefined;
  if (o.httpPort !== null && o.httpPort !== undefined) {
    http = createHttpServer((req: IncomingMessage, res: ServerResponse) => {
      const given = cleanHost(req.headers.host);
      const host = given
        ? hostWithoutPort(given)
        : urlHost((req.socket.localAddress && plainAddress(req.socket.localAddress)) ?? o.host);
      const path = (req.url ?? '/').startsWith('/') ? (req.url ?? '/') : '/';
      const target = `https://${host}${httpsPort === 443 ? '' : `:${httpsPort}`}${path}`;
      res.writeHead(301, {
        Location: target,
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-cache',
        'X-Content-Type-Options': 'nosniff',
        'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
      });
      res.end(
        req.method === 'HEAD'
          ? undefined
          : httpsRedirectPage(target, o.caCertPem ? target.replace(/^(https:\/\/[^/]+).*$/, '$1/ca.pem') : undefined),
      );
    });
    try {
      httpPort = await listen(http, o.httpPort, o.host);
    } catch (e) {
      https.closeAllConnections();
      await new Promise((r) => https.close(r));
      throw e;
    }
  }

  let metrics: ServiceHttp | undefined;
  if (o.metricsHttp) {
    try {
      metrics = await startServiceHttp({ ...o.metricsHttp, registry, health: healthReport });
    } catch (e) {
      https.closeAllConnections();
      await new Promise((r) => https.close(r));
      if (http) {
        http.closeAllConnections();
        await new Promise((r) => http!.close(r));
      }
      throw e;
    }
  }

  const url = `https://${urlHost(o.host)}:${httpsPort}`;
  log?.info('web.listening', {
    url,
    httpPort,
    metrics: metrics ? `http://${urlHost(o.metricsHttp!.host)}:${metrics.port}/metrics` : undefined,
    staticDir,
    upstream: upstreamName(upstream),
  });
  let closing: Promise<void> | undefined;
  const closeServer = (s: HttpServer | HttpsServer) =>
    new Promise<void>((r) => {
      s.close(() => r());
      s.closeAllConnections();
    });
  return {
    url,
    httpsPort,
    httpPort,
    metricsPort: metrics?.port,
    close: () =>
      (closing ??= (async () => {
        for (const s of upgraded) s.destroy();
        upgraded.clear();
        await Promise.all([closeServer(https), http ? closeServer(http) : Promise.resolve(), metrics?.close()]);
      })()),
  };
}

// The HTTPS origin's routes: security headers on everything, /config.js, /ca.pem, /health, the
// BOSH proxy, the client bundle, the SPA's room paths, the recordings page, and 404s that explain. Internals never
// answer here: /metrics and source maps are 404 (metrics live on the loopback port).
import { existsSync } from 'node:fs';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Logger } from '@parley/service';
import { clientAddress, type AddressCaps } from './address-caps.js';
import { clientMissingPage, notFoundPage, securityHeaders } from './pages.js';
import { proxyHttp } from './proxy.js';
import { type RecordingsDeps, recordingsRouter } from './recordings-routes.js';
import type { WebMetrics } from './web-metrics.js';

/** Room names: lowercase letters, digits, '-' and '_', 1..64 characters. */
export const ROOM_PATTERN = /^[a-z0-9_-]{1,64}$/;

/** Paths of the SPA that are pages, never meetings ("/doctor": the connection check). */
export const RESERVED_PAGES: readonly string[] = ['doctor'];

export interface RouteDeps {
  configJs: string;
  /** Origins config.js names outright (connect-src), and those that may frame the app (frame-ancestors). */
  extraConnect: string[];
  embedOrigins: string[];
  caCertPem?: string;
  upstream: { host: string; port: number };
  caps: AddressCaps;
  staticDir: string;
  indexPath: string;
  metrics: WebMetrics;
  health(): Promise<{ healthy: boolean; [k: string]: unknown }>;
  log?: Logger;
  /** The recordings page (recordings-routes.ts): folder and admin token; unset: off. */
  recordings?: RecordingsDeps;
}

export function webApp(deps: RouteDeps): Express {
  const { configJs, extraConnect, embedOrigins, upstream, caps, staticDir, indexPath, metrics, log } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', 'strong');
  app.use((req: Request, res: Response, next: NextFunction) => {
    res.set(securityHeaders(req.headers.host, extraConnect, embedOrigins));
    res.on('finish', () => metrics.requests.inc({ route: routeClass(req.path), status: String(res.statusCode) }));
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
    if (!deps.caCertPem) return next();
    res
      .set({
        'Content-Type': 'application/x-pem-file',
        'Content-Disposition': 'attachment; filename="parley-ca.pem"',
        'Cache-Control': 'no-cache',
      })
      .send(deps.caCertPem);
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
  app.get('/health', async (_req, res) => {
    const report = await deps.health();
    res
      .status(report.healthy ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json(report);
  });
  app.all('/http-bind', (req, res) => {
    const address = clientAddress(req.socket);
    const release = caps.acquire(address);
    if (!release) {
      metrics.boshTotal.inc({ result: 'too_many' });
      return void res
        .status(429)
        .set('Retry-After', '10')
        .type('text/plain')
        .send(`${caps.refusalText(address)}\n`);
    }
    res.once('close', release);
    proxyHttp(req, res, req.originalUrl, upstream, {
      log,
      onResult: (ok) => metrics.boshTotal.inc({ result: ok ? 'ok' : 'upstream_error' }),
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

  app.use(recordingsRouter({ ...deps.recordings, log }));

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
  return app;
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
  if (path.startsWith('/recordings')) return 'recordings';
  if (/^\/[^/]+\.[a-z0-9]+$/i.test(path)) return 'static';
  return 'room';
}

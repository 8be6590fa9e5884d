// The HTTPS origin of a Parley deployment: the client bundle, /config.js, the SPA's room routes,
// same-origin signaling proxies to Prosody, /health. An optional plain HTTP port only redirects to
// HTTPS and says why. Internals stay off the public port: /metrics is on a loopback service port
// (like the focus's and the bridge's), and no source map (*.map) is ever served.
// The parts: web-routes.ts (the app), websocket-upgrade.ts, redirect-server.ts, web-metrics.ts.
import { existsSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { dirname, join, resolve } from 'node:path';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { startServiceHttp, type Logger, type ServiceHttp } from '@parley/service';
import { buildParleyConfig, renderConfigJs, type ParleyConfigJson } from './config.js';
import { absoluteOrigins } from './pages.js';
import { AddressCaps, DEFAULT_MAX_CONNECTIONS_PER_ADDRESS } from './address-caps.js';
import { probeUpstream, upstreamName } from './proxy.js';
import { closeServer, listen, urlHost } from './listen.js';
import { redirectServer } from './redirect-server.js';
import { webMetrics } from './web-metrics.js';
import { webApp } from './web-routes.js';
import { acceptUpgrades } from './websocket-upgrade.js';

export { RESERVED_PAGES, ROOM_PATTERN } from './web-routes.js';

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
  /** The recordings page: the bridge's recordings folder and the operator's admin token. */
  recordings?: { dir?: string; adminToken?: string };
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

export function defaultStaticDir(): string {
  // dist/server/web-server.js or src/server/web-server.ts -> packages/web/dist/public
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'public');
}

export async function startWebServer(o: WebServerOptions): Promise<RunningWebServer> {
  const log = o.log;
  const staticDir = resolve(o.staticDir ?? defaultStaticDir());
  const indexPath = join(staticDir, 'index.html');
  const parleyConfig = buildParleyConfig(o.domain, { ...o.config, turn: o.turn === true });
  const upstream = { host: o.xmppHttp.host, port: o.xmppHttp.port };
  const caps = new AddressCaps(o.maxConnectionsPerAddress ?? DEFAULT_MAX_CONNECTIONS_PER_ADDRESS);
  if (!existsSync(indexPath)) log?.warn('web.client_missing', { staticDir, hint: 'run npm run build' });
  const metrics = webMetrics();
  const health = async () => {
    const probe = await probeUpstream(upstream);
    return {
      healthy: probe.ok,
      service: 'web',
      prosody: { upstream: upstreamName(upstream), ...probe },
      client: existsSync(indexPath),
    };
  };
  const app = webApp({
    configJs: renderConfigJs(parleyConfig),
    extraConnect: absoluteOrigins([parleyConfig.websocketUrl, parleyConfig.boshUrl]),
    embedOrigins: parleyConfig.embedOrigins ?? [],
    caCertPem: o.caCertPem,
    upstream,
    caps,
    staticDir,
    indexPath,
    metrics,
    health,
    log,
    recordings: o.recordings,
  });

  const upgraded = new Set<Duplex>();
  const https = createHttpsServer({ cert: o.tls.cert, key: o.tls.key }, app);
  acceptUpgrades(https, { caps, upstream, metrics, log, sockets: upgraded });
  https.on('tlsClientError', (err) => log?.debug('web.tls_client_error', { error: err.message }));
  const httpsPort = await listen(https, o.httpsPort, o.host);

  let http: HttpServer | undefined;
  let httpPort: number | undefined;
  let metricsHttp: ServiceHttp | undefined;
  try {
    if (o.httpPort !== null && o.httpPort !== undefined) {
      http = redirectServer({ bindHost: o.host, httpsPort, caCertPem: o.caCertPem });
      httpPort = await listen(http, o.httpPort, o.host);
    }
    if (o.metricsHttp) metricsHttp = await startServiceHttp({ ...o.metricsHttp, registry: metrics.registry, health });
  } catch (e) {
    await closeServer(https);
    if (http) await closeServer(http);
    throw e;
  }

  const url = `https://${urlHost(o.host)}:${httpsPort}`;
  log?.info('web.listening', {
    url,
    httpPort,
    metrics: metricsHttp ? `http://${urlHost(o.metricsHttp!.host)}:${metricsHttp.port}/metrics` : undefined,
    staticDir,
    upstream: upstreamName(upstream),
  });
  let closing: Promise<void> | undefined;
  return {
    url,
    httpsPort,
    httpPort,
    metricsPort: metricsHttp?.port,
    close: () =>
      (closing ??= (async () => {
        for (const s of upgraded) s.destroy();
        upgraded.clear();
        await Promise.all([closeServer(https), http ? closeServer(http) : Promise.resolve(), metricsHttp?.close()]);
      })()),
  };
}

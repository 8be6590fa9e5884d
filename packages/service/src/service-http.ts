// Every Parley service exposes GET /health (200 when healthy, 503 otherwise, JSON body) and
// GET /metrics (Prometheus text). Extra read-only routes (a debug dump) may be added by the caller,
// and one handler of its own for a path prefix (the focus's authenticated /api/).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface HealthReport {
  healthy: boolean;
  [detail: string]: unknown;
}

export interface ServiceHttpOptions {
  host: string;
  port: number;
  registry: Registry;
  health: () => HealthReport | Promise<HealthReport>;
  routes?: Record<string, () => unknown>;
  /** Requests whose path starts with `prefix` go to `handle` (any method); it answers them itself. */
  api?: { prefix: string; handle(req: IncomingMessage, res: ServerResponse): Promise<void> };
}

export interface ServiceHttp {
  port: number;
  close(): Promise<void>;
  server: Server;
}

export async function startServiceHttp(opts: ServiceHttpOptions): Promise<ServiceHttp> {
  const server = createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    try {
      if (opts.api && path.startsWith(opts.api.prefix)) {
        await opts.api.handle(req, res);
      } else if (req.method !== 'GET') {
        res.writeHead(405, { allow: 'GET' }).end();
      } else if (path === '/health') {
        const report = await opts.health();
        res.writeHead(report.healthy ? 200 : 503, { 'content-type': 'application/json' });
        res.end(JSON.stringify(report));
      } else if (path === '/metrics') {
        const text = await opts.registry.metrics();
        res.writeHead(200, { 'content-type': opts.registry.contentType }).end(text);
      } else if (opts.routes && path in opts.routes) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(opts.routes[path](), null, 2));
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end(`no route ${path}; try /health or /metrics\n`);
      }
    } catch (err) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`error: ${(err as Error).message}\n`);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

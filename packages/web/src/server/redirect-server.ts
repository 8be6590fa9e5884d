// The plain HTTP port: every request is redirected to HTTPS, with a page that says why (a secure
// context is needed for the camera) and where the local CA is, in case the browser warns.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { plainAddress } from '@parley/service';
import { urlHost } from './listen.js';
import { cleanHost, hostWithoutPort, httpsRedirectPage } from './pages.js';

export function redirectServer(opts: { bindHost: string; httpsPort: number; caCertPem?: string }): Server {
  return createHttpServer((req: IncomingMessage, res: ServerResponse) => {
    const given = cleanHost(req.headers.host);
    const host = given
      ? hostWithoutPort(given)
      : urlHost((req.socket.localAddress && plainAddress(req.socket.localAddress)) ?? opts.bindHost);
    const path = (req.url ?? '/').startsWith('/') ? (req.url ?? '/') : '/';
    const target = `https://${host}${opts.httpsPort === 443 ? '' : `:${opts.httpsPort}`}${path}`;
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
        : httpsRedirectPage(target, opts.caCertPem ? target.replace(/^(https:\/\/[^/]+).*$/, '$1/ca.pem') : undefined),
    );
  });
}

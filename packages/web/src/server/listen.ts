// Small server plumbing shared by the HTTPS, redirect and metrics servers.
import { bracketHost } from '@parley/service';
import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/** A bind address as a URL host ("0.0.0.0" -> 127.0.0.1, IPv6 in brackets). */
export function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return bracketHost(host);
}

export function listen(server: HttpServer | HttpsServer, port: number, host: string): Promise<number> {
  return new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolveListen((server.address() as AddressInfo).port);
    });
  });
}

/** Closes a server and every connection it still holds. */
export function closeServer(s: HttpServer | HttpsServer): Promise<void> {
  return new Promise<void>((r) => {
    s.close(() => r());
    s.closeAllConnections();
  });
}

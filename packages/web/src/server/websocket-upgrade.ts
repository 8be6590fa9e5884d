// WebSocket upgrades on the HTTPS port: only /xmpp-websocket, piped to Prosody, within the
// per-address connection cap (AddressCaps); anything else is answered and closed.
import type { IncomingMessage } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import type { Logger } from '@parley/service';
import { clientAddress, type AddressCaps } from './address-caps.js';
import { proxyWebSocket, refuseUpgrade } from './proxy.js';
import type { WebMetrics } from './web-metrics.js';

export function acceptUpgrades(
  https: HttpsServer,
  deps: {
    caps: AddressCaps;
    upstream: { host: string; port: number };
    metrics: WebMetrics;
    log?: Logger;
    /** The proxied sockets, destroyed when the server closes. */
    sockets: Set<Duplex>;
  },
): void {
  const { caps, upstream, metrics, log, sockets } = deps;
  https.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/xmpp-websocket') {
      metrics.wsTotal.inc({ result: 'not_found' });
      socket.end(
        'HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nConnection: close\r\nContent-Length: 32\r\n\r\nno WebSocket here: /xmpp-websocket',
      );
      return;
    }
    const address = clientAddress(req.socket);
    const release = caps.acquire(address);
    if (!release) {
      metrics.wsTotal.inc({ result: 'too_many' });
      log?.warn('web.too_many_connections', { address, cap: caps.perAddress });
      refuseUpgrade(socket, '429 Too Many Requests', caps.refusalText(address));
      return;
    }
    socket.once('close', release);
    proxyWebSocket(req, socket, head, upstream, {
      log,
      sockets,
      stats: {
        onOpen: () => {
          metrics.wsTotal.inc({ result: 'proxied' });
          metrics.wsOpen.inc();
        },
        onClose: () => metrics.wsOpen.dec(),
        onFail: () => metrics.wsTotal.inc({ result: 'upstream_error' }),
      },
    });
  });
}

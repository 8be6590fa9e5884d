// The web server's Prometheus metrics (served on the loopback metrics port, never the public one;
// docs/metrics.md lists them).
import { Counter, Gauge, createRegistry, type Registry } from '@parley/service';

export interface WebMetrics {
  registry: Registry;
  requests: Counter<'route' | 'status'>;
  wsOpen: Gauge;
  wsTotal: Counter<'result'>;
  boshTotal: Counter<'result'>;
}

export function webMetrics(): WebMetrics {
  const registry = createRegistry('web');
  return {
    registry,
    requests: new Counter({
      name: 'parley_web_http_requests_total',
      help: 'HTTPS requests by route class and status',
      labelNames: ['route', 'status'],
      registers: [registry],
    }),
    wsOpen: new Gauge({
      name: 'parley_web_websocket_proxied_open',
      help: 'WebSocket connections piped to Prosody now',
      registers: [registry],
    }),
    wsTotal: new Counter({
      name: 'parley_web_websocket_upgrades_total',
      help: 'WebSocket upgrades by result',
      labelNames: ['result'],
      registers: [registry],
    }),
    boshTotal: new Counter({
      name: 'parley_web_bosh_requests_total',
      help: 'BOSH requests proxied, by result',
      labelNames: ['result'],
      registers: [registry],
    }),
  };
}

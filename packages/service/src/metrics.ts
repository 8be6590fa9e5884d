// Prometheus metrics through prom-client, one registry per service instance (tests run several
// services in one process, so nothing goes into the global default registry).
import { Registry, Counter, Gauge, collectDefaultMetrics } from 'prom-client';

export { Registry, Counter, Gauge };

export function createRegistry(service: string, opts: { processMetrics?: boolean } = {}): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (opts.processMetrics) collectDefaultMetrics({ register: registry });
  return registry;
}

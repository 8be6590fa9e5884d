// Wires the focus together: component link, bridge client, conference manager, /health, /metrics.
import { createLogger, createRegistry, startServiceHttp, type Logger } from '@parley/service';
import type { BridgeClient } from './bridge-client.js';
import { ConferenceManager } from './conference-manager.js';
import { focusJidOf, mucDomainOf, type FocusConfig } from './config.js';
import { FakeBridgeClient } from './fake-bridge-client.js';
import { focusMetrics } from './metrics.js';
import { connectComponent } from './xmpp-link.js';

export interface RunningFocus {
  manager: ConferenceManager;
  bridge: BridgeClient;
  httpPort: number;
  close(): Promise<void>;
}

export async function startFocus(config: FocusConfig, opts: { log?: Logger; bridge?: BridgeClient } = {}): Promise<RunningFocus> {
  const log = opts.log ?? createLogger('focus', { level: config.logLevel });
  const registry = createRegistry('focus', { processMetrics: true });
  const metrics = focusMetrics(registry);
  const bridge = opts.bridge ?? chooseBridge(config);
  const link = await connectComponent({ service: config.xmppComponentUrl, domain: focusJidOf(config.domain), secret: config.focusSecret, log });
  const manager = new ConferenceManager({ link, bridge, log, metrics, mucDomain: mucDomainOf(config.domain), idleTimeoutMs: config.idleTimeoutMs });
  const http = await startServiceHttp({
    host: config.httpHost,
    port: config.httpPort,
    registry,
    health: () => ({ healthy: bridge.available() > 0, bridges: bridge.available(), conferences: manager.conferences.size }),
    routes: { '/debug/conferences': () => manager.dump() },
  });
  log.info('focus.ready', { jid: link.jid, http: `${config.httpHost}:${http.port}` });
  return {
    manager,
    bridge,
    httpPort: http.port,
    async close() {
      await manager.close();
      await link.close();
      await bridge.close();
      await http.close();
    },
  };
}

function chooseBridge(config: FocusConfig): BridgeClient {
  if (config.bridge === 'colibri2') throw new Error('bridge "colibri2" is not available yet: run the focus with --bridge fake');
  return new FakeBridgeClient();
}

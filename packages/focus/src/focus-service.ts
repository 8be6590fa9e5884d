// Wires the focus together: component link, bridge client, conference manager, /health, /metrics.
import { createLogger, createRegistry, startServiceHttp, type Logger } from '@parley/service';
import type { BridgeClient } from './bridge-client.js';
import { ConferenceManager } from './conference-manager.js';
import {
  breweryOf,
  bridgeAccountOf,
  DEFAULT_BRIDGE_USER,
  focusJidOf,
  mucDomainOf,
  type FocusStartConfig,
} from './config.js';
import { ConferenceLimits, DEFAULT_CONFERENCE_LIMITS } from './limits.js';
import { FakeBridgeClient } from './fake-bridge-client.js';
import { focusMetrics } from './metrics.js';
import { connectComponent, type XmppLink } from './xmpp-link.js';
import { Colibri2BridgeClient } from './colibri2-bridge-client.js';
import { WebhookSender } from './webhooks.js';
import { adminApi, type AdminApiOptions } from './admin-api.js';
import { accessPolicyFromConfig, type FocusAccessConfig } from './auth/access-config.js';

export interface RunningFocus {
  manager: ConferenceManager;
  bridge: BridgeClient;
  httpPort: number;
  close(): Promise<void>;
}

/** What a supervisor (parley start) adds to the focus's /health: the parts of the stack that are down. */
export interface StackHealth {
  /** e.g. ["prosody"], ["jvb-2"]: restarting or waiting to be restarted. */
  down: string[];
  [detail: string]: unknown;
}

export async function startFocus(
  config: FocusStartConfig & Partial<FocusAccessConfig>,
  opts: {
    log?: Logger;
    bridge?: BridgeClient;
    stackHealth?: () => StackHealth;
    /** Mints invite links for POST /api/invites (parley start knows the public URL). */
    invite?: AdminApiOptions['invite'];
  } = {},
): Promise<RunningFocus> {
  const log = opts.log ?? createLogger('focus', { level: config.logLevel });
  const access = accessPolicyFromConfig(config.domain, config);
  const registry = createRegistry('focus', { processMetrics: true });
  const metrics = focusMetrics(registry);
  // Bad webhook settings fail here, before anything connects.
  const webhooks = new WebhookSender({
    urls: config.webhookUrls ?? [],
    secret: config.webhookSecret ?? '',
    log: log.child({ part: 'webhooks' }),
  });
  const link = await connectComponent({
    service: config.xmppComponentUrl,
    domain: focusJidOf(config.domain),
    secret: config.focusSecret,
    log,
  });
  const bridge = opts.bridge ?? chooseBridge(config, link, log);
  const manager = new ConferenceManager({
    link,
    bridge,
    log,
    metrics,
    mucDomain: mucDomainOf(config.domain),
    idleTimeoutMs: config.idleTimeoutMs,
    limits: new ConferenceLimits({
      maxConferences: config.maxConferences ?? DEFAULT_CONFERENCE_LIMITS.maxConferences,
      maxConferencesPerSession: config.maxConferencesPerSession ?? DEFAULT_CONFERENCE_LIMITS.maxConferencesPerSession,
      newConferencesPerMinute: config.newConferencesPerMinute ?? DEFAULT_CONFERENCE_LIMITS.newConferencesPerMinute,
    }),
    access,
    events: webhooks,
    allowedStreamHosts: streamHosts(config.streamAllowedHosts ?? []),
  });
  // Prosody went away: every room and Jingle session went with it, and the brewery must be joined
  // again. Conferences end now (not on reconnect) so a request after the restart starts a fresh one.
  // A focus that died (or lost Prosody for a moment) left rooms running: take them over.
  const adopt = () => void adoptWhenBridged(manager, bridge, log, () => link.online);
  link.onConnectionChange((online) => {
    if (online) {
      if (bridge instanceof Colibri2BridgeClient) bridge.start();
      return adopt();
    }
    if (bridge instanceof Colibri2BridgeClient) bridge.bridges.clear();
    for (const c of manager.conferences.values()) void c.end('the connection to the XMPP server was lost');
  });
  const http = await startServiceHttp({
    host: config.httpHost,
    port: config.httpPort,
    registry,
    health: () => {
      // healthy (HTTP 200): it can run a conference now; degraded: it can, but a part is down.
      const stack = opts.stackHealth?.();
      const down = [...(link.online ? [] : ['xmpp']), ...(stack?.down ?? [])];
      const healthy = link.online && bridge.available() > 0;
      return {
        healthy,
        status: !healthy ? 'down' : down.length ? 'degraded' : 'ok',
        down,
        xmpp: link.online ? 'online' : 'offline',
        bridges: bridge.available(),
        conferences: manager.conferences.size,
        ...(stack ? { stack } : {}),
      };
    },
    routes: { '/debug/conferences': () => manager.dump() },
    api: adminApi({
      manager,
      mucDomain: mucDomainOf(config.domain),
      token: config.adminToken ?? '',
      invite: opts.invite,
      log: log.child({ part: 'api' }),
    }),
  });
  adopt();
  log.info('focus.ready', { access: access.mode, jid: link.jid, http: `${config.httpHost}:${http.port}` });
  return {
    manager,
    bridge,
    httpPort: http.port,
    async close() {
      await manager.close();
      await webhooks.drained(2000); // the room.ended of the conferences just closed
      webhooks.close();
      await bridge.close(); // leaves the brewery: a send, so before the link closes
      await link.close();
      await http.close();
    },
  };
}

/** Adopts the rooms left without a focus once a bridge is there to carry them (bounded wait). */
async function adoptWhenBridged(
  manager: ConferenceManager,
  bridge: BridgeClient,
  log: Logger,
  online: () => boolean,
  waitMs = 30_000,
) {
  for (const deadline = Date.now() + waitMs; bridge.available() === 0; ) {
    if (!online()) return; // closed or offline again: the next reconnect adopts
    if (Date.now() > deadline) return log.warn('conference.adopt_skipped', { why: `no bridge within ${waitMs} ms` });
    await new Promise((r) => setTimeout(r, 250).unref());
  }
  if (!online()) return;
  try {
    const rooms = await manager.adoptRooms();
    if (rooms.length) log.info('conference.adopted', { rooms });
  } catch (err) {
    log.warn('conference.adopt_failed', { error: err as Error });
  }
}

function chooseBridge(config: FocusStartConfig, link: XmppLink, log: Logger): BridgeClient {
  if (config.bridge === 'fake') return new FakeBridgeClient();
  const client = new Colibri2BridgeClient({
    link,
    breweryRoom: breweryOf(config.domain),
    bridgeAccountJid: bridgeAccountOf(config.domain, config.bridgeUser ?? DEFAULT_BRIDGE_USER),
    log,
  });
  client.start();
  return client;
}

/** The live stream allow-list: host names (or addresses) in lower case; a URL or a path is a mistake named here. */
export function streamHosts(list: readonly string[]): string[] {
  return list.map((h) => {
    const host = h
      .trim()
      .toLowerCase()
      .replace(/^\[|\]$/g, '');
    if (!host || (/[/:@\s]/.test(host) && !/^[0-9a-f:]+$/.test(host)))
      throw new Error(`--stream-allowed-hosts: "${h}" is not a host name (give hosts only, no scheme, port or path)`);
    return host;
  });
}

// The steps of `parley start`, one function each. Every step that starts something pushes how to
// stop it on the context's StopList as soon as it runs, so a start that fails half-way and a normal
// stop unwind the same way: last started, first stopped (start.ts).
import { resolve } from 'node:path';
import { hostname } from 'node:os';
import { startBridge, type RunningBridge } from '@parley/bridge';
import { startFocus, type RunningFocus } from '@parley/focus';
import { ensureCertificates, startWebServer, type RunningWebServer } from '@parley/web';
import { createLogger, type Logger, type StopList } from '@parley/service';
import { validateProsodySettings, type ProsodySettings, type SupervisorStatus } from '@parley/xmpp-config';
import { focusAccess, prosodyAccess, webAccess } from './access-settings.js';
import { startExtraBridges, type ExtraBridges } from './bridge-processes.js';
import { inviteMinter } from './invites.js';
import type { Secrets } from './secrets.js';
import type { StartConfig } from './start-config.js';
import { stackHealth, superviseProsody, superviseTurn } from './stack-supervision.js';
import { turnServices, turnUrls } from './turn/index.js';

export interface StartContext {
  config: StartConfig;
  dataDir: string;
  log: Logger;
  secrets: Secrets;
  stops: StopList;
  /** Supervised parts (Prosody, extra bridges, coturn), for /health's "degraded". */
  supervised: (() => SupervisorStatus[])[];
}

const serviceLog = (ctx: StartContext, service: string) =>
  createLogger(service, { level: ctx.config.logLevel, write: (l) => process.stderr.write(l + '\n') });

/** Prosody under supervision; `advertise` are the bridge's addresses (Prosody lists coturn on them). */
export async function prosodyStep(ctx: StartContext, advertise: string[]): Promise<ProsodySettings> {
  const { config, secrets, log } = ctx;
  const settings = validateProsodySettings({
    domain: config.domain,
    interfaces: [config.bind],
    ports: { c2s: config.xmppPort, http: config.xmppHttpPort, component: config.componentPort },
    dataDir: resolve(ctx.dataDir, 'prosody'),
    focus: { secret: secrets.focusComponentSecret },
    bridgeAccount: { password: secrets.bridgeAccountPassword },
    focusAccount: { password: secrets.focusAccountPassword },
    logLevel: config.logLevel === 'debug' ? 'debug' : 'info',
    ...(config.turn
      ? {
          turn: {
            secret: secrets.turnSecret,
            ttlSeconds: config.turnTtl,
            services: turnServices(advertise, config.turnPort, config.turnsPort),
          },
        }
      : {}),
    access: prosodyAccess(config),
  });
  const prosodyLog = log.child({ service: 'prosody' });
  const prosody = await superviseProsody({
    settings,
    log: (line) => prosodyLog.debug('prosody.output', { line }),
    pidDir: ctx.dataDir,
    supervisorLog: log,
  });
  ctx.stops.push('prosody', () => prosody.stop());
  ctx.supervised.push(() => [prosody.status()]);
  const p0 = prosody.current;
  log.info('prosody.ready', { pid: p0.pid, ms: p0.startupMs, config: p0.configPath });
  return settings;
}

/** The bridge in this process, and one process each for --bridges > 1. */
export async function bridgesStep(
  ctx: StartContext,
  settings: ProsodySettings,
  advertise: string[],
): Promise<{ bridge: RunningBridge; extra?: ExtraBridges }> {
  const { config, secrets } = ctx;
  const bridge = await startBridge(
    {
      domain: config.domain,
      xmppService: `xmpp://127.0.0.1:${config.xmppPort}`,
      username: settings.bridgeAccount.username,
      password: secrets.bridgeAccountPassword,
      bridgeId: '',
      focusJids: [],
      mediaPort: config.mediaPort,
      tcpPort: config.tcpPort,
      bindAddress: '0.0.0.0',
      advertise,
      httpHost: '127.0.0.1',
      httpPort: config.bridgeHttpPort,
      statsIntervalMs: 5000,
      logLevel: config.logLevel,
      recordingsDir: resolve(ctx.dataDir, 'recordings'),
    },
    { log: serviceLog(ctx, 'bridge') },
  );
  ctx.stops.push('bridge', () => bridge.close());
  if (config.bridges <= 1) return { bridge };
  const extra = await startExtraBridges(
    config.bridges,
    {
      domain: config.domain,
      xmppPort: config.xmppPort,
      username: settings.bridgeAccount.username,
      password: secrets.bridgeAccountPassword,
      mediaPort: config.mediaPort,
      tcpPort: config.tcpPort,
      httpPort: config.bridgeHttpPort,
      advertise: bridge.advertise,
      logLevel: config.logLevel,
      dataDir: ctx.dataDir,
    },
    ctx.log,
  );
  ctx.stops.push('extra bridges', () => extra.stop());
  ctx.supervised.push(() => extra.status());
  return { bridge, extra };
}

/** The focus; ready once every bridge is in the brewery (bounded). `inviteBase`: the public URL, known later. */
export async function focusStep(
  ctx: StartContext,
  settings: ProsodySettings,
  inviteBase: () => string,
): Promise<RunningFocus> {
  const { config, secrets } = ctx;
  const focus = await startFocus(
    {
      domain: config.domain,
      xmppComponentUrl: `xmpp://127.0.0.1:${config.componentPort}`,
      focusSecret: secrets.focusComponentSecret,
      httpHost: '127.0.0.1',
      httpPort: config.focusHttpPort,
      bridge: 'colibri2',
      bridgeUser: settings.bridgeAccount.username,
      idleTimeoutMs: 60_000,
      logLevel: config.logLevel,
      webhookUrls: config.webhookUrls,
      streamAllowedHosts: config.streamAllowedHosts,
      webhookSecret: secrets.webhookSecret,
      adminToken: secrets.adminToken,
      ...focusAccess(config, secrets),
    },
    {
      log: serviceLog(ctx, 'focus'),
      stackHealth: () => stackHealth(ctx.supervised.flatMap((s) => s())),
      invite: inviteMinter(config, secrets.tokenSecret, inviteBase),
    },
  );
  ctx.stops.push('focus', () => focus.close());
  for (const deadline = Date.now() + 60_000; focus.bridge.available() < config.bridges; ) {
    if (Date.now() > deadline)
      throw new Error(
        `the focus sees ${focus.bridge.available()} of ${config.bridges} bridges in the brewery after 60 s`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
  return focus;
}

/** The local CA and the server certificate, for this machine's names and addresses (and --public-url's). */
export async function certificatesStep(ctx: StartContext, addresses: string[]) {
  const { config } = ctx;
  const publicHost = config.publicUrl ? new URL(config.publicUrl).hostname.toLowerCase() : undefined;
  const isIpLiteral = publicHost !== undefined && /^[\d.]+$|:/.test(publicHost);
  const certs = await ensureCertificates(resolve(ctx.dataDir, 'certs'), {
    hostnames: [
      ...new Set([...(publicHost && !isIpLiteral ? [publicHost] : []), hostname().toLowerCase(), 'localhost']),
    ],
    addresses: [...new Set([...addresses, ...(publicHost && isIpLiteral ? [publicHost] : [])])],
  });
  ctx.log.info(certs.created ? 'certificates.created' : 'certificates.reused', { ca: certs.caPath });
  return certs;
}

export type Certificates = Awaited<ReturnType<typeof certificatesStep>>;

/** coturn under supervision (--turn): it listens and relays on the bridge's addresses, and only to them. */
export async function turnStep(ctx: StartContext, bridge: RunningBridge, certs: Certificates) {
  const { config, log } = ctx;
  const turnLog = log.child({ service: 'turn' });
  const turn = await superviseTurn({
    settings: {
      realm: config.domain,
      secret: ctx.secrets.turnSecret,
      listeningIps: bridge.advertise,
      relayIps: bridge.advertise,
      allowedPeerIps: bridge.advertise,
      allowLoopbackPeers: bridge.advertise.some((a) => a.startsWith('127.') || a === '::1'),
      port: config.turnPort,
      tlsPort: config.turnsPort,
      tls: { cert: certs.certPath, pkey: certs.keyPath },
      dataDir: resolve(ctx.dataDir, 'turn'),
      verbose: config.logLevel === 'debug',
    },
    log: (line) => turnLog.debug('turn.output', { line }),
    pidDir: ctx.dataDir,
    supervisorLog: log,
  });
  ctx.stops.push('turn', () => turn.stop());
  ctx.supervised.push(() => [turn.status()]);
  const info = {
    urls: turnUrls(bridge.advertise, config.turnPort, config.turnsPort),
    pid: turn.current.pid,
    log: turn.current.logPath,
  };
  const t0 = turn.current;
  log.info('turn.ready', { pid: t0.pid, ms: t0.startupMs, config: t0.configPath, urls: info.urls });
  return info;
}

/** The web app (HTTPS; WebSocket and BOSH proxied to Prosody) and its loopback metrics port. */
export async function webStep(ctx: StartContext, certs: Certificates, turnOn: boolean): Promise<RunningWebServer> {
  const { config } = ctx;
  const web = await startWebServer({
    host: config.webBind,
    httpsPort: config.httpsPort,
    httpPort: config.httpPort,
    xmppHttp: { host: '127.0.0.1', port: config.xmppHttpPort },
    domain: config.domain,
    tls: { cert: certs.certPem, key: certs.keyPem },
    caCertPem: certs.caCertPem,
    maxConnectionsPerAddress: config.maxConnectionsPerAddress,
    turn: turnOn,
    metricsHttp: { host: '127.0.0.1', port: config.webMetricsPort },
    config: { ...webAccess(config), embedOrigins: config.embedOrigins },
    // The recordings page reads the bridges' folder on this machine; the admin token opens it.
    recordings: { dir: resolve(ctx.dataDir, 'recordings'), adminToken: ctx.secrets.adminToken },
    log: serviceLog(ctx, 'web'),
  });
  ctx.stops.push('web', () => web.close());
  return web;
}

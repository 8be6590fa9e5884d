// `parley start`: Prosody, the bridge, the focus and the web app (HTTPS, same origin for WebSocket), with
// secrets generated in the data dir. Logs go to stderr; the one ready line goes to stdout.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { discoverAddresses, startBridge, type RunningBridge } from '@parley/bridge';
import { startFocus, type RunningFocus } from '@parley/focus';
import { inviteMinter } from './invites.js';
import { ensureCertificates, localAddresses, startWebServer, type RunningWebServer } from '@parley/web';
import { hostname } from 'node:os';
import { createLogger, type Logger } from '@parley/service';
import { prosodyDomains, validateProsodySettings, type SupervisorStatus } from '@parley/xmpp-config';
import { loadOrCreateSecrets } from './secrets.js';
import { accessLines, focusAccess, prosodyAccess, webAccess } from './access-settings.js';
import { startExtraBridges, type ExtraBridges } from './bridge-processes.js';
import type { StartConfig } from './start-config.js';
import { turnServices, turnUrls } from './turn/index.js';
import { claimDataDir, stackHealth, superviseProsody, superviseTurn } from './stack-supervision.js';

export interface ReadyInfo {
  ready: true;
  domain: string;
  dataDir: string;
  xmpp: { host: string; port: number };
  websocket: string;
  bosh: string;
  /** `api`: the operators' HTTP API (Bearer adminToken from secrets.json; docs/api.md), loopback only. */
  focus: { jid: string; health: string; metrics: string; api: string };
  bridge: { id: string; udpPort: number; tcpPort?: number; advertise: string[]; health: string };
  /** Every bridge: the in-process one first, then one process each for --bridges > 1. */
  bridges: string[];
  /** The web server's /metrics, on loopback only. */
  web: { metrics: string };
  /** The web app: one URL per address of this machine; a room is `<url><room>`. */
  page: string;
  urls: string[];
  /** The local certificate authority browsers must trust (see the README). */
  ca: string;
  /** Who may start or join meetings (--auth): none, login or token. */
  auth: StartConfig['auth'];
  /** TURN (coturn), with --turn: the URLs browsers get, with credentials from Prosody over XMPP (XEP-0215). */
  turn?: { urls: string[]; pid: number; log: string };
}

export interface RunningStack {
  info: ReadyInfo;
  stop(): Promise<void>;
}

export async function startStack(
  config: StartConfig,
  log: Logger = createLogger('parley', { level: config.logLevel, write: (l) => process.stderr.write(l + '\n') }),
): Promise<RunningStack> {
  const dataDir = resolve(config.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const claim = await claimDataDir(dataDir, log);
  // Supervised parts (Prosody, extra bridges, coturn), for /health's "degraded".
  const supervised: (() => SupervisorStatus[])[] = [];
  const { secrets, created, path } = loadOrCreateSecrets(dataDir);
  log.info(created ? 'secrets.generated' : 'secrets.reused', { path });

  // The bridge's addresses are known before it starts: Prosody lists coturn on them (XEP-0215).
  const advertise = config.advertise.length ? config.advertise : discoverAddresses();
  const settings = validateProsodySettings({
    domain: config.domain,
    interfaces: [config.bind],
    ports: { c2s: config.xmppPort, http: config.xmppHttpPort, component: config.componentPort },
    dataDir: resolve(dataDir, 'prosody'),
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
    pidDir: dataDir,
    supervisorLog: log,
  });
  supervised.push(() => [prosody.status()]);
  const p0 = prosody.current;
  log.info('prosody.ready', { pid: p0.pid, ms: p0.startupMs, config: p0.configPath });

  const serviceLog = (service: string) =>
    createLogger(service, { level: config.logLevel, write: (l) => process.stderr.write(l + '\n') });
  let bridge: RunningBridge;
  try {
    bridge = await startBridge(
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
      },
      { log: serviceLog('bridge') },
    );
  } catch (err) {
    await prosody.stop();
    throw err;
  }

  let extraBridges: ExtraBridges | undefined;
  try {
    if (config.bridges > 1) {
      extraBridges = await startExtraBridges(
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
          dataDir,
        },
        log,
      );
      supervised.push(() => extraBridges?.status() ?? []);
    }
  } catch (err) {
    await bridge.close();
    await prosody.stop();
    throw err;
  }

  let focus: RunningFocus;
  let inviteBase = '';
  try {
    focus = await startFocus(
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
        webhookSecret: secrets.webhookSecret,
        adminToken: secrets.adminToken,
        ...focusAccess(config, secrets),
      },
      {
        log: serviceLog('focus'),
        stackHealth: () => stackHealth(supervised.flatMap((s) => s())),
        invite: inviteMinter(config, secrets.tokenSecret, () => inviteBase),
      },
    );
  } catch (err) {
    await extraBridges?.stop();
    await bridge.close();
    await prosody.stop();
    throw err;
  }
  // Ready means every bridge can take a conference.
  for (const deadline = Date.now() + 60_000; focus.bridge.available() < config.bridges; ) {
    if (Date.now() > deadline) {
      const seen = focus.bridge.available();
      await focus.close().catch(() => {});
      await extraBridges?.stop();
      await bridge.close();
      await prosody.stop();
      throw new Error(`the focus sees ${seen} of ${config.bridges} bridges in the brewery after 60 s`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  let web: RunningWebServer;
  let certs: Awaited<ReturnType<typeof ensureCertificates>>;
  let turn: Awaited<ReturnType<typeof superviseTurn>> | undefined;
  let turnInfo: ReadyInfo['turn'];
  const addresses = [...new Set([...localAddresses(), ...bridge.advertise, '127.0.0.1'])];
  try {
    const publicHost = config.publicUrl ? new URL(config.publicUrl).hostname.toLowerCase() : undefined;
    const isIpLiteral = publicHost !== undefined && /^[\d.]+$|:/.test(publicHost);
    certs = await ensureCertificates(resolve(dataDir, 'certs'), {
      hostnames: [
        ...new Set([...(publicHost && !isIpLiteral ? [publicHost] : []), hostname().toLowerCase(), 'localhost']),
      ],
      addresses: [...new Set([...addresses, ...(publicHost && isIpLiteral ? [publicHost] : [])])],
    });
    log.info(certs.created ? 'certificates.created' : 'certificates.reused', { ca: certs.caPath });
    if (config.turn) {
      // Listens and relays on the bridge's advertised addresses; may relay only to them.
      const turnLog = log.child({ service: 'turn' });
      turn = await superviseTurn({
        settings: {
          realm: config.domain,
          secret: secrets.turnSecret,
          listeningIps: bridge.advertise,
          relayIps: bridge.advertise,
          allowedPeerIps: bridge.advertise,
          allowLoopbackPeers: bridge.advertise.some((a) => a.startsWith('127.') || a === '::1'),
          port: config.turnPort,
          tlsPort: config.turnsPort,
          tls: { cert: certs.certPath, pkey: certs.keyPath },
          dataDir: resolve(dataDir, 'turn'),
          verbose: config.logLevel === 'debug',
        },
        log: (line) => turnLog.debug('turn.output', { line }),
        pidDir: dataDir,
        supervisorLog: log,
      });
      supervised.push(() => (turn ? [turn.status()] : []));
      turnInfo = {
        urls: turnUrls(bridge.advertise, config.turnPort, config.turnsPort),
        pid: turn.current.pid,
        log: turn.current.logPath,
      };
      const t0 = turn.current;
      log.info('turn.ready', { pid: t0.pid, ms: t0.startupMs, config: t0.configPath, urls: turnInfo.urls });
    }
    web = await startWebServer({
      host: config.webBind,
      httpsPort: config.httpsPort,
      httpPort: config.httpPort,
      xmppHttp: { host: '127.0.0.1', port: config.xmppHttpPort },
      domain: config.domain,
      tls: { cert: certs.certPem, key: certs.keyPem },
      caCertPem: certs.caCertPem,
      maxConnectionsPerAddress: config.maxConnectionsPerAddress,
      turn: turnInfo !== undefined,
      metricsHttp: { host: '127.0.0.1', port: config.webMetricsPort },
      config: { ...webAccess(config), embedOrigins: config.embedOrigins },
      log: serviceLog('web'),
    });
  } catch (err) {
    await turn?.stop();
    await focus.close().catch(() => {});
    await bridge.close();
    await extraBridges?.stop();
    await prosody.stop();
    throw err;
  }

  const d = prosodyDomains(settings);
  const host = config.bind === '0.0.0.0' ? '127.0.0.1' : config.bind;
  const webHosts =
    config.webBind === '0.0.0.0' || config.webBind === '::'
      ? addresses.filter((a) => a !== '127.0.0.1').concat('127.0.0.1')
      : [config.webBind];
  const urls = [
    ...(config.publicUrl ? [config.publicUrl.replace(/\/?$/, '/')] : []),
    ...webHosts.map((a) => `https://${a.includes(':') ? `[${a}]` : a}:${web.httpsPort}/`),
  ];
  inviteBase = urls[0];
  const info: ReadyInfo = {
    ready: true,
    domain: d.domain,
    dataDir,
    xmpp: { host, port: config.xmppPort },
    websocket: `ws://${host}:${config.xmppHttpPort}/xmpp-websocket`,
    bosh: `http://${host}:${config.xmppHttpPort}/http-bind`,
    focus: {
      jid: d.focus,
      health: `http://127.0.0.1:${focus.httpPort}/health`,
      metrics: `http://127.0.0.1:${focus.httpPort}/metrics`,
      api: `http://127.0.0.1:${focus.httpPort}/api/`,
    },
    bridge: {
      id: bridge.id,
      udpPort: bridge.port.udpPort,
      tcpPort: bridge.port.tcpPort,
      advertise: bridge.advertise,
      health: `http://127.0.0.1:${bridge.httpPort}/health`,
    },
    bridges: [bridge.id, ...(extraBridges?.ids ?? [])],
    web: { metrics: `http://127.0.0.1:${web.metricsPort}/metrics` },
    page: urls[0],
    urls,
    ca: certs.caPath,
    auth: config.auth,
    ...(turnInfo ? { turn: turnInfo } : {}),
  };
  let stopping: Promise<void> | undefined;
  return {
    info,
    stop: () =>
      (stopping ??= (async () => {
        log.info('stack.stopping');
        await web.close().catch((err) => log.warn('web.stop_failed', { error: err as Error }));
        await focus.close().catch((err) => log.warn('focus.stop_failed', { error: err as Error }));
        await bridge.close().catch((err) => log.warn('bridge.stop_failed', { error: err as Error }));
        await extraBridges?.stop();
        await turn?.stop();
        await prosody.stop();
        claim.release();
        log.info('stack.stopped');
      })()),
  };
}

export function readyLine(info: ReadyInfo, json: boolean): string {
  if (json) return JSON.stringify(info);
  return [
    `Parley is up for ${info.domain}. Open a meeting at:`,
    ...info.urls.map((u) => `  ${u}`),
    '',
    `Browsers must trust the local certificate authority once per device: ${info.ca}`,
    `  (also downloadable at ${info.page}ca.pem)`,
    ...TRUST_STEPS.map((l) => `  ${l}`),
    '',
    `  XMPP clients: ${info.xmpp.host}:${info.xmpp.port} (anonymous login on ${info.domain}; rooms on conference.${info.domain})`,
    `  WebSocket:    ${info.websocket}   BOSH: ${info.bosh}`,
    `  Focus:        ${info.focus.jid}, health ${info.focus.health}`,
    `  HTTP API:     ${info.focus.api} (Authorization: Bearer <adminToken in ${join(info.dataDir, 'secrets.json')}>)`,
    `  Web metrics:  ${info.web.metrics} (loopback only)`,
    `  Bridge:       ${info.bridge.id}, media on UDP ${info.bridge.udpPort}${info.bridge.tcpPort ? ` (ICE-TCP ${info.bridge.tcpPort})` : ''}, advertised at ${info.bridge.advertise.join(', ')}`,
    ...(info.turn
      ? [`  TURN:         ${info.turn.urls.join(', ')} (credentials over XMPP, XEP-0215; log ${info.turn.log})`]
      : []),
    ...accessLines(info),
    `  Data dir:     ${info.dataDir}`,
    'Press Ctrl-C to stop.',
  ].join('\n');
}

/** How to install the local CA as a trusted root, per platform (also in the README). */
export const TRUST_STEPS = [
  'Windows: double-click ca.pem (rename to ca.crt) > Install Certificate > Local Machine > "Trusted Root Certification Authorities".',
  'macOS:   open ca.pem in Keychain Access (System keychain) > double-click it > Trust > "Always Trust".',
  'Linux:   cp ca.pem /usr/local/share/ca-certificates/parley.crt && update-ca-certificates; Chromium/Firefox: Settings > Certificates > Authorities > Import.',
  'Android: Settings > Security > Encryption & credentials > Install a certificate > CA certificate > ca.pem.',
  'iOS:     open ca.pem in Safari > install the profile (Settings > Profile Downloaded), then Settings > General > About > Certificate Trust Settings > enable it.',
];

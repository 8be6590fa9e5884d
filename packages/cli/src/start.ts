// `parley start`: Prosody, the bridge, the focus and the web app (HTTPS, same origin for WebSocket), with
// secrets generated in the data dir. Logs go to stderr; the one ready line goes to stdout.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { discoverAddresses } from '@parley/bridge';
import { localAddresses } from '@parley/web';
import { createLogger, StopList, type Logger, bracketHost } from '@parley/service';
import { prosodyDomains } from '@parley/xmpp-config';
import { loadOrCreateSecrets } from './secrets.js';
import { accessLines } from './access-settings.js';
import type { StartConfig } from './start-config.js';
import { claimDataDir } from './stack-supervision.js';
import { prepareDataDir } from './data-dir.js';
import {
  bridgesStep,
  certificatesStep,
  focusStep,
  prosodyStep,
  turnStep,
  webStep,
  type StartContext,
} from './start-steps.js';

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
  const stops = new StopList(log);
  stops.push('data dir claim', () => claim.release());
  try {
    prepareDataDir(dataDir, log); // after the claim: no other start migrates it meanwhile
  } catch (err) {
    await stops.stopAll();
    throw err;
  }
  const { secrets, created, path } = loadOrCreateSecrets(dataDir);
  log.info(created ? 'secrets.generated' : 'secrets.reused', { path });
  const ctx: StartContext = { config, dataDir, log, secrets, stops, supervised: [] };
  try {
    return await startParts(ctx);
  } catch (err) {
    await stops.stopAll(); // what did start, in reverse
    throw err;
  }
}

async function startParts(ctx: StartContext): Promise<RunningStack> {
  const { config, dataDir, log, stops } = ctx;
  // The bridge's addresses are known before it starts: Prosody lists coturn on them (XEP-0215).
  const advertise = config.advertise.length ? config.advertise : discoverAddresses();
  const settings = await prosodyStep(ctx, advertise);
  const { bridge, extra: extraBridges } = await bridgesStep(ctx, settings, advertise);
  let inviteBase = '';
  const focus = await focusStep(ctx, settings, () => inviteBase);
  const addresses = [...new Set([...localAddresses(), ...bridge.advertise, '127.0.0.1'])];
  const certs = await certificatesStep(ctx, addresses);
  const turnInfo: ReadyInfo['turn'] = config.turn ? await turnStep(ctx, bridge, certs) : undefined;
  const web = await webStep(ctx, certs, turnInfo !== undefined);

  const d = prosodyDomains(settings);
  const host = config.bind === '0.0.0.0' ? '127.0.0.1' : config.bind;
  const webHosts =
    config.webBind === '0.0.0.0' || config.webBind === '::'
      ? addresses.filter((a) => a !== '127.0.0.1').concat('127.0.0.1')
      : [config.webBind];
  const urls = [
    ...(config.publicUrl ? [config.publicUrl.replace(/\/?$/, '/')] : []),
    ...webHosts.map((a) => `https://${bracketHost(a)}:${web.httpsPort}/`),
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
  return {
    info,
    stop: async () => {
      log.info('stack.stopping', { parts: stops.names });
      await stops.stopAll();
      log.info('stack.stopped');
    },
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

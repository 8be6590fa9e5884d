// The Prosody container's settings as PARLEY_* environment variables: one spec that the
// container's entry point (main.ts) reads and that deployment code derives its env names from.
// The names match `parley start`'s flags' env names where they mean the same thing.
import { isIP } from 'node:net';
import { ACCESS_DEFAULTS, AUTH_MODES } from './access.js';
import { DEFAULT_TURN_TTL_SECONDS, type ProsodyTurnSettings } from './external-services.js';
import { PROSODY_DEFAULTS, validateProsodySettings, type ProsodyLogLevel, type ProsodySettings } from './settings.js';

export interface ProsodyEnvField {
  env: string;
  describe: string;
  /** Used when the variable is unset or empty; absent means required. */
  default?: string;
  /** A secret: never logged, never shipped with a default. */
  secret?: boolean;
}

export const prosodyEnvSpec = {
  domain: { env: 'PARLEY_DOMAIN', describe: 'XMPP domain of the deployment' },
  interfaces: {
    env: 'PARLEY_BIND',
    describe: 'addresses the c2s and HTTP ports listen on (comma-separated; * for all)',
    default: PROSODY_DEFAULTS.interfaces.join(','),
  },
  componentInterfaces: {
    env: 'PARLEY_COMPONENT_BIND',
    describe: 'addresses the component port listens on (comma-separated; * for all)',
    default: PROSODY_DEFAULTS.componentInterfaces.join(','),
  },
  xmppPort: {
    env: 'PARLEY_XMPP_PORT',
    describe: 'XMPP client port (c2s)',
    default: String(PROSODY_DEFAULTS.ports.c2s),
  },
  xmppHttpPort: {
    env: 'PARLEY_XMPP_HTTP_PORT',
    describe: 'HTTP port (WebSocket, BOSH)',
    default: String(PROSODY_DEFAULTS.ports.http),
  },
  componentPort: {
    env: 'PARLEY_COMPONENT_PORT',
    describe: 'XMPP component port (focus)',
    default: String(PROSODY_DEFAULTS.ports.component),
  },
  dataDir: {
    env: 'PARLEY_PROSODY_DATA_DIR',
    describe: 'absolute directory for Prosody data, log and pidfile',
    default: '/var/lib/parley/prosody',
  },
  focusSecret: { env: 'PARLEY_FOCUS_SECRET', describe: 'focus component secret', secret: true },
  bridgeUser: {
    env: 'PARLEY_BRIDGE_USER',
    describe: "the bridges' account on auth.<domain>",
    default: PROSODY_DEFAULTS.bridgeUsername,
  },
  bridgePassword: { env: 'PARLEY_BRIDGE_PASSWORD', describe: "the bridges' account password", secret: true },
  focusPassword: { env: 'PARLEY_FOCUS_PASSWORD', describe: "the focus user's account password", secret: true },
  logLevel: { env: 'PARLEY_LOG_LEVEL', describe: 'log level (debug, info, warn, error)', default: 'info' },
  auth: {
    env: 'PARLEY_AUTH',
    describe: 'access mode: none (anonymous guests), login (accounts start meetings; guests on guest.<domain>), token',
    default: ACCESS_DEFAULTS.mode,
  },
  loginProvider: {
    env: 'PARLEY_LOGIN_PROVIDER',
    describe: 'authentication provider of the main domain with PARLEY_AUTH=login (internal_hashed, ldap, ...)',
    default: ACCESS_DEFAULTS.provider,
  },
  turnSecret: {
    env: 'PARLEY_TURN_SECRET',
    describe:
      "coturn's static-auth-secret: with it, Prosody gives sessions TURN credentials (XEP-0215); empty: no TURN",
    default: '', // not a default secret: empty means TURN is off
    secret: true,
  },
  turnHosts: {
    env: 'PARLEY_TURN_HOSTS',
    describe: 'addresses browsers reach coturn on (comma-separated; used with PARLEY_TURN_SECRET)',
    default: '',
  },
  turnPort: { env: 'PARLEY_TURN_PORT', describe: "coturn's port (TURN over TCP)", default: '3478' },
  loginInclude: {
    env: 'PARLEY_LOGIN_INCLUDE',
    describe: "absolute path of a Lua file included in the main domain's VirtualHost with PARLEY_AUTH=login",
    default: '',
  },
} as const satisfies Record<string, ProsodyEnvField>;

export type ProsodyEnvKey = keyof typeof prosodyEnvSpec;

function list(raw: string, env: string): string[] {
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const i of items) if (i !== '*' && isIP(i) === 0) throw new Error(`${env}: "${i}" is not an IP address (or *)`);
  return items;
}

function portOf(raw: string, env: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n < 1 || n > 65535) throw new Error(`${env}: "${raw}" is not a port (1-65535)`);
  return n;
}

/** Reads and validates the Prosody settings from env; errors name the variable. */
export function prosodySettingsFromEnv(env: Record<string, string | undefined>): ProsodySettings {
  const get = (k: ProsodyEnvKey): string => {
    const f: ProsodyEnvField = prosodyEnvSpec[k];
    const v = env[f.env];
    if (v !== undefined && v !== '') return v;
    if (f.default !== undefined) return f.default;
    throw new Error(`missing setting ${f.env}: ${f.describe}`);
  };
  const level = get('logLevel');
  const prosodyLevel: ProsodyLogLevel = level === 'debug' || level === 'warn' || level === 'error' ? level : 'info';
  if (!['debug', 'info', 'warn', 'error'].includes(level))
    throw new Error(`${prosodyEnvSpec.logLevel.env}: "${level}" is not one of debug, info, warn, error`);
  const auth = get('auth');
  if (!(AUTH_MODES as readonly string[]).includes(auth))
    throw new Error(`${prosodyEnvSpec.auth.env}: "${auth}" is not one of ${AUTH_MODES.join(', ')}`);
  const include = get('loginInclude');
  const turn = turnFromEnv(get('turnSecret'), get('turnHosts'), get('turnPort'));
  return validateProsodySettings({
    domain: get('domain'),
    interfaces: list(get('interfaces'), prosodyEnvSpec.interfaces.env),
    componentInterfaces: list(get('componentInterfaces'), prosodyEnvSpec.componentInterfaces.env),
    ports: {
      c2s: portOf(get('xmppPort'), prosodyEnvSpec.xmppPort.env),
      http: portOf(get('xmppHttpPort'), prosodyEnvSpec.xmppHttpPort.env),
      component: portOf(get('componentPort'), prosodyEnvSpec.componentPort.env),
    },
    dataDir: get('dataDir'),
    focus: { secret: get('focusSecret') },
    bridgeAccount: { username: get('bridgeUser'), password: get('bridgePassword') },
    focusAccount: { password: get('focusPassword') },
    logLevel: prosodyLevel,
    access: {
      mode: auth as (typeof AUTH_MODES)[number],
      provider: get('loginProvider'),
      ...(include ? { include } : {}),
    },
    ...(turn ? { turn } : {}),
  });
}

/** TURN over TCP on each host (as `parley start --turn` lists it); no secret: no TURN. */
function turnFromEnv(secret: string, hostList: string, portText: string): ProsodyTurnSettings | undefined {
  if (!secret) return undefined;
  const hosts = list(hostList, prosodyEnvSpec.turnHosts.env).filter((h) => h !== '*');
  if (hosts.length === 0)
    throw new Error(`${prosodyEnvSpec.turnHosts.env} is empty: with a TURN secret, name the addresses browsers reach`);
  const port = portOf(portText, prosodyEnvSpec.turnPort.env);
  const services = hosts.map((host) => ({ type: 'turn' as const, host, port, transport: 'tcp' as const }));
  return { secret, ttlSeconds: DEFAULT_TURN_TTL_SECONDS, services };
}

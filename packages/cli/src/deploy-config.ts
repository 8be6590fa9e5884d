// The few settings ops change in a deployment (compose/.env), as ONE typed spec, and the two
// things made from it: `parley start` flags, and each container's PARLEY_* environment.
// Every env name a container gets comes from that service's own config spec, so renaming a
// variable there changes (or breaks) this mapping and its tests, never production silently.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { bridgeConfigSpec } from '@parley/bridge';
import { focusAccessSpec, focusConfigSpec } from '@parley/focus';
import { ConfigError, field, readConfig, type ConfigOf, type Field } from '@parley/service';
import { ensureCertificates, webConfigSpec } from '@parley/web';
import { PROSODY_DEFAULTS, prosodyEnvSpec, type ProsodyEnvField } from '@parley/xmpp-config';
import { startSpec } from './start-config.js';
import { prepareDataDir } from './data-dir.js';

/** A start field under the deploy env name (same parse, default and help). */
function asDeploy<T>(f: Field<T>, env: string, extra: Partial<Field<T>> = {}): Field<T> {
  return { ...f, env, flag: undefined, ...extra };
}

export const deploySpec = {
  publicUrl: field.string({
    describe:
      'address people open (empty: https://<first ADVERTISE>:<HTTPS_PORT>/); its host goes into the server certificate',
    env: 'PUBLIC_URL',
    default: '',
    pattern: /^(https:\/\/(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?\/?)?$/,
    hint: 'empty or https://host[:port]/',
  }),
  advertise: asDeploy(startSpec.advertise, 'ADVERTISE', {
    describe: "this host's LAN address(es) given to browsers for media (comma-separated; find it with `hostname -I`)",
  }),
  httpsPort: asDeploy(startSpec.httpsPort, 'HTTPS_PORT'),
  httpPort: asDeploy(startSpec.httpPort, 'HTTP_PORT'),
  mediaPort: asDeploy(startSpec.mediaPort, 'MEDIA_PORT', {
    describe: 'the one UDP port for all media (published; open it in the firewall)',
  }),
  tcpPort: asDeploy(startSpec.tcpPort, 'TCP_PORT', { describe: 'ICE-TCP media fallback port (published)' }),
  domain: asDeploy(startSpec.domain, 'DOMAIN'),
  tz: field.string({
    describe: 'time zone of every container (logs)',
    env: 'TZ',
    default: 'UTC',
    pattern: /^[A-Za-z0-9_+\-/]+$/,
    hint: 'a zone name like Europe/Berlin or UTC',
  }),
  logLevel: asDeploy(startSpec.logLevel, 'LOG_LEVEL'),
  turn: field.bool({
    describe: 'TURN through coturn is on (run compose with --profile turn): Prosody hands out credentials',
    env: 'TURN',
    default: false,
  }),
  turnPort: field.port({
    describe: 'TURN port of coturn (profile "turn" only), UDP and TCP',
    env: 'TURN_PORT',
    default: 3478,
  }),
  maxConnectionsPerAddress: asDeploy(startSpec.maxConnectionsPerAddress, 'MAX_CONNECTIONS_PER_ADDRESS'),
  auth: asDeploy(startSpec.auth, 'AUTH'),
  tokenAudience: asDeploy(startSpec.tokenAudience, 'TOKEN_AUDIENCE', {
    describe: 'with AUTH=token: the aud claim invite tokens must carry',
  }),
  tokenIssuer: asDeploy(startSpec.tokenIssuer, 'TOKEN_ISSUER', {
    describe: 'with AUTH=token: the iss claim invite tokens must carry',
  }),
  webhookUrls: asDeploy(startSpec.webhookUrls, 'WEBHOOK_URLS'),
  streamAllowedHosts: asDeploy(startSpec.streamAllowedHosts, 'STREAM_ALLOWED_HOSTS'),
  embedOrigins: asDeploy(startSpec.embedOrigins, 'EMBED_ORIGINS'),
  metricsBind: field.oneOf(['127.0.0.1', '0.0.0.0'] as const, {
    describe:
      'where focus, bridge and web serve /metrics inside their containers: 0.0.0.0 lets the "monitoring" profile scrape them',
    env: 'METRICS_BIND',
    default: '127.0.0.1',
  }),
  grafanaPort: field.port({
    describe: 'loopback port of Grafana (profile "monitoring" only)',
    env: 'GRAFANA_PORT',
    default: 3000,
  }),
};

export type DeployConfig = ConfigOf<typeof deploySpec>;
export type DeployKey = keyof typeof deploySpec;

/** The .env keys, in spec order. */
export const deployEnvNames: string[] = Object.values(deploySpec).map((f) => f.env!);

/** Deploy settings that are also `parley start` settings: deploy key -> start key. */
export const deployToStart = {
  advertise: 'advertise',
  httpsPort: 'httpsPort',
  httpPort: 'httpPort',
  mediaPort: 'mediaPort',
  tcpPort: 'tcpPort',
  domain: 'domain',
  logLevel: 'logLevel',
  maxConnectionsPerAddress: 'maxConnectionsPerAddress',
  auth: 'auth',
  tokenAudience: 'tokenAudience',
  tokenIssuer: 'tokenIssuer',
  webhookUrls: 'webhookUrls',
  streamAllowedHosts: 'streamAllowedHosts',
  embedOrigins: 'embedOrigins',
} as const satisfies Partial<Record<DeployKey, keyof typeof startSpec>>;

/** Addresses reserved for documentation (RFC 5737 / 3849): .env.example uses one as a placeholder. */
export function isDocumentationAddress(a: string): boolean {
  return /^(192\.0\.2|198\.51\.100|203\.0\.113)\.\d+$/.test(a) || /^2001:db8:/i.test(a);
}

export function readDeployConfig(env: Record<string, string | undefined>): DeployConfig {
  return readConfig(deploySpec, { env });
}

/** `parley start` flags for the deploy settings that are set (non-empty) in env. */
export function toStartFlags(env: Record<string, string | undefined>): string[] {
  const c = readDeployConfig(env);
  const flags: string[] = [];
  for (const [dk, sk] of Object.entries(deployToStart) as [keyof typeof deployToStart, keyof typeof startSpec][]) {
    const raw = env[deploySpec[dk].env!];
    if (raw === undefined || raw === '') continue;
    const v = c[dk];
    flags.push(`--${startSpec[sk].flag!}`, Array.isArray(v) ? v.join(',') : String(v));
  }
  return flags;
}

/** Generated once per deployment (compose: by the init service); never shipped. */
export interface DeploySecrets {
  focusComponentSecret: string;
  focusAccountPassword: string;
  bridgeAccountPassword: string;
  turnSecret: string;
  /** HS256 key of invite tokens (AUTH=token): the focus checks them, `parley token --data-dir /run/parley` signs. */
  tokenSecret: string;
  /** HMAC key of webhook requests (X-Parley-Signature). */
  webhookSecret: string;
  /** Bearer token of the focus's HTTP API (docs/api.md). */
  adminToken: string;
}
export const DEPLOY_SECRET_KEYS: (keyof DeploySecrets)[] = [
  'focusComponentSecret',
  'focusAccountPassword',
  'bridgeAccountPassword',
  'turnSecret',
  'tokenSecret',
  'webhookSecret',
  'adminToken',
];
/** Added after the first deployments: generated into an existing secrets.json that lacks them. */
const LATER_DEPLOY_SECRET_KEYS: (keyof DeploySecrets)[] = ['tokenSecret', 'webhookSecret', 'adminToken'];
/** tokenSecret is an HS256 key: 32 random bytes, as `parley start` makes it (the focus needs >= 32 characters). */
const secretBytes = (k: keyof DeploySecrets) => (k === 'tokenSecret' ? 32 : 24);

/** Fixed inside the compose network: service names and internal ports (start's defaults). */
export const COMPOSE = {
  prosodyHost: 'prosody',
  xmppPort: startSpec.xmppPort.default!,
  xmppHttpPort: startSpec.xmppHttpPort.default!,
  componentPort: startSpec.componentPort.default!,
  focusHttpPort: startSpec.focusHttpPort.default!,
  bridgeHttpPort: startSpec.bridgeHttpPort.default!,
  /** The init service's named volume, mounted here in every container. */
  stateDir: '/run/parley',
  certDir: '/run/parley/certs',
  prosodyDataDir: '/var/lib/parley/prosody',
  /** The bridge's recordings, a named volume of their own (parley-recordings). */
  recordingsDir: '/var/lib/parley/recordings',
} as const;

export type ServiceName = 'prosody' | 'focus' | 'bridge' | 'web';
export type ServiceEnv = Record<ServiceName, Record<string, string>>;

type Value = string | number | string[];

/** PARLEY_* variables from a spec's keys: a key that is not in the spec fails the build. */
function envOf<S extends Record<string, { env?: string }>>(
  spec: S,
  values: { [K in keyof S]?: Value },
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(values) as [keyof S & string, Value | undefined][]) {
    if (v === undefined) continue;
    const name = spec[k].env;
    if (!name) throw new Error(`deploy-config: setting "${k}" has no env name`);
    out[name] = Array.isArray(v) ? v.join(',') : String(v);
  }
  return out;
}

/** The env names that carry secrets, per service (the init service writes these, compose never holds them). */
export const secretEnvNames: Record<ServiceName, string[]> = {
  prosody: (Object.values(prosodyEnvSpec) as ProsodyEnvField[]).filter((f) => f.secret).map((f) => f.env),
  focus: [
    focusConfigSpec.focusSecret.env!,
    focusAccessSpec.tokenSecret.env!,
    focusConfigSpec.webhookSecret.env!,
    focusConfigSpec.adminToken.env!,
  ],
  bridge: [bridgeConfigSpec.password.env!],
  web: [],
};

/** TURN (coturn, profile "turn"): its secret variable. */
export const TURN_SECRET_ENV = 'PARLEY_TURN_SECRET';

/**
 * Each container's environment: exactly the PARLEY_* variables its service reads (plus TZ).
 * Without secrets, the secret variables are left out (that part is what compose's `environment:` holds).
 */
export function toServiceEnv(env: Record<string, string | undefined>, secrets: DeploySecrets | null): ServiceEnv {
  const c = readDeployConfig(env);
  if (c.advertise.length === 0)
    throw new ConfigError(
      `${deploySpec.advertise.env} is empty: set it to this host's LAN address (find it with \`hostname -I\`)`,
    );
  const placeholder = c.advertise.find(isDocumentationAddress);
  if (placeholder && secrets)
    throw new ConfigError(
      `${deploySpec.advertise.env}: ${placeholder} is the example address from .env.example: set this host's LAN address (find it with \`hostname -I\`)`,
    );
  const s = secrets ?? undefined;
  const tz = { TZ: c.tz };
  return {
    prosody: {
      ...envOf(prosodyEnvSpec, {
        domain: c.domain,
        interfaces: '*',
        componentInterfaces: '*',
        xmppPort: COMPOSE.xmppPort,
        xmppHttpPort: COMPOSE.xmppHttpPort,
        componentPort: COMPOSE.componentPort,
        dataDir: COMPOSE.prosodyDataDir,
        bridgeUser: PROSODY_DEFAULTS.bridgeUsername,
        logLevel: c.logLevel,
        auth: c.auth,
        focusSecret: s?.focusComponentSecret,
        bridgePassword: s?.bridgeAccountPassword,
        focusPassword: s?.focusAccountPassword,
        // Hosts and port always; the secret (written by init only with TURN=on) switches TURN on.
        turnHosts: c.advertise,
        turnPort: c.turnPort,
        turnSecret: c.turn ? s?.turnSecret : undefined,
      }),
      ...tz,
    },
    focus: {
      ...envOf(focusConfigSpec, {
        domain: c.domain,
        xmppComponentUrl: `xmpp://${COMPOSE.prosodyHost}:${COMPOSE.componentPort}`,
        httpHost: c.metricsBind,
        httpPort: COMPOSE.focusHttpPort,
        bridge: 'colibri2',
        logLevel: c.logLevel,
        focusSecret: s?.focusComponentSecret,
        webhookUrls: c.webhookUrls,
        streamAllowedHosts: c.streamAllowedHosts,
        webhookSecret: s?.webhookSecret,
        adminToken: s?.adminToken,
      }),
      ...envOf(focusAccessSpec, {
        auth: c.auth,
        tokenAudience: c.tokenAudience,
        tokenIssuer: c.tokenIssuer,
        tokenSecret: s?.tokenSecret,
      }),
      ...tz,
    },
    bridge: {
      ...envOf(bridgeConfigSpec, {
        domain: c.domain,
        xmppService: `xmpp://${COMPOSE.prosodyHost}:${COMPOSE.xmppPort}`,
        username: PROSODY_DEFAULTS.bridgeUsername,
        mediaPort: c.mediaPort,
        tcpPort: c.tcpPort,
        bindAddress: '0.0.0.0',
        advertise: c.advertise,
        httpHost: c.metricsBind,
        httpPort: COMPOSE.bridgeHttpPort,
        logLevel: c.logLevel,
        password: s?.bridgeAccountPassword,
        recordingsDir: COMPOSE.recordingsDir,
      }),
      ...tz,
    },
    web: {
      ...envOf(webConfigSpec, {
        domain: c.domain,
        host: '0.0.0.0',
        httpsPort: c.httpsPort,
        httpPort: c.httpPort,
        xmppHttpHost: COMPOSE.prosodyHost,
        xmppHttpPort: COMPOSE.xmppHttpPort,
        certDir: COMPOSE.certDir,
        maxConnectionsPerAddress: c.maxConnectionsPerAddress,
        metricsHost: c.metricsBind,
        embedOrigins: c.embedOrigins,
        turn: String(c.turn),
        logLevel: c.logLevel,
        auth: c.auth,
      }),
      ...tz,
    },
  };
}

/** Splits one service's env into what compose may hold and what only the init service writes. */
export function splitSecretEnv(
  service: ServiceName,
  env: Record<string, string>,
): { plain: Record<string, string>; secret: Record<string, string> } {
  const plain: Record<string, string> = {};
  const secret: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) (secretEnvNames[service].includes(k) ? secret : plain)[k] = v;
  return { plain, secret };
}

/** The address people open: PUBLIC_URL, or https://<first ADVERTISE>:<HTTPS_PORT>/. */
export function publicUrlOf(c: DeployConfig): string {
  if (c.publicUrl) return c.publicUrl.endsWith('/') ? c.publicUrl : `${c.publicUrl}/`;
  const a = c.advertise[0] ?? '127.0.0.1';
  return `https://${isIP(a) === 6 ? `[${a}]` : a}:${c.httpsPort}/`;
}

/** Names the server certificate must cover: PUBLIC_URL's host, the domain, every ADVERTISE address. */
export function certificateRequestOf(c: DeployConfig): { hostnames: string[]; addresses: string[] } {
  const host = new URL(publicUrlOf(c)).hostname.replace(/^\[|\]$/g, '');
  const hostnames = [c.domain, 'localhost'];
  const addresses = [...c.advertise];
  if (isIP(host)) addresses.push(host);
  else hostnames.unshift(host);
  return { hostnames: [...new Set(hostnames)], addresses: [...new Set(addresses)] };
}

/** Shell-safe `NAME='value'` lines (for the per-service secret env files the entry points source). */
export function envFileText(vars: Record<string, string>): string {
  return Object.entries(vars)
    .map(([k, v]) => `${k}='${v.replace(/'/g, `'\\''`)}'\n`)
    .join('');
}

/** Loads `<dir>/secrets.json`, or makes it (mode 600) with fresh random secrets. */
export function loadOrCreateDeploySecrets(dir: string): { secrets: DeploySecrets; created: boolean; path: string } {
  const path = join(dir, 'secrets.json');
  if (existsSync(path)) {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      throw new Error(`${path} is not valid JSON (${(err as Error).message}); remove it to generate new secrets`);
    }
    const missing = LATER_DEPLOY_SECRET_KEYS.filter(
      (k) => typeof parsed[k] !== 'string' || (parsed[k] as string).length < 32,
    );
    if (missing.length) {
      for (const k of missing) parsed[k] = randomBytes(secretBytes(k)).toString('base64url');
      writeFileSync(path, JSON.stringify(parsed, null, 2) + '\n', { mode: 0o600 });
      chmodSync(path, 0o600);
    }
    for (const k of DEPLOY_SECRET_KEYS) {
      if (typeof parsed[k] !== 'string' || (parsed[k] as string).length < 16)
        throw new Error(`${path}: "${k}" is missing or shorter than 16 characters`);
    }
    return { secrets: parsed as unknown as DeploySecrets, created: false, path };
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const secrets = Object.fromEntries(
    DEPLOY_SECRET_KEYS.map((k) => [k, randomBytes(secretBytes(k)).toString('base64url')]),
  ) as unknown as DeploySecrets;
  writeFileSync(path, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600 });
  chmodSync(path, 0o600);
  return { secrets, created: true, path };
}

/**
 * The compose `init` service: secrets (made once, reused), one `env/<service>.env` per container
 * holding only that container's secret variables, and the local CA + server certificate.
 */
export async function initDeployment(
  dir: string,
  env: Record<string, string | undefined>,
): Promise<{ secretsCreated: boolean; certificatesCreated: boolean; caPath: string; publicUrl: string }> {
  const c = readDeployConfig(env);
  prepareDataDir(dir);
  const { secrets, created } = loadOrCreateDeploySecrets(dir);
  const all = toServiceEnv(env, secrets);
  const envDir = join(dir, 'env');
  mkdirSync(envDir, { recursive: true, mode: 0o700 });
  for (const svc of Object.keys(all) as ServiceName[]) {
    const file = join(envDir, `${svc}.env`);
    writeFileSync(file, envFileText(splitSecretEnv(svc, all[svc]).secret), { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  const turnFile = join(envDir, 'turn.env');
  writeFileSync(turnFile, envFileText({ [TURN_SECRET_ENV]: secrets.turnSecret }), { mode: 0o600 });
  chmodSync(turnFile, 0o600);
  const certs = await ensureCertificates(join(dir, 'certs'), certificateRequestOf(c));
  return {
    secretsCreated: created,
    certificatesCreated: certs.created,
    caPath: certs.caPath,
    publicUrl: publicUrlOf(c),
  };
}

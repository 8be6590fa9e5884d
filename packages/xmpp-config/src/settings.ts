// Typed, validated settings for the Prosody that carries Parley's signaling.
// Unknown keys and bad values are errors that name the key. Secrets have no defaults.
import { isAbsolute } from 'node:path';
import { isIP } from 'node:net';
import { validateTurnServices, type ProsodyTurnSettings } from './external-services.js';
import { guestDomainOf, validateAccess, type ProsodyAccess } from './access.js';

export type ProsodyLogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface ProsodyAccount {
  username: string;
  password: string;
}

export interface ProsodySettings {
  /** Main XMPP domain, e.g. "meet.parley.local". Guests log in anonymously here. */
  domain: string;
  /** Addresses Prosody listens on for clients (c2s, http). */
  interfaces: string[];
  /** Addresses of the component port: loopback unless the focus runs on another host (compose). */
  componentInterfaces: string[];
  ports: { c2s: number; http: number; component: number };
  /** Absolute directory for pidfile, data, log and certificates. */
  dataDir: string;
  /** The focus XMPP component (XEP-0114): `<subdomain>.<domain>`. */
  focus: { subdomain: string; secret: string };
  /** The bridges' account on `auth.<domain>`. */
  bridgeAccount: ProsodyAccount;
  /** The focus's user account on `auth.<domain>` (owner of conference rooms, like jicofo). */
  focusAccount: ProsodyAccount;
  logLevel: ProsodyLogLevel;
  /** Messages a MUC room replays to a new occupant. */
  mucHistoryLength: number;
  /** Require STARTTLS on c2s. Needs certificates in `<dataDir>/certs`; false for loopback. */
  c2sRequireEncryption: boolean;
  /** TURN credentials for logged-in sessions (XEP-0215); absent: none. See external-services.ts. */
  turn?: ProsodyTurnSettings;
  /** Access mode (issue 11): who logs in where; see access.ts. */
  access: ProsodyAccess;
}

/** What callers may pass: everything with a default is optional. */
export interface ProsodySettingsInput {
  domain: string;
  interfaces?: string[];
  componentInterfaces?: string[];
  ports?: Partial<ProsodySettings['ports']>;
  dataDir: string;
  focus: { subdomain?: string; secret: string };
  bridgeAccount: { username?: string; password: string };
  focusAccount: { username?: string; password: string };
  logLevel?: ProsodyLogLevel;
  mucHistoryLength?: number;
  c2sRequireEncryption?: boolean;
  turn?: { secret: string; ttlSeconds?: number; services: ProsodyTurnSettings['services'] };
  access?: Partial<ProsodyAccess>;
}

export const PROSODY_DEFAULTS = {
  interfaces: ['127.0.0.1'],
  componentInterfaces: ['127.0.0.1'],
  ports: { c2s: 5222, http: 5280, component: 5347 },
  focusSubdomain: 'focus',
  bridgeUsername: 'jvb',
  focusUsername: 'focus',
  logLevel: 'info' as ProsodyLogLevel,
  mucHistoryLength: 20,
  c2sRequireEncryption: false,
} as const;

/** Every XMPP address derived from the main domain. */
export interface ProsodyDomains {
  /** The main domain: anonymous guests, or (access mode "login") accounts that may start meetings. */
  domain: string;
  /** Where guests log in anonymously: guest.<domain> in access mode "login", else the main domain. */
  guest: string;
  /** Service accounts (bridges, focus user). */
  auth: string;
  /** Conference rooms. */
  muc: string;
  /** Internal MUC holding the brewery. */
  internalMuc: string;
  /** The focus component. */
  focus: string;
  /** The bridges' brewery room JID. */
  brewery: string;
  bridgeJid: string;
  focusUserJid: string;
}

export function prosodyDomains(s: ProsodySettings): ProsodyDomains {
  const auth = `auth.${s.domain}`;
  const internalMuc = `internal.${auth}`;
  return {
    domain: s.domain,
    guest: guestDomainOf(s.domain, s.access.mode),
    auth,
    muc: `conference.${s.domain}`,
    internalMuc,
    focus: `${s.focus.subdomain}.${s.domain}`,
    brewery: `jvbbrewery@${internalMuc}`,
    bridgeJid: `${s.bridgeAccount.username}@${auth}`,
    focusUserJid: `${s.focusAccount.username}@${auth}`,
  };
}

const LOG_LEVELS: readonly string[] = ['debug', 'info', 'warn', 'error'];
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const USERNAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

function fail(key: string, value: unknown, why: string): never {
  throw new Error(`prosody setting "${key}": ${JSON.stringify(value)} ${why}`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkKeys(obj: Record<string, unknown>, allowed: readonly string[], prefix: string): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) {
      const where = prefix ? `${prefix}.${k}` : k;
      throw new Error(
        `prosody setting "${where}" is unknown; known: ${allowed.map((a) => (prefix ? `${prefix}.${a}` : a)).join(', ')}`,
      );
    }
  }
}

function record(v: unknown, key: string, optional: boolean): Record<string, unknown> {
  if (v === undefined && optional) return {};
  if (!isRecord(v)) fail(key, v, 'is not an object');
  return v;
}

function hostname(v: unknown, key: string): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > 253) fail(key, v, 'is not a hostname');
  if (v !== v.toLowerCase()) fail(key, v, 'must be lower case');
  if (!v.split('.').every((l) => LABEL.test(l))) fail(key, v, 'is not a hostname (labels of a-z, 0-9, "-")');
  return v;
}

function port(v: unknown, key: string, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 65535) fail(key, v, 'is not a port (1-65535)');
  return v;
}

function secret(v: unknown, key: string): string {
  if (typeof v !== 'string' || v.length === 0)
    fail(key, v === undefined ? v : '<redacted>', 'is required (a non-empty string; secrets have no default)');
  if (v.includes('\0')) fail(key, '<redacted>', 'must not contain NUL');
  return v;
}

function username(v: unknown, key: string, dflt: string): string {
  if (v === undefined) return dflt;
  if (typeof v !== 'string' || !USERNAME.test(v))
    fail(key, v, 'is not a username (lower case a-z, 0-9, ".", "_", "-")');
  return v;
}

function account(v: unknown, key: string, dflt: string): ProsodyAccount {
  const a = record(v, key, false);
  checkKeys(a, ['username', 'password'], key);
  const password = secret(a.password, `${key}.password`);
  // SASLprep (RFC 4013) prohibits control characters: such a password could never log in.
  if (/[\x00-\x1f\x7f]/.test(password))
    fail(`${key}.password`, '<redacted>', 'must not contain control characters (SASLprep forbids them)');
  return { username: username(a.username, `${key}.username`, dflt), password };
}

/** Validates and fills defaults. Throws an Error naming the offending key. */
export function validateProsodySettings(input: unknown): ProsodySettings {
  const o = record(input, '(settings)', false);
  checkKeys(
    o,
    [
      'domain',
      'interfaces',
      'componentInterfaces',
      'ports',
      'dataDir',
      'focus',
      'bridgeAccount',
      'focusAccount',
      'logLevel',
      'mucHistoryLength',
      'c2sRequireEncryption',
      'turn',
      'access',
    ],
    '',
  );

  const domain = hostname(o.domain, 'domain');

  const interfaces = addressList(o.interfaces, 'interfaces', PROSODY_DEFAULTS.interfaces);
  const componentInterfaces = addressList(
    o.componentInterfaces,
    'componentInterfaces',
    PROSODY_DEFAULTS.componentInterfaces,
  );

  const p = record(o.ports, 'ports', true);
  checkKeys(p, ['c2s', 'http', 'component'], 'ports');
  const ports = {
    c2s: port(p.c2s, 'ports.c2s', PROSODY_DEFAULTS.ports.c2s),
    http: port(p.http, 'ports.http', PROSODY_DEFAULTS.ports.http),
    component: port(p.component, 'ports.component', PROSODY_DEFAULTS.ports.component),
  };
  if (new Set([ports.c2s, ports.http, ports.component]).size !== 3)
    fail('ports', ports, 'must be three different ports');

  if (typeof o.dataDir !== 'string' || !isAbsolute(o.dataDir)) fail('dataDir', o.dataDir, 'is not an absolute path');
  if (/[\0\n\r]/.test(o.dataDir)) fail('dataDir', o.dataDir, 'must not contain NUL or line breaks');
  const dataDir = o.dataDir.length > 1 ? o.dataDir.replace(/\/+$/, '') : o.dataDir;

  const f = record(o.focus, 'focus', false);
  checkKeys(f, ['subdomain', 'secret'], 'focus');
  let subdomain: string = PROSODY_DEFAULTS.focusSubdomain;
  if (f.subdomain !== undefined) {
    if (typeof f.subdomain !== 'string' || !LABEL.test(f.subdomain))
      fail('focus.subdomain', f.subdomain, 'is not a DNS label');
    if (['auth', 'conference', 'internal', 'guest'].includes(f.subdomain))
      fail('focus.subdomain', f.subdomain, 'is taken by another Parley host');
    subdomain = f.subdomain;
  }
  const focus = { subdomain, secret: secret(f.secret, 'focus.secret') };

  const bridgeAccount = account(o.bridgeAccount, 'bridgeAccount', PROSODY_DEFAULTS.bridgeUsername);
  const focusAccount = account(o.focusAccount, 'focusAccount', PROSODY_DEFAULTS.focusUsername);
  if (bridgeAccount.username === focusAccount.username)
    fail('focusAccount.username', focusAccount.username, 'must differ from bridgeAccount.username');

  let logLevel: ProsodyLogLevel = PROSODY_DEFAULTS.logLevel;
  if (o.logLevel !== undefined) {
    if (typeof o.logLevel !== 'string' || !LOG_LEVELS.includes(o.logLevel))
      fail('logLevel', o.logLevel, `is not one of ${LOG_LEVELS.join(', ')}`);
    logLevel = o.logLevel as ProsodyLogLevel;
  }

  let mucHistoryLength: number = PROSODY_DEFAULTS.mucHistoryLength;
  if (o.mucHistoryLength !== undefined) {
    const h = o.mucHistoryLength;
    if (typeof h !== 'number' || !Number.isInteger(h) || h < 0 || h > 1000)
      fail('mucHistoryLength', h, 'is not an integer 0-1000');
    mucHistoryLength = h;
  }

  let c2sRequireEncryption: boolean = PROSODY_DEFAULTS.c2sRequireEncryption;
  if (o.c2sRequireEncryption !== undefined) {
    if (typeof o.c2sRequireEncryption !== 'boolean')
      fail('c2sRequireEncryption', o.c2sRequireEncryption, 'is not a boolean');
    c2sRequireEncryption = o.c2sRequireEncryption;
  }

  return {
    domain,
    interfaces,
    componentInterfaces,
    ports,
    dataDir,
    focus,
    bridgeAccount,
    focusAccount,
    logLevel,
    mucHistoryLength,
    c2sRequireEncryption,
    ...(o.turn !== undefined ? { turn: validateTurnServices(o.turn) } : {}),
    access: validateAccess(o.access),
  };
}

/** Paths inside dataDir that the config names and the launcher creates. */
export function prosodyPaths(s: Pick<ProsodySettings, 'dataDir'>) {
  const d = s.dataDir;
  return {
    config: `${d}/prosody.cfg.lua`,
    pidfile: `${d}/prosody.pid`,
    data: `${d}/data`,
    certs: `${d}/certs`,
    /** Parley's own Prosody modules (plugin_paths), written at start. */
    plugins: `${d}/plugins`,
    log: `${d}/prosody.log`,
    /** Prosody's stdout/stderr as captured by the launcher. */
    console: `${d}/prosody.console.log`,
  };
}

function addressList(value: unknown, key: string, fallback: readonly string[]): string[] {
  if (value === undefined) return [...fallback];
  if (!Array.isArray(value) || value.length === 0) fail(key, value, 'is not a non-empty array of IP addresses');
  return (value as unknown[]).map((a, i) => {
    if (typeof a !== 'string' || (a !== '*' && isIP(a) === 0)) fail(`${key}[${i}]`, a, 'is not an IP address (or "*")');
    return a as string;
  });
}

// Who may log in where (issue 11): the client VirtualHosts Prosody serves for each access mode.
//  - "none" (default): guests log in anonymously on the main domain.
//  - "login" (Jitsi's secure domain): accounts log in on the main domain (internal_hashed, or the
//    provider the operator names, e.g. "ldap"), guests anonymously on guest.<domain>; the focus
//    lets only logged-in users start a meeting.
//  - "token": like "none" for Prosody; the focus checks the token and makes rooms members-only.
import { luaString } from './render.js';

export const AUTH_MODES = ['none', 'login', 'token'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

export interface ProsodyAccess {
  mode: AuthMode;
  /** Prosody's authentication provider for the main domain in login mode ("internal_hashed", "ldap", ...). */
  provider: string;
  /** Absolute path of a Lua file included inside the main domain's VirtualHost (LDAP options, ...). */
  include?: string;
}

export const ACCESS_DEFAULTS: ProsodyAccess = { mode: 'none', provider: 'internal_hashed' };

/** The anonymous (guest) domain: guest.<domain> in login mode, else the main domain. */
export function guestDomainOf(domain: string, mode: AuthMode): string {
  return mode === 'login' ? `guest.${domain}` : domain;
}

function fail(key: string, value: unknown, why: string): never {
  throw new Error(`prosody setting "${key}": ${JSON.stringify(value)} ${why}`);
}

/** Validates settings.access; undefined means the default (anonymous guests on the main domain). */
export function validateAccess(v: unknown): ProsodyAccess {
  if (v === undefined) return { ...ACCESS_DEFAULTS };
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail('access', v, 'is not an object');
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (!['mode', 'provider', 'include'].includes(k))
      throw new Error(`prosody setting "access.${k}" is unknown; known: access.mode, access.provider, access.include`);
  const mode = o.mode ?? ACCESS_DEFAULTS.mode;
  if (typeof mode !== 'string' || !(AUTH_MODES as readonly string[]).includes(mode))
    fail('access.mode', mode, `is not one of ${AUTH_MODES.join(', ')}`);
  const provider = o.provider ?? ACCESS_DEFAULTS.provider;
  if (typeof provider !== 'string' || !/^[a-z][a-z0-9_]{0,40}$/.test(provider))
    fail('access.provider', provider, 'is not a Prosody authentication provider name (like internal_hashed, ldap)');
  const out: ProsodyAccess = { mode: mode as AuthMode, provider };
  if (o.include !== undefined) {
    if (typeof o.include !== 'string' || !o.include.startsWith('/') || /[\0\n\r]/.test(o.include))
      fail('access.include', o.include, 'is not an absolute file path');
    out.include = o.include;
  }
  return out;
}

/** The client VirtualHost block(s) for the access mode. */
export function renderClientHosts(domain: string, access: ProsodyAccess): string[] {
  const web = '  modules_enabled = { "websocket", "bosh" }';
  if (access.mode !== 'login') {
    return [
      '---------- Guests: anonymous login ----------',
      `VirtualHost ${luaString(domain)}`,
      '  authentication = "anonymous"',
      web,
    ];
  }
  return [
    '---------- Secure domain: accounts log in here and may start meetings (parley user add) ----------',
    `VirtualHost ${luaString(domain)}`,
    `  authentication = ${luaString(access.provider)}`,
    web,
    ...(access.include ? [`  Include ${luaString(access.include)}`] : []),
    '',
    '---------- Guests: anonymous login; they join meetings a logged-in host started ----------',
    `VirtualHost ${luaString(guestDomainOf(domain, 'login'))}`,
    '  authentication = "anonymous"',
    web,
  ];
}

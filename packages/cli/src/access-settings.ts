// `parley start --auth ...` (issue 11): what each part of the stack gets from the access settings.
// Kept here so start.ts only wires: Prosody's VirtualHosts, the focus's policy, config.js, the ready line.
import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from '@parley/service';
import { guestDomainOf, type ProsodyAccess } from '@parley/xmpp-config';
import type { FocusAccessConfig } from '@parley/focus';
import type { Secrets } from './secrets.js';
import type { StartConfig } from './start-config.js';

export type AccessConfig = Pick<
  StartConfig,
  'auth' | 'tokenPublicKey' | 'tokenAudience' | 'tokenIssuer' | 'loginProvider' | 'loginInclude' | 'domain'
>;

export function prosodyAccess(c: AccessConfig): ProsodyAccess {
  if (c.loginInclude && !isAbsolute(c.loginInclude))
    throw new ConfigError(`--login-include: "${c.loginInclude}" is not an absolute path`);
  return {
    mode: c.auth,
    provider: c.loginProvider,
    ...(c.loginInclude ? { include: resolve(c.loginInclude) } : {}),
  };
}

export function focusAccess(c: AccessConfig, secrets: Pick<Secrets, 'tokenSecret'>): FocusAccessConfig {
  return {
    auth: c.auth,
    tokenSecret: secrets.tokenSecret,
    tokenPublicKey: c.tokenPublicKey ? resolve(c.tokenPublicKey) : '',
    tokenAudience: c.tokenAudience,
    tokenIssuer: c.tokenIssuer,
  };
}

/** config.js additions: the mode, and where guests log in anonymously. */
export function webAccess(c: AccessConfig): { auth: StartConfig['auth']; anonymousDomain: string } {
  return { auth: c.auth, anonymousDomain: guestDomainOf(c.domain, c.auth) };
}

/** Lines for the ready text: what the operator does next in each mode. */
export function accessLines(c: Pick<AccessConfig, 'auth' | 'domain'>): string[] {
  if (c.auth === 'login')
    return [
      `  Access:       only logged-in users start meetings (accounts on ${c.domain}; guests join on ${guestDomainOf(c.domain, 'login')})`,
      '                add one with: node packages/cli/dist/main.js user add NAME (same --data-dir and --domain)',
    ];
  if (c.auth === 'token')
    return [
      '  Access:       an invite token is needed to join (rooms are members-only)',
      '                mint a link with: node packages/cli/dist/main.js token --room ROOM --name NAME [--moderator]',
    ];
  return [];
}

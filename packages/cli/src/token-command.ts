// `parley token --room R --name N [--moderator] [--ttl 1h]`: mints an invite token (access mode
// "token") with the data dir's secret (HS256), or an RS256 private key, and prints the invite link.
import { readFileSync } from 'node:fs';
import { mintToken, type MintOptions } from '@parley/focus';
import { ConfigError, field, type ConfigOf } from '@parley/service';

export const tokenSpec = {
  room: field.string({
    describe: 'the meeting the token opens ("*": every meeting)',
    flag: 'room',
    required: true,
    pattern: /^(\*|[a-z0-9_-]{1,64})$/i,
    hint: 'a room name (letters, digits, - and _) or *',
  }),
  name: field.string({ describe: "the holder's display name", flag: 'name', default: '' }),
  moderator: field.bool({ describe: 'the holder is a moderator', flag: 'moderator', default: false }),
  ttl: field.string({
    describe: 'how long the token is valid (e.g. 30m, 1h, 7d, or seconds)',
    flag: 'ttl',
    default: '1h',
    pattern: /^\d+[smhd]?$/,
    hint: 'a duration like 30m, 1h or 7d',
  }),
  privateKey: field.string({
    describe: 'PEM file of the RSA private key (PKCS#8) when the stack checks RS256 tokens (--token-public-key)',
    flag: 'private-key',
    default: '',
  }),
};

export type TokenCommandConfig = ConfigOf<typeof tokenSpec>;

export function ttlSeconds(ttl: string): number {
  const m = /^(\d+)([smhd]?)$/.exec(ttl);
  if (!m) throw new ConfigError(`--ttl: "${ttl}" is not a duration like 30m, 1h or 7d`);
  const n = Number(m[1]) * { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
  if (n < 1 || n > 366 * 86400) throw new ConfigError(`--ttl: "${ttl}" must be between 1 s and a year`);
  return n;
}

export async function mintInvite(
  t: TokenCommandConfig,
  access: { tokenSecret: string; tokenPublicKey: string; tokenAudience: string; tokenIssuer: string },
): Promise<string> {
  let key: MintOptions['key'];
  if (access.tokenPublicKey || t.privateKey) {
    if (!t.privateKey)
      throw new ConfigError(
        '--private-key: the stack checks RS256 tokens (--token-public-key); sign with the private key',
      );
    key = { alg: 'RS256', privateKeyPem: readFileSync(t.privateKey, 'utf8') };
  } else {
    key = { alg: 'HS256', secret: access.tokenSecret };
  }
  return mintToken({
    room: t.room,
    displayName: t.name || undefined,
    moderator: t.moderator,
    ttlSeconds: ttlSeconds(t.ttl),
    audience: access.tokenAudience,
    issuer: access.tokenIssuer,
    key,
  });
}

/** `<base><room>?jwt=<token>`; for room "*" the link names no room (add one before sending it). */
export function inviteLink(base: string, room: string, token: string): string {
  const b = base.replace(/\/?$/, '/');
  return `${b}${room === '*' ? 'ROOM' : encodeURIComponent(room)}?jwt=${token}`;
}

// The focus's access settings (issue 11), read with the rest of its config: flags, PARLEY_* env.
// A separate spec so the base FocusConfig stays as it was for callers that build it in code.
import { readFileSync } from 'node:fs';
import { field, type ConfigOf } from '@parley/service';
import { createAccessPolicy, type AccessPolicy } from './access-policy.js';
import { createTokenVerifier } from './token.js';

export const focusAccessSpec = {
  auth: field.oneOf(['none', 'login', 'token'] as const, {
    describe:
      'who may start or join meetings: none (anonymous guests), login (only logged-in users start meetings; guests join on guest.<domain>), token (an invite token is needed)',
    flag: 'auth',
    env: 'PARLEY_AUTH',
    default: 'none',
  }),
  tokenSecret: field.string({
    describe: 'HS256 secret that signs invite tokens, with --auth token (generated at setup)',
    env: 'PARLEY_TOKEN_SECRET',
    default: '',
    pattern: /^.{32,}$/,
    hint: 'at least 32 characters',
  }),
  tokenPublicKey: field.string({
    describe: 'PEM file of the RSA public key that checks RS256 invite tokens (instead of the HS256 secret)',
    flag: 'token-public-key',
    env: 'PARLEY_TOKEN_PUBLIC_KEY',
    default: '',
  }),
  tokenAudience: field.string({
    describe: 'the aud claim invite tokens must carry',
    flag: 'token-audience',
    env: 'PARLEY_TOKEN_AUDIENCE',
    default: 'parley',
  }),
  tokenIssuer: field.string({
    describe: 'the iss claim invite tokens must carry',
    flag: 'token-issuer',
    env: 'PARLEY_TOKEN_ISSUER',
    default: 'parley',
  }),
};

export type FocusAccessConfig = ConfigOf<typeof focusAccessSpec>;

/** The policy for these settings; a token mode without a key is an error naming the settings. */
export function accessPolicyFromConfig(domain: string, c: Partial<FocusAccessConfig>): AccessPolicy {
  const mode = c.auth ?? 'none';
  if (mode === 'none') return createAccessPolicy({ mode });
  if (mode === 'login') return createAccessPolicy({ mode, domain });
  const audience = c.tokenAudience || 'parley';
  const issuer = c.tokenIssuer || 'parley';
  if (c.tokenPublicKey) {
    let pem: string;
    try {
      pem = readFileSync(c.tokenPublicKey, 'utf8');
    } catch (err) {
      throw new Error(`PARLEY_TOKEN_PUBLIC_KEY: cannot read ${c.tokenPublicKey}: ${(err as Error).message}`);
    }
    return createAccessPolicy({
      mode,
      verifier: createTokenVerifier({ key: { alg: 'RS256', publicKeyPem: pem }, audience, issuer }),
    });
  }
  if (!c.tokenSecret)
    throw new Error('auth "token" needs PARLEY_TOKEN_SECRET (HS256) or PARLEY_TOKEN_PUBLIC_KEY (RS256)');
  return createAccessPolicy({
    mode,
    verifier: createTokenVerifier({ key: { alg: 'HS256', secret: c.tokenSecret }, audience, issuer }),
  });
}

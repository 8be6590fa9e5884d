// Secrets are generated once per data dir and reused: restarting keeps the same component
// secret and account passwords. Nothing secret has a default in code.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Secrets {
  focusComponentSecret: string;
  focusAccountPassword: string;
  bridgeAccountPassword: string;
  /** coturn's static-auth-secret (TURN REST API): Prosody signs short-lived credentials with it (XEP-0215). */
  turnSecret: string;
  /** HS256 key of invite tokens (--auth token): the focus checks them, `parley token` signs them. */
  tokenSecret: string;
  /** HMAC key of webhook requests (X-Parley-Signature): receivers check it (docs/api.md). */
  webhookSecret: string;
  /** Bearer token of the focus's HTTP API (/api/ on the focus port; docs/api.md). */
  adminToken: string;
}

const KEYS: (keyof Secrets)[] = ['focusComponentSecret', 'focusAccountPassword', 'bridgeAccountPassword'];
/** Added later: generated and written into an existing secrets.json that lacks them. */
const LATER_KEYS: (keyof Secrets)[] = ['turnSecret', 'tokenSecret', 'webhookSecret', 'adminToken'];
/** tokenSecret is an HS256 key: 32 random bytes (256 bits), like the hash. */
const bytesOf = (k: keyof Secrets) => (k === 'tokenSecret' ? 32 : 24);

export function loadOrCreateSecrets(dataDir: string): { secrets: Secrets; created: boolean; path: string } {
  const path = join(dataDir, 'secrets.json');
  if (existsSync(path)) {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      throw new Error(`${path} is not valid JSON (${(err as Error).message}); move it away to generate new secrets`);
    }
    for (const k of KEYS) {
      if (typeof parsed[k] !== 'string' || (parsed[k] as string).length < 16)
        throw new Error(`${path}: "${k}" is missing or shorter than 16 characters`);
    }
    const missing = LATER_KEYS.filter(
      (k) => typeof parsed[k] !== 'string' || (parsed[k] as string).length < (k === 'tokenSecret' ? 32 : 16),
    );
    if (missing.length) {
      for (const k of missing) parsed[k] = randomBytes(bytesOf(k)).toString('base64url');
      writeFileSync(path, JSON.stringify(parsed, null, 2) + '\n', { mode: 0o600 });
    }
    return { secrets: parsed as unknown as Secrets, created: false, path };
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secrets = Object.fromEntries(
    [...KEYS, ...LATER_KEYS].map((k) => [k, randomBytes(bytesOf(k)).toString('base64url')]),
  ) as unknown as Secrets;
  writeFileSync(path, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600 });
  return { secrets, created: true, path };
}

// Invite tokens (access mode "token", like Jitsi's JWT): a signed JWT whose holder may join one room
// (or every room, room "*"). HS256 with a secret generated at setup, or RS256 with the public key of
// whoever signs them. Claims, in Jitsi's shape: room, exp, nbf, aud, iss, context.user.name, and
// moderator (top level or context.user.moderator). Verification is jose's; the checks it cannot make
// (room, the moderator claim) are here.
import { createPrivateKey, createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { accessRefusalText, type AccessRefusal } from '@parley/protocol';

export type TokenKey = { alg: 'HS256'; secret: string } | { alg: 'RS256'; publicKeyPem: string };

export interface TokenSettings {
  key: TokenKey;
  /** The aud claim a token must carry. */
  audience: string;
  /** The iss claim a token must carry. */
  issuer: string;
  /** Clock skew allowed for exp and nbf, in seconds. */
  clockToleranceS?: number;
}

/** What a valid token grants. */
export interface TokenGrant {
  /** The room claim: a room name, or "*" for every room. */
  room: string;
  moderator: boolean;
  displayName?: string;
  /** Seconds since the epoch. */
  expiresAt?: number;
}

/** A token that does not let its holder in: the reason is one of the access refusals. */
export class TokenRefused extends Error {
  constructor(
    readonly reason: AccessRefusal,
    sentence: string,
  ) {
    super(accessRefusalText(reason, sentence));
    this.name = 'TokenRefused';
  }
}

export interface TokenVerifier {
  /** Resolves with the grant for `roomName` (the local part of the room JID), or throws TokenRefused. */
  verify(token: string | undefined, roomName: string): Promise<TokenGrant>;
}

function verificationKey(key: TokenKey): KeyObject {
  if (key.alg === 'HS256') {
    if (key.secret.length < 32) throw new Error('token secret: at least 32 characters (HS256 needs 256 bits)');
    return createSecretKey(Buffer.from(key.secret, 'utf8'));
  }
  const k = createPublicKey(key.publicKeyPem);
  if (k.asymmetricKeyType !== 'rsa')
    throw new Error(`token public key: an RSA key is needed, not ${k.asymmetricKeyType}`);
  return k;
}

const truthy = (v: unknown) => v === true || v === 'true';

/** Reads Jitsi's claims out of a verified payload. */
export function grantOf(payload: JWTPayload): TokenGrant {
  const room = payload.room;
  if (typeof room !== 'string' || room === '')
    throw new TokenRefused('token-invalid', 'the invitation has no room in it');
  const context = (payload.context ?? {}) as { user?: { name?: unknown; moderator?: unknown } };
  const user = typeof context === 'object' && context.user && typeof context.user === 'object' ? context.user : {};
  const grant: TokenGrant = { room, moderator: truthy(payload.moderator) || truthy(user.moderator) };
  if (typeof user.name === 'string' && user.name.trim()) grant.displayName = user.name.trim().slice(0, 64);
  if (typeof payload.exp === 'number') grant.expiresAt = payload.exp;
  return grant;
}

export function createTokenVerifier(settings: TokenSettings): TokenVerifier {
  const key = verificationKey(settings.key);
  const options = {
    algorithms: [settings.key.alg],
    audience: settings.audience,
    issuer: settings.issuer,
    clockTolerance: settings.clockToleranceS ?? 30,
  };
  return {
    async verify(token, roomName) {
      if (!token) throw new TokenRefused('token-missing', 'this meeting needs an invitation link with a token');
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, key, options));
      } catch (err) {
        throw refusalFor(err);
      }
      const grant = grantOf(payload);
      if (grant.room !== '*' && grant.room.toLowerCase() !== roomName.toLowerCase())
        throw new TokenRefused('token-wrong-room', `the invitation is for the meeting "${grant.room}", not this one`);
      return grant;
    },
  };
}

function refusalFor(err: unknown): TokenRefused {
  if (err instanceof errors.JWTExpired) return new TokenRefused('token-expired', 'the invitation has expired');
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'nbf') return new TokenRefused('token-not-yet-valid', 'the invitation is not valid yet');
    return new TokenRefused('token-invalid', `the invitation is not for this server (claim ${err.claim})`);
  }
  if (err instanceof errors.JWSSignatureVerificationFailed)
    return new TokenRefused('token-invalid', 'the invitation is not signed by this server');
  if (err instanceof errors.JOSEAlgNotAllowed)
    return new TokenRefused('token-invalid', 'the invitation is signed with an algorithm this server does not accept');
  return new TokenRefused('token-invalid', 'the invitation is not a valid token');
}

export interface MintOptions {
  room: string;
  displayName?: string;
  moderator?: boolean;
  ttlSeconds: number;
  audience: string;
  issuer: string;
  /** HS256 secret, or an RS256 private key (PKCS#8 PEM). */
  key: { alg: 'HS256'; secret: string } | { alg: 'RS256'; privateKeyPem: string };
  /** Seconds since the epoch; default now. */
  now?: number;
}

/** Signs an invite token (what `parley token` prints in the link). */
export async function mintToken(o: MintOptions): Promise<string> {
  const now = o.now ?? Math.floor(Date.now() / 1000);
  const user: Record<string, unknown> = {};
  if (o.displayName) user.name = o.displayName;
  if (o.moderator) user.moderator = true;
  const jwt = new SignJWT({ room: o.room, moderator: !!o.moderator, context: { user } })
    .setProtectedHeader({ alg: o.key.alg, typ: 'JWT' })
    .setAudience(o.audience)
    .setIssuer(o.issuer)
    .setIssuedAt(now)
    .setNotBefore(now - 5)
    .setExpirationTime(now + o.ttlSeconds);
  if (o.key.alg === 'HS256') return jwt.sign(createSecretKey(Buffer.from(o.key.secret, 'utf8')));
  return jwt.sign(createPrivateKey(o.key.privateKeyPem));
}

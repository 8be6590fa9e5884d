// Invite links for the focus's HTTP API (POST /api/invites), minted the way `parley token` does:
// with --auth token a signed link (HS256 with the data dir's tokenSecret), otherwise the room's URL.
import { ApiError, mintToken, type InviteRequest } from '@parley/focus';
import type { AccessConfig } from './access-settings.js';
import { inviteLink } from './token-command.js';

/** `base()`: the public URL people open (known once the web server runs). */
export function inviteMinter(
  access: Pick<AccessConfig, 'auth' | 'tokenPublicKey' | 'tokenAudience' | 'tokenIssuer'>,
  tokenSecret: string,
  base: () => string,
): (r: InviteRequest) => Promise<{ url: string; expiresAt?: string }> {
  return async (r) => {
    if (access.auth !== 'token') return { url: inviteLink(base(), r.room, '').replace(/\?jwt=$/, '') };
    if (access.tokenPublicKey)
      throw new ApiError(
        409,
        'no-signing-key',
        'this stack checks RS256 tokens: mint links with `parley token --private-key <pem>`',
      );
    const token = await mintToken({
      room: r.room,
      moderator: r.moderator,
      ttlSeconds: r.ttlSeconds,
      audience: access.tokenAudience,
      issuer: access.tokenIssuer,
      key: { alg: 'HS256', secret: tokenSecret },
    });
    return {
      url: inviteLink(base(), r.room, token),
      expiresAt: new Date(Date.now() + r.ttlSeconds * 1000).toISOString(),
    };
  };
}

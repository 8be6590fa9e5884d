// Access (issue 11), the pure part: the invite link's token, the name it carries, and which focus
// refusal an error is. No DOM: unit-tested in Node.
import { parseAccessRefusal, type AccessRefusal } from '@parley/protocol';

/** The `jwt` parameter of the page's query string (Jitsi's invite-link shape). */
export function inviteToken(search: string | undefined): string | undefined {
  if (!search) return undefined;
  const t = new URLSearchParams(search).get('jwt')?.trim();
  return t && /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(t) ? t : undefined;
}

/** context.user.name from the token, to fill in the name field (not trusted: the focus checks the token). */
export function tokenDisplayName(token: string | undefined): string | undefined {
  const payload = token?.split('.')[1];
  if (!payload) return undefined;
  try {
    const b64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const json = new TextDecoder().decode(Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0)));
    const name = (JSON.parse(json) as { context?: { user?: { name?: unknown } } }).context?.user?.name;
    return typeof name === 'string' && name.trim() ? name.trim().slice(0, 64) : undefined;
  } catch {
    return undefined;
  }
}

/** The focus's access refusal carried by an error (an @xmpp StanzaError or our wrapped Error), if any. */
export function refusalOf(err: unknown): AccessRefusal | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { access?: unknown; text?: unknown; message?: unknown };
  if (typeof e.access === 'string') return parseAccessRefusal(`[${e.access}]`);
  return (
    parseAccessRefusal(typeof e.text === 'string' ? e.text : undefined) ?? parseAccessRefusal(String(e.message ?? ''))
  );
}

/** A SASL failure for a wrong user name or password (RFC 6120 not-authorized). */
export function isBadCredentials(err: unknown): boolean {
  const e = err as { condition?: unknown; message?: unknown } | null;
  return e?.condition === 'not-authorized' || /not-authorized/.test(String(e?.message ?? ''));
}

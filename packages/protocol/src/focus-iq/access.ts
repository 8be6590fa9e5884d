// Access to a conference (issue 11): the conference-request properties a client may send and the
// refusals the focus answers with. A refusal is an XMPP error whose <text> reads well on its own and
// ends with a tag, e.g. "the meeting has not started: the host must log in [host-must-log-in]", so
// the client can show the matching screen in the user's language.

/** `<property name="token" value="<JWT>"/>`: the invite link's token (access mode "token"). */
export const TOKEN_PROPERTY = 'token';

export const ACCESS_REFUSALS = [
  /** Access mode "login": only a logged-in user may start the meeting (condition not-authorized). */
  'host-must-log-in',
  /** Access mode "token": no token came with the request (not-authorized). */
  'token-missing',
  /** The token's signature, algorithm, audience or issuer is wrong, or it is not a JWT (forbidden). */
  'token-invalid',
  /** The token's exp is past (forbidden). */
  'token-expired',
  /** The token's nbf is in the future (forbidden). */
  'token-not-yet-valid',
  /** The token's room claim names another room (forbidden). */
  'token-wrong-room',
] as const;

export type AccessRefusal = (typeof ACCESS_REFUSALS)[number];

/** The stanza error condition each refusal is sent with. */
export function accessRefusalCondition(reason: AccessRefusal): 'not-authorized' | 'forbidden' {
  return reason === 'host-must-log-in' || reason === 'token-missing' ? 'not-authorized' : 'forbidden';
}

/** "<sentence> [<reason>]" */
export function accessRefusalText(reason: AccessRefusal, sentence: string): string {
  return `${sentence} [${reason}]`;
}

/** The refusal tag at the end of an error text, if it is one of ours. */
export function parseAccessRefusal(text: string | undefined): AccessRefusal | undefined {
  const m = /\[([a-z-]+)\]\s*$/.exec(text ?? '');
  return m && (ACCESS_REFUSALS as readonly string[]).includes(m[1]) ? (m[1] as AccessRefusal) : undefined;
}

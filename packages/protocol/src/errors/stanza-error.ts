// XMPP stanza errors (RFC 6120 section 8.3): build, parse, and map thrown errors to them.
import { xml, type Element } from '../xml/element.js';
import { ProtocolError, type StanzaErrorCondition } from './protocol-error.js';

export const STANZAS_NS = 'urn:ietf:params:xml:ns:xmpp-stanzas';
export type StanzaErrorType = 'auth' | 'cancel' | 'continue' | 'modify' | 'wait';

/** RFC 6120 section 8.3.3: the usual type of each defined condition. */
export const DEFAULT_ERROR_TYPE: Record<string, StanzaErrorType> = {
  'bad-request': 'modify',
  conflict: 'cancel',
  'feature-not-implemented': 'cancel',
  forbidden: 'auth',
  gone: 'cancel',
  'internal-server-error': 'cancel',
  'item-not-found': 'cancel',
  'jid-malformed': 'modify',
  'not-acceptable': 'modify',
  'not-allowed': 'cancel',
  'not-authorized': 'auth',
  'policy-violation': 'modify',
  'recipient-unavailable': 'wait',
  redirect: 'modify',
  'registration-required': 'auth',
  'remote-server-not-found': 'cancel',
  'remote-server-timeout': 'wait',
  'resource-constraint': 'wait',
  'service-unavailable': 'cancel',
  'subscription-required': 'auth',
  'undefined-condition': 'cancel',
  'unexpected-request': 'wait',
};

export interface StanzaError {
  type: StanzaErrorType;
  condition: string;
  text?: string;
}

export function stanzaErrorElement(
  condition: StanzaErrorCondition | string,
  text?: string,
  type?: StanzaErrorType,
): Element {
  return xml(
    'error',
    { type: type ?? DEFAULT_ERROR_TYPE[condition] ?? 'cancel' },
    xml(condition, { xmlns: STANZAS_NS }),
    text !== undefined && text !== '' && xml('text', { xmlns: STANZAS_NS }, text),
  );
}

/** The error reply to an IQ request: from/to swapped, same id, type="error", just the `<error>`. */
export function errorIq(
  requestIq: Element,
  condition: StanzaErrorCondition | string,
  text?: string,
  type?: StanzaErrorType,
): Element {
  const { from, to, id } = requestIq.attrs as Record<string, string | undefined>;
  return xml('iq', { type: 'error', id, from: to, to: from }, stanzaErrorElement(condition, text, type));
}

/** Reads the `<error>` of an error stanza (or the `<error>` element itself); undefined if none. */
export function parseStanzaError(stanza: Element): StanzaError | undefined {
  const err = stanza.name === 'error' ? stanza : stanza.getChild('error');
  if (!err) return undefined;
  let condition = 'undefined-condition';
  let text: string | undefined;
  for (const c of err.children) {
    if (typeof c === 'string') continue;
    if (c.getNS() !== STANZAS_NS) continue;
    if (c.name === 'text') text = c.getText();
    else condition = c.name;
  }
  const t = err.attrs.type;
  const type: StanzaErrorType =
    t === 'auth' || t === 'cancel' || t === 'continue' || t === 'modify' || t === 'wait'
      ? t
      : (DEFAULT_ERROR_TYPE[condition] ?? 'cancel');
  return text === undefined ? { type, condition } : { type, condition, text };
}

/** Maps anything thrown to a stanza error: a ProtocolError keeps its condition and message;
 *  anything else becomes internal-server-error with a generic text (no internals leak). */
export function toStanzaError(err: unknown): StanzaError {
  if (err instanceof ProtocolError) {
    return { type: DEFAULT_ERROR_TYPE[err.condition] ?? 'cancel', condition: err.condition, text: err.message };
  }
  return { type: 'cancel', condition: 'internal-server-error', text: 'internal error' };
}

/** Convenience: errorIq(request, ...toStanzaError(err)). */
export function errorIqFor(requestIq: Element, err: unknown): Element {
  const e = toStanzaError(err);
  return errorIq(requestIq, e.condition, e.text, e.type);
}

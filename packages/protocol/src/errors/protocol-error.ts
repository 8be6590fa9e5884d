/**
 * A malformed or unacceptable protocol input. `condition` is the XMPP stanza error condition
 * (RFC 6120 section 8.3.3) that best reports it; `message` names what is wrong, for people.
 */
export type StanzaErrorCondition =
  | 'bad-request'
  | 'conflict'
  | 'feature-not-implemented'
  | 'forbidden'
  | 'item-not-found'
  | 'internal-server-error'
  | 'not-acceptable'
  | 'not-allowed'
  | 'not-authorized'
  | 'resource-constraint'
  | 'service-unavailable'
  | 'unexpected-request'
  | 'undefined-condition';

export class ProtocolError extends Error {
  constructor(
    message: string,
    readonly condition: StanzaErrorCondition = 'bad-request',
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}

// Who may start or join a conference, decided where the conference request lands (the focus).
//  - "none": everyone (anonymous guests; the first participant becomes moderator).
//  - "login" (Jitsi's secure domain): a room that does not exist yet is created only for a user
//    logged in on the main domain; guests (guest.<domain>) join once it runs. Logged-in users are
//    moderators.
//  - "token": every request carries an invite token (property "token") valid for the room; the room
//    is members-only and the focus adds the holder's JID as a member before answering.
import { accessRefusalCondition, accessRefusalText, bareJid, ProtocolError, splitJid } from '@parley/protocol';
import { TokenRefused, type TokenGrant, type TokenVerifier } from './token.js';

export type AccessMode = 'none' | 'login' | 'token';

export interface AccessRequest {
  /** Bare room JID, lower case. */
  room: string;
  /** The requester's full real JID (the IQ's from). */
  from: string;
  properties: Record<string, string>;
  /** A conference for the room runs already. */
  roomExists: boolean;
}

/** What the focus does for an admitted requester once the conference is ready. */
export interface Admission {
  /** The room must be members-only (token mode). */
  membersOnly: boolean;
  /** Bare JID to add as member before answering. */
  member?: string;
  /** The requester's real JID is moderator on joining. */
  moderator: boolean;
}

export interface AccessPolicy {
  readonly mode: AccessMode;
  /** Throws a ProtocolError (with an access refusal text) when the requester may not in. */
  admit(req: AccessRequest): Promise<Admission>;
}

const OPEN: Admission = { membersOnly: false, moderator: false };

function refuse(err: TokenRefused): ProtocolError {
  return new ProtocolError(err.message, accessRefusalCondition(err.reason));
}

export function createAccessPolicy(
  o: { mode: 'none' } | { mode: 'login'; domain: string } | { mode: 'token'; verifier: TokenVerifier },
): AccessPolicy {
  if (o.mode === 'none') return { mode: 'none', admit: async () => OPEN };
  if (o.mode === 'login') {
    return {
      mode: 'login',
      async admit(req) {
        const loggedIn = splitJid(req.from).domain === o.domain && !!splitJid(req.from).local;
        if (!loggedIn && !req.roomExists)
          throw new ProtocolError(
            accessRefusalText('host-must-log-in', 'the meeting has not started: the host must log in'),
            'not-authorized',
          );
        return { membersOnly: false, moderator: loggedIn };
      },
    };
  }
  return {
    mode: 'token',
    async admit(req) {
      let grant: TokenGrant;
      try {
        grant = await o.verifier.verify(req.properties.token, splitJid(req.room).local ?? '');
      } catch (err) {
        if (err instanceof TokenRefused) throw refuse(err);
        throw err;
      }
      return { membersOnly: true, member: bareJid(req.from), moderator: grant.moderator };
    },
  };
}

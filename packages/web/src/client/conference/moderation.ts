// Moderation: asking the focus to mute a participant or everyone, to make someone a moderator, to
// end the meeting for everyone; removing a participant from the room (MUC role 'none', which
// Prosody allows a moderator for non-moderators only); and obeying the focus: a moderator's mute,
// our moderator key (kept per room in sessionStorage, presented again after a reload), and the
// end of the meeting.
import {
  FOCUS_MODERATION_NS,
  MODERATOR_KEY_PROPERTY,
  moderationRequestToXml,
  occupantJid,
  parseMeetingEnded,
  parseModeratorKey,
  setRoleIq,
  xml,
  type Element,
  type ModerationRequest,
  MUTE_AUDIO_NS,
  MUTE_VIDEO_NS,
} from '@parley/protocol';
import type { ConferenceContext } from './context.js';
import { errorDetail } from './errors.js';
import type { ConferenceActions } from './types.js';
import type { XmppConnection } from './xmpp-connection.js';

export type ModerationActions = Pick<
  ConferenceActions,
  'muteParticipant' | 'kickParticipant' | 'grantModerator' | 'muteEveryone' | 'endMeetingForEveryone'
>;

export interface Moderation {
  /** The store's moderation actions. */
  actions: ModerationActions;
  /** The focus relays a moderator's mute request to us (run on the queue). */
  onRemoteMute(): void;
  /** Properties for our conference request: the moderator key of this room, when we hold one. */
  conferenceProperties(): Record<string, string>;
  /** Handles the focus's moderation IQs on a new connection: video mute, moderator key, meeting ended. */
  focusIqs(x: XmppConnection, fromFocus: (iq: Element) => boolean): void;
}

/** What moderation needs from the others: the connection (signaling) and muting (local tracks). */
export interface ModerationLink {
  connection(): XmppConnection | undefined;
  muteAudio(muted: boolean): void;
  muteVideo(muted: boolean): void;
}

export function createModeration(c: ConferenceContext, link: ModerationLink): Moderation {
  const { env, config, roomJid } = c;
  const keyName = `parley.moderatorKey.${roomJid}`;

  function ask(r: ModerationRequest): void {
    link
      .connection()
      ?.request(xml('iq', { type: 'set', to: config.focusJid }, moderationRequestToXml(r)), 10_000)
      .catch((err: unknown) => env.log(`${r.action}.failed`, { error: errorDetail(err) }));
  }

  function storedKey(): string | undefined {
    try {
      return env.session?.getItem(keyName) ?? undefined;
    } catch {
      return undefined;
    }
  }

  function storeKey(key: string | undefined): void {
    try {
      if (key) env.session?.setItem(keyName, key);
      else env.session?.removeItem(keyName);
    } catch {
      // storage denied (private mode): the role is simply not restored after a reload
    }
  }

  const actions: ModerationActions = {
    muteParticipant(id) {
      link
        .connection()
        ?.request(
          xml(
            'iq',
            { type: 'set', to: config.focusJid },
            xml('mute', { xmlns: MUTE_AUDIO_NS, jid: occupantJid(roomJid, id) }, 'true'),
          ),
          10_000,
        )
        .catch((err: unknown) => env.log('mute.failed', { id, error: errorDetail(err) }));
    },

    kickParticipant(id) {
      link
        .connection()
        ?.request(setRoleIq(roomJid, id, 'none'), 10_000)
        .catch((err: unknown) => env.log('kick.failed', { id, error: errorDetail(err) }));
    },

    grantModerator: (id) => ask({ action: 'grant-moderator', room: roomJid, nick: id }),
    muteEveryone: (media) => ask({ action: 'mute-all', room: roomJid, media }),
    endMeetingForEveryone: () => ask({ action: 'end-meeting', room: roomJid }),
  };

  return {
    actions,

    onRemoteMute() {
      link.muteAudio(true);
    },

    conferenceProperties() {
      const key = storedKey();
      const properties: Record<string, string> = {};
      if (key) properties[MODERATOR_KEY_PROPERTY] = key;
      return properties;
    },

    focusIqs(x, fromFocus) {
      x.onIqSet(MUTE_VIDEO_NS, 'mute', async (iq, payload) => {
        if (!fromFocus(iq)) return false;
        if (payload.getText().trim() === 'true') await c.queue.run('remote video mute', () => link.muteVideo(true));
        return true;
      });
      x.onIqSet(FOCUS_MODERATION_NS, 'moderator-key', async (iq, payload) => {
        if (!fromFocus(iq)) return false;
        try {
          const notice = parseModeratorKey(payload);
          if (notice.room !== roomJid) return { error: 'item-not-found', text: `not in ${notice.room}` };
          storeKey(notice.key);
        } catch (err) {
          return { error: 'bad-request', text: errorDetail(err) };
        }
        return true;
      });
      x.onIqSet(FOCUS_MODERATION_NS, 'meeting-ended', async (iq, payload) => {
        if (!fromFocus(iq)) return false;
        try {
          if (parseMeetingEnded(payload).room !== roomJid) return { error: 'item-not-found' };
        } catch (err) {
          return { error: 'bad-request', text: errorDetail(err) };
        }
        storeKey(undefined); // the conference and its keys are gone
        // Answer first; the screen changes once the IQ result is on its way.
        setTimeout(() =>
          c.queue.post('meeting ended', () =>
            c.fail({ kind: 'meeting-ended', endedBy: 'moderator', detail: 'a moderator ended the meeting' }),
          ),
        );
        return true;
      });
    },
  };
}

// Moderation: asking the focus to mute a participant, removing one from the room (MUC role
// 'none'), and obeying the focus when a moderator mutes us.
import { occupantJid, setRoleIq, xml } from '@parley/protocol';
import { AUDIO_NS, type Conference } from './context.js';
import { errorDetail } from './errors.js';
import type { ConferenceActions } from './types.js';

export interface Moderation extends Pick<ConferenceActions, 'muteParticipant' | 'kickParticipant'> {
  /** The focus relays a moderator's mute request to us (run on the queue). */
  onRemoteMute(): void;
}

export function createModeration(c: Conference, setAudioMuted: (muted: boolean) => void): Moderation {
  const { env, config, roomJid } = c;
  return {
    muteParticipant(id) {
      if (!c.xmpp) return;
      c.xmpp
        .request(
          xml(
            'iq',
            { type: 'set', to: config.focusJid },
            xml('mute', { xmlns: AUDIO_NS, jid: occupantJid(roomJid, id) }, 'true'),
          ),
          10_000,
        )
        .catch((err: unknown) => env.log('mute.failed', { id, error: errorDetail(err) }));
    },

    kickParticipant(id) {
      if (!c.xmpp) return;
      c.xmpp
        .request(setRoleIq(roomJid, id, 'none'), 10_000)
        .catch((err: unknown) => env.log('kick.failed', { id, error: errorDetail(err) }));
    },

    onRemoteMute() {
      setAudioMuted(true);
    },
  };
}

// Recording (issue 17), the client's side: a moderator asks the focus to start or stop it with
// Jitsi's <jibri> IQ (the focus checks the role and refuses anyone else); everyone follows the
// state the focus publishes in its room presence (<jibri-recording-status>), newcomers included,
// and gets a notice in the chat when it starts or stops.
import {
  jibriRequestToXml,
  parseRecordingStatusPresence,
  xml,
  type Element,
  type RecordingStatusInfo,
} from '@parley/protocol';
import { t } from '../i18n/index.js';
import type { ConferenceContext } from './context.js';
import type { XmppConnection } from './xmpp-connection.js';
import { errorDetail } from './errors.js';
import { addChat, newChatId } from './room.js';
import type { ConferenceActions } from './types.js';

export interface Recording {
  actions: Pick<ConferenceActions, 'setRecording'>;
  /** A presence of the room's focus occupant (already checked to be the focus). */
  onFocusPresence(presence: Element): void;
}

/** The chat notice for a change of the recording state, or undefined when there is nothing to say. */
export function recordingNotice(s: RecordingStatusInfo, nameOf: (id: string) => string): string | undefined {
  if (s.status === 'on') return t('recording.started', { name: s.initiator ? nameOf(s.initiator) : '?' });
  if (s.failureReason === 'disk-full') return t('recording.stoppedDisk');
  if (s.failureReason) return t('recording.stoppedOther', { reason: s.failureReason });
  return t('recording.stopped', { name: s.initiator ? nameOf(s.initiator) : '?' });
}

/** The signaling connection of the moment (undefined while not connected). */
export function createRecording(c: ConferenceContext, connection: () => XmppConnection | undefined): Recording {
  const nameOf = (id: string) => c.state.participants[id]?.displayName ?? id;

  function notice(text: string): void {
    const message = {
      id: newChatId(),
      from: 'focus',
      displayName: t('recording.sender'),
      text,
      at: Date.now(),
      mine: false,
      notice: true,
    };
    c.set(addChat(c.state, { message, history: false }, c.state.chatOpen));
  }

  return {
    actions: {
      setRecording(on) {
        const x = connection();
        if (!x) return;
        const iq = xml(
          'iq',
          { type: 'set', to: c.config.focusJid },
          jibriRequestToXml({ action: on ? 'start' : 'stop', room: c.roomJid }),
        );
        x.request(iq, 15_000).catch((err: unknown) => {
          c.env.log('recording.failed', { error: errorDetail(err) });
          notice(t('recording.refused', { reason: errorDetail(err) }));
        });
      },
    },
    onFocusPresence(presence) {
      const s = parseRecordingStatusPresence(presence);
      if (!s) return;
      const was = c.state.recording?.on ?? false;
      const on = s.status === 'on';
      if (on === was && c.state.recording) return;
      c.set({ recording: { on, by: s.initiator, reason: s.failureReason } });
      // A newcomer to a room that recorded earlier sees no "stopped" notice: only changes it lived through.
      if (on || was) notice(recordingNotice(s, nameOf)!);
    },
  };
}

// Recording (issue 17), the client's side: a moderator asks the focus to start or stop it with
// Jitsi's <jibri> IQ (the focus checks the role and refuses anyone else); everyone follows the
// state the focus publishes in its room presence (<jibri-recording-status>), newcomers included,
// and gets a notice in the chat when it starts or stops. The live stream is the same with
// recording_mode="stream" (its RTMP address in `streamid`), plus "pending" while the bridge retries:
// its reason is shown as a notice too, so the moderator learns why the stream is not going out.
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
import type { ConferenceActions, ConferenceState } from './types.js';

export interface Recording {
  actions: Pick<ConferenceActions, 'setRecording' | 'setStreaming'>;
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

/** The chat notice for a change of the live stream's state (undefined: nothing worth saying). */
export function streamingNotice(
  s: RecordingStatusInfo,
  was: ConferenceState['streaming'],
  nameOf: (id: string) => string,
): string | undefined {
  const by = s.initiator ? nameOf(s.initiator) : '?';
  // "pending" without an error is a stream waiting for its first media: nothing went wrong yet.
  if (s.status === 'pending') return s.error ? t('stream.retrying', { error: s.error }) : undefined;
  if (s.status === 'on')
    return was?.status === 'pending' && was.error ? t('stream.resumed') : t('stream.started', { name: by });
  if (!was || was.status === 'off') return undefined;
  if (s.failureReason) return t('stream.failed', { error: s.error ?? s.failureReason });
  return t('stream.stopped', { name: by });
}

/** The signaling connection of the moment (undefined while not connected). */
export function createRecording(c: ConferenceContext, connection: () => XmppConnection | undefined): Recording {
  const nameOf = (id: string) => c.state.participants[id]?.displayName ?? id;

  function notice(text: string, sender = t('recording.sender')): void {
    const message = {
      id: newChatId(),
      from: 'focus',
      displayName: sender,
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
      setStreaming(on, url) {
        const x = connection();
        if (!x) return;
        const iq = xml(
          'iq',
          { type: 'set', to: c.config.focusJid },
          jibriRequestToXml({ action: on ? 'start' : 'stop', mode: 'stream', room: c.roomJid, streamUrl: url }),
        );
        x.request(iq, 15_000).catch((err: unknown) => {
          c.env.log('streaming.failed', { error: errorDetail(err) });
          notice(t('stream.refused', { reason: errorDetail(err) }), t('stream.sender'));
        });
      },
    },
    onFocusPresence(presence) {
      onStreamPresence(presence);
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

  function onStreamPresence(presence: Element): void {
    const s = parseRecordingStatusPresence(presence, 'stream');
    if (!s) return;
    const was = c.state.streaming;
    if (was && was.status === s.status && was.error === s.error) return;
    c.set({ streaming: { status: s.status, by: s.initiator, reason: s.failureReason, error: s.error } });
    const text = streamingNotice(s, was, nameOf);
    if (text) notice(text, t('stream.sender'));
  }
}

// A moderator's controls in the participants panel: mute everyone, stop everyone's video, end the
// meeting for everyone (after a confirmation), and "make moderator" on a participant's row. The
// focus checks every one of these requests; the buttons only appear for moderators.
import { useState } from 'preact/hooks';
import type { ConferenceActions, Participant } from '../conference/types';
import { t } from '../i18n';
import { ConfirmDialog } from './ConfirmDialog';

export function ModeratorBar({ actions }: { actions: ConferenceActions }) {
  const [confirmingEnd, setConfirmingEnd] = useState(false);
  return (
    <section class="moderator-bar" data-testid="moderator-bar" aria-label={t('moderation.title')}>
      <button
        type="button"
        class="small-button"
        data-testid="mute-everyone"
        onClick={() => actions.muteEveryone('audio')}
      >
        {t('moderation.muteAll')}
      </button>
      <button
        type="button"
        class="small-button"
        data-testid="stop-everyone-video"
        onClick={() => actions.muteEveryone('video')}
      >
        {t('moderation.stopAllVideo')}
      </button>
      <button
        type="button"
        class="small-button danger"
        data-testid="end-meeting"
        onClick={() => setConfirmingEnd(true)}
      >
        {t('moderation.endMeeting')}
      </button>
      {confirmingEnd && (
        <ConfirmDialog
          title={t('moderation.confirmEndTitle')}
          body={t('moderation.confirmEndBody')}
          confirmLabel={t('moderation.endMeeting')}
          confirmTestId="confirm-end-meeting"
          onCancel={() => setConfirmingEnd(false)}
          onConfirm={() => {
            setConfirmingEnd(false);
            actions.endMeetingForEveryone();
          }}
        />
      )}
    </section>
  );
}

/** "Make moderator" for a participant who is not one (another XMPP app's user has no media role to grant). */
export function GrantModeratorButton({
  participant,
  name,
  actions,
}: {
  participant: Participant;
  name: string;
  actions: ConferenceActions;
}) {
  if (participant.moderator || participant.external) return null;
  return (
    <button
      type="button"
      class="small-button"
      data-testid="participant-grant-moderator"
      aria-label={t('moderation.grantLabel', { name })}
      onClick={() => actions.grantModerator(participant.id)}
    >
      {t('moderation.grant')}
    </button>
  );
}

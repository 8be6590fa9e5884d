// A moderator's controls in the participants panel: mute everyone, stop everyone's video, end the
// meeting for everyone (after a confirmation), and "make moderator" on a participant's row. The
// focus checks every one of these requests; the buttons only appear for moderators.
import { useState } from 'preact/hooks';
import type { ConferenceActions, Participant } from '../conference/types';
import { t } from '../i18n';

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
        <div
          class="dialog-backdrop"
          onClick={() => setConfirmingEnd(false)}
          onKeyDown={(e) => e.key === 'Escape' && setConfirmingEnd(false)}
        >
          <div
            class="dialog"
            role="alertdialog"
            aria-modal="true"
            aria-labelledby="confirm-end-title"
            onClick={(e) => e.stopPropagation()}
          >
            <h3 id="confirm-end-title">{t('moderation.confirmEndTitle')}</h3>
            <p>{t('moderation.confirmEndBody')}</p>
            <div class="dialog-buttons">
              {/* biome-ignore lint/a11y/noAutofocus: the dialog's safe choice takes the focus, so Escape and Enter work */}
              <button type="button" class="button secondary" autoFocus onClick={() => setConfirmingEnd(false)}>
                {t('common.cancel')}
              </button>
              <button
                type="button"
                class="button danger"
                data-testid="confirm-end-meeting"
                onClick={() => {
                  setConfirmingEnd(false);
                  actions.endMeetingForEveryone();
                }}
              >
                {t('moderation.endMeeting')}
              </button>
            </div>
          </div>
        </div>
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

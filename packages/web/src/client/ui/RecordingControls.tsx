// Recording (issue 17): the "Recording" indicator everyone sees while the bridge records, and the
// moderator's Start/Stop button (in the moderator controls; the focus refuses anyone else anyway).
import type { ConferenceActions, ConferenceState } from '../conference/types';
import { t } from '../i18n';

export function RecordingIndicator({ state }: { state: ConferenceState }) {
  if (!state.recording?.on) return null;
  return (
    <div class="recording-indicator" role="status" data-testid="recording-indicator">
      <span class="recording-dot" aria-hidden="true" /> {t('recording.indicator')}
    </div>
  );
}

export function RecordingButton({ state, actions }: { state: ConferenceState; actions: ConferenceActions }) {
  const on = state.recording?.on ?? false;
  return (
    <button
      type="button"
      class={on ? 'small-button danger' : 'small-button'}
      data-testid="recording-toggle"
      aria-pressed={on}
      onClick={() => actions.setRecording(!on)}
    >
      {on ? t('recording.stop') : t('recording.start')}
    </button>
  );
}

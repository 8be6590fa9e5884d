// Recording (issue 17): the "Recording" and "Live" indicators everyone sees while the bridge records
// or streams, and the moderator's buttons (in the moderator controls; the focus refuses anyone else
// anyway). A live stream asks for its RTMP address first; the focus checks it against the
// operator's allow-list.
import { useState } from 'preact/hooks';
import type { ConferenceActions, ConferenceState } from '../conference/types';
import { t } from '../i18n';

export function RecordingIndicator({ state }: { state: ConferenceState }) {
  const live = state.streaming && state.streaming.status !== 'off';
  if (!state.recording?.on && !live) return null;
  return (
    <>
      {state.recording?.on && (
        <div class="recording-indicator" role="status" data-testid="recording-indicator">
          <span class="recording-dot" aria-hidden="true" /> {t('recording.indicator')}
        </div>
      )}
      {live && (
        <div
          class="recording-indicator"
          role="status"
          data-testid="streaming-indicator"
          data-status={state.streaming!.status}
          title={state.streaming!.error}
        >
          <span class="recording-dot" aria-hidden="true" /> {t('stream.indicator')}
          {state.streaming!.status === 'pending' ? ' …' : ''}
        </div>
      )}
    </>
  );
}

export function RecordingButton({ state, actions }: { state: ConferenceState; actions: ConferenceActions }) {
  const on = state.recording?.on ?? false;
  return (
    <>
      <button
        type="button"
        class={on ? 'small-button danger' : 'small-button'}
        data-testid="recording-toggle"
        aria-pressed={on}
        onClick={() => actions.setRecording(!on)}
      >
        {on ? t('recording.stop') : t('recording.start')}
      </button>
      <StreamingControl state={state} actions={actions} />
    </>
  );
}

function StreamingControl({ state, actions }: { state: ConferenceState; actions: ConferenceActions }) {
  const [asking, setAsking] = useState(false);
  const [url, setUrl] = useState('');
  const live = (state.streaming?.status ?? 'off') !== 'off';
  if (live)
    return (
      <button
        type="button"
        class="small-button danger"
        data-testid="streaming-toggle"
        aria-pressed="true"
        onClick={() => actions.setStreaming(false)}
      >
        {t('stream.stop')}
      </button>
    );
  if (!asking)
    return (
      <button type="button" class="small-button" data-testid="streaming-toggle" onClick={() => setAsking(true)}>
        {t('stream.start')}
      </button>
    );
  return (
    <form
      class="stream-form"
      onSubmit={(e) => {
        e.preventDefault();
        actions.setStreaming(true, url.trim());
        setAsking(false);
      }}
    >
      <label>
        {t('stream.address')}
        <input
          type="url"
          required
          pattern="rtmps?://.+"
          data-testid="streaming-url"
          value={url}
          onInput={(e) => setUrl((e.target as HTMLInputElement).value)}
        />
      </label>
      <button type="submit" class="small-button" data-testid="streaming-go">
        {t('stream.go')}
      </button>
    </form>
  );
}

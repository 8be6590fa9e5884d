// The knocker's wait: "asking to join…" with the name the moderators see, and a way out.
import type { ConferenceStore, ConferenceState } from '../conference/types';
import { t } from '../i18n';
import { Avatar } from './Avatar';

export function LobbyScreen({ store, state }: { store: ConferenceStore; state: ConferenceState }) {
  const name = state.displayName || t('common.guest');
  return (
    <div class="screen center" data-testid="lobby-screen" aria-busy="true">
      <div class="card">
        <Avatar id={name} name={name} />
        <h1 class="screen-title">{t('lobby.title')}</h1>
        <p data-testid="lobby-name">{t('lobby.as', { name })}</p>
        <p class="muted">{t('lobby.body')}</p>
        <div class="spinner" aria-hidden="true" />
        <div class="button-row">
          <button
            type="button"
            class="button secondary"
            data-testid="lobby-cancel"
            onClick={() => void store.actions.leave().catch(() => undefined)}
          >
            {t('lobby.cancel')}
          </button>
        </div>
      </div>
    </div>
  );
}

// Moderators' room access controls, at the top of the participants panel: the meeting password
// (set or remove), the lobby switch and who waits in the lobby (admit / deny). The focus checks
// every change; the section shows what the focus last said, and its refusal in its words.
import { useState } from 'preact/hooks';
import type { ConferenceActions, ConferenceState } from '../conference/types';
import { NO_ROOM_ACCESS } from '../conference/room-access-state';
import { t } from '../i18n';
import { Avatar } from './Avatar';

export function RoomAccessSection({ state, actions }: { state: ConferenceState; actions: ConferenceActions }) {
  const access = state.roomAccess ?? NO_ROOM_ACCESS;
  const [password, setPassword] = useState('');
  const submit = () => {
    if (!password) return;
    actions.setRoomPassword(password);
    setPassword('');
  };
  return (
    <section class="room-access" data-testid="room-access" aria-label={t('access.title')}>
      <h3 class="room-access-title">{t('access.title')}</h3>
      <div class="room-access-row">
        <span class="field-label">{t('access.password')}</span>
        {access.passwordSet ? (
          <div class="room-access-line">
            <span data-testid="room-password-status" data-set="true">
              {t('access.passwordSet')}
            </span>
            <button
              type="button"
              class="small-button danger"
              data-testid="room-password-clear"
              onClick={() => actions.setRoomPassword('')}
            >
              {t('access.clearPassword')}
            </button>
          </div>
        ) : (
          <div class="room-access-line">
            <input
              type="text"
              class="room-access-input"
              data-testid="room-password-input"
              value={password}
              maxLength={128}
              autoComplete="off"
              placeholder={t('access.passwordPlaceholder')}
              aria-label={t('access.password')}
              onInput={(e) => setPassword((e.currentTarget as HTMLInputElement).value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && !e.isComposing) submit();
              }}
            />
            <button
              type="button"
              class="small-button"
              data-testid="room-password-set"
              disabled={!password}
              onClick={submit}
            >
              {t('access.setPassword')}
            </button>
          </div>
        )}
      </div>
      <label class="switch room-access-row">
        <input
          type="checkbox"
          data-testid="lobby-toggle"
          checked={access.lobbyEnabled}
          onChange={(e) => actions.setLobbyEnabled((e.currentTarget as HTMLInputElement).checked)}
        />
        <span>{t('access.lobby')}</span>
      </label>
      {access.lobbyEnabled && <p class="muted small">{t('access.lobbyHint')}</p>}
      {access.actionError && (
        <p class="room-access-error" role="alert" data-testid="room-access-error">
          {t('access.refused', { reason: access.actionError })}
        </p>
      )}
      {access.knockers.length > 0 && (
        <>
          <h3 class="room-access-title">{t('access.waiting', { n: access.knockers.length })}</h3>
          <ul class="participant-list" data-testid="knocker-list">
            {access.knockers.map((k) => {
              const name = k.nick || t('common.guest');
              return (
                <li key={k.id} class="participant-row" data-testid="knocker-row" data-knocker={k.id}>
                  <Avatar id={k.id} name={name} />
                  <div class="participant-name">
                    <span class="name">{name}</span>
                  </div>
                  <div class="participant-actions">
                    <button
                      type="button"
                      class="small-button"
                      data-testid="knocker-admit"
                      aria-label={t('access.admitLabel', { name })}
                      onClick={() => actions.answerKnock(k.id, true)}
                    >
                      {t('access.admit')}
                    </button>
                    <button
                      type="button"
                      class="small-button danger"
                      data-testid="knocker-deny"
                      aria-label={t('access.denyLabel', { name })}
                      onClick={() => actions.answerKnock(k.id, false)}
                    >
                      {t('access.deny')}
                    </button>
                  </div>
                </li>
              );
            })}
          </ul>
        </>
      )}
    </section>
  );
}
